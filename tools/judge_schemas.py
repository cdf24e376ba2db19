#!/usr/bin/env python3
"""Build the schema folder that tools/validate_tree.py judges a tree with: the upstream
collection plus platc's own schemas (schema/platc/: kinds no upstream publishes, such as
Kommander's), under one merged index.json.

usage: tools/judge_schemas.py UPSTREAM_DIR OWN_DIR OUT_DIR

OUT_DIR gets a symlink to every entry of UPSTREAM_DIR (index.json aside), a symlink `platc` to
OWN_DIR, and an index.json that is UPSTREAM_DIR's plus one entry per schema of OWN_DIR, keyed
by the apiVersion and kind its `properties.apiVersion` / `properties.kind` pin (enum or const).
validate_tree.py reads one --schemas folder; this keeps it (and ../shared) unchanged.
"""
import json, os, sys


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    up, own, out = (os.path.abspath(a) for a in sys.argv[1:])
    index = json.load(open(os.path.join(up, "index.json")))
    os.makedirs(out, exist_ok=True)
    for name in sorted(os.listdir(up)):
        if name != "index.json":
            os.symlink(os.path.join(up, name), os.path.join(out, name))
    os.symlink(own, os.path.join(out, "platc"))
    added = 0
    for root, dirs, files in os.walk(own):
        dirs.sort()
        for f in sorted(files):
            if not f.endswith(".json"):
                continue
            path = os.path.join(root, f)
            props = json.load(open(path)).get("properties", {})
            # The apiVersion and kind a schema pins, as `enum: [x]` or `const: x`.
            def pinned(p):
                return p["const"] if "const" in p else p["enum"][0]
            try:
                key = f'{pinned(props["apiVersion"])}/{pinned(props["kind"])}'
            except (KeyError, IndexError, TypeError):
                sys.exit(f"{path}: no apiVersion/kind enum, cannot index it")
            if key in index:
                sys.exit(f"{path}: {key} is already in the upstream index")
            index[key] = os.path.join("platc", os.path.relpath(path, own))
            added += 1
    with open(os.path.join(out, "index.json"), "w") as fh:
        json.dump(index, fh, indent=2, sort_keys=True)
    print(f"judge schemas: {len(index) - added} upstream + {added} platc kinds in {out}")


if __name__ == "__main__":
    main()
