"""Every notebook in nbs/ is a test: its cells run top to bottom and its `test_*` calls must hold.

Cells marked `#| gpu` run only with `pytest --gpu` (on a machine with CUDA); `#| notest` cells never run.
"""
import os
from pathlib import Path
import pytest
from nbdev.test import test_nb as run_notebook

NBS = Path(__file__).resolve().parent.parent/'nbs'
NOTEBOOKS = sorted(p for p in NBS.glob('*.ipynb') if not p.name.startswith(('_', '.')))

@pytest.mark.parametrize('nb', NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook(nb, request):
    os.environ.setdefault('HF_HUB_OFFLINE', '1')
    os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
    flags = [] if request.config.getoption('--gpu') else ['gpu']
    ok, secs = run_notebook(nb, skip_flags=['notest', *flags], showerr=True, basepath=NBS.parent)
    assert ok, f'{nb.name} failed (its traceback is printed above)'
