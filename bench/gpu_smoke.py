"""GPU checks that need no Unsloth or vLLM: one short script for a session that is lent a CUDA machine.

The lent machines have PyTorch, Triton, transformers and PEFT but no Unsloth or vLLM (and nothing can be
downloaded there), so this covers the CUDA paths that plain PyTorch reaches:

1. the fused log-prob kernel on a Qwen-sized head in bf16: `kernel='auto'` picks eager or torch.compile;
   both are checked against the naive computation, and forward+backward times are printed;
2. the learner on CUDA (bf16 autocast, the toy base model + LoRA): RL steps on the toy task, with step times
   and the held-out reward before and after;
3. batched HF generation throughput on CUDA.

    PYTHONPATH=$PWD python3 bench/gpu_smoke.py      # about 2 minutes on an H100, toy pretraining included
"""
import os, time
os.environ.setdefault('HF_HUB_OFFLINE', '1')
import torch

def timed(fn, repeats=5):
    fn(); torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(repeats): fn()
    torch.cuda.synchronize()
    return (time.perf_counter() - t0)/repeats

def kernel_check():
    from fst_nb.logprobs import token_logprobs, naive_token_logprobs, pick_chunk_kernel
    W = torch.randn(151_936, 1024, device='cuda', dtype=torch.bfloat16)/32
    y = torch.randint(0, W.shape[0], (2048,), device='cuda')
    h0 = torch.randn(2048, 1024, device='cuda', dtype=torch.bfloat16)
    choice, times = pick_chunk_kernel(W, torch.bfloat16)
    print(f'kernel pick: {choice} (chunk times: ' + ', '.join(f'{k} {v*1e3:.2f} ms' for k, v in times.items()) + ')')
    ref = naive_token_logprobs(h0.float(), W.float(), y)[0]
    for k in ('eager', 'compiled'):
        h = h0.clone().requires_grad_()
        lp = token_logprobs(h, W, y, kernel=k)[0]
        err = (lp.float() - ref).abs().max().item()
        def fb():
            hh = h0.clone().requires_grad_(); token_logprobs(hh, W, y, kernel=k)[0].sum().backward()
        torch.cuda.reset_peak_memory_stats()
        t = timed(fb)
        print(f'fused {k:8s}: max |err| {err:.2e}, fwd+bwd {t*1e3:.1f} ms, peak {torch.cuda.max_memory_allocated()/2**20:.0f} MiB')
    def naive_fb():
        hh = h0.clone().requires_grad_(); naive_token_logprobs(hh, W, y)[0].sum().backward()
    torch.cuda.reset_peak_memory_stats()
    t = timed(naive_fb)
    print(f'naive         : fwd+bwd {t*1e3:.1f} ms, peak {torch.cuda.max_memory_allocated()/2**20:.0f} MiB')

def learner_check(steps=20):
    from fst_nb.core import Candidate
    from fst_nb.tasks import toy_task
    from fst_nb.models import load_policy, LoraSpec
    from fst_nb.generate import HFGenerator, SamplingConfig
    from fst_nb.learner import Learner, LearnerConfig
    pol = load_policy('toy-base', lora=LoraSpec(r=8), device='cuda')
    print(f'policy on {pol.device}, dtype {next(pol.model.parameters()).dtype}')
    train, test = toy_task(64), toy_task(64, split='test')
    gen = HFGenerator(pol, SamplingConfig(max_new_tokens=12), batch_size=128)
    L = Learner(pol, LearnerConfig(lr=2e-3, warmup_steps=2))
    print(f'learner autocast dtype: {L.amp_dtype}')
    def held_out():
        rs = test.score(gen.generate([(e, Candidate(test.seed_prompt)) for e in test.examples], seed=123))
        return sum(r.reward for r in rs)/len(rs)
    r0, times = held_out(), []
    for s in range(steps):
        batch = [train.examples[(s*8 + i) % 64] for i in range(8)]
        gen.policy_version = L.policy_version
        rs = train.score(gen.generate([(e, Candidate(train.seed_prompt)) for e in batch], n=8, seed=s))
        torch.cuda.synchronize(); t0 = time.perf_counter()
        m = L.step(rs)
        torch.cuda.synchronize(); times.append(time.perf_counter() - t0)
        assert m.get('skipped') or all(map(lambda v: v == v, (m['loss'], m['grad_norm'])))
    print(f'learner: {steps} steps, median step {sorted(times)[len(times)//2]*1e3:.0f} ms; held-out reward {r0:.3f} -> {held_out():.3f}')

def generation_check():
    from fst_nb.core import Candidate
    from fst_nb.tasks import toy_task
    from fst_nb.models import load_policy
    from fst_nb.generate import HFGenerator, SamplingConfig
    pol = load_policy('toy-base', device='cuda')
    t = toy_task(256)
    gen = HFGenerator(pol, SamplingConfig(max_new_tokens=12, min_new_tokens=12), batch_size=256)
    pairs = [(e, Candidate(t.seed_prompt)) for e in t.examples]
    gen.generate(pairs[:8]); torch.cuda.synchronize()
    t0 = time.perf_counter(); rs = gen.generate(pairs); torch.cuda.synchronize(); dt = time.perf_counter() - t0
    print(f'generation: {len(rs)} sequences x 12 tokens in {dt:.2f} s ({len(rs)*12/dt:.0f} tokens/s)')

if __name__ == '__main__':
    if not torch.cuda.is_available(): raise SystemExit('gpu_smoke.py needs a CUDA GPU (this machine has none)')
    print(torch.cuda.get_device_name(), 'torch', torch.__version__)
    kernel_check(); learner_check(); generation_check()
