"""Generation throughput: the batched HF backend vs a per-sample generate loop, side by side in one run.

SmolLM2-135M-Instruct, 16 sequences x 64 new tokens (the end token is suppressed so every sequence
has exactly 64), sampled at temperature 1 on the math task's prompts. Both variants go through the
same HFGenerator code (same rendering, same log-prob bookkeeping); only the batch size differs.

    HF_HUB_OFFLINE=1 python bench/generate.py [--sequences 16] [--new-tokens 64] [--repeats 2]
"""
import argparse, os, statistics, time
os.environ.setdefault('HF_HUB_OFFLINE', '1')
import torch
from fst_nb.core import Candidate
from fst_nb.tasks import make_word_problems, MATH_SEED_PROMPT
from fst_nb.core import Example
from fst_nb.models import load_policy
from fst_nb.generate import HFGenerator, SamplingConfig

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--model', default='smollm2')
    ap.add_argument('--sequences', type=int, default=16)
    ap.add_argument('--new-tokens', type=int, default=64)
    ap.add_argument('--repeats', type=int, default=2, help='timed runs of each variant, alternated (median reported)')
    a = ap.parse_args()

    policy = load_policy(a.model)
    rows = make_word_problems(a.sequences, seed=0)
    examples = [Example(f'q{i}', r['question'], r['answer'].split('####')[-1].strip()) for i, r in enumerate(rows)]
    pairs = [(e, Candidate(MATH_SEED_PROMPT)) for e in examples]
    sampling = SamplingConfig(max_new_tokens=a.new_tokens, min_new_tokens=a.new_tokens, temperature=1.0)
    variants = {'batched': HFGenerator(policy, sampling, batch_size=a.sequences),
                'per_sample': HFGenerator(policy, sampling, batch_size=1)}
    print(f'model={a.model} sequences={a.sequences} new_tokens={a.new_tokens} threads={torch.get_num_threads()} '
          f'device={policy.device}')
    variants['batched'].generate(pairs[:2], n=1)  # warm-up (allocator, kernels)
    times = {k: [] for k in variants}
    tokens = {}
    for rep in range(a.repeats):
        for name, gen in variants.items():
            t0 = time.perf_counter()
            rs = gen.generate(pairs, n=1, seed=rep)
            times[name].append(time.perf_counter() - t0)
            tokens[name] = sum(len(r.completion_ids) for r in rs)
    tps = {}
    for name in variants:
        t = statistics.median(times[name])
        tps[name] = tokens[name]/t
        print(f'{name}: tokens={tokens[name]} median_seconds={t:.2f} tokens_per_s={tps[name]:.1f}')
    print(f"throughput_ratio={tps['batched']/tps['per_sample']:.2f}  (batched / per-sample)")

if __name__ == '__main__': main()
