"""bench/gpu_check.py, the prepared GPU check, runs its own code at tiny shapes on the CPU, so it cannot rot
before a GPU is lent: every section runs (Unsloth's is skipped, with its reason, where Unsloth is missing)."""
import importlib.util, json, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def test_gpu_check_runs_in_cpu_tiny_mode(tmp_path):
    out = tmp_path/'gpu_check.jsonl'
    r = subprocess.run([sys.executable, str(ROOT/'bench'/'gpu_check.py'), '--cpu-tiny', '--out', str(out), '--limit', '600'],
                       capture_output=True, text=True, cwd=ROOT)
    recs = {rec['section']: rec for rec in map(json.loads, out.read_text().splitlines())}
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert list(recs) == ['env', 'kernel', 'learner', 'trl', 'unsloth', 'generation', 'fst', 'vllm_server'], list(recs)
    skipped = ({'unsloth'} if importlib.util.find_spec('unsloth') is None else set()) | {'vllm_server'}   # a real vllm serve needs CUDA
    assert {s for s, rec in recs.items() if rec['status'] == 'skipped'} == skipped, recs
    assert 'unsloth is not installed' in recs['unsloth'].get('reason', 'unsloth is not installed')
    assert recs['vllm_server']['reason'] in ('vLLM is not installed; carry its wheels (../shared/tools/gpu-carry.sh)', 'vllm serve needs a CUDA GPU')
    assert recs['kernel']['eager_max_abs_err'] < 1e-4
    assert recs['learner']['qwen3-tiny']['skipped'] is False and recs['learner']['qwen3-tiny']['step_s'] > 0
    assert recs['trl']['qwen3-tiny']['step_time_ratio'] > 0
    assert recs['generation']['toy-base']['tokens_per_s'] > 0
    assert recs['fst']['device'] == 'cpu' and recs['fst']['reward_end'] >= 0
    assert f'{8 - len(skipped)} passed, 0 failed, {len(skipped)} skipped' in r.stdout, r.stdout
