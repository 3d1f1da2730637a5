"""The paper's recipes in recipes/: each loads with the config checks, plans its memory on the card it states,
and is listed in recipes/README.md with that card; the reasoning-gym ones build their tasks."""
import re
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
RECIPES = sorted((ROOT/'recipes').glob('*.yaml'))

def test_recipes_are_listed():
    readme = (ROOT/'recipes'/'README.md').read_text()
    assert len(RECIPES) >= 4
    for f in RECIPES: assert f'`{f.name}`' in readme, f'recipes/README.md does not list {f.name}'

@pytest.mark.parametrize('path', RECIPES, ids=lambda p: p.name)
def test_recipe_loads_and_plans(path, monkeypatch):
    from fst_nb.config import FSTConfig
    from fst_nb.engines import plan_on_cards
    monkeypatch.setenv('ANTHROPIC_API_KEY', 'sk-ant-placeholder')   # the config check asks for one; nothing is sent
    cfg = FSTConfig.load(path)
    text = path.read_text()
    stated = re.search(r'^# card: (.+)$', text, re.M)
    assert stated and re.search(r'^# paper: ', text, re.M), f'{path.name} must state the paper figure (# paper:) and its card (# card:)'
    plan = plan_on_cards(cfg)
    assert plan['card'] == stated.group(1), f"{path.name} states {stated.group(1)}; the memory plan fits {plan['card']}"
    row = next(l for l in (ROOT/'recipes'/'README.md').read_text().splitlines() if f'`{path.name}`' in l)
    assert row.rstrip(' |').endswith(plan['card']), row
    assert (cfg.rl_steps, cfg.top_k, cfg.group_size, cfg.loss_type, cfg.tau, cfg.kl_beta) == (6, 4, 8, 'cispo', 4.0, 0.001)   # the paper's T, K, G, loss

@pytest.mark.parametrize('path', [p for p in RECIPES if 'reasoning-gym:' in p.read_text()], ids=lambda p: p.name)
def test_recipe_tasks_build(path, monkeypatch):
    from fst_nb.config import FSTConfig
    from fst_nb.data_stream import load_tasks
    monkeypatch.setenv('ANTHROPIC_API_KEY', 'sk-ant-placeholder')
    cfg = FSTConfig.load(path)
    train, heldout = load_tasks(cfg.task, 16, 8, cfg.task_seed, cfg.task_args, cfg.feedback)   # the same generator, fewer problems
    assert (len(train), len(heldout)) == (16, 8) and train.seed_prompt
