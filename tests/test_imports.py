"""`import fst_nb` must work on a CPU box without the GPU stack, and stay light."""
import subprocess, sys

def test_import_without_gpu_stack():
    code = ('import sys, pkgutil, importlib, fst_nb\n'
            'for m in pkgutil.iter_modules(fst_nb.__path__): importlib.import_module("fst_nb." + m.name)\n'
            'print(sorted(m for m in ("unsloth", "vllm", "anthropic", "trl", "transformers", "peft") if m in sys.modules))')
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == '[]', f'heavy modules imported by `import fst_nb`: {r.stdout}'
