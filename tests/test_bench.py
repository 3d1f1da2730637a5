"""The benchmark scripts run: each parses its arguments and imports what it uses, and the two that read other
benchmarks' runs (the evaluation suite, FST-distill) go end to end at the smallest size. Their figures live in
bench/results and the README; these tests only keep the scripts runnable between measurements."""
import json, os, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).parent.parent
SCRIPTS = sorted(p.name for p in (ROOT/'bench').glob('*.py') if 'argparse' in p.read_text())

def _run(*args, timeout=600):
    env = {**os.environ, 'HF_HUB_OFFLINE': '1', 'PYTHONPATH': str(ROOT)}
    r = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f'{" ".join(args)} exited {r.returncode}:\n{r.stderr[-3000:]}'
    return r.stdout

@pytest.mark.parametrize('script', SCRIPTS)
def test_bench_script_parses_its_arguments(script):
    assert 'usage:' in _run(f'bench/{script}', '--help')

def test_eval_suite_runs_end_to_end(tmp_path):
    out = _run('bench/fst_eval_suite.py', '--seeds', '1', '--cycles', '4', '--new-cycles', '2', '--stages', '2', '--stage-cycles', '1',
               '--jobs', '1', '--out', str(tmp_path/'runs'), '--json', str(tmp_path/'suite.json'))
    doc = json.loads((tmp_path/'suite.json').read_text())
    assert set(doc['plasticity']) == {'base', 'fst', 'rl'} and set(doc['continual']) == {'fst', 'rl'}
    settings = json.loads((ROOT/'bench/results/fair_fst_vs_rl.json').read_text())['settings']
    assert set(doc['asymptotes']) == {f'{t}/{a}' for t in settings for a in ('fst', 'rl')}
    assert set(doc['related']) == {f'{t}/{a}' for t in settings for a in ('fst', 'rl', 'gepa')}
    assert 'plasticity on toy-verdict' in out and 'figures in' in out

def test_fst_distill_prints_its_line(tmp_path):
    out = _run('bench/fst_distill.py', '--settings', 'toy', '--seeds', '1', '--cycles', '2', '--sweep', '--continual-seeds', '0',
               '--jobs', '1', '--out', str(tmp_path/'runs'), '--json', str(tmp_path/'distill.json'))
    last = [l for l in out.splitlines() if l.startswith('setting=toy ')][-1]
    keys = [kv.split('=')[0] for kv in last.split()[1:]]
    assert keys == ['distill_no_prompt', 'fst_no_prompt', 'rl_no_prompt', 'naive_best', 'fst_best', 'rl_then_gepa_best',
                    'distill_related', 'rl_related', 'distill_kl', 'rl_kl']
    doc = json.loads((tmp_path/'distill.json').read_text())
    assert set(doc['results']['toy']['arms']) == {'fst', 'rl', 'fst-distill-naive', 'fst-distill-phase', 'rl-then-gepa'}
    assert (tmp_path/'distill.png').stat().st_size > 0
