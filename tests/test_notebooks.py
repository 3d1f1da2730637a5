"""Every notebook in nbs/ is a test: its cells run top to bottom and its `test_*` calls must hold.

Cells marked `#| gpu` run only with `pytest --gpu` (on a machine with CUDA); `#| notest` and
`#| eval: false` cells never run. A cell that runs longer than FST_NB_SLOW_CELL seconds (default 30)
is named on the terminal while it runs (again at 2x, 4x, ... that time), and Ctrl-C stops the whole suite (it is not a failed notebook).
"""
import os, sys, threading, time
from pathlib import Path
import pytest
from execnb.shell import CaptureShell
from fastcore.xtras import working_directory
from nbdev.process import NBProcessor
from nbdev.frontmatter import FrontmatterProc

ROOT = Path(__file__).resolve().parent.parent
NBS = Path(os.environ.get('FST_NB_TEST_NBS') or ROOT/'nbs')
NOTEBOOKS = sorted(p for p in NBS.glob('*.ipynb') if not p.name.startswith(('_', '.')))
SLOW_CELL = float(os.environ.get('FST_NB_SLOW_CELL', 30))

def _skipped(cell, flags:set) -> bool:
    "Whether nbdev's rules skip `cell` in a test run: markdown, export calls, `eval: false`, or a skip flag."
    if cell.cell_type != 'code' or 'nbdev_export' + '(' in cell.source: return True
    direc = getattr(cell, 'directives_', {}) or {}
    if direc.get('eval:', [''])[0].lower() == 'false': return True
    return bool(flags & direc.keys())

def _say(fd:int|None, msg:str):
    "Write a line to the terminal, past pytest's output capture."
    if fd is not None: os.write(fd, (msg + '\n').encode())

def run_notebook(nb_path:Path, skip_flags:set, terminal_fd:int|None=None):
    "Run `nb_path`'s code cells in order in a fresh IPython shell; fail on the first error, stop the suite on Ctrl-C."
    os.environ['IN_TEST'] = '1'
    if str(ROOT) not in sys.path: sys.path.insert(0, str(ROOT))
    nb = NBProcessor(nb_path, procs=FrontmatterProc, process=True).nb
    cells = [c for c in nb.cells if not _skipped(c, skip_flags)]
    shell, now = CaptureShell(nb_path), {'cell': None}
    done = threading.Event()
    def watch():   # names a long-running cell after SLOW_CELL seconds, then after 2x, 4x, ... that
        while not done.wait(min(1.0, SLOW_CELL/4)):
            cur = now['cell']
            if cur is None: continue
            k, cell, t0, told = cur
            if time.time() - t0 >= SLOW_CELL*2**told:
                first = next((l for l in cell.source.splitlines() if l.strip() and not l.startswith('#')), '')
                _say(terminal_fd, f'  [{nb_path.stem}] still in cell {k + 1}/{len(cells)} after {time.time() - t0:.0f}s: {first[:80]}')
                now['cell'] = (k, cell, t0, told + 1)
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        with working_directory(nb_path.parent):
            for k, cell in enumerate(cells):
                now['cell'] = (k, cell, time.time(), 0)
                shell.cell(cell)
                if shell.exc is None: continue
                if isinstance(shell.exc, KeyboardInterrupt): raise KeyboardInterrupt(f'{nb_path.name}, cell {k + 1}')
                pytest.fail(shell.prettytb(fname=nb_path), pytrace=False)
    finally:
        done.set(); now['cell'] = None

@pytest.mark.parametrize('nb', NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook(nb, request):
    os.environ.setdefault('HF_HUB_OFFLINE', '1')
    os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
    flags = {'notest'} | (set() if request.config.getoption('--gpu') else {'gpu'})
    run_notebook(nb, flags, getattr(request.config, 'fst_terminal_fd', None))
