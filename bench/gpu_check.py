"""The prepared GPU check: what a lent GPU machine should measure, ready before the GPU is.

Independent sections, each in its own subprocess with a time limit, each appending JSON lines to one
results file, so one failure (or a hang) loses one section:

  env         versions, the device, check_gpu_stack() and check_gpu_runtime()
  kernel      fused log-probs vs the materialised logits at Qwen3's vocabulary (151,936) in bf16:
              exactness, forward+backward time, peak memory, the eager/compiled pick
  learner     Learner.step at Qwen3-0.6B and 1.7B shapes with random weights + LoRA: step time, peak memory
  trl         TRL's GRPOTrainer loss path (its own log-prob code and _compute_loss) on the same batch, same shapes
  unsloth     Unsloth load + LoRA (fast_inference=False) + learner steps, against plain PEFT on the same model
  generation  batched HF generation, tokens/s (toy base model and a random Qwen3-0.6B)
  fst         an FST run end to end on the toy task, on the device
  vllm_server a real `vllm serve` with runtime LoRA (a random Qwen3-0.6B): serve_check, sampling, sampler/trainer log-prob gap, publish + load

    PYTHONPATH=$PWD python3 bench/gpu_check.py                      # on a CUDA machine: about 5 minutes on an H100
    PYTHONPATH=$PWD python3 bench/gpu_check.py --only kernel,learner
    python bench/gpu_check.py --cpu-tiny                            # the same code at tiny shapes on the CPU (CI runs it)

The lent machines have torch, transformers and PEFT but no Unsloth, TRL or vLLM: carry the wheels
(../shared/tools/gpu-carry.sh) for the unsloth, trl and vllm_server sections; a section whose package is missing
reports `skipped` with the reason. Results: one JSON object per line, `section`, `status` (ok, skipped,
failed, timeout, crashed), the device, and the section's figures; a summary is printed at the end.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time, traceback
from pathlib import Path

os.environ.setdefault('HF_HUB_OFFLINE', '1')
SECTIONS = ('env', 'kernel', 'learner', 'trl', 'unsloth', 'generation', 'fst', 'vllm_server')
ROOT = Path(__file__).resolve().parent.parent

# Qwen3 shapes (config.json of Qwen/Qwen3-0.6B and -1.7B); tiny: the same architecture, CPU-sized
SHAPES = {'qwen3-0.6b': dict(hidden_size=1024, intermediate_size=3072, num_hidden_layers=28, num_attention_heads=16,
                             num_key_value_heads=8, head_dim=128, vocab_size=151_936),
          'qwen3-1.7b': dict(hidden_size=2048, intermediate_size=6144, num_hidden_layers=28, num_attention_heads=16,
                             num_key_value_heads=8, head_dim=128, vocab_size=151_936),
          'qwen3-tiny': dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
                             num_key_value_heads=2, head_dim=8, vocab_size=512)}

class Skip(Exception):
    "This section cannot run here (the reason is the message)."

# ---------------------------------------------------------------- helpers
def _torch():
    import torch
    return torch

def _dev(tiny:bool) -> str:
    torch = _torch()
    if tiny: return 'cpu'
    if not torch.cuda.is_available(): raise SystemExit('gpu_check.py needs a CUDA GPU (use --cpu-tiny to run its code on the CPU)')
    return 'cuda'

def _sync(dev):
    if dev == 'cuda': _torch().cuda.synchronize()

def _reset_peak(dev):
    if dev == 'cuda': _torch().cuda.reset_peak_memory_stats()

def _peak_mib(dev):
    return round(_torch().cuda.max_memory_allocated()/2**20, 1) if dev == 'cuda' else None

def _timed(fn, dev, repeats:int):
    "Median seconds of `repeats` calls of `fn`, after one warm-up call."
    fn(); _sync(dev)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter(); fn(); _sync(dev); times.append(time.perf_counter() - t0)
    return statistics.median(times)

def _qwen3(shape:str, dev:str, dtype):
    "A Qwen3 model at `shape` with random weights (seeded), on `dev` in `dtype`."
    torch = _torch()
    from transformers import Qwen3Config, Qwen3ForCausalLM
    cfg = Qwen3Config(**SHAPES[shape], tie_word_embeddings=True, max_position_embeddings=4096, pad_token_id=0, eos_token_id=1)
    with torch.random.fork_rng(), torch.device(dev):
        torch.manual_seed(0)
        return Qwen3ForCausalLM(cfg).to(dtype).eval()

def _batch_shape(tiny:bool) -> dict:
    return dict(problems=4, samples=4, prompt=16, completion=16) if tiny else dict(problems=8, samples=8, prompt=128, completion=512)

def _rollouts(policy, learner, problems:int, samples:int, prompt:int, completion:int, seed:int=0):
    "Scored rollouts of random tokens with on-policy behaviour log-probs (one no-grad pass) and 0/1 rewards per group."
    torch = _torch()
    from fst_nb.core import Example, Rollout
    V = policy.model.config.vocab_size
    g = torch.Generator().manual_seed(seed)
    out = []
    for p in range(problems):
        ex, pids = Example(f'p{p}', 'random problem', '0'), torch.randint(2, V, (prompt,), generator=g).tolist()
        for k in range(samples):
            cids = torch.randint(2, V, (completion,), generator=g).tolist()
            out.append(Rollout(ex, 'c0', [{'role': 'user', 'content': 'random problem'}], '', pids, cids, [0.0]*completion,
                               finish_reason='length', sample=k, reward=float((p + k) % 2)))
    with torch.no_grad():
        for mb in learner._micro_batches(out):
            lp = learner._completion_logprobs(mb)[0]
            for i, r in enumerate(mb): r.logprobs = lp[i, :len(r.completion_ids)].float().tolist()
    return out

def _learner_for(model, tokenizer, name, backend='hf', lr=1e-5):
    from fst_nb.models import Policy, add_lora, LoraSpec
    from fst_nb.learner import Learner, LearnerConfig
    from fst_nb.losses import LossConfig
    if not hasattr(model, 'disable_adapter'): model = add_lora(model, LoraSpec(r=16, alpha=32))
    pol = Policy(model, tokenizer, name, backend)
    return pol, Learner(pol, LearnerConfig(lr=lr, warmup_steps=0, micro_batch_tokens=16_384, loss=LossConfig('cispo', tau=4.0, beta=0.001)))

def _tokenizer():
    from fst_nb.models import char_tokenizer
    return char_tokenizer()   # the learner only reads its pad id; rollouts are token ids

# ---------------------------------------------------------------- sections
def sec_env(tiny):
    torch = _torch()
    import importlib.metadata as md, platform
    from fst_nb.models import check_gpu_stack, check_gpu_runtime, nvidia_driver
    def ver(p):
        try: return md.version(p)
        except md.PackageNotFoundError: return None
    cuda = torch.cuda.is_available()
    return {'python': platform.python_version(), 'torch': torch.__version__, 'torch_cuda': torch.version.cuda,
            'cuda_available': cuda, 'device_name': torch.cuda.get_device_name() if cuda else platform.processor() or 'cpu',
            'gpu_memory_gib': round(torch.cuda.get_device_properties(0).total_memory/2**30, 1) if cuda else None,
            'bf16': cuda and torch.cuda.is_bf16_supported(), 'driver': nvidia_driver(),
            **{p: ver(p) for p in ('transformers', 'peft', 'triton', 'unsloth', 'unsloth_zoo', 'trl', 'vllm', 'accelerate')},
            'gpu_stack_differences': check_gpu_stack(), 'gpu_runtime_problems': check_gpu_runtime()}

def sec_kernel(tiny):
    torch = _torch()
    from fst_nb.logprobs import token_logprobs, naive_token_logprobs, pick_chunk_kernel
    dev = _dev(tiny)
    V, H, N = (512, 32, 64) if tiny else (151_936, 1024, 2048)
    dt = torch.float32 if tiny else torch.bfloat16
    g = torch.Generator(device=dev).manual_seed(0)
    W = (torch.randn(V, H, device=dev, generator=g)/H**0.5).to(dt)
    h0 = torch.randn(N, H, device=dev, generator=g).to(dt)
    y = torch.randint(0, V, (N,), device=dev, generator=g)
    pick, pick_times = pick_chunk_kernel(W, dt)
    ref = naive_token_logprobs(h0.float(), W.float(), y)[0]
    out = {'vocab': V, 'hidden': H, 'tokens': N, 'dtype': str(dt), 'kernel_pick': pick,
           'pick_ms': {k: round(v*1e3, 3) for k, v in pick_times.items()}}
    def fwd_bwd(fn):
        def go():
            hh = h0.clone().requires_grad_(); fn(hh)[0].float().sum().backward()
        return go
    for k in (['eager'] if tiny else ['eager', 'compiled']):
        lp = token_logprobs(h0, W, y, kernel=k)[0]
        out[f'{k}_max_abs_err'] = float((lp.float() - ref).abs().max())
        _reset_peak(dev)
        out[f'{k}_fwd_bwd_ms'] = round(_timed(fwd_bwd(lambda hh: token_logprobs(hh, W, y, kernel=k)), dev, 5)*1e3, 3)
        out[f'{k}_peak_mib'] = _peak_mib(dev)
    _reset_peak(dev)
    out['naive_fwd_bwd_ms'] = round(_timed(fwd_bwd(lambda hh: naive_token_logprobs(hh, W, y)), dev, 5)*1e3, 3)
    out['naive_peak_mib'] = _peak_mib(dev)
    out['time_ratio'] = round(out['eager_fwd_bwd_ms']/out['naive_fwd_bwd_ms'], 3)
    if dev == 'cuda': out['peak_mem_ratio'] = round(out['eager_peak_mib']/out['naive_peak_mib'], 3)
    assert out['eager_max_abs_err'] < (1e-4 if tiny else 0.1), out
    return out

def _learner_figures(learner, rollouts, dev, steps:int) -> dict:
    _reset_peak(dev)
    times = []
    learner.step(rollouts); _sync(dev)   # warm-up (kernel pick, allocator)
    for _ in range(steps):
        t0 = time.perf_counter(); m = learner.step(rollouts); _sync(dev); times.append(time.perf_counter() - t0)
    return {'step_s': round(statistics.median(times), 4), 'peak_mib': _peak_mib(dev), 'tokens': m.get('tokens'),
            'loss': m.get('loss'), 'skipped': m.get('skipped')}

def sec_learner(tiny):
    torch = _torch()
    dev = _dev(tiny)
    out = {}
    for shape in (['qwen3-tiny'] if tiny else ['qwen3-0.6b', 'qwen3-1.7b']):
        model = _qwen3(shape, dev, torch.float32 if tiny else torch.bfloat16)
        pol, L = _learner_for(model, _tokenizer(), shape)
        rs = _rollouts(pol, L, **_batch_shape(tiny))
        out[shape] = {**_batch_shape(tiny), **_learner_figures(L, rs, dev, 2 if tiny else 3)}
        assert out[shape]['skipped'] is False, out[shape]
        del model, pol, L
        if dev == 'cuda': torch.cuda.empty_cache()
    return out

def sec_trl(tiny):
    "TRL's own update path on the same batch: its log-prob code (materialised logits), its ref pass with the adapter off, its loss."
    torch = _torch()
    try:
        import datasets
        from trl import GRPOConfig, GRPOTrainer
    except ImportError as e: raise Skip(f'TRL is not installed ({e}); carry its wheel (../shared/tools/gpu-carry.sh)')
    dev = _dev(tiny)
    out = {}
    for shape in (['qwen3-tiny'] if tiny else ['qwen3-0.6b', 'qwen3-1.7b']):
        model = _qwen3(shape, dev, torch.float32 if tiny else torch.bfloat16)
        pol, L = _learner_for(model, _tokenizer(), shape)
        b = _batch_shape(tiny)
        rs = _rollouts(pol, L, **b)
        n = len(rs)
        args = GRPOConfig(output_dir=tempfile.mkdtemp(), use_cpu=tiny, bf16=not tiny, fp16=False, gradient_checkpointing=False,
                          per_device_train_batch_size=n, num_generations=b['samples'], max_completion_length=b['completion'],
                          learning_rate=1e-5, loss_type='cispo', epsilon_high=4.0, beta=0.001, report_to=[], save_strategy='no',
                          logging_steps=10_000, disable_tqdm=True)
        ds = datasets.Dataset.from_list([{'prompt': 'x'}]*n)
        trainer = GRPOTrainer(model=pol.model, reward_funcs=[lambda completions, **k: [0.0]*len(completions)], args=args,
                              train_dataset=ds, processing_class=pol.tokenizer)
        trainer.current_gradient_accumulation_steps = 1   # set by Trainer's training loop, read by _compute_loss
        opt = torch.optim.AdamW([p for p in pol.model.parameters() if p.requires_grad], lr=1e-5)
        P, C = b['prompt'], b['completion']
        ids = lambda key: torch.tensor([getattr(r, key) for r in rs], device=dev)
        rewards = torch.tensor([r.reward for r in rs], device=dev).view(-1, b['samples'])
        adv = ((rewards - rewards.mean(1, keepdim=True))/(rewards.std(1, keepdim=True) + 1e-4)).view(-1)
        inputs = {'prompt_ids': ids('prompt_ids'), 'prompt_mask': torch.ones(n, P, dtype=torch.long, device=dev),
                  'completion_ids': ids('completion_ids'), 'completion_mask': torch.ones(n, C, dtype=torch.long, device=dev),
                  'advantages': adv, 'old_per_token_logps': ids('logprobs').float(), 'num_items_in_batch': torch.tensor(n*C, device=dev)}
        def step():
            full = torch.cat([inputs['prompt_ids'], inputs['completion_ids']], 1)
            mask = torch.cat([inputs['prompt_mask'], inputs['completion_mask']], 1)
            with torch.no_grad(), pol.model.disable_adapter():   # TRL's reference pass under PEFT: the adapter disabled
                inputs['ref_per_token_logps'] = trainer._get_per_token_logps_and_entropies(pol.model, full, mask, C, batch_size=n)[0]
            pol.model.train()
            loss = trainer.compute_loss(pol.model, inputs)
            loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
        _reset_peak(dev)
        t = _timed(step, dev, 2 if tiny else 3)
        out[shape] = {**b, 'step_s': round(t, 4), 'peak_mib': _peak_mib(dev), 'trl': __import__('trl').__version__}
        ours = _learner_figures(L, rs, dev, 2 if tiny else 3)
        out[shape].update(ours_step_s=ours['step_s'], ours_peak_mib=ours['peak_mib'], step_time_ratio=round(ours['step_s']/t, 3))
        if dev == 'cuda': out[shape]['peak_mem_ratio'] = round(ours['peak_mib']/out[shape]['peak_mib'], 3)
        del model, pol, L, trainer
        if dev == 'cuda': torch.cuda.empty_cache()
    return out

def _tokenizer_for_vocab(V:int):
    "A word-level tokenizer with `V` tokens and a ChatML template, made in code (no hub)."
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast
    from fst_nb.models import CHATML_TEMPLATE
    specials = ['<|pad|>', '<|im_end|>', '<|im_start|>', '<|unk|>']
    vocab = {t: i for i, t in enumerate(specials + [f't{i}' for i in range(V - len(specials))])}
    tk = Tokenizer(models.WordLevel(vocab, unk_token='<|unk|>')); tk.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok = PreTrainedTokenizerFast(tokenizer_object=tk, pad_token='<|pad|>', eos_token='<|im_end|>', unk_token='<|unk|>',
                                  additional_special_tokens=['<|im_start|>'], padding_side='left')
    tok.chat_template = CHATML_TEMPLATE
    return tok

def sec_unsloth(tiny):
    torch = _torch()
    import importlib.util
    if importlib.util.find_spec('unsloth') is None: raise Skip('unsloth is not installed; carry its wheels (../shared/tools/gpu-carry.sh)')
    if tiny or not torch.cuda.is_available(): raise Skip('Unsloth needs a CUDA GPU')
    import unsloth  # noqa: F401  (before transformers/peft are used by the loader: it patches them)
    from fst_nb.models import load_policy, LoraSpec
    dev, shape = 'cuda', 'qwen3-0.6b'
    folder = Path(tempfile.mkdtemp())/shape
    _qwen3(shape, 'cpu', torch.bfloat16).save_pretrained(folder)
    _tokenizer_for_vocab(SHAPES[shape]['vocab_size']).save_pretrained(folder)
    out = {}
    for backend in ('unsloth', 'hf'):
        pol = load_policy(str(folder), lora=LoraSpec(r=16, alpha=32), dtype='bfloat16', device='cuda', backend=backend,
                          fast_inference=False, max_seq_length=1024)
        pol2, L = _learner_for(pol.model, pol.tokenizer, shape, backend)
        rs = _rollouts(pol2, L, **_batch_shape(False))
        out[backend] = {'loaded_as': type(pol.model).__name__, **_learner_figures(L, rs, dev, 3)}
        del pol, pol2, L
        torch.cuda.empty_cache()
    out['step_time_ratio'] = round(out['unsloth']['step_s']/out['hf']['step_s'], 3)
    out['peak_mem_ratio'] = round(out['unsloth']['peak_mib']/out['hf']['peak_mib'], 3)
    return out

def sec_generation(tiny):
    torch = _torch()
    from fst_nb.core import Candidate, Example
    from fst_nb.tasks import toy_task
    from fst_nb.models import load_policy, Policy
    from fst_nb.generate import HFGenerator, SamplingConfig
    dev = _dev(tiny)
    out = {}
    def rate(gen, pairs, new):
        gen.generate(pairs[:4]); _sync(dev)
        t0 = time.perf_counter(); rs = gen.generate(pairs); _sync(dev); dt = time.perf_counter() - t0
        toks = sum(len(r.completion_ids) for r in rs)
        return {'sequences': len(rs), 'new_tokens': new, 'seconds': round(dt, 3), 'tokens_per_s': round(toks/dt, 1)}
    n, new = (16, 8) if tiny else (256, 12)
    t = toy_task(n)
    gen = HFGenerator(load_policy('toy-base', device=dev), SamplingConfig(max_new_tokens=new, min_new_tokens=new), batch_size=n)
    out['toy-base'] = rate(gen, [(e, Candidate(t.seed_prompt)) for e in t.examples], new)
    shape = 'qwen3-tiny' if tiny else 'qwen3-0.6b'
    tok = _tokenizer_for_vocab(SHAPES[shape]['vocab_size'])
    pol = Policy(_qwen3(shape, dev, torch.float32 if tiny else torch.bfloat16), tok, shape)
    pol.model.generation_config.pad_token_id, pol.model.generation_config.eos_token_id = tok.pad_token_id, tok.eos_token_id
    n, new = (8, 8) if tiny else (64, 128)
    ex = [Example(f'q{i}', ' '.join(f't{(7*i + j) % 500}' for j in range(32)), '0') for i in range(n)]
    out[shape] = rate(HFGenerator(pol, SamplingConfig(max_new_tokens=new, min_new_tokens=new), batch_size=n),
                      [(e, Candidate('')) for e in ex], new)
    return out

def sec_fst(tiny):
    from fst_nb.fst import FSTConfig, FSTRun
    dev = _dev(tiny)
    cfg = FSTConfig(cycles=1 if tiny else 3, rl_steps=2 if tiny else 6, train_examples=64, eval_examples=32,
                    gepa_budget=40 if tiny else 160, device=dev, out_dir=tempfile.mkdtemp(), memory_check=True)
    t0 = time.perf_counter()
    run = FSTRun(cfg, progress=False)
    recs = run.run()
    ev = [r for r in recs if r['kind'] == 'eval']
    steps = [r for r in recs if r['kind'] == 'step']
    return {'device': str(run.policy.device), 'cycles': cfg.cycles, 'seconds': round(time.perf_counter() - t0, 2),
            'reward_start': ev[0]['reward_with_prompt'], 'reward_end': ev[-1]['reward_with_prompt'], 'kl_end': ev[-1]['kl_to_base'],
            'sampler_kl_max': max((s.get('sampler_kl') or 0.0) for s in steps), 'plan_peak_mib': round(run.plan['peak']/2**20, 1)}

def sec_vllm_server(tiny):
    "Rollouts from a real `vllm serve` with runtime LoRA: serve_check, sampling, the sampler/trainer log-prob gap, greedy agreement, publish + load round trips."
    torch = _torch()
    import importlib.util
    if importlib.util.find_spec('vllm') is None: raise Skip('vLLM is not installed; carry its wheels (../shared/tools/gpu-carry.sh)')
    if tiny or not torch.cuda.is_available(): raise Skip('vllm serve needs a CUDA GPU')
    from fst_nb.models import load_policy, LoraSpec, base_policy
    from fst_nb.generate import SamplingConfig
    from fst_nb.vllm_server import VLLMServerGenerator, serve_check
    from fst_nb.vllm_cpu import ServerProcess, vllm_server_command, free_port, logprob_gap, greedy_match, publish_round_trip, rollouts_per_s
    from fst_nb.core import Candidate, Example
    # the server the CPU build runs in the suite (fst_nb.vllm_cpu), here with CUDA and bfloat16 (tests/test_real_vllm.py bounds the same checks)
    shape = 'qwen3-0.6b'
    folder = Path(tempfile.mkdtemp())/shape
    _qwen3(shape, 'cpu', torch.bfloat16).save_pretrained(folder)
    _tokenizer_for_vocab(SHAPES[shape]['vocab_size']).save_pretrained(folder)
    port = free_port()
    cmd = vllm_server_command(sys.executable, folder, shape, port, dtype='bfloat16', extra=('--gpu-memory-utilization', '0.3'))
    srv = ServerProcess(cmd, f'http://127.0.0.1:{port}', {'VLLM_ALLOW_RUNTIME_LORA_UPDATING': 'True', 'VLLM_SERVER_DEV_MODE': '1'},
                        Path(tempfile.mkdtemp())/'vllm.log')
    with srv.start(timeout=240):
        out = {'server_start_s': round(srv.start_seconds, 1)}
        pol = load_policy(str(folder), lora=LoraSpec(r=16, alpha=32), dtype='bfloat16', device='cuda', backend='hf', fast_inference=False)
        out['serve_check'] = str(serve_check(srv.url, pol, model=shape)).splitlines()[0]
        gen = VLLMServerGenerator(pol, srv.url, model=shape, sampling=SamplingConfig(max_new_tokens=64, temperature=1.0), concurrency=16)
        ex = [Example(f'q{i}', ' '.join(f't{(7*i + j) % 500}' for j in range(32)), '0') for i in range(64)]
        pairs = [(e, Candidate('')) for e in ex]
        t1 = time.perf_counter(); rs = gen.generate(pairs, n=4, seed=0); dt = time.perf_counter() - t1
        out.update(sequences=len(rs), tokens_per_s=round(sum(len(r.completion_ids) for r in rs)/dt, 1),
                   rollouts_per_s_warm=round(rollouts_per_s(gen, pairs, 4, seed=1), 1))
        with base_policy(pol.model): out['gap_base'] = logprob_gap(pol, gen.generate(pairs[:16], n=2, seed=2))   # bf16 both sides
        for r in rs: r.reward = float(len(r.completion_ids) % 2)
        from fst_nb.learner import Learner, LearnerConfig
        L = Learner(pol, LearnerConfig(lr=1e-5))
        out['sampler_kl_step'] = L.step(rs).get('sampler_kl')
        out['publish_ms'] = [round(1000*publish_round_trip(gen, pol.model, v)) for v in range(1, 6)]
        out['gap_adapter'] = logprob_gap(pol, gen.generate(pairs[:16], n=2, seed=3))   # with the published adapter
        greedy = VLLMServerGenerator(pol, srv.url, model=shape, sampling=SamplingConfig(max_new_tokens=32, temperature=0), name='greedy')
        g = greedy_match(greedy, pol, pairs[:8])
        out['greedy'] = {k: g[k] for k in ('match', 'agree', 'of', 'first_difference')}   # bf16 kernels may flip an argmax: reported, not required
        return out

# ---------------------------------------------------------------- driver
def run_section(name:str, tiny:bool, out:Path):
    "Child process: run one section and append its JSON line."
    t0 = time.perf_counter()
    rec = {'section': name, 'mode': 'cpu-tiny' if tiny else 'gpu'}
    try:
        rec.update(status='ok', **globals()[f'sec_{name}'](tiny))
    except Skip as e: rec.update(status='skipped', reason=str(e))
    except Exception as e: rec.update(status='failed', error=f'{type(e).__name__}: {e}', traceback=traceback.format_exc()[-3000:])
    rec['seconds_total'] = round(time.perf_counter() - t0, 2)
    with open(out, 'a') as f: f.write(json.dumps(rec, default=str) + '\n')

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--cpu-tiny', action='store_true', help='tiny shapes on the CPU: checks that the script runs (CI)')
    ap.add_argument('--only', default=','.join(SECTIONS), help=f'comma-separated sections of {SECTIONS}')
    ap.add_argument('--out', default='bench/out/gpu_check.jsonl', help='results file (JSON lines, appended)')
    ap.add_argument('--limit', type=float, default=300, help='seconds per section before it is stopped')
    ap.add_argument('--section', help=argparse.SUPPRESS)   # internal: run one section in this process
    a = ap.parse_args(argv)
    out = Path(a.out); out.parent.mkdir(parents=True, exist_ok=True)
    if a.section: run_section(a.section, a.cpu_tiny, out); return 0
    names = [s.strip() for s in a.only.split(',') if s.strip()]
    unknown = [s for s in names if s not in SECTIONS]
    if unknown: ap.error(f'unknown sections {unknown}; choose from {SECTIONS}')
    env = {**os.environ, 'PYTHONPATH': os.pathsep.join(filter(None, [str(ROOT), os.environ.get('PYTHONPATH')]))}
    start = out.stat().st_size if out.exists() else 0
    for name in names:
        cmd = [sys.executable, __file__, '--section', name, '--out', str(out)] + (['--cpu-tiny'] if a.cpu_tiny else [])
        t0 = time.perf_counter()
        try: r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=a.limit)
        except subprocess.TimeoutExpired:
            rec = {'section': name, 'status': 'timeout', 'limit_s': a.limit}
        else:
            rec = None if r.returncode == 0 else {'section': name, 'status': 'crashed', 'rc': r.returncode, 'stderr': r.stderr[-3000:]}
        if rec:
            with open(out, 'a') as f: f.write(json.dumps(rec) + '\n')
        print(f'{name}: {time.perf_counter() - t0:.1f}s', flush=True)
    recs = [json.loads(l) for l in out.read_text()[start:].splitlines() if l.strip()]
    for rec in recs:
        figs = {k: v for k, v in rec.items() if k not in ('section', 'status', 'traceback', 'stderr', 'mode')}
        print(f"== {rec['section']}: {rec['status']}  {json.dumps(figs, default=str)[:1500]}")
    bad = [r['section'] for r in recs if r['status'] not in ('ok', 'skipped')]
    skipped = sum(r['status'] == 'skipped' for r in recs)
    print(f'results in {out}' + (f'; not ok: {bad}' if bad else ''))
    print(f"{len(recs) - len(bad) - skipped} passed, {len(bad)} failed, {skipped} skipped")
    return 1 if bad else 0

if __name__ == '__main__': sys.exit(main())
