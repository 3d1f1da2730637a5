"""The science check: FST vs RL-only on the toy task, several seeds in one run.

For each seed (data order, adapter initialisation, sampling, GEPA, and the toy task's hidden table),
FST and RL-only run with the same config but for `mode`. At RL-only's best held-out reward
(its running peak), we read how many RL samples each arm needed to reach it, and the KL to the base
model each had when it did (interpolated between evaluations, see `fst_nb.views.compare`). Prints
per seed, then the medians:

    sample_efficiency = RL-only samples / FST samples      (target >= 2; the paper: up to 3x)
    kl_ratio          = FST KL / RL-only KL at that reward (target <= 0.5; the paper: up to 70% less KL)

The GEPA side's cost is extra to the RL samples (as in the paper); it is printed too.

    HF_HUB_OFFLINE=1 python bench/fst_vs_rl.py [--seeds 3] [--cycles 12] [--out runs/bench-fst-vs-rl]
"""
import argparse, os, statistics, time
os.environ.setdefault('HF_HUB_OFFLINE', '1')
from fst_nb.fst import FSTRun, FSTConfig
from fst_nb.views import compare, evals, save_figures

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--seeds', type=int, default=3)
    ap.add_argument('--cycles', type=int, default=12)
    ap.add_argument('--out', default='runs/bench-fst-vs-rl')
    a = ap.parse_args()
    rows = []
    num = lambda v, f: 'not_defined' if v is None else format(v, f)
    for seed in range(a.seeds):
        logs, t = {}, {}
        for mode in ('fst', 'rl'):
            cfg = FSTConfig(mode=mode, cycles=a.cycles, seed=seed, task_seed=seed, out_dir=f'{a.out}/seed{seed}/{mode}')
            t0 = time.perf_counter()
            logs[mode] = FSTRun(cfg, progress=False, resume=False).run()
            t[mode] = time.perf_counter() - t0
        save_figures({m: f'{a.out}/seed{seed}/{m}' for m in logs}, f'{a.out}/seed{seed}')
        c = compare(logs['fst'], logs['rl'])
        fe, re_ = evals(logs['fst'])[-1], evals(logs['rl'])[-1]
        rows.append(c)
        fs = 'never' if c['fst_samples'] is None else f"{c['fst_samples']:.0f}"
        print(f"seed {seed}: RL-only best {c['matched_reward']:.3f} at {c['rl_samples']:.0f} samples (KL {c['rl_kl']:.4f}); "
              f"FST reached it at {fs} samples (KL {c['fst_kl'] if c['fst_kl'] is not None else float('nan'):.4f}); "
              f"final reward FST {fe['reward_with_prompt']:.3f} vs RL {re_['reward_with_prompt']:.3f}; "
              f"FST GEPA rollouts {fe['gepa_rollouts']} (+{fe['reused']} reused), reflection calls {fe['reflection_calls']}; "
              f"wall FST {t['fst']:.0f}s RL {t['rl']:.0f}s", flush=True)
        print(f"  sample_efficiency={num(c['sample_efficiency'], '.2f')} kl_ratio={num(c['kl_ratio'], '.3f')}"
              + (f"  ({c['undefined']})" if c['undefined'] else ''), flush=True)
    med = lambda k: statistics.median(v) if (v := [r[k] for r in rows if r[k] is not None]) else None
    print(f"medians over {a.seeds} seeds, {a.cycles} cycles each (seeds where a ratio is not defined are left out and counted: "
          f"{sum(r['sample_efficiency'] is None for r in rows)} / {sum(r['kl_ratio'] is None for r in rows)}):")
    print(f"sample_efficiency={num(med('sample_efficiency'), '.2f')} kl_ratio={num(med('kl_ratio'), '.3f')}")

if __name__ == '__main__':
    main()
