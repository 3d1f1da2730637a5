"""The repository's own invariants: the package is exactly what the notebooks export, the notebooks
are clean, and the docs site builds. Each check works on a copy, so it never edits your tree."""
import os, re, shutil, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

def _copy(tmp_path) -> Path:
    dst = tmp_path/'repo'
    dst.mkdir()
    for name in ('settings.ini', 'setup.py', 'README.md', 'MANIFEST.in', 'LICENSE'): shutil.copy(ROOT/name, dst/name)
    for name in ('nbs', 'fst_nb'): shutil.copytree(ROOT/name, dst/name, ignore=shutil.ignore_patterns('__pycache__', '_proc', '.ipynb_checkpoints'))
    return dst

def _run(cmd, cwd, env=None):
    r = subprocess.run([str(BIN/cmd[0]), *cmd[1:]], cwd=cwd, capture_output=True, text=True, env=env)
    assert r.returncode == 0, f'{" ".join(cmd)} failed:\n{r.stdout}\n{r.stderr}'
    return r

def _tree(d:Path, pattern:str) -> dict:
    return {p.relative_to(d).as_posix(): p.read_text() for p in sorted(d.glob(pattern)) if '__pycache__' not in p.parts}

def test_package_is_what_notebooks_export(tmp_path):
    repo = _copy(tmp_path)
    _run(['nbdev_export'], repo)
    exported, committed = _tree(repo/'fst_nb', '**/*.py'), _tree(ROOT/'fst_nb', '**/*.py')
    differ = sorted(k for k in exported.keys() | committed.keys() if exported.get(k) != committed.get(k))
    assert not differ, f'fst_nb/ differs from what nbs/ exports in {differ}: edit the notebook, run nbdev_export, commit both'

def test_notebooks_are_clean(tmp_path):
    repo = _copy(tmp_path)
    _run(['nbdev_clean'], repo)
    dirty = sorted(p.name for p in (ROOT/'nbs').glob('*.ipynb') if (repo/'nbs'/p.name).read_text() != p.read_text())
    assert not dirty, f'notebooks not clean: {dirty}: run nbdev_clean and commit'

def _no_quarto_env(tmp_path) -> dict:
    """An environment where `quarto` resolves to a stub that fails: nbdev_proc_nbs would otherwise try to install quarto,
    and then `pip install -e` the copy into this virtualenv (re-pointing the developer's editable install at a temp dir)."""
    stub = tmp_path/'bin'/'quarto'
    stub.parent.mkdir()
    stub.write_text('#!/bin/sh\necho "quarto is not available here: this test renders the docs with smalldocs" >&2\nexit 1\n')
    stub.chmod(0o755)
    return {**os.environ, 'PATH': f'{stub.parent}{os.pathsep}{os.environ.get("PATH", "")}'}

def _notebooks() -> list[str]:
    nbs = ROOT/'nbs'
    return sorted(p.relative_to(nbs).as_posix() for p in nbs.rglob('*.ipynb')
                  if not any(part.startswith(('_', '.')) for part in p.relative_to(nbs).parts))

def _sidebar_entries(items) -> list[str]:
    out = []
    for it in items:
        if isinstance(it, str): out.append(it)
        elif isinstance(it, dict): out += [it['href']] if 'href' in it else _sidebar_entries(it.get('contents', []))
    return out

def test_sidebar_lists_every_notebook_and_nothing_else():
    import yaml
    side = yaml.safe_load((ROOT/'nbs'/'sidebar.yml').read_text())['website']['sidebar']['contents']
    entries = _sidebar_entries(side)
    assert sorted(entries) == _notebooks(), f'nbs/sidebar.yml lists {entries}; the notebooks are {_notebooks()}'

def test_docs_site_builds(tmp_path):
    sys.path.insert(0, str(ROOT/'tools'))
    import localdocs
    repo = _copy(tmp_path)
    docs = localdocs.build(repo)   # nbdev_proc_nbs + smalldocs, links to the local pages (tools/localdocs.py)
    public = localdocs.public_root(repo)
    leaks = sorted({f'{p.name}: {h}' for p in docs.rglob('*.html') for h in re.findall(r'href="(' + re.escape(public) + r'[^"]*)"', p.read_text())})
    assert not leaks, f'pages of the local build link to the public site: {leaks[:5]}'
    core = (docs/'00_core.html').read_text()
    assert 'href="00_core.html#example"' in core or 'href="#example"' in core, 'the API links do not point at the local pages'
    pages = sorted(p.relative_to(docs).with_suffix('').as_posix() for p in docs.rglob('*.html'))
    for nb in _notebooks(): assert nb[:-len('.ipynb')] in pages, f'no page for {nb}: {pages}'   # (build() fails on any error smalldocs prints)
    index = (docs/'index.html').read_text()
    links = re.findall(r'<a href="([^"]+)" class="sidebar-item-text', index)
    assert sorted(links) == sorted(nb.replace('.ipynb', '.html') for nb in _notebooks()), f'the sidebar links {links}'
    # the pages show what the notebooks computed: figures, and every config field described
    assert '<img' in (docs/'10_views.html').read_text(), '10_views has no figure: run `python tools/nbrun.py nbs/10_views.ipynb`'
    fst_page = (docs/'09a_config.html').read_text()
    for field in ('train_examples', 'reflection_max_dollars', 'micro_batch_tokens'):
        assert f'<code>{field}</code>' in fst_page, f'09a_config does not show the FSTConfig field table: run `python tools/nbrun.py nbs/09a_config.ipynb`'

def test_wheel_ships_the_toy_base_model(tmp_path):
    import zipfile
    repo = _copy(tmp_path)
    _run(['pip', 'wheel', '-q', '--no-deps', '--no-build-isolation', '-w', str(tmp_path/'dist'), '.'], repo)
    names = zipfile.ZipFile(next((tmp_path/'dist').glob('fst_nb-*.whl'))).namelist()
    for f in ('model.safetensors', 'config.json', 'spec.json'): assert f'fst_nb/assets/toy_base/{f}' in names, names

def test_tutorials_have_badges_for_this_repository():
    import configparser, json
    cfg = configparser.ConfigParser(); cfg.read(ROOT/'settings.ini')
    user, repo, branch = cfg['DEFAULT']['user'], cfg['DEFAULT']['repo'], cfg['DEFAULT']['branch']
    tutorials = sorted((ROOT/'nbs'/'tutorials').glob('*.ipynb'))
    assert tutorials, 'no tutorials in nbs/tutorials'
    for nb in tutorials:
        text = ''.join(''.join(c['source']) for c in json.loads(nb.read_text())['cells'][:3])
        path = nb.relative_to(ROOT).as_posix()
        assert f'https://colab.research.google.com/github/{user}/{repo}/blob/{branch}/{path}' in text, f'{nb.name}: no Colab badge for {path}'
        assert f'https://kaggle.com/kernels/welcome?src=https://github.com/{user}/{repo}/blob/{branch}/{path}' in text, f'{nb.name}: no Kaggle badge'
