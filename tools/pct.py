"""Round-trip notebooks through a plain-text "percent" script, for editing with ordinary tools.

    python tools/pct.py to-py nbs/01_tasks.ipynb      # writes /tmp/pct/01_tasks.py
    python tools/pct.py to-nb /tmp/pct/01_tasks.py nbs/01_tasks.ipynb

Cells are separated by lines `# %%` (code) and `# %% [markdown]` (markdown; each line of the
cell is written behind `# `). Code cells whose source did not change keep their saved outputs;
rerun `python tools/nbrun.py NOTEBOOK` to refresh the outputs of the cells you changed. The notebook stays the source of truth: convert, edit, convert back,
then `nbdev_export` and `nbdev_clean`.
"""
import hashlib, json, sys
from pathlib import Path

def nb_to_py(nb_path, py_path):
    nb = json.loads(Path(nb_path).read_text())
    out = []
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            out.append("# %% [markdown]\n" + "\n".join(("# " + l) if l else "#" for l in src.split("\n")))
        else:
            out.append("# %%\n" + src)
    Path(py_path).parent.mkdir(parents=True, exist_ok=True)
    Path(py_path).write_text("\n\n".join(out) + "\n")

def py_to_nb(py_path, nb_path):
    cells, kind, lines = [], None, []
    def flush():
        if kind is None: return
        body = "\n".join(lines).strip("\n")
        if kind == "markdown":
            body = "\n".join(l[2:] if l.startswith("# ") else l[1:] if l.startswith("#") else l
                             for l in body.split("\n"))
            cells.append({"cell_type": "markdown", "metadata": {}, "source": body.splitlines(True)})
        else:
            cells.append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                          "source": body.splitlines(True)})
    for line in Path(py_path).read_text().split("\n"):
        if line.startswith("# %%"):
            flush()
            kind, lines = ("markdown" if "[markdown]" in line else "code"), []
        else: lines.append(line)
    flush()
    if Path(nb_path).exists():   # a code cell whose source is unchanged keeps its saved outputs (the docs show them)
        kept = {"".join(c["source"]): c.get("outputs", []) for c in json.loads(Path(nb_path).read_text())["cells"] if c["cell_type"] == "code"}
        for cell in cells:
            if cell["cell_type"] == "code": cell["outputs"] = kept.get("".join(cell["source"]), [])
    seen = set()
    for cell in cells:  # ids from content, so regenerating an unchanged cell keeps its id
        cid = hashlib.sha1("".join(cell["source"]).encode()).hexdigest()[:8]
        while cid in seen: cid = hashlib.sha1(cid.encode()).hexdigest()[:8]
        seen.add(cid); cell["id"] = cid
    nb = {"cells": cells, "metadata": {"kernelspec": {"display_name": "python3", "language": "python",
          "name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}
    Path(nb_path).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")

if __name__ == "__main__":
    cmd, *args = sys.argv[1:]
    if cmd == "to-py": nb_to_py(args[0], args[1] if len(args) > 1 else f"/tmp/pct/{Path(args[0]).stem}.py")
    elif cmd == "to-nb": py_to_nb(*args)
    else: sys.exit(__doc__)
