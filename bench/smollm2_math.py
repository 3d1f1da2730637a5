"""A longer, honest look: SmolLM2-135M-Instruct on synthetic math word problems, CPU.

Three arms with the same data and seeds: RL only, FST with the offline mutation operator, and FST
with SmolLM2 itself as a local reflection LM (`reflector='local'`). A 135M model is a weak policy and
a weaker reflector, and a CPU allows only a few steps: this measures what the machinery does at
this scale (rewards, KL, zero-variance fraction, what reflection produced, and the wall time of
each phase), not the paper's effect sizes.

    HF_HUB_OFFLINE=1 python bench/smollm2_math.py [--cycles 3] [--out runs/bench-smollm2-math]
"""
import argparse, os, time, json
os.environ.setdefault('HF_HUB_OFFLINE', '1')
from fst_nb.fst import FSTRun, FSTConfig
from fst_nb.views import evals, save_figures, report

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--cycles', type=int, default=3)
    ap.add_argument('--max-new-tokens', type=int, default=160)
    ap.add_argument('--arms', nargs='+', default=['rl', 'fst-offline', 'fst-local'])
    ap.add_argument('--out', default='runs/bench-smollm2-math')
    a = ap.parse_args()
    base = dict(model='smollm2', task='math', train_examples=64, eval_examples=16, eval_samples=1, cycles=a.cycles,
                rl_steps=2, problems_per_step=4, group_size=4, top_k=2, max_new_tokens=a.max_new_tokens, batch_size=16,
                lr=2e-4, warmup_steps=2, anchor_problems=4, minibatch_size=3, gepa_budget=40, proposals=2, seed=0)
    runs = {}
    for arm in a.arms:
        mode, _, refl = arm.partition('-')
        cfg = FSTConfig(**base, mode=mode, reflector=refl or 'offline', reflector_model='smollm2' if refl == 'local' else '',
                        out_dir=f'{a.out}/{arm}')
        t0 = time.perf_counter()
        recs = FSTRun(cfg, progress=False, resume=False).run()
        runs[arm] = f'{a.out}/{arm}'
        ev = evals(recs)
        steps = [r for r in recs if r['kind'] == 'step']
        print(f'== {arm}: {time.perf_counter() - t0:.0f}s', flush=True)
        for r in ev:
            print(f"   cycle {r['cycle']}: held-out reward {r['reward_with_prompt']:.3f} (seed prompt {r['reward_seed_prompt']:.3f}, no prompt {r['reward_no_prompt']:.3f}), "
                  f"KL {r['kl_to_base']:.4f}, RL samples {r['rl_samples']}, GEPA rollouts {r['gepa_rollouts']}, reflection calls {r['reflection_calls']}"
                  + (f", phases gepa {r.get('gepa_seconds', 0):.0f}s rl {r.get('rl_seconds', 0):.0f}s eval {r.get('eval_seconds', 0):.0f}s" if 'eval_seconds' in r else ''), flush=True)
        if steps: print(f"   train reward per step: {[round(s['reward_mean'], 3) for s in steps]}; zero-variance fraction: {[round(s['zero_var_frac'], 2) for s in steps]}")
        print('   best prompt: ' + json.dumps(ev[-1]['best_prompt'][:400]), flush=True)
    save_figures(runs, a.out)

if __name__ == '__main__':
    main()
