#!/usr/bin/env python3
"""Write the seed inputs of every fuzz target into fuzz/corpus/<target>/ (file name = the
sha1 of the bytes, as libFuzzer names corpus files, so re-running adds nothing twice).

Seeds: reader and checker get every blueprint (blueprints/, the reference blueprint, the
bad inputs) and every YAML file of the overlay cases; compile gets every blueprint as a
bundle with the overlay folders beside it; overlay gets every overlay case as a bundle
(kustomization.yaml first). Bundles: see fuzz/src/targets.rs.
"""
import hashlib
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
MARK = b"\n#%% "


def put(target, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def files_under(folder):
    return sorted(p for p in folder.rglob("*") if p.is_file())


def bundle(first, rest):
    out = first
    for rel, data in rest:
        out += MARK + rel.encode() + b"\n" + data
    return out


blueprints = sorted((ROOT / "blueprints").glob("*.yaml"))
blueprints += [ROOT / "tests/data/reference/reference.yaml"]
blueprints += sorted((ROOT / "tests/data/bad-inputs").glob("*.yaml"))
cases = sorted(p for p in (ROOT / "tests/data/overlay-cases").iterdir() if p.is_dir())

for bp in blueprints:
    data = bp.read_bytes()
    put("reader", data)
    put("checker", data)
    overlays = bp.parent / "overlays"
    beside = [(str(p.relative_to(bp.parent)), p.read_bytes()) for p in files_under(overlays)] if overlays.is_dir() else []
    put("compile", bundle(data, beside))

for case in cases:
    k = case / "kustomization.yaml"
    if not k.is_file():
        continue
    rest = [(str(p.relative_to(case)), p.read_bytes()) for p in files_under(case)
            if p.name not in ("kustomization.yaml", "expected.yaml", "expected-error.txt")]
    put("overlay", bundle(k.read_bytes(), rest))
    for p in files_under(case):
        if p.suffix == ".yaml":
            put("reader", p.read_bytes())

print(f"seeded {CORPUS.relative_to(ROOT)}", file=sys.stderr)
