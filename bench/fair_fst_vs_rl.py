"""The fair comparison (chapter 14_experiments): FST vs RL-only vs GEPA-only on toy settings where winning is not built in.

For each setting: each arm's learning rate is picked from a sweep on two sweep seeds (other hidden tables) by
one rule (mean held-out reward over the run); then every arm runs on the comparison seeds (each seed: its own
hidden table, data order, initialisation, sampling) at its picked rate. Figures are medians over seeds with
their range; the target is RL-only's best *smoothed* held-out reward; efficiency is counted in RL samples
(the paper's count) and in all rollouts generated (RL + GEPA, a reused rollout once). Prints per setting

    setting=NAME sample_efficiency_rl=X sample_efficiency_all=Y kl_ratio=Z

with the spreads, the final rewards (best prompt and no prompt), GEPA-only's figures, and, for toy-zero,
when each arm first leaves zero reward; then FST with and without rollout reuse. Writes every figure to
--json (default bench/results/fair_fst_vs_rl.json, which the chapter shows) and a PNG per setting.

    HF_HUB_OFFLINE=1 python bench/fair_fst_vs_rl.py [--seeds 5] [--cycles 12] [--settings toy toy-verdict ...]

Runs that already finished in --out are read back, not rerun. Every run, in a worker process or in this one, is
made and read back with --threads torch threads (default 1): FST's trajectory moves with the order of float
reductions, so each run records its numerics (threads, torch, device, dtype) and a cached run made under others,
or before the record, is refused (chapter 14_experiments, `check_numerics`; --allow-mixed reads it anyway).
On two idle CPU cores (--jobs 2) the three toy settings and the reuse study take about 25 minutes (see the
README's benchmark table for the last measured time).
"""
import argparse, json, os, statistics, sys, time
os.environ.setdefault('HF_HUB_OFFLINE', '1')
from pathlib import Path
from concurrent.futures import ProcessPoolExecutor
import multiprocessing as mp
from fst_nb.experiments import numerics, run_arm, compare_setting, setting_line, fmt_spread, leaves_zero, reuse_study, reuse_table, setting_figure, spread

def _threads(n:int):
    "Set this process's torch threads (recorded with each run it makes; the default 1: the tiny model gains more from parallel runs than from threads)."
    import torch; torch.set_num_threads(n)

def _one(job):
    kw, out, threads = job
    _threads(threads)   # a worker runs with the threads of the process that reads its runs back
    run_arm(out=out, **kw)

def parallel(n:int, threads:int):
    "A run_many for compare_setting: the runs it needs, `n` at a time in separate processes of `threads` torch threads (finished ones are skipped by run_arm)."
    def run_many(jobs, out):
        if n <= 1:
            for kw in jobs: run_arm(out=out, **kw)
            return
        with ProcessPoolExecutor(n, mp_context=mp.get_context('spawn')) as ex: list(ex.map(_one, [(kw, out, threads) for kw in jobs]))
    return run_many

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--settings', nargs='+', default=['toy', 'toy-verdict', 'toy-skill', 'toy-zero'])
    ap.add_argument('--seeds', type=int, default=5)
    ap.add_argument('--sweep-seeds', type=int, nargs='+', default=[100, 101])
    ap.add_argument('--lrs', type=float, nargs='+', default=[2e-3, 4e-3, 8e-3])
    ap.add_argument('--cycles', type=int, default=12)
    ap.add_argument('--reuse-setting', default='toy-verdict', help="the setting of the reuse study ('' to skip it)")
    ap.add_argument('--out', default='runs/bench-fair')
    ap.add_argument('--jobs', type=int, default=2, help='runs in parallel; 1: one at a time, in this process')
    ap.add_argument('--threads', type=int, default=1, help='torch threads of every run, whatever --jobs (recorded; a cached run made with others is refused)')
    ap.add_argument('--allow-mixed', action='store_true', help='read back cached runs made under other numerics (threads, torch, device, dtype) or before they were recorded')
    ap.add_argument('--json', default='bench/results/fair_fst_vs_rl.json')
    a = ap.parse_args()
    _threads(a.threads)   # every run, in this process (--jobs 1, and every read-back) or a worker, with --threads: the numerics each run records (chapter 14)
    t_all, seeds, results = time.perf_counter(), list(range(a.seeds)), {}
    for task in a.settings:
        t0 = time.perf_counter()
        res = compare_setting(task, a.out, seeds, a.sweep_seeds, a.lrs, a.cycles, run_many=parallel(a.jobs, a.threads), allow_mixed=a.allow_mixed)
        s = res['summary']
        print(setting_line(res), flush=True)
        print(f"  spreads over {len(seeds)} seeds (median [min, max]): sample_efficiency_rl {fmt_spread(s['sample_efficiency_rl'])}, "
              f"sample_efficiency_all {fmt_spread(s['sample_efficiency_all'])}, kl_ratio {fmt_spread(s['kl_ratio'], '.3f')}, "
              f"target (RL-only smoothed best) {fmt_spread(s['target'], '.3f')}")
        for arm in ('fst', 'rl', 'gepa'):
            print(f"  {arm:4} lr {res['lr'][arm]:g}: final reward {fmt_spread(s[f'{arm}_final'], '.3f')}, with no prompt {fmt_spread(s[f'{arm}_final_no_prompt'], '.3f')}, "
                  f"KL {fmt_spread(s[f'{arm}_final_kl'], '.4f')}, rollouts {fmt_spread(s[f'{arm}_rollouts'], '.0f')}, reflection calls {fmt_spread(s[f'{arm}_reflection_calls'], '.0f')}")
        print(f"  GEPA-only rollouts to reach the target: {fmt_spread(s['gepa_rollouts_to_target'], '.0f')}")
        zero = {arm: [leaves_zero(l) for l in logs.values()] for arm, logs in res['logs'].items()}
        if task == 'toy-zero':
            for arm, z in zero.items():
                print(f"  {arm:4} leaves zero: first RL step with reward {fmt_spread(spread([x['first_step'] for x in z]), '.0f')}, "
                      f"first held-out eval above zero at cycle {fmt_spread(spread([x['first_eval_cycle'] for x in z]), '.0f')} "
                      f"({fmt_spread(spread([x['first_eval_rollouts'] for x in z]), '.0f')} rollouts)")
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        setting_figure(res, path=Path(a.json).parent/f'fair_{task}.png')
        results[task] = {'line': setting_line(res), 'lr': res['lr'], 'lr_scores': res['lr_scores'], 'lrs_swept': a.lrs, 'summary': s, 'per_seed': res['per_seed'],
                         'leaves_zero': zero, 'seconds': round(time.perf_counter() - t0, 1),
                         'curves': {arm: {str(sd): [{k: r.get(k) for k in ('cycle', 'rl_samples', 'rollouts_generated', 'reward_with_prompt', 'reward_seed_prompt',
                                                                          'reward_no_prompt', 'kl_to_base', 'reflection_calls')}
                                                   for r in l if r['kind'] == 'eval'] for sd, l in logs.items()} for arm, logs in res['logs'].items()}}
        print(f"  ({results[task]['seconds']:.0f} s)", flush=True)
    reuse = None
    if a.reuse_setting:
        lr = results.get(a.reuse_setting, {}).get('lr', {}).get('fst', 0.0)
        reuse = reuse_study(a.reuse_setting, a.out, seeds, lr=lr, cycles=a.cycles, run_many=parallel(a.jobs, a.threads), allow_mixed=a.allow_mixed)
        print(f'rollout reuse on {a.reuse_setting} (FST, lr {lr:g}, {len(seeds)} seeds):\n' + reuse_table(reuse), flush=True)
    total = time.perf_counter() - t_all
    old = json.loads(Path(a.json).read_text()) if Path(a.json).exists() else {}
    same = old.get('seeds') == seeds and old.get('cycles') == a.cycles   # the same experiment: keep its other settings (each records its own rates)
    doc = {'settings': {**(old.get('settings', {}) if same else {}), **results}, 'reuse': reuse or (old.get('reuse') if same else None),
           'seeds': seeds, 'sweep_seeds': a.sweep_seeds, 'lrs': old.get('lrs', a.lrs) if same else a.lrs, 'cycles': a.cycles,
           'seconds': {**(old.get('seconds', {}) if same and isinstance(old.get('seconds'), dict) else {}), ' '.join(a.settings): round(total, 1)},
           'load': os.getloadavg(), 'numerics': numerics(), 'jobs': a.jobs, 'allow_mixed': a.allow_mixed, 'command': ' '.join(sys.argv)}
    Path(a.json).write_text(json.dumps(doc, indent=1, default=str))
    print(f'total {total/60:.1f} min; figures in {a.json}')

if __name__ == '__main__':
    main()
