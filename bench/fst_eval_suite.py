"""The paper's evaluation suite beyond sample efficiency (chapter 14_experiments): plasticity, continual learning, asymptotes.

Reads the runs and learning rates of `bench/fair_fst_vs_rl.py` (run it first, with the same --out), then
- plasticity: on --setting, RL-only on a new hidden table from the base model, from each seed's FST weights and
  from its RL-only weights; final reward and learning-curve area per start;
- continual learning: FST and RL-only on a schedule of --stages hidden tables, --stage-cycles cycles each;
  reward at each stage's end, at the run's end, and what was forgotten;
- asymptotes: a saturating fit of held-out reward vs RL samples for each arm of each setting of the fair run,
  trusted only where the run covered three time constants;
- prompt dropped on a related task: each fair run's latest checkpoint on another hidden table of its setting
  (task_seed + --related-offset, never trained on) with its best prompt, the seed prompt and no prompt.
Prints them and writes --json (default bench/results/fst_eval_suite.json).

    HF_HUB_OFFLINE=1 python bench/fst_eval_suite.py [--setting toy-verdict] [--seeds 5]
"""
import argparse, json, os, sys, time
os.environ.setdefault('HF_HUB_OFFLINE', '1')
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from fair_fst_vs_rl import parallel, _threads
from fst_nb.experiments import (arm_asymptotes, continual_study, continual_table, fmt_spread, plasticity_study, run_arm, arm_config,
                                 related_eval, related_row)
from fst_nb.views import evals

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--setting', default='toy-verdict')
    ap.add_argument('--seeds', type=int, default=5)
    ap.add_argument('--cycles', type=int, default=12, help="the fair run's cycles")
    ap.add_argument('--new-cycles', type=int, default=8, help='cycles of each plasticity run')
    ap.add_argument('--stages', type=int, default=3)
    ap.add_argument('--stage-cycles', type=int, default=4)
    ap.add_argument('--out', default='runs/bench-fair')
    ap.add_argument('--fair-json', default='bench/results/fair_fst_vs_rl.json')
    ap.add_argument('--json', default='bench/results/fst_eval_suite.json')
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--threads', type=int, default=1, help="torch threads of every run (recorded; the fair runs it reads were made with the fair benchmark's, default 1)")
    ap.add_argument('--related-offset', type=int, default=2000, help='the related task: the hidden table task_seed + this')
    a = ap.parse_args()
    _threads(a.threads)   # every run, in this process or a worker, with --threads torch threads: the numerics each run records (chapter 14)
    fair = json.loads(Path(a.fair_json).read_text())
    seeds, t0, doc = list(range(a.seeds)), time.perf_counter(), {}
    lr = fair['settings'][a.setting]['lr']
    pl = plasticity_study(a.setting, a.out, seeds, lr, a.cycles, a.new_cycles, run_many=parallel(a.jobs, a.threads))
    print(f'plasticity on {a.setting}: RL-only on a new hidden table for {a.new_cycles} cycles (lr {lr["rl"]:g}), {len(seeds)} seeds, median [min, max]:')
    for start, r in pl.items():
        print(f"  from {start:4} weights: final reward {fmt_spread(r['final'], '.3f')}, curve area {fmt_spread(r['area'], '.3f')}")
    doc['plasticity'] = {k: {m: v for m, v in r.items() if m != 'logs'} for k, r in pl.items()}
    co = continual_study(a.setting, a.out, seeds, lr, a.stages, a.stage_cycles, run_many=parallel(a.jobs, a.threads))
    print(f'continual learning on {a.setting}: {a.stages} hidden tables, {a.stage_cycles} cycles each, {len(seeds)} seeds:\n' + continual_table(co))
    doc['continual'] = {k: {m: v for m, v in r.items() if m != 'logs'} for k, r in co.items()}
    doc['asymptotes'] = {}
    for task, r in fair['settings'].items():
        for arm in ('fst', 'rl'):
            logs = {s: run_arm(task, arm, s, a.out, r['lr'][arm], a.cycles)[0] for s in seeds}
            fit = arm_asymptotes(logs)
            doc['asymptotes'][f'{task}/{arm}'] = {'asymptote': fit['asymptote'], 'covered': fit['covered'], 'fits': fit['fits']}
            print(f"asymptote {task} {arm:3}: {fmt_spread(fit['asymptote'], '.3f')} over the {fit['covered']} of {len(seeds)} seeds whose run covered 3 time constants")
    doc['related'] = {}
    print(f'prompt dropped on a related task (another hidden table, task_seed + {a.related_offset}, never trained on), {len(seeds)} seeds:')
    for task, r in fair['settings'].items():
        for arm in ('fst', 'rl', 'gepa'):
            lr_arm = r['lr'][arm] if arm != 'gepa' else 0.0
            dirs = {s: arm_config(task, arm, s, a.out, lr_arm, a.cycles).out_dir for s in seeds}
            own = [evals(run_arm(task, arm, s, a.out, lr_arm, a.cycles)[0])[-1] for s in seeds]
            row = related_row(own, [related_eval(d, task, s + a.related_offset) for s, d in dirs.items()])
            doc['related'][f'{task}/{arm}'] = row
            print(f"  {task:12} {arm:4}: own task best/seed/no prompt {fmt_spread(row['own_reward_with_prompt'], '.3f')} / "
                  f"{fmt_spread(row['own_reward_seed_prompt'], '.3f')} / {fmt_spread(row['own_reward_no_prompt'], '.3f')}; related task "
                  f"{fmt_spread(row['related_reward_with_prompt'], '.3f')} / {fmt_spread(row['related_reward_seed_prompt'], '.3f')} / "
                  f"{fmt_spread(row['related_reward_no_prompt'], '.3f')}", flush=True)
    doc['seconds'] = round(time.perf_counter() - t0, 1)
    Path(a.json).parent.mkdir(parents=True, exist_ok=True)
    Path(a.json).write_text(json.dumps(doc, indent=1, default=str))
    print(f'total {doc["seconds"]/60:.1f} min; figures in {a.json}')

if __name__ == '__main__':
    main()
