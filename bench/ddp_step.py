"""One learner step on 2 processes (data-parallel, gloo) vs on 1, side by side in one run.

The toy base model with the FST default adapter (LoRA r=8) and the KL term on, one FST-sized step:
problems_per_step x group_size = 8 x 8 = 64 rollouts of the toy task (completions up to 16 tokens),
sampled once here and given to every variant. Each variant runs in fresh processes started by
`fst_nb.distributed.spawn` (as torchrun would start them):

- `one_proc_1_thread`: one process, one torch thread (the unit the 2-process run doubles);
- `two_procs_1_thread`: two processes, one thread each, each on its token-balanced share, gradients
  summed with one all-reduce (`DataParallel`);
- `one_proc_2_threads`: one process using both cores with intra-op threads (what one process gets
  from the same two cores).

    python bench/ddp_step.py [--steps 6] [--problems 8] [--group 8]

Prints per variant the median seconds of a step (after one warm-up step) and, for the 2-process
run, the median seconds spent in the all-reduce; then `speedup_vs_1_thread=` and
`speedup_vs_2_threads=` (1-process time / 2-process time). Check `uptime` first: another job on the
cores makes the figures meaningless.
"""
import argparse, os, statistics, time

def sample_rollouts(problems:int, group:int) -> list:
    "One FST-sized step of scored rollouts on the toy task, rewards with variance in every group."
    import torch
    from fst_nb.core import Candidate
    from fst_nb.models import load_policy, LoraSpec
    from fst_nb.generate import HFGenerator, SamplingConfig
    from fst_nb.tasks import toy_task
    torch.manual_seed(0)
    pol = load_policy('toy-base', lora=LoraSpec(r=8, seed=0))
    task = toy_task(problems, seed=0)
    rs = task.score(HFGenerator(pol, SamplingConfig(max_new_tokens=16), batch_size=64)
                    .generate([(e, Candidate(task.seed_prompt)) for e in task.examples], n=group, seed=0))
    for i, r in enumerate(rs): r.reward = float(i % 3 == 0)   # every group has variance: every rollout is kept
    return rs

def steps(rollouts:list, n:int, threads:int=1) -> dict:
    "In each spawned process: n learner steps on `rollouts` (each rank on its share), timed."
    import torch
    from fst_nb.models import load_policy, LoraSpec
    from fst_nb.learner import Learner, LearnerConfig
    from fst_nb.distributed import DataParallel
    torch.set_num_threads(threads)
    dp = DataParallel.from_env('cpu')
    learner = Learner(load_policy('toy-base', lora=LoraSpec(r=8, seed=0)), LearnerConfig(lr=1e-4, warmup_steps=0), dp=dp)
    reduce_s = []
    if dp:
        reduce = dp.all_reduce
        def timed(params, sums):
            t = time.perf_counter(); out = reduce(params, sums); reduce_s.append(time.perf_counter() - t); return out
        dp.all_reduce = timed
    times = []
    for _ in range(n + 1):
        if dp: torch.distributed.barrier()   # every rank starts the step together
        t = time.perf_counter(); m = learner.step(rollouts); times.append(time.perf_counter() - t)
        assert not m['skipped'], m
    mine = dp.shard([r for r in rollouts]) if dp else rollouts
    return {'step_s': statistics.median(times[1:]), 'reduce_s': statistics.median(reduce_s[1:]) if reduce_s else 0.0,
            'tokens': sum(len(r.prompt_ids) + len(r.completion_ids) for r in mine)}

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--steps', type=int, default=6)
    ap.add_argument('--problems', type=int, default=8)
    ap.add_argument('--group', type=int, default=8)
    a = ap.parse_args()
    os.environ.setdefault('HF_HUB_OFFLINE', '1')
    from fst_nb.distributed import spawn
    load = os.getloadavg()[0]
    rs = sample_rollouts(a.problems, a.group)
    print(f'{len(rs)} rollouts, {sum(len(r.prompt_ids) + len(r.completion_ids) for r in rs)} tokens; '
          f'load average before: {load:.2f} on {os.cpu_count()} cores', flush=True)
    res = {'one_proc_1_thread': spawn(steps, 1, rs, a.steps, 1)[0],
           'two_procs_1_thread': spawn(steps, 2, rs, a.steps, 1),
           'one_proc_2_threads': spawn(steps, 1, rs, a.steps, 2)[0]}
    two = res['two_procs_1_thread']
    for name in ('one_proc_1_thread', 'one_proc_2_threads'):
        print(f"{name}: step_seconds={res[name]['step_s']:.4f}")
    print(f"two_procs_1_thread: step_seconds={max(r['step_s'] for r in two):.4f} (slowest rank), all_reduce_seconds={max(r['reduce_s'] for r in two):.4f}, "
          f"tokens per rank={[r['tokens'] for r in two]}")
    t2 = max(r['step_s'] for r in two)
    print(f"speedup_vs_1_thread={res['one_proc_1_thread']['step_s']/t2:.2f}")
    print(f"speedup_vs_2_threads={res['one_proc_2_threads']['step_s']/t2:.2f}")
    print(f'load average after: {os.getloadavg()[0]:.2f}')

if __name__ == '__main__': main()
