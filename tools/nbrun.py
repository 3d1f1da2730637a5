"""Run notebooks as the test suite does, and keep their outputs for the docs site.

    python tools/nbrun.py nbs/10_views.ipynb nbs/09e_fst.ipynb   # run, save outputs in place, nbdev_clean

The docs site shows what a notebook saved (quarto renders, it does not execute), so the outputs a
reader needs (figures, tables, printed results) are kept in git. Rerun this on a notebook after
changing it. Cells marked `#| gpu`, `#| notest` or `#| eval: false` are not run, and keep no output.
The test suite (tests/test_notebooks.py) runs notebooks with `run_notebook` without saving.
"""
import os, subprocess, sys, threading, time
from pathlib import Path
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from fastcore.xtras import working_directory
from nbdev.process import extract_directives

ROOT = Path(__file__).resolve().parent.parent

class NotebookError(Exception):
    "A cell of a notebook raised; the message is the cell's traceback."

def skipped(cell, flags:set) -> bool:
    "Whether nbdev's test rules skip `cell`: markdown, export calls, `eval: false`, or a directive in `flags`."
    if cell.cell_type != 'code' or 'nbdev_export' + '(' in cell.source: return True
    direc = extract_directives(cell, remove=False)
    if direc.get('eval:', [''])[0].lower() == 'false': return True
    return bool(flags & direc.keys())

def _say(fd, msg:str):
    if fd is not None: os.write(fd, (msg + '\n').encode())

def run_notebook(path:Path, flags:set=frozenset({'notest', 'gpu'}),
                 terminal_fd:int|None=None,  # where to name a long-running cell (a file descriptor past any output capture)
                 slow_cell:float=30.0,       # seconds before a running cell is named (again at 2x, 4x, ...)
                 save:bool=False):           # write the outputs back into the notebook
    "Run `path`'s code cells in order in a fresh IPython shell: NotebookError on the first failing cell, KeyboardInterrupt on Ctrl-C."
    path = Path(path).resolve()
    os.environ['IN_TEST'] = '1'
    if str(ROOT) not in sys.path: sys.path.insert(0, str(ROOT))
    nb = read_nb(path)
    cells = [c for c in nb.cells if not skipped(c, set(flags))]
    shell, now, done = CaptureShell(path), {'cell': None}, threading.Event()
    def watch():
        while not done.wait(min(1.0, slow_cell/4)):
            cur = now['cell']
            if cur is None: continue
            k, cell, t0, told = cur
            if time.time() - t0 >= slow_cell*2**told:
                first = next((l for l in cell.source.splitlines() if l.strip() and not l.startswith('#')), '')
                _say(terminal_fd, f'  [{path.stem}] still in cell {k + 1}/{len(cells)} after {time.time() - t0:.0f}s: {first[:80]}')
                now['cell'] = (k, cell, t0, told + 1)
    threading.Thread(target=watch, daemon=True).start()
    try:
        with working_directory(path.parent):
            for k, cell in enumerate(cells):
                now['cell'] = (k, cell, time.time(), 0)
                cell.outputs = []
                shell.cell(cell)
                if shell.exc is None: continue
                if isinstance(shell.exc, KeyboardInterrupt): raise KeyboardInterrupt(f'{path.name}, cell {k + 1}')
                raise NotebookError(shell.prettytb(fname=path))
    finally:
        done.set(); now['cell'] = None
    if save:
        ran = {id(c) for c in cells}
        for c in nb.cells:
            if c.cell_type == 'code' and id(c) not in ran: c.outputs = []
        write_nb(nb, path)

def main(paths:list[str]) -> int:
    for p in paths:
        t0 = time.time()
        try: run_notebook(Path(p), terminal_fd=2, save=True)
        except NotebookError as e: print(e, file=sys.stderr); return 1
        print(f'{p}: ran and saved in {time.time() - t0:.0f}s', flush=True)
    subprocess.run([Path(sys.executable).parent/'nbdev_clean'], cwd=ROOT, check=True)
    return 0

if __name__ == '__main__': sys.exit(main(sys.argv[1:]))
