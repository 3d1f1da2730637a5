"""A full RL step (generate + score + update), fst-nb vs TRL's GRPOTrainer, alternated in one run.

SmolLM2-135M-Instruct + LoRA r=8 (all linear projections), 4 problems x 4 samples x 64 new tokens
(the end token is suppressed in both, so every completion has exactly 64 tokens), fp32 on CPU, the
same TRL-style reward function, CISPO loss (tau=4) with KL beta=0.001 to the adapter-disabled base,
one optimiser step per batch. TRL is configured as a careful user would on this box: use_cpu, no
bf16, no gradient checkpointing (a 135M model does not need it), no logging or saving.

Each side takes a warm-up step, then they alternate; step times come from inside each loop (TRL:
a callback from step begin to step end). Prints per-step medians and `step_time_ratio=` (ours / TRL).

    HF_HUB_OFFLINE=1 python bench/learner_vs_trl.py [--steps 3]
"""
import argparse, os, statistics, tempfile, time
os.environ.setdefault('HF_HUB_OFFLINE', '1')
import torch

def digit_reward(prompts, completions, answer, **kw):
    "Dense TRL-style reward: 1 if the answer's digits appear in the completion, plus a small bonus per digit written."
    out = []
    for c, a in zip(completions, answer):
        text = c[0]['content']
        out.append(float(str(a) in text) + 0.05*min(sum(ch.isdigit() for ch in text), 10))
    return out

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--steps', type=int, default=3, help='timed steps per side (after one warm-up each)')
    ap.add_argument('--problems', type=int, default=4)
    ap.add_argument('--samples', type=int, default=4)
    ap.add_argument('--new-tokens', type=int, default=64)
    a = ap.parse_args()

    from fst_nb.core import Candidate, Example
    from fst_nb.tasks import make_word_problems, reward_funcs_task, MATH_SEED_PROMPT
    from fst_nb.models import load_policy, LoraSpec
    from fst_nb.generate import HFGenerator, SamplingConfig
    from fst_nb.learner import Learner, LearnerConfig
    from fst_nb.losses import LossConfig
    rows = make_word_problems(a.problems*(a.steps + 2), seed=0)
    answers = [r['answer'].split('####')[-1].strip() for r in rows]
    lora = LoraSpec(r=8, alpha=16)
    lr, tau, beta = 5e-5, 4.0, 0.001

    # ours
    ours_pol = load_policy('smollm2', lora=lora)
    task = reward_funcs_task('digits', [Example(f'q{i}', r['question'], ans) for i, (r, ans) in enumerate(zip(rows, answers))],
                             digit_reward, seed_prompt=MATH_SEED_PROMPT)
    gen = HFGenerator(ours_pol, SamplingConfig(max_new_tokens=a.new_tokens, min_new_tokens=a.new_tokens, temperature=1.0),
                      batch_size=a.problems*a.samples)
    learner = Learner(ours_pol, LearnerConfig(lr=lr, warmup_steps=0, loss=LossConfig('cispo', tau=tau, beta=beta)))
    prompt = Candidate(MATH_SEED_PROMPT)
    def ours_step(k):
        batch = task.examples[k*a.problems:(k + 1)*a.problems]
        t0 = time.perf_counter()
        rs = task.score(gen.generate([(e, prompt) for e in batch], n=a.samples, seed=k))
        learner.step(rs)
        return time.perf_counter() - t0

    # TRL
    import datasets
    from transformers import TrainerCallback
    from trl import GRPOConfig, GRPOTrainer
    trl_pol = load_policy('smollm2', lora=lora)
    ds = datasets.Dataset.from_list([{'prompt': [{'role': 'system', 'content': MATH_SEED_PROMPT}, {'role': 'user', 'content': r['question']}],
                                      'answer': ans} for r, ans in zip(rows, answers)])
    cfg = GRPOConfig(output_dir=tempfile.mkdtemp(), use_cpu=True, bf16=False, fp16=False, gradient_checkpointing=False,
                     per_device_train_batch_size=a.problems*a.samples, num_generations=a.samples,
                     max_completion_length=a.new_tokens, generation_kwargs={'min_new_tokens': a.new_tokens},
                     temperature=1.0, top_p=1.0, top_k=0, learning_rate=lr, lr_scheduler_type='constant', warmup_steps=0,
                     loss_type='cispo', epsilon_high=tau, beta=beta, num_iterations=1, steps_per_generation=1,
                     max_steps=1, logging_steps=1000, save_strategy='no', report_to=[], disable_tqdm=True,
                     shuffle_dataset=False, dataloader_num_workers=0, seed=0)
    class StepTimer(TrainerCallback):
        def __init__(self): self.times = []
        def on_step_begin(self, args, state, control, **kw): self.t0 = time.perf_counter()
        def on_step_end(self, args, state, control, **kw): self.times.append(time.perf_counter() - self.t0)
    timer = StepTimer()
    trainer = GRPOTrainer(model=trl_pol.model, reward_funcs=[digit_reward], args=cfg, train_dataset=ds,
                          processing_class=trl_pol.tokenizer, callbacks=[timer])
    def trl_step(k):
        trainer.train()  # max_steps=1: one generate + score + update step, timed by the callback
        return timer.times[-1]

    print(f'model=smollm2 lora_r={lora.r} problems={a.problems} samples={a.samples} new_tokens={a.new_tokens} '
          f'threads={torch.get_num_threads()}')
    ours_step(a.steps + 1); trl_step(0)  # warm-up
    ours_t, trl_t = [], []
    for k in range(a.steps):
        ours_t.append(ours_step(k)); trl_t.append(trl_step(k))
        print(f'step {k}: ours={ours_t[-1]:.2f}s trl={trl_t[-1]:.2f}s', flush=True)
    mo, mt = statistics.median(ours_t), statistics.median(trl_t)
    print(f'ours_median_s={mo:.2f} trl_median_s={mt:.2f}')
    print(f'step_time_ratio={mo/mt:.2f}  (ours / TRL; target <= 0.8)')

if __name__ == '__main__': main()
