"""Every notebook in nbs/ is a test: its cells run top to bottom and its `test_*` calls must hold.

Cells marked `#| gpu` run only with `pytest --gpu` (on a machine with CUDA); `#| notest` and
`#| eval: false` cells never run. A cell that runs longer than FST_NB_SLOW_CELL seconds (default 30)
is named on the terminal while it runs (again at 2x, 4x, ... that time), and Ctrl-C stops the whole
suite (it is not a failed notebook). The runner is tools/nbrun.py, which also saves outputs for the docs.
"""
import os, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT/'tools'))
from nbrun import run_notebook, NotebookError

NBS = Path(os.environ.get('FST_NB_TEST_NBS') or ROOT/'nbs')
NOTEBOOKS = sorted(p for p in NBS.rglob('*.ipynb') if not any(part.startswith(('_', '.')) for part in p.relative_to(NBS).parts))

@pytest.mark.parametrize('nb', NOTEBOOKS, ids=[p.relative_to(NBS).with_suffix('').as_posix() for p in NOTEBOOKS])
def test_notebook(nb, request):
    os.environ.setdefault('HF_HUB_OFFLINE', '1')
    os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
    os.environ.setdefault('FST_NB_QUICK', '1')   # tutorials run their shortest variant (they say which)
    flags = {'notest'} | (set() if request.config.getoption('--gpu') else {'gpu'})
    try: run_notebook(nb, flags, getattr(request.config, 'fst_terminal_fd', None), float(os.environ.get('FST_NB_SLOW_CELL', 30)))
    except NotebookError as e: pytest.fail(str(e), pytrace=False)
