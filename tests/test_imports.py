"""`import fst_nb` must work on a CPU box without the GPU stack, and stay light."""
import subprocess, sys

def test_import_without_gpu_stack():
    code = ('import sys, fst_nb, fst_nb.core, fst_nb.tasks, fst_nb.models, fst_nb.generate, fst_nb.cli; '
            'print(sorted(m for m in ("unsloth", "vllm", "anthropic", "trl", "transformers", "peft") if m in sys.modules))')
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == '[]', f'heavy modules imported by `import fst_nb`: {r.stdout}'
