"""The per-RL-step cost of serving rollouts from a vLLM server: publishing the adapter (write it in PEFT layout, rename
into place, POST /v1/load_lora_adapter under a new versioned name, unload the one before), measured against the
loopback server of 91_testing (which reads the adapter's config and weights as vLLM would), on the toy model
(LoRA r=8) and on SmolLM2-135M (LoRA r=16 on the default target modules). Side by side: the time of one learner step on
the same model, so the ratio says what publishing adds to a step.

    HF_HUB_OFFLINE=1 python bench/vllm_publish.py [--rounds 20]

Prints `model=NAME publish_ms=X (median of N) step_ms=Y publish_per_step=Z`. A real server adds its own load
time (reading the files, moving the weights to the GPU): `bench/gpu_check.py` measures that where vLLM runs.
"""
import argparse, os, statistics, time
os.environ.setdefault('HF_HUB_OFFLINE', '1')
import torch
from fst_nb.models import load_policy, LoraSpec
from fst_nb.generate import HFGenerator, SamplingConfig
from fst_nb.learner import Learner, LearnerConfig
from fst_nb.tasks import toy_task
from fst_nb.core import Candidate
from fst_nb.vllm_server import VLLMServerGenerator
from fst_nb.testing import FakeVLLM

def measure(name:str, lora:LoraSpec, rounds:int):
    policy = load_policy(name, lora=lora)
    srv = FakeVLLM(model=policy.name, max_lora_rank=max(16, lora.r))
    try:
        gen = VLLMServerGenerator(policy, srv.url, sampling=SamplingConfig(max_new_tokens=16))
        times = []
        for v in range(1, rounds + 1):
            with torch.no_grad():   # a different adapter each round, as after an RL step
                for p in policy.model.parameters():
                    if p.requires_grad: p.add_(1e-3)
            t0 = time.perf_counter(); gen.publish(policy.model, v); times.append(time.perf_counter() - t0)
        assert len(srv.loras) == 1, srv.loras   # each publish unloaded the version before
    finally: srv.close()
    task = toy_task(8)   # one RL step of 8 problems x 8 rollouts, generated locally
    rs = task.score(HFGenerator(policy, SamplingConfig(max_new_tokens=16)).generate([(e, Candidate(task.seed_prompt)) for e in task.examples], n=8, seed=0))
    for i, r in enumerate(rs): r.reward = float(i % 2)   # rewards that vary in every group, so that every step updates (only its time is read)
    learner = Learner(policy, LearnerConfig(lr=1e-4))
    steps = []
    for _ in range(3):
        t0 = time.perf_counter(); learner.step(rs); steps.append(time.perf_counter() - t0)
    pub, step = statistics.median(times), statistics.median(steps)
    print(f'model={name} lora_r={lora.r} publish_ms={1000*pub:.1f} (median of {rounds}; min {1000*min(times):.1f}, max {1000*max(times):.1f}) '
          f'step_ms={1000*step:.1f} publish_per_step={pub/step:.3f}', flush=True)

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--rounds', type=int, default=20)
    ap.add_argument('--models', nargs='+', default=['toy-base', 'smollm2'])
    a = ap.parse_args()
    print(f'load average at start: {os.getloadavg()[0]:.2f} (2 cores: figures are only comparable when it is low)')
    for m in a.models:
        measure(m, LoraSpec(r=8) if m == 'toy-base' else LoraSpec(r=16), a.rounds)

if __name__ == '__main__':
    main()
