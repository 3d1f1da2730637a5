"""Build the toy base model's weights that ship inside the package (fst_nb/assets/toy_base).

    python tools/build_toy_base.py            # pretrain the default ToyBaseSpec and write the weights
    python tools/build_toy_base.py --check    # pretrain again and compare with the shipped checksum

Pretraining is seeded and runs on a fixed number of threads (see nbs/02_models.ipynb), so the same
spec gives the same weights; `--check` shows that it still does. About 1.5 minutes on 2 idle cores.
"""
import argparse, json, sys, tempfile, time
from pathlib import Path
from fst_nb.models import ToyBaseSpec, pretrain_toy_base, save_toy_base, shipped_toy_base

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--check', action='store_true', help='rebuild in a temporary folder and compare with the shipped weights')
    args = p.parse_args()
    spec, t0 = ToyBaseSpec(), time.time()
    model, _ = pretrain_toy_base(spec)
    dest = Path(tempfile.mkdtemp())/'toy_base' if args.check else shipped_toy_base()
    meta = json.loads((save_toy_base(model, spec, dest, time.time() - t0)/'spec.json').read_text())
    print(f'pretrained {spec} in {meta["seconds"]} s; sha256 {meta["sha256"]}; wrote {dest}')
    if args.check:
        shipped = json.loads((shipped_toy_base()/'spec.json').read_text())['sha256']
        print('same weights as shipped' if shipped == meta['sha256'] else f'DIFFERENT from the shipped weights ({shipped})')
        return 0 if shipped == meta['sha256'] else 1
    return 0

if __name__ == '__main__': sys.exit(main())
