"""FST-distill, measured (chapter 16_distill): does distilling the best prompt into the weights keep what it learned
when the prompt is dropped, on a related task, and after the task changes? And is interleaving worth anything over
GEPA run on the final RL checkpoint?

Arms, on the same seeds, data and budgets (chapter 14's harness):
  fst                FST as the paper runs it
  rl                 RL only (the seed prompt)
  fst-distill-naive  the paper's FST-distill baseline: GEPA rounds, and every slow step a distillation step (no reward)
  fst-distill-phase  ours: FST's cycle, then `distill_steps` distillation steps every cycle (RL's reward kept)
  rl-then-gepa       the sceptic's arm: RL only, then as many GEPA rounds as FST ran on its frozen final weights,
                     the same rollout budget each and at most FST's reflection calls
Settings: toy and toy-zero (the toy base model) and sums (SmolLM2-135M-Instruct). For each run's final checkpoint:
held-out reward with the best prompt, the seed prompt and no prompt; the slow steps' entropy in the last cycle; KL to
the base model; the related task (toy: another hidden table of the same setting; sums: sums-big) with each prompt.
Continual forgetting on the toy task schedule (3 hidden tables x 4 cycles). Prints per setting, last:

    setting=NAME distill_no_prompt=... fst_no_prompt=... rl_no_prompt=... naive_best=... fst_best=... rl_then_gepa_best=...
    distill_related=... rl_related=... distill_kl=... rl_kl=...

(medians over seeds; `distill` is the phase arm; `*_related` with the arm's best prompt) with every spread, and writes
bench/results/fst_distill.json and fst_distill.png.

Learning rates: on the toy settings (`--sweep`) each arm's rate is picked by the fair benchmark's rule (mean held-out
reward over the run, on the sweep seeds 100 and 101) from its grid `--lrs`, by default the fair benchmark's 2e-3 4e-3
8e-3 and two rates below them, 5e-4 and 1e-3 (on that grid the naive arm picked its lowest rate, its sweep reward still
rising as the rate fell); FST's and RL-only's sweep runs at the fair benchmark's rates are its own. On sums every arm
runs at 1e-3, bench/smollm2_fair.py's rate (a sweep there costs three times the setting; `--sweep sums` runs it). The
continual study runs each arm at its toy pick. Every run is made with `--threads` torch threads (default 1, two runs
at a time with --jobs 2) and records it; cached runs made under other numerics are refused (chapter 14; --allow-mixed reads them).
The default --out is the fair benchmarks' (runs/bench-fair): the toy FST and RL-only runs at 4e-3 are the very runs
bench/fair_fst_vs_rl.py made, and the sums FST and RL-only runs the ones bench/smollm2_fair.py reads, so every figure
of those arms comes from one set of runs. The results file is written after each setting (a cut run keeps what ended).

    HF_HUB_OFFLINE=1 python bench/fst_distill.py [--settings toy toy-zero sums] [--seeds 5] [--sums-seeds 5] [--jobs 2]

Time on two CPU cores (--jobs 2): toy 4.4 min and toy-zero 3.8 min with the fair benchmark's runs read back, the
continual study 3.5 min; sums about 26 min per seed from an empty folder (its five arms are 38 core-minutes of RL,
distillation, GEPA and evaluation: FST 6.3, RL-only 4.7, naive 9.9, phase 12.6, RL-then-GEPA 4.1), so its 5 seeds
take over 100 min. The sums runs take the seed-prompt and no-prompt readings at their last evaluation only
(`readings_every=0`: the steps and the readings are the same to the last digit, the evaluations a third cheaper).
"""
import argparse, json, os, statistics, sys, time
os.environ.setdefault('HF_HUB_OFFLINE', '1')
from pathlib import Path
from concurrent.futures import ProcessPoolExecutor
import multiprocessing as mp
from fst_nb.experiments import (run_arm, arm_config, rl_then_gepa, related_eval, continual_study, pick_lr, spread, fmt_spread, numerics)
from fst_nb.views import evals, ARM_STYLE

ARMS = ('fst', 'rl', 'fst-distill-naive', 'fst-distill-phase')
LONGEST_FIRST = ('fst-distill-phase', 'fst-distill-naive', 'fst', 'rl')   # the order runs start in (a SmolLM2 seed: 12.6, 9.9, 6.3, 4.7 core-minutes): less of a tail on one core
SMOL = dict(model='smollm2', temperature=0.7, train_examples=96, eval_examples=32, eval_samples=1, rl_steps=2, problems_per_step=4,
            group_size=8, top_k=2, batch_size=64, anchor_problems=4, minibatch_size=2, gepa_budget=64, proposals=2, warmup_steps=1,
            readings_every=0)   # the seed-prompt and no-prompt readings at the first and last evaluation only (the line reads the last)
SETTINGS = {   # name -> (task, learning rate, cycles, overrides, related task, its task_seed offset)
    'toy': ('toy', 4e-3, 12, {}, 'toy', 7777),
    'toy-zero': ('toy-zero', 4e-3, 12, {}, 'toy-zero', 7777),
    'sums': ('sums', 1e-3, 5, SMOL, 'sums-big', 0),
}
DISTILL = dict(distill_steps=2)   # the phase arm: 2 distillation steps after each cycle's RL steps

def _threads(n:int):
    import torch; torch.set_num_threads(n)

def _job(job):
    "One unit of work in a worker process: an arm's run, the sceptic's arm, or a related-task evaluation."
    kind, kw, threads = job
    _threads(threads)
    if kind == 'arm': run_arm(**kw)
    elif kind == 'rtg': rl_then_gepa(**kw)
    elif kind == 'related': related_eval(**kw)

def run_all(jobs:list, n:int, threads:int):
    if n <= 1:
        for j in jobs: _job((*j, threads))
        return
    with ProcessPoolExecutor(n, mp_context=mp.get_context('spawn')) as ex: list(ex.map(_job, [(*j, threads) for j in jobs]))

def overrides(arm:str, ov:dict) -> dict: return {**ov, **(DISTILL if arm == 'fst-distill-phase' else {})}

def last_entropy(log:list[dict]) -> float|None:
    "Mean entropy of the slow steps (RL or distillation) of the last cycle: the actor entropy the blog compares."
    steps = [r for r in log if r['kind'] in ('step', 'distill') and r.get('entropy') is not None]
    last = [r['entropy'] for r in steps if r['cycle'] == steps[-1]['cycle']] if steps else []
    return statistics.fmean(last) if last else None

def study(name:str, seeds:list, a) -> dict:
    task, lr, cycles, ov, rel_task, rel_offset = SETTINGS[name]
    cycles, mix = a.cycles or cycles, a.allow_mixed
    t0 = time.perf_counter()
    lrs, scores = {arm: lr for arm in ARMS}, {}
    if name in a.sweep and len(a.lrs) > 1:   # the sweep rule, per arm, on the sweep seeds
        run_all([('arm', dict(task=task, mode=arm, seed=s, out=a.out, lr=x, cycles=cycles, allow_mixed=mix, **overrides(arm, ov))) for arm in LONGEST_FIRST
                 for x in a.lrs for s in a.sweep_seeds], a.jobs, a.threads)
        for arm in ARMS:
            lrs[arm], scores[arm] = pick_lr({x: [run_arm(task, arm, s, a.out, x, cycles, allow_mixed=mix, **overrides(arm, ov))[0] for s in a.sweep_seeds]
                                   for x in a.lrs})
    run_all([('arm', dict(task=task, mode=arm, seed=s, out=a.out, lr=lrs[arm], cycles=cycles, allow_mixed=mix, **overrides(arm, ov)))
             for arm in LONGEST_FIRST for s in seeds], a.jobs, a.threads)
    logs = {arm: {s: run_arm(task, arm, s, a.out, lrs[arm], cycles, allow_mixed=mix, **overrides(arm, ov))[0] for s in seeds} for arm in ARMS}
    dirs = {arm: {s: arm_config(task, arm, s, a.out, lrs[arm], cycles, **overrides(arm, ov)).out_dir for s in seeds} for arm in ARMS}
    rel_seed = lambda s: s + rel_offset if rel_offset else None
    run_all([('rtg', dict(task=task, seed=s, out=a.out, lr_rl=lrs['rl'], cycles=cycles, fst_log=logs['fst'][s], allow_mixed=mix, **ov)) for s in seeds]
            + [('related', dict(run_dir=d, task=rel_task, task_seed=rel_seed(s))) for arm in ARMS for s, d in dirs[arm].items()],   # one pool: no idle core
            a.jobs, a.threads)
    logs['rl-then-gepa'] = {s: rl_then_gepa(task, s, a.out, lrs['rl'], cycles, fst_log=logs['fst'][s], allow_mixed=mix, **ov) for s in seeds}
    res = {'task': task, 'lr': lrs, 'lr_scores': scores, 'cycles': cycles, 'seeds': seeds, 'arms': {}}
    for arm, by_seed in logs.items():
        fin = [evals(l)[-1] for l in by_seed.values()]
        row = {k: spread([e.get(f'reward_{w}') for e in fin]) for k, w in (('best', 'with_prompt'), ('seed', 'seed_prompt'), ('none', 'no_prompt'))}
        row['kl'] = spread([e['kl_to_base'] for e in fin])
        row['rollouts'] = spread([e['rollouts_generated'] for e in fin])
        row['reflection_calls'] = spread([e['reflection_calls'] for e in fin])
        if arm != 'rl-then-gepa':
            row['entropy'] = spread([last_entropy(l) for l in by_seed.values()])
            rel = [related_eval(dirs[arm][s], rel_task, rel_seed(s)) for s in seeds]
            row.update({f'related_{k}': spread([r[f'reward_{w}'] for r in rel]) for k, w in (('best', 'with_prompt'), ('seed', 'seed_prompt'), ('none', 'no_prompt'))})
        else:   # the RL part's samples count too
            row['rollouts'] = spread([e['rollouts_generated'] + evals(logs['rl'][s])[-1]['rollouts_generated'] for s, e in zip(seeds, fin)])
        res['arms'][arm] = row
    res['curves'] = {arm: {str(s): [{k: r.get(k) for k in ('cycle', 'rl_samples', 'rollouts_generated', 'reward_with_prompt', 'reward_seed_prompt',
                                                           'reward_no_prompt', 'kl_to_base')} for r in evals(l)] for s, l in by_seed.items()}
                     for arm, by_seed in logs.items()}
    res['seconds'] = round(time.perf_counter() - t0, 1)
    return res

def continual(seeds:list, a, lr:dict) -> dict:
    "Forgetting on the toy task schedule: 3 hidden tables x 4 cycles, each arm at its rate on the toy setting."
    t0 = time.perf_counter()
    res = {}
    run_many = lambda jobs, out: run_all([('arm', {**j, 'out': out}) for j in jobs], a.jobs, a.threads)
    for arm in ARMS:   # continual_study takes one override set: each arm its own
        res[arm] = continual_study('toy', a.out, seeds, lr, stages=3, stage_cycles=a.stage_cycles, arms=(arm,), run_many=run_many,
                                   allow_mixed=a.allow_mixed, **overrides(arm, {}))[arm]
        res[arm].pop('logs')
    res['seconds'], res['lr'] = round(time.perf_counter() - t0, 1), lr
    return res

def line(name:str, r:dict) -> str:
    m = lambda arm, k: 'n/a' if r['arms'][arm][k]['median'] is None else f"{r['arms'][arm][k]['median']:.3f}"
    return (f"setting={name} distill_no_prompt={m('fst-distill-phase', 'none')} fst_no_prompt={m('fst', 'none')} rl_no_prompt={m('rl', 'none')} "
            f"naive_best={m('fst-distill-naive', 'best')} fst_best={m('fst', 'best')} rl_then_gepa_best={m('rl-then-gepa', 'best')} "
            f"distill_related={m('fst-distill-phase', 'related_best')} rl_related={m('rl', 'related_best')} "
            f"distill_kl={m('fst-distill-phase', 'kl')} rl_kl={m('rl', 'kl')}")

def figure(results:dict, path:Path):
    from fst_nb.views import _plt
    plt = _plt()
    names = [n for n in results if n in SETTINGS]
    if not names: return
    fig, axes = plt.subplots(1, len(names), figsize=(5.2*len(names), 4), squeeze=False)
    arms = (*ARMS, 'rl-then-gepa')
    for ax, n in zip(axes[0], names):
        for j, (k, hatch) in enumerate((('best', ''), ('none', '//'), ('related_best', '..'))):
            for i, arm in enumerate(arms):
                s = results[n]['arms'][arm].get(k)
                if not s or s['median'] is None: continue
                x = i + (j - 1)*0.27
                ax.bar(x, s['median'], 0.25, color=ARM_STYLE[arm][1], hatch=hatch, edgecolor='k', lw=0.4,
                       label=('best prompt', 'no prompt', 'related task, best prompt')[j] if i == 0 else None)
                ax.plot([x, x], [s['min'], s['max']], color='k', lw=1)
                if s['max'] < 0.02: ax.text(x, 0.01, '0', ha='center', va='bottom', fontsize=7)   # a bar too low to see
        ax.set_xticks(range(len(arms)), [ARM_STYLE[a][0].replace(' (', '\n(') for a in arms], fontsize=7, rotation=20)
        ax.set(ylim=(0, 1.02), ylabel='held-out reward (median; line: min to max)', title=f"{n}: {len(results[n]['seeds'])} seeds")
        ax.grid(axis='y', alpha=.3)
    axes[0][-1].legend(fontsize=7, loc='upper right')
    fig.tight_layout(); fig.savefig(path, dpi=110); plt.close(fig)

def redraw(path:str):
    "Draw the figure again from a results file (no run)."
    doc = json.loads(Path(path).read_text())
    figure(doc['results'], Path(path).with_suffix('.png'))

def save(a, results:dict, seconds:float) -> dict:
    "Write the results file and the figure for what has ended so far."
    Path(a.json).parent.mkdir(parents=True, exist_ok=True)
    figure(results, Path(a.json).with_suffix('.png'))
    doc = {'results': results, 'lines': {n: line(n, r) for n, r in results.items() if n in SETTINGS}, 'numerics': numerics(), 'jobs': a.jobs,
           'allow_mixed': a.allow_mixed, 'seconds': round(seconds, 1), 'load': os.getloadavg(), 'command': ' '.join(sys.argv)}
    Path(a.json).write_text(json.dumps(doc, indent=1, default=str))
    return doc

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--settings', nargs='+', default=list(SETTINGS))
    ap.add_argument('--seeds', type=int, default=5, help='seeds of the toy settings')
    ap.add_argument('--sums-seeds', type=int, default=5, help='seeds of the SmolLM2 setting (about 26 minutes each for the five arms on two CPU cores)')
    ap.add_argument('--lrs', type=float, nargs='+', default=[5e-4, 1e-3, 2e-3, 4e-3, 8e-3], help="each arm's grid on the --sweep settings (the fair benchmark's and two rates below)")
    ap.add_argument('--sweep', nargs='*', default=['toy', 'toy-zero'], help='the settings whose rates are swept (the others run at their fixed rate)')
    ap.add_argument('--sweep-seeds', type=int, nargs='+', default=[100, 101])
    ap.add_argument('--continual-seeds', type=int, default=3, help='seeds of the continual study (0: skip it)')
    ap.add_argument('--stage-cycles', type=int, default=4, help='cycles per stage of the continual study')
    ap.add_argument('--cycles', type=int, default=0, help='cycles of every setting (0: each setting\'s own: 12 on the toy settings, 5 on sums); a smoke test uses 2')
    ap.add_argument('--out', default='runs/bench-fair', help="where the runs go (the fair benchmarks' folder: their FST and RL-only runs are shared)")
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--threads', type=int, default=1, help='torch threads of every run (recorded; a cached run made with others is refused)')
    ap.add_argument('--allow-mixed', action='store_true', help='read back cached runs made under other numerics (threads, torch, device, dtype) or before they were recorded')
    ap.add_argument('--json', default='bench/results/fst_distill.json')
    ap.add_argument('--redraw', action='store_true', help='only draw the figure again from --json')
    a = ap.parse_args()
    if a.redraw: return redraw(a.json)
    _threads(a.threads)
    t_all, results = time.perf_counter(), {}
    # the toy settings, then the continual study on toy, then SmolLM2 (the long one): the results file after each
    order = [n for n in a.settings if n != 'sums'] + ['continual'] + (['sums'] if 'sums' in a.settings else [])
    for name in order:
        if name == 'continual':
            if not (a.continual_seeds and 'toy' in a.settings): continue
            c = results['continual'] = continual(list(range(a.continual_seeds)), a, results['toy']['lr'])
            print(f"== continual (toy, 3 tables x {a.stage_cycles} cycles, {a.continual_seeds} seeds; {c['seconds']:.0f} s): forgetting = reward at the end of a stage "
                  "minus the final reward on that stage, with the final best prompt")
            for arm in ARMS:
                print(f"  {arm:18} " + ', '.join(f'stage {i + 1} {fmt_spread(f, ".3f")}' for i, f in enumerate(c[arm]['forgetting'])))
            save(a, results, time.perf_counter() - t_all)
            continue
        seeds = list(range(a.sums_seeds if name == 'sums' else a.seeds))
        r = results[name] = study(name, seeds, a)
        print(f"== {name} ({r['task']}, {len(seeds)} seeds, {r['cycles']} cycles; {r['seconds']:.0f} s); lr: " + ', '.join(f'{k} {v:g}' for k, v in r['lr'].items()))
        for arm, row in r['arms'].items():
            print(f"  {arm:18} best {fmt_spread(row['best'], '.3f')}, seed prompt {fmt_spread(row['seed'], '.3f')}, no prompt {fmt_spread(row['none'], '.3f')}, "
                  f"KL {fmt_spread(row['kl'], '.4f')}" + (f", entropy {fmt_spread(row['entropy'], '.3f')}" if 'entropy' in row else '')
                  + f", rollouts {fmt_spread(row['rollouts'], '.0f')}, reflection calls {fmt_spread(row['reflection_calls'], '.0f')}")
            if 'related_best' in row:
                print(f"  {'':18} related task: best prompt {fmt_spread(row['related_best'], '.3f')}, seed prompt {fmt_spread(row['related_seed'], '.3f')}, "
                      f"no prompt {fmt_spread(row['related_none'], '.3f')}")
        print(line(name, r), flush=True)
        save(a, results, time.perf_counter() - t_all)
    total = time.perf_counter() - t_all
    doc = save(a, results, total)
    print(f'total {total/60:.1f} min; results in {a.json}')
    for n in doc['lines']: print(doc['lines'][n])

if __name__ == '__main__':
    main()
