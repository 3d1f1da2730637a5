"""The notebook runner itself: a long cell is named while it runs, a failing cell fails its notebook,
and Ctrl-C stops the whole suite instead of failing one notebook and moving on."""
import json, os, signal, subprocess, sys, threading, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def _nb(path:Path, *sources:str):
    cells = [{'cell_type': 'code', 'execution_count': None, 'id': f'c{i}', 'metadata': {}, 'outputs': [], 'source': s}
             for i, s in enumerate(sources)]
    path.write_text(json.dumps({'cells': cells, 'metadata': {'kernelspec': {'name': 'python3', 'language': 'python', 'display_name': 'python3'}},
                                'nbformat': 4, 'nbformat_minor': 5}))

def _pytest(nbs:Path, slow:float=1.0):
    env = {**os.environ, 'FST_NB_TEST_NBS': str(nbs), 'FST_NB_SLOW_CELL': str(slow)}
    return subprocess.Popen([sys.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/test_notebooks.py'],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # Ctrl-C works as in a terminal

def test_ctrl_c_stops_the_suite(tmp_path):
    _nb(tmp_path/'a_sleep.ipynb', 'import time', 'print("started", flush=True)\ntime.sleep(120)')
    _nb(tmp_path/'b_after.ipynb', 'open("b_ran", "w").write("yes")')
    p = _pytest(tmp_path)
    lines, t0 = [], time.time()
    reader = threading.Thread(target=lambda: lines.extend(iter(p.stdout.readline, '')), daemon=True)
    reader.start()
    while not any('still in cell' in l for l in lines) and time.time() - t0 < 60: time.sleep(0.2)  # the runner names the sleeping cell
    seen = ''.join(lines)
    assert '[a_sleep] still in cell 2/2' in seen and 'print("started"' in seen, seen
    p.send_signal(signal.SIGINT)
    p.wait(timeout=60); reader.join(timeout=10)
    out = ''.join(lines)
    assert p.returncode == 2, out                 # pytest's "interrupted" status, not 1 ("tests failed")
    assert 'KeyboardInterrupt' in out, out
    assert not (tmp_path/'b_ran').exists(), 'the suite went on to the next notebook after Ctrl-C'

def test_failing_cell_fails_its_notebook(tmp_path):
    _nb(tmp_path/'a_ok.ipynb', 'x = 1')
    _nb(tmp_path/'b_bad.ipynb', 'from fastcore.test import test_eq', 'test_eq(1 + 1, 3)')
    _nb(tmp_path/'c_ok.ipynb', '#| gpu\nraise RuntimeError("gpu cells are skipped without --gpu")', 'y = 2')
    out, _ = _pytest(tmp_path, slow=30).communicate(timeout=120)
    assert '1 failed, 2 passed' in out, out
    assert 'test_eq(1 + 1, 3)' in out and '==:\n2\n3' in out, out
