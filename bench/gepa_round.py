"""One GEPA round, fst-nb's engine vs the reference `gepa.optimize`, side by side in one run.

Same toy task, same generator (the toy base model through HFGenerator on CPU), same budget of metric
calls, and the same scripted reflection LM made to take `--latency` seconds per call (as a remote LLM
does). Three configurations:

- ours (fast): `GEPA` with `--proposals` parents per wave (parallel reflection calls, batched evaluations,
  rollout reuse), every accepted child scored on the anchors;
- ours (siblings merged, the library default): the same, but the accepted children of one parent in a wave
  are folded into one prompt and scored on the anchors once, so the budget buys more waves (better prompts,
  more wall time);
- gepa (default): `gepa.optimize` as documented, one proposal per iteration;
- gepa (parallel): the reference at its best in this version: `IndependentSampling(n)` parents per
  iteration, a reflection LM with `batch_complete` that runs the calls in threads, and an adapter with
  `batch_evaluate` (one generator batch per stage).

Prints each wall time, best anchor score and metric calls, then `speedup=` (gepa default / ours fast),
`speedup_vs_parallel=` (gepa parallel / ours fast), and the same two for ours with siblings merged.

    HF_HUB_OFFLINE=1 python bench/gepa_round.py [--budget 300] [--latency 1.0] [--proposals 8]
"""
import argparse, os, time
from concurrent.futures import ThreadPoolExecutor
os.environ.setdefault('HF_HUB_OFFLINE', '1')
import torch
from fst_nb.tasks import toy_task, TOY_SEED_PROMPT
from fst_nb.models import load_policy
from fst_nb.generate import HFGenerator, SamplingConfig
from fst_nb.reflection_lm import CallableLM
from fst_nb.gepa import GEPA, GEPAConfig, ReflectiveProposer, GepaAdapter, scripted_reflection

class SlowReflector:
    "The scripted reflector behind `latency` seconds of waiting per call; `batch_complete` runs calls in threads."
    def __init__(self, latency): self.latency = latency
    def __call__(self, prompt):
        if isinstance(prompt, list): prompt = prompt[-1]['content']
        time.sleep(self.latency)
        return scripted_reflection('', prompt)
    def batch_complete(self, messages_list):
        with ThreadPoolExecutor(len(messages_list)) as ex: return list(ex.map(self, messages_list))

class Quiet:
    def log(self, *a, **k): pass

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--budget', type=int, default=300, help='metric calls (rollouts) per round')
    ap.add_argument('--latency', type=float, default=1.0, help='seconds per reflection call')
    ap.add_argument('--proposals', type=int, default=8, help='parallel proposals (ours and gepa parallel)')
    ap.add_argument('--anchors', type=int, default=32)
    ap.add_argument('--seeds', type=int, default=3, help='rounds per configuration (seeds 0..n-1); medians and means reported')
    a = ap.parse_args()
    torch.set_num_threads(2)
    gen = HFGenerator(load_policy('toy-base'), SamplingConfig(max_new_tokens=16, temperature=1.0), batch_size=64)
    train, anchors = toy_task(96, split='train'), toy_task(a.anchors, split='test')
    refl = SlowReflector(a.latency)

    def ours(seed, merge_siblings):
        r = GEPA(gen, train, ReflectiveProposer(CallableLM(lambda s, u: refl(u))),
                 GEPAConfig(max_metric_calls=a.budget, proposals=a.proposals, merge_siblings=merge_siblings, seed=seed)).run(
            [TOY_SEED_PROMPT], train.examples, anchors.examples)
        return r.best.mean_score, r.metric_calls, r.reflection_calls
    def theirs(parallel, seed):
        import gepa
        kw = {}
        adapter = GepaAdapter(gen, train, seed=seed)
        if parallel:
            from gepa.strategies.proposal_sampling import IndependentSampling
            kw['sampling_strategy'] = IndependentSampling(a.proposals)
        else: adapter = _Sequential(adapter)                      # evaluate() only, as the docs show
        lm = refl if parallel else (lambda prompt: refl(prompt))   # a plain function: gepa calls it one prompt at a time
        r = gepa.optimize(seed_candidate={'system_prompt': TOY_SEED_PROMPT}, trainset=train.examples, valset=anchors.examples,
                          adapter=adapter, reflection_lm=lm, max_metric_calls=a.budget, reflection_minibatch_size=3,
                          seed=seed, logger=Quiet(), **kw)
        return max(r.val_aggregate_scores), r.total_metric_calls, len(r.candidates)

    import statistics as st
    runs = {'ours_fast': lambda sd: ours(sd, False), 'ours_merged': lambda sd: ours(sd, True),
            'gepa': lambda sd: theirs(False, sd), 'gepa_parallel': lambda sd: theirs(True, sd)}
    res = {k: [] for k in runs}
    for sd in range(a.seeds):                       # alternate the configurations within each seed
        for name, fn in runs.items():
            t0 = time.perf_counter(); best, calls, _ = fn(sd); res[name].append((time.perf_counter() - t0, best, calls))
    secs = {}
    for name, rows in res.items():
        secs[name] = st.median(r[0] for r in rows)
        print(f'{name:14s} median wall {secs[name]:6.2f} s   mean best anchor score {st.mean(r[1] for r in rows):.3f}   '
              f'metric calls {[r[2] for r in rows]}   (budget {a.budget}, {a.seeds} seeds)')
    print(' '.join(f'{k}_seconds={v:.2f}' for k, v in secs.items()))
    print(f"speedup={secs['gepa']/secs['ours_fast']:.2f} speedup_vs_parallel={secs['gepa_parallel']/secs['ours_fast']:.2f}")
    print(f"speedup_merged={secs['gepa']/secs['ours_merged']:.2f} speedup_merged_vs_parallel={secs['gepa_parallel']/secs['ours_merged']:.2f}")

class _Sequential:
    "The adapter as a plain gepa user writes it: evaluate and make_reflective_dataset only (no batch_evaluate)."
    propose_new_texts = None
    def __init__(self, inner): self.inner = inner
    def evaluate(self, batch, candidate, capture_traces=False): return self.inner.evaluate(batch, candidate, capture_traces)
    def make_reflective_dataset(self, candidate, eval_batch, components): return self.inner.make_reflective_dataset(candidate, eval_batch, components)

if __name__ == '__main__':
    main()
