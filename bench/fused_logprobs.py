"""Fused chunked log-probs vs the naive (N x V logits) computation, side by side in one run.

Qwen-sized head: vocab 151,936, hidden 1024, 2,048 tokens, forward + backward. Each variant runs in a
fresh process so that its peak memory is its own. Peak memory is measured *above* what holds the
inputs and weights (CUDA: max_memory_allocated; CPU: the process's peak resident set size).

    python bench/fused_logprobs.py [--tokens 2048] [--vocab 151936] [--hidden 1024] [--device cpu|cuda]

Prints per variant `peak_mem_mb=` and `seconds=`, then `peak_mem_ratio=` and `time_ratio=` (fused / naive)
for the frozen head (the LoRA case; targets: memory <= 1/8, time <= 1.2x) and for the trainable head.
"""
import argparse, json, os, resource, subprocess, sys, time

def _peak_bytes(device) -> int:
    import torch
    if device == 'cuda': return torch.cuda.max_memory_allocated()
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss*1024  # KiB on Linux

def run_variant(a) -> dict:
    "One variant, in this (fresh) process."
    import torch
    from fst_nb.logprobs import token_logprobs, naive_token_logprobs
    torch.manual_seed(0)
    dt = {'float32': torch.float32, 'bfloat16': torch.bfloat16}[a.dtype]
    # filled in place: a temporary here would raise the baseline peak and hide what the variant allocates
    W = torch.empty(a.vocab, a.hidden, device=a.device, dtype=dt).normal_(0, 0.02).requires_grad_(a.head_grad)
    h = torch.empty(a.tokens, a.hidden, device=a.device, dtype=dt).normal_().requires_grad_()
    y = torch.randint(0, a.vocab, (a.tokens,), device=a.device)
    g = torch.randn(a.tokens, device=a.device)
    f = token_logprobs if a.variant == 'fused' else naive_token_logprobs
    if a.device == 'cuda': torch.cuda.synchronize(); torch.cuda.reset_peak_memory_stats()
    base = _peak_bytes(a.device)  # inputs and weights are allocated: what comes on top is the variant's
    times = []
    for _ in range(a.repeats):
        h.grad = None; W.grad = None
        t0 = time.perf_counter()
        lp, ent = f(h, W, y)
        (lp*g).sum().backward()
        if a.device == 'cuda': torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
    return {'variant': a.variant, 'head_grad': a.head_grad, 'peak_mem_mb': (_peak_bytes(a.device) - base)/2**20,
            'seconds': min(times)}

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--tokens', type=int, default=2048)
    ap.add_argument('--vocab', type=int, default=151936)
    ap.add_argument('--hidden', type=int, default=1024)
    ap.add_argument('--device', default='cuda' if os.environ.get('CUDA_VISIBLE_DEVICES', '') != '' else 'cpu')
    ap.add_argument('--dtype', default='float32', choices=['float32', 'bfloat16'])
    ap.add_argument('--repeats', type=int, default=2, help='timed passes per variant (the fastest is reported)')
    ap.add_argument('--variant', choices=['naive', 'fused'], help=argparse.SUPPRESS)
    ap.add_argument('--head-grad', action='store_true', help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.variant:
        print(json.dumps(run_variant(a))); return
    print(f'tokens={a.tokens} vocab={a.vocab} hidden={a.hidden} device={a.device} dtype={a.dtype}')
    res = {}
    for head_grad in (False, True):
        for variant in ('naive', 'fused'):
            cmd = [sys.executable, __file__, '--variant', variant, '--tokens', str(a.tokens), '--vocab', str(a.vocab),
                   '--hidden', str(a.hidden), '--device', a.device, '--dtype', a.dtype, '--repeats', str(a.repeats)]
            if head_grad: cmd.append('--head-grad')
            out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
            r = res[variant, head_grad] = json.loads(out)
            print(f"{'head_grad' if head_grad else 'frozen_head'} {variant}: peak_mem_mb={r['peak_mem_mb']:.0f} seconds={r['seconds']:.2f}")
        n, f = res['naive', head_grad], res['fused', head_grad]
        tag = 'head_grad_' if head_grad else ''
        print(f"{tag}peak_mem_ratio={f['peak_mem_mb']/max(n['peak_mem_mb'], 1e-9):.3f} {tag}time_ratio={f['seconds']/n['seconds']:.2f}")

if __name__ == '__main__': main()
