"""The example configs in examples/: each CPU one trains for a cycle the way a user runs it (`fst train FILE`
from that folder, so `module:function` tasks are found there); each GPU one loads and passes the config checks."""
import os, shutil, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
EX = ROOT/'examples'
CPU = sorted(p.name for p in EX.glob('*.yaml'))
GPU = sorted(p.relative_to(EX).as_posix() for p in (EX/'gpu').glob('*.yaml'))

def test_examples_are_listed():
    readme = (EX/'README.md').read_text()
    assert CPU and GPU
    for name in CPU + GPU: assert f'`{name}`' in readme, f'examples/README.md does not list {name}'

@pytest.mark.parametrize('name', CPU)
def test_cpu_example_trains(name, tmp_path, monkeypatch):
    from fst_nb.fst import FSTConfig, read_log
    work = tmp_path/'examples'
    shutil.copytree(EX, work, ignore=shutil.ignore_patterns('runs', '__pycache__'))
    r = subprocess.run([sys.executable, '-m', 'fst_nb.cli', 'train', name, '--cycles', '1', '--quiet'], cwd=work, capture_output=True,
                       text=True, timeout=900, env={**os.environ, 'HF_HUB_OFFLINE': '1', 'TRANSFORMERS_OFFLINE': '1'})
    assert r.returncode == 0, r.stderr[-3000:]
    monkeypatch.chdir(work)   # where its task module is, as for the user
    cfg = FSTConfig.load(name)
    evals = [rec['cycle'] for rec in read_log(work/cfg.out_dir/'metrics.jsonl') if rec['kind'] == 'eval']
    assert evals == [0, 1], evals
    assert (work/cfg.out_dir/'report.md').exists()

@pytest.mark.parametrize('name', GPU)
def test_gpu_example_loads(name, monkeypatch):
    from fst_nb.fst import FSTConfig
    monkeypatch.setenv('ANTHROPIC_API_KEY', 'sk-ant-placeholder')   # the config check asks for one; nothing is sent
    cfg = FSTConfig.load(EX/name)
    assert cfg.model.startswith('Qwen/') and cfg.reflector in ('anthropic', 'openai') and cfg.cycles >= 10
