"""FST vs RL-only vs GEPA-only on a real model: SmolLM2-135M-Instruct on `sums` (chapter 01_tasks), CPU.

The base model answers "What is 14 + 7?" right about one time in ten (24 new tokens, temperature 0.7);
the reward is 1 when the last number it writes is the sum, and the feedback is a verdict that never
states the sum. Every arm gets the same problems, seeds and learning rate (one rate for all: a sweep
does not fit a CPU session; the toy benchmark sweeps). GEPA uses the offline operator (no reflection
LLM is reachable here). After each run, `related_eval` reads its latest checkpoint on `sums-big`
(numbers 20..60, never trained on) with the best prompt, the seed prompt and no prompt.

Prints the same `setting=sums ...` line as bench/fair_fst_vs_rl.py with its spreads, and writes
bench/results/smollm2_fair.json and smollm2_fair.png.

    HF_HUB_OFFLINE=1 python bench/smollm2_fair.py [--seeds 3] [--cycles 5] [--lr 1e-3] [--jobs 2]

Finished runs in --out are read back, not rerun (bench/fst_distill.py makes the same FST and RL-only runs there). Two runs at a time, one thread each, on two CPU cores:
the 3 seeds 0-2 took 43 minutes on idle cores, 5 seeds about 75 (see the README).
"""
import argparse, json, os, sys, time
os.environ.setdefault('HF_HUB_OFFLINE', '1')
from pathlib import Path
from concurrent.futures import ProcessPoolExecutor
import multiprocessing as mp
from fst_nb.experiments import run_arm, arm_config, compare_setting, pick_lr, setting_line, fmt_spread, spread, setting_figure, related_eval, related_row
from fst_nb.views import evals

SMOL = dict(model='smollm2', temperature=0.7, train_examples=96, eval_examples=32, eval_samples=1, rl_steps=2, problems_per_step=4,
            group_size=8, top_k=2, batch_size=64, anchor_problems=4, minibatch_size=2, gepa_budget=64, proposals=2, warmup_steps=1)
RELATED = 'sums-big'

def _one(kw):
    import torch; torch.set_num_threads(1)
    out = kw.pop('out')
    run_arm(out=out, **kw)
    related_eval(arm_config(out=out, **kw).out_dir, RELATED)

def run_many_with(n:int):
    def run_many(jobs, out):
        jobs = [{**kw, 'out': out} for kw in jobs]
        if n <= 1:
            for kw in jobs: _one(kw)
            return
        with ProcessPoolExecutor(n, mp_context=mp.get_context('spawn')) as ex: list(ex.map(_one, jobs))
    return run_many

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument('--cycles', type=int, default=5)
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--out', default='runs/bench-fair', help="where the runs go (the fair benchmarks' folder: bench/fst_distill.py's sums FST and RL-only runs are these)")
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--json', default='bench/results/smollm2_fair.json')
    ap.add_argument('--check-lrs', type=float, nargs='*', default=[], help='only check the rate: which of these the sweep rule picks per arm, on --sweep-seeds (the comparison is not rerun)')
    ap.add_argument('--sweep-seeds', type=int, nargs='+', default=[100])
    a = ap.parse_args()
    import torch; torch.set_num_threads(1)   # every run, in this process or a worker, with one thread: the numerics each run records (chapter 14)
    if a.check_lrs: return check_lrs(a)
    t0, seeds = time.perf_counter(), list(range(a.seeds))
    res = compare_setting('sums', a.out, seeds, lrs=[a.lr], cycles=a.cycles, run_many=run_many_with(a.jobs), **SMOL)
    s = res['summary']
    print(setting_line(res), flush=True)
    print(f"  spreads over {len(seeds)} seeds (median [min, max]): sample_efficiency_rl {fmt_spread(s['sample_efficiency_rl'])}, "
          f"sample_efficiency_all {fmt_spread(s['sample_efficiency_all'])}, kl_ratio {fmt_spread(s['kl_ratio'], '.3f')}, "
          f"target (RL-only smoothed best) {fmt_spread(s['target'], '.3f')}")
    related = {}
    for arm in ('fst', 'rl', 'gepa'):
        first = [evals(l)[0] for l in res['logs'][arm].values()]
        print(f"  {arm:4} lr {res['lr'][arm]:g}: final reward {fmt_spread(s[f'{arm}_final'], '.3f')} (start {fmt_spread(spread([e['reward_with_prompt'] for e in first]), '.3f')}), "
              f"with no prompt {fmt_spread(s[f'{arm}_final_no_prompt'], '.3f')}, KL {fmt_spread(s[f'{arm}_final_kl'], '.4f')}, "
              f"rollouts {fmt_spread(s[f'{arm}_rollouts'], '.0f')}, reflection calls {fmt_spread(s[f'{arm}_reflection_calls'], '.0f')}")
        own = [evals(l)[-1] for l in res['logs'][arm].values()]
        rel = [related_eval(arm_config('sums', arm, sd, a.out, res['lr'][arm], a.cycles, **SMOL).out_dir, RELATED) for sd in seeds]
        related[f'sums/{arm}'] = related_row(own, rel)
        r = related[f'sums/{arm}']
        print(f"       on {RELATED} (never trained on): best prompt {fmt_spread(r['related_reward_with_prompt'], '.3f')}, "
              f"seed prompt {fmt_spread(r['related_reward_seed_prompt'], '.3f')}, no prompt {fmt_spread(r['related_reward_no_prompt'], '.3f')}")
    print(f"  GEPA-only rollouts to reach the target: {fmt_spread(s['gepa_rollouts_to_target'], '.0f')}")
    print('  best prompts (FST): ' + json.dumps([evals(l)[-1]['best_prompt'][:300] for l in res['logs']['fst'].values()]))
    total = time.perf_counter() - t0
    Path(a.json).parent.mkdir(parents=True, exist_ok=True)
    setting_figure(res, path=Path(a.json).with_suffix('.png'))
    doc = {'line': setting_line(res), 'config': {**SMOL, 'lr': a.lr, 'cycles': a.cycles}, 'seeds': seeds, 'summary': s, 'per_seed': res['per_seed'],
           'related_task': RELATED, 'related': related, 'lr': res['lr'],
           'best_prompts': {arm: {str(sd): evals(l)[-1]['best_prompt'] for sd, l in logs.items()} for arm, logs in res['logs'].items()},
           'curves': {arm: {str(sd): [{k: r.get(k) for k in ('cycle', 'rl_samples', 'rollouts_generated', 'reward_with_prompt', 'reward_seed_prompt',
                                                           'reward_no_prompt', 'kl_to_base', 'reflection_calls')}
                                      for r in l if r['kind'] == 'eval'] for sd, l in logs.items()} for arm, logs in res['logs'].items()},
           'seconds': round(total, 1), 'load': os.getloadavg(), 'command': ' '.join(sys.argv)}
    old = json.loads(Path(a.json).read_text()) if Path(a.json).exists() else {}
    if not any(v for secs in res['seconds'].values() for v in secs.values()) and old.get('config') == doc['config']:
        doc.update(seconds=old.get('seconds'), load=old.get('load'))   # every run was read back: keep the time of the run that made them
    Path(a.json).write_text(json.dumps(doc, indent=1, default=str))
    print(f'total {total/60:.1f} min; figures in {a.json}')

def check_lrs(a):
    "Run FST and RL-only at each rate on the sweep seeds and say which rate the fair benchmark's rule (mean held-out reward over the run) picks for each."
    t0 = time.perf_counter()
    jobs = [dict(task='sums', mode=arm, seed=sd, lr=lr, cycles=a.cycles, **SMOL) for arm in ('fst', 'rl') for lr in a.check_lrs for sd in a.sweep_seeds]
    run_many_with(a.jobs)(jobs, a.out)
    doc = json.loads(Path(a.json).read_text()) if Path(a.json).exists() else {}
    doc['lr_check'] = {'lrs': a.check_lrs, 'sweep_seeds': a.sweep_seeds, 'seconds': round(time.perf_counter() - t0, 1)}
    for arm in ('fst', 'rl'):
        picked, scores = pick_lr({lr: [run_arm('sums', arm, sd, a.out, lr, a.cycles, **SMOL)[0] for sd in a.sweep_seeds] for lr in a.check_lrs})
        doc['lr_check'][arm] = {'picked': picked, 'scores': scores}
        print(f"  sums: {arm} would pick lr={picked:g} from " + ', '.join(f'{lr:g}: {v:.3f}' for lr, v in scores.items()), flush=True)
    Path(a.json).write_text(json.dumps(doc, indent=1, default=str))
    print(f'lr check: {doc["lr_check"]["seconds"]/60:.1f} min')

if __name__ == '__main__':
    main()
