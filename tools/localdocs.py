"""Build the docs site locally, without quarto, with its links pointing at the local pages.

    python tools/localdocs.py          # then open _proc/_docs/index.html

The real site is built by nbdev and quarto on GitHub Actions (`deploy.yaml`), where a page is named after its
notebook without the number (`09a_config.ipynb` -> `config.html`) and nbdev links every name in backticks to
the public site (`doc_host` + `doc_baseurl` in settings.ini). Here `nbdev_proc_nbs` prepares the notebooks and
`smalldocs` renders them (pages keep their notebook's name); then each link to the public site becomes a link to
the page built here, so the local site does not send a reader to the published one (which may be older).
"""
import configparser, os, re, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def public_root(repo:Path) -> str:
    "The public site's address as nbdev writes it in links (settings.ini's doc_host + doc_baseurl)."
    cfg = configparser.ConfigParser(); cfg.read(repo/'settings.ini')
    d = cfg['DEFAULT']
    return d['doc_host'].rstrip('/') + '/' + d['doc_baseurl'].strip('/') + '/'

def local_pages(nbs:Path) -> dict[str, str]:
    "The public page name of each notebook (nbdev's rule: the leading number dropped) -> its page here, relative to the site root."
    out = {}
    for nb in nbs.rglob('*.ipynb'):
        rel = nb.relative_to(nbs)
        if any(part.startswith(('_', '.')) for part in rel.parts): continue
        public = rel.with_name(re.sub(r'^\d+[a-zA-Z0-9]*_', '', rel.name.lower())).with_suffix('.html').as_posix()
        out[public] = rel.with_suffix('.html').as_posix()
    return out

def relink(docs:Path, root:str, pages:dict[str, str]) -> int:
    "Rewrite links to the public site in every page under `docs` to the local pages; return how many were rewritten."
    n = 0
    pat = re.compile(r'href="' + re.escape(root) + r'([^"#]*)(#[^"]*)?"')
    for page in docs.rglob('*.html'):
        here = page.parent.relative_to(docs)
        def local(m):
            nonlocal n
            target = pages.get(m.group(1) or 'index.html')
            if target is None: return m.group(0)   # a page this build does not have: leave the public link
            n += 1
            return f'href="{os.path.relpath(target, here.as_posix() or ".")}{m.group(2) or ""}"'
        text = page.read_text(encoding='utf-8')
        new = pat.sub(local, text)
        if new != text: page.write_text(new, encoding='utf-8')
    return n

def build(repo:Path=ROOT) -> Path:
    "nbdev_proc_nbs (with quarto stubbed out: it would try to install it), smalldocs render, local links; the site's folder."
    stub = Path(tempfile.mkdtemp())/'quarto'
    stub.write_text('#!/bin/sh\necho "quarto is not used for the local docs build" >&2\nexit 1\n'); stub.chmod(0o755)
    env = {**os.environ, 'PATH': f'{stub.parent}{os.pathsep}{os.environ.get("PATH", "")}'}
    bin_ = Path(sys.executable).parent
    for cmd, cwd in (([str(bin_/'nbdev_proc_nbs')], repo), ([str(bin_/'smalldocs'), 'render', '.'], repo/'_proc')):
        r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
        if r.returncode != 0 or 'error' in (r.stdout + r.stderr).lower():
            raise SystemExit(f'{" ".join(cmd)} failed:\n{r.stdout}\n{r.stderr}')
    docs = repo/'_proc'/'_docs'
    relink(docs, public_root(repo), local_pages(repo/'nbs'))
    return docs

if __name__ == '__main__':
    print(f'open {build()/"index.html"}')
