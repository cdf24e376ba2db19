#!/usr/bin/env python3
"""Builds the YAML-writer fixtures: pairs `<case>.json` (a JSON array of documents) and
`<case>.yaml` (the exact bytes kustomize v5.5.0 prints for them).

`tests/yaml_writer.rs` feeds every `<case>.json` to `platc::yaml::write::to_yaml_stream` and
requires the result to equal `<case>.yaml` byte for byte.

Two sources:

1. Every `overlay-cases/<case>/expected.yaml` (real `kubectl kustomize` output, see that
   folder's README). The `.yaml` is copied as is; the `.json` is the same documents read back.
2. Extra cases made here (`x01-...` and up): inputs built below are written as JSON documents
   into a scratch kustomization (`sortOptions: {order: fifo}` keeps their order), run through
   `kubectl kustomize` (kubectl v1.32.4, Kustomize v5.5.0), and stored the same way. Each read
   back is also compared with the input, which checks the reading itself.

Reading back: kustomize's output is goyaml.v2's, so a plain scalar means what goyaml.v2's
`resolve()` says (ints with Go's ParseInt rules, `1e+21` is a float, ...) and every quoted or
block scalar is a string. PyYAML's own YAML 1.1 resolver disagrees on a few plain scalars
(`1e+21`, `0b` + 70 digits, `2023-02-29`, `=`), so only PyYAML's *composer* is used (node
style + raw text) and the resolution is done here. Timestamps are never plain in kustomize's
output; they stay strings.

Key sets on which goyaml.v2's natural order has cycles (`a10b` < `a1b` < `a9b` < `a10b`) are
left out of the extra cases too (`consistent_subset`, `check_consistent`): kustomize prints
those keys in an order that changes from run to run, so they cannot be byte-exact fixtures.

Strings with NEL, LS or PS are left out of the extra cases: kustomize folds a NEL on its way
in, and writes LS/PS raw, which any YAML reader folds again, so the output does not read back
to its input. `src/yaml/write.rs`'s unit tests cover those (each checked against kubectl).

Usage (the overlay corpus is found at ../../../../shared/overlay-cases, or --overlay-cases DIR):
    python3 make_fixtures.py                 # rebuild everything (needs kubectl for x-cases)
    python3 make_fixtures.py --no-kubectl    # only the overlay cases
    python3 make_fixtures.py --unit-table    # print kubectl's output for the unit-test tables
"""

import argparse
import json
import math
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
# platc's repository sits next to `shared/` (tests/data/bad-inputs is copied from there too).
DEFAULT_OVERLAY_CASES = HERE.parents[3] / "shared" / "overlay-cases"

# ------------------------------------------------------------------------------------------
# goyaml.v2 resolve() for plain scalars (reading kustomize's output back)

BOOL_NULL = {
    **{w: True for w in ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]},
    **{w: False for w in ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]},
    **{w: None for w in ["", "~", "null", "Null", "NULL"]},
}
YAML_STYLE_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")


def go_parse_uint(s, base):
    """strconv.ParseUint(s, base, 64): an int, or None on a syntax or range error."""
    if not s:
        return None
    if base == 0:
        base, digits = 10, s
        if s[0] == "0":
            low = s[1:2].lower()
            if len(s) >= 3 and low in ("b", "o", "x"):
                base, digits = {"b": 2, "o": 8, "x": 16}[low], s[2:]
            else:
                base, digits = 8, s[1:]
    else:
        digits = s
    n = 0
    for c in digits:
        if not c.isascii() or not c.isalnum() or int(c, 36) >= base:
            return None
        n = n * base + int(c, 36)
        if n >= 1 << 64:
            return None
    return n


def go_parse_int(s, base):
    """strconv.ParseInt(s, base, 64)."""
    neg = s[:1] == "-"
    body = s[1:] if s[:1] in ("+", "-") else s
    u = go_parse_uint(body, base)
    if u is None:
        return None
    if neg:
        return -u if u <= 1 << 63 else None
    return u if u < 1 << 63 else None


def resolve_plain(s):
    """What goyaml.v2's resolve("", s) gives for a plain scalar kustomize printed."""
    if s in BOOL_NULL and (s == "" or s[0] in "yYnNtTfFoO~"):
        return BOOL_NULL[s]
    if s[:1] == ".":
        if s.lower() in (".inf", ".nan"):
            raise ValueError(f"non-finite float in kustomize output: {s!r}")
        # strconv.ParseFloat: underscores only between digits
        if YAML_STYLE_FLOAT.match(s.replace("_", "")) and not re.search(r"(^|[^0-9])_|_($|[^0-9])", s):
            f = float(s.replace("_", ""))
            if math.isfinite(f):
                return f
        return s
    if s[:1] in "+-0123456789" and s:
        plain = s.replace("_", "")
        for v in (go_parse_int(plain, 0), None if plain[:1] in "+-" else go_parse_uint(plain, 0)):
            if v is not None:
                return v
        if YAML_STYLE_FLOAT.match(plain):
            f = float(plain)
            if math.isfinite(f):
                return f
        if plain.startswith("0b"):
            v = go_parse_int(plain[2:], 2)
            if v is None and plain[2:3] not in ("+", "-"):
                v = go_parse_uint(plain[2:], 2)
            if v is not None:
                return v
        elif plain.startswith("-0b"):
            v = go_parse_int("-" + plain[3:], 2)
            if v is not None:
                return v
    return s


def to_json(node):
    """A composed PyYAML node -> JSON-ready Python value, with goyaml.v2's scalar rules."""
    if isinstance(node, yaml.ScalarNode):
        return resolve_plain(node.value) if node.style in (None, "") else node.value
    if isinstance(node, yaml.SequenceNode):
        return [to_json(n) for n in node.value]
    if isinstance(node, yaml.MappingNode):
        out = {}
        for k, v in node.value:
            key = to_json(k)
            if not isinstance(key, str) or key in out:
                raise ValueError(f"unexpected key {key!r}")
            out[key] = to_json(v)
        return out
    raise TypeError(node)


def read_stream(text):
    return [to_json(doc) for doc in yaml.compose_all(text, Loader=yaml.SafeLoader)]


def write_pair(name, docs, expected):
    (HERE / f"{name}.json").write_text(json.dumps(docs, ensure_ascii=False, indent=1) + "\n")
    (HERE / f"{name}.yaml").write_bytes(expected)


# ------------------------------------------------------------------------------------------
# Running kustomize


def input_json(obj):
    """JSON text that kustomize's YAML reader decodes to exactly `obj`: raw UTF-8, but the
    characters a YAML reader rejects or treats as line breaks are \\u-escaped (inside double
    quotes YAML reads those escapes like JSON does). Non-BMP characters stay raw, since
    YAML would not join a surrogate-pair escape."""
    text = json.dumps(obj, ensure_ascii=False)
    special = lambda c: 0x7F <= ord(c) <= 0x9F or ord(c) in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF)
    return "".join(f"\\u{ord(c):04x}" if special(c) else c for c in text)


def kustomize(docs):
    """Runs `kubectl kustomize` on the documents (kept in order); returns stdout bytes."""
    with tempfile.TemporaryDirectory() as d:
        Path(d, "r.yaml").write_text("\n---\n".join(input_json(doc) for doc in docs) + "\n")
        Path(d, "kustomization.yaml").write_text("resources: [r.yaml]\nsortOptions: {order: fifo}\n")
        res = subprocess.run(["kubectl", "kustomize", d], capture_output=True)
        if res.returncode != 0:
            raise RuntimeError(res.stderr.decode())
        return res.stdout


def probe(name, **fields):
    return {"apiVersion": "example.com/v1", "kind": "Probe", "metadata": {"name": name}, **fields}


# ------------------------------------------------------------------------------------------
# Inputs of the extra cases

LONG_WORDS = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua"

TRICKY_STRINGS = [
    # YAML 1.1 bools and nulls (goyaml.v2 resolve map), and near misses that stay plain
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE",
    "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "yEs", "oN", "tRUE",
    "null", "Null", "NULL", "~", "", "nULL", "<<", "=",
    # ints in every base, underscores, overflow
    "0", "-1", "+1", "10", "010", "0x10", "0X1F", "0o17", "0b1", "0B1", "-0b101", "1_000",
    "12345678901234567890", "+12345678901234567890", "99999999999999999999",
    "0x1FFFFFFFFFFFFFFFFFFFF", "0b" + "1" * 70, "0x", "0b", "0b-1", "09", "_1", "1__0", "0x_1F",
    # floats
    "1.30", "1.0", "1.", ".5", ".5_5", "._5", "1_000.5", "08.5", "1e3", "1E3", "1e+3", "1e-3",
    "1e400", "1e-400", "-.5", "+.5", ".inf", ".Inf", ".INF", "-.inf", "+.inf", ".nan", ".NaN",
    ".NAN", ".infinity", ".", ".e5",
    # base 60
    "1:20", "5663:12", "12:59", "12:60", "1:123", "-1:30", "1:30.5", "+1:2:3",
    # timestamps
    "2024-01-01", "2024-1-1", "2024-01-01T10:00:00Z", "2024-01-01T10:00:00",
    "2024-01-01t10:00:00+25:00", "2024-01-01T10:00:00+24:00", "2024-01-01 10:00:00.5",
    "2024-01-01   10:00:00", "2023-02-29", "2024-02-29", "2024-13-01",
    "2001-12-14t21:59:43.10-05:00", "2024-01-01T10:00:00.123456789Z", "2024-01-01T10:00:00,5Z",
    # leading indicators
    "- dash", "-dash", "-", "--", "---", "---x", "...", "...x", "? q", "?q", "?", ": c", ":c",
    ":", ",comma", "[a]", "]", "{a}", "}", "#hash", "&amp", "*star", "!bang", "|pipe", ">gt",
    "'quote", '"dq', "%pct", "@at", "`tick",
    # indicators inside
    "a: b", "a:b", "a:", "a #b", "a#b", "a,b", "a[b]", "a{b}", "a?b", "a - b", "key=value",
    "it's", 'say "hi"', "back\\slash", "http://example.com/a?b=c#d",
    # spaces
    " lead", "trail ", " ", "  ", "a  b",
    # control and special characters
    "tab\there", "\ttab", "nul\u0000x", "bell\u0007", "esc\u001b", "\u00a0nbsp", "cr\rx",
    "crlf\r\nx\r\n",
    # unicode
    "héllo ✓", "ünïcode", "日本語", "emoji 🎉", "🎉", "\ufeffbom", "a\ufeffb", "\ue000pua", "\ufffd",
    # line breaks inside (NEL, LS, PS: unit tests only, see the docstring)
    "a\u0085b", "a \u0085 b", "a\u2028b", "a\u2029b", "a\u2028b\nc",
    # multi-line shapes
    "a\nb", "a\nb\n", "a\nb\n\n", "\n", "\n\n", "\na", " a\nb", "a\n b", "a \nb", "a\n\nb",
    "a\n \nb", "a\n\n", "#!/bin/sh\necho hi\n", "a\tb\nc", "- a\n- b\n", "a\r\nb", "x\n ",
    "yes\n", "\n\nx\n",
    # long lines (best_width 80)
    LONG_WORDS,
    "a" * 120 + " bbb",
    "a" * 79 + " b c",
    "a" * 80 + " b c",
    "a" * 85,
    "# " + LONG_WORDS,
    "\t" + LONG_WORDS,
    "\t" + LONG_WORDS.replace(" ", "  "),
    "- " + LONG_WORDS + " ",
    LONG_WORDS.replace("sit amet", "sit  amet"),
    "line one\n" + LONG_WORDS + "\n",
]

TRICKY_KEYS = [
    "", "y", "yes", "null", "~", "-", "1", "01", "1e3", "2024-01-01", "@at", "?q", "a b",
    "a: b", "#x", " lead", "tab\tkey", "🎉", "k" * 128, "k" * 129, "multi\nline", "trail \nx",
    " " + LONG_WORDS + " " + LONG_WORDS, "\t" + LONG_WORDS + " " + LONG_WORDS,
]

UNFAITHFUL = ("\u0085", "\u2028", "\u2029")


def go_key_less(a, b):
    """goyaml.v2 sorter.go keyList.Less for two string keys (ASCII-exact)."""
    for i in range(min(len(a), len(b))):
        if a[i] == b[i]:
            continue
        al, bl = a[i].isalpha(), b[i].isalpha()
        if al and bl:
            return a[i] < b[i]
        if al or bl:
            return bl
        an = bn = 0
        if a[i] == "0" or b[i] == "0":
            j = i - 1
            while j >= 0 and a[j].isdigit():
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai, bi = i, i
        while ai < len(a) and a[ai].isdigit():
            an, ai = an * 10 + ord(a[ai]) - 48, ai + 1
        while bi < len(b) and b[bi].isdigit():
            bn, bi = bn * 10 + ord(b[bi]) - 48, bi + 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return a[i] < b[i]
    return len(a) < len(b)


def consistent(keys):
    """keyList.Less is a strict order on these keys (no cycles). It is not always: `a10b` <
    `a1b` < `a9b` < `a10b`, and kustomize then prints the keys in a different order from run
    to run (random Go map order), so such sets cannot be fixtures."""
    keys = list(keys)
    lt = {(a, b): go_key_less(a, b) for a in keys for b in keys if a != b}
    return all(not (lt[a, b] and lt[b, c]) or lt[a, c]
               for a in keys for b in keys for c in keys if len({a, b, c}) == 3)


def consistent_subset(keys):
    """The keys, in order, skipping each one that would make the set inconsistent."""
    kept = []
    for k in keys:
        if consistent(kept + [k]):
            kept.append(k)
    return kept


def check_consistent(obj, where):
    if isinstance(obj, dict):
        if not consistent(obj):
            raise SystemExit(f"{where}: keys {sorted(obj)} have no consistent goyaml.v2 order")
        for v in obj.values():
            check_consistent(v, where)
    elif isinstance(obj, list):
        for v in obj:
            check_consistent(v, where)


def faithful(s):
    return not any(c in s for c in UNFAITHFUL)


def case_strings():
    vals = [s for s in TRICKY_STRINGS if faithful(s)]
    keys = [k for k in TRICKY_KEYS if faithful(k)]
    docs = [
        probe("values", spec={f"s{i:03d}": v for i, v in enumerate(vals)}),
        probe("in-list", spec={"items": vals}),
        probe("deep", spec={"a": {"b": {"c": {"d": {f"s{i:03d}": v for i, v in enumerate(vals)}}}}}),
        probe("keys", spec={k: f"v{i}" for i, k in enumerate(keys)}),
        probe("list-of-maps", spec={"items": [{"name": v, "value": v} for v in vals[:60]]}),
    ]
    docs += [probe(f"top-{i:03d}", zz=v) for i, v in enumerate(vals[::7])]
    return docs


def case_numbers():
    nums = [
        0, -0.0, 1, -1, 1.0, -1.0, 1.5, 0.5, 1.5e-7, 1e-7, 1e-4, 1e-5, 0.0001, 123456.7,
        1234567.5, 1e6, 1e20, 1e21, 1.5e21, 1.7976931348623157e308, 5e-324, 2.2250738585072014e-308,
        9223372036854775807, -9223372036854775808, 18446744073709551615, 12345678901234567890,
        9.223372036854776e18, 1.8446744073709552e19, -9.3e18, 3.14159, 100.25, -0.001, 2.5e-5,
        0.1, 0.2, 0.30000000000000004, 1 / 3, 2 / 3, 100000.5, 999999.9, 9999999.0, 1e15 + 0.5,
        4.35, 1e-6, 1.23e-6, 9.999999e-5,
    ]
    return [
        probe("numbers", spec={"list": nums, "map": {f"n{i:02d}": n for i, n in enumerate(nums)}}),
        probe("mixed", spec={"t": True, "f": False, "z": None, "list": [True, False, None, 0, "0"]}),
    ]


def case_layout():
    long_key = "key-" + "x" * 130
    return [
        probe(
            "layout",
            spec={
                "deep": {"a": {"b": {"c": {"d": {"e": "leaf", "list": [1, 2]}}}}},
                "emptyMap": {},
                "emptyList": [],
                "listOfEmpty": [{}, [], None, "", {"a": {}}, {"a": []}],
                "nested": [[1, [2, [3, []]]], [[{"a": 1, "b": [{"c": [[]]}]}]]],
                "listOfMaps": [
                    {"name": "a", "ports": [{"containerPort": 80, "protocol": "TCP"}], "env": []},
                    {"name": "b", "args": ["--flag", "--other=value", "yes"], "m": {"k": "v"}},
                ],
                "literalInList": ["one\ntwo\n", " lead\nx", "keep\n\n", "strip"],
                "literalInMapInList": [{"script": "#!/bin/sh\nset -e\necho done\n", "n": None}],
                "longInList": [LONG_WORDS, {"k": LONG_WORDS}, [LONG_WORDS]],
                long_key: "value",
                long_key + "-map": {"a": 1, "b": {"c": 2}},
                long_key + "-list": ["x", ["y"], {"z": 1}],
                long_key + "-empty": {},
                long_key + "-emptyList": [],
                long_key + "-null": None,
                long_key + "-literal": "l1\nl2\n",
                long_key + "-long": LONG_WORDS,
                "multi\nline\nkey": {"a": [1, 2]},
                "multi\nkey2": ["s", {"t": "u"}],
                "multi\nkey3": {},
                "": {"": ""},
            },
        ),
        probe("annotated", spec={
            "annotations": {
                "kubectl.kubernetes.io/last-applied-configuration": json.dumps(
                    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "labels": {"a": "b"}},
                     "data": {"k": LONG_WORDS}}),
                "compact": json.dumps({"a": [1, 2, 3], "b": {"c": LONG_WORDS}}, separators=(",", ":")),
            }}),
    ]


def case_keys():
    keys = [
        "item1", "item2", "item9", "item10", "item11", "item12", "item100", "a-b", "a_b", "aB", "ab",
        "A", "Z", "_x", "01", "1", "10", "2", "-", "~", "é", "ñ", "Ω", "日本", "a1b", "a01b", "a001b",
        "a10b", "a9b", "x0", "x00", "x000", "x10", "x01", "1.5", "1.10", "v1.2.3", "v1.10.0", "0",
        "00", "000", "a", "b", "B", "_", "__", "-a", "a-", "a.b", "a/b", "a~b", "9z", "z9", "zz",
        "apiVersion", "kind", "metadata", "spec", "status", "data", "$patch", "$setElementOrder/x",
        "10a", "10b", "1a0", "a0", "a00", "a000", "a0b", "a00b", "1-2", "1_2", "1.2", "12", "0x1",
        "x1y2", "x1y10", "x10y1", "ü", "u", "v", "Ü", "ä", "z",
    ]
    rng = random.Random(7)
    shuffled = consistent_subset(keys)
    rng.shuffle(shuffled)
    return [
        probe("keys", spec={k: i for i, k in enumerate(shuffled)}),
        probe("small", spec={k: i for i, k in enumerate(shuffled[:9])}),
    ]


def random_string(rng):
    pieces = ["a", "b", "Z", " ", " ", "-", ":", "#", "'", '"', "\\", "1", "0", ".", "e", "_",
              "yes", "no", "null", "true", "~", "\t", "é", "🎉", "[", "{", ",", "?", "!", "&",
              "*", "|", ">", "%", "@", "`", "\n", "\n", "word", "x" * 30, "2024-01-01", "0x1F"]
    n = rng.choice([0, 1, 1, 2, 3, 5, 8, 13, 30, 60])
    return "".join(rng.choice(pieces) for _ in range(n))


def random_value(rng, depth):
    r = rng.random()
    if depth > 4 or r < 0.45:
        t = rng.random()
        if t < 0.6:
            return random_string(rng)
        if t < 0.7:
            return rng.choice([True, False, None])
        if t < 0.85:
            return rng.randint(-(10**12), 10**12)
        return rng.choice([rng.uniform(-1e6, 1e6), rng.random() * 10 ** rng.randint(-9, 25)])
    if r < 0.7:
        keys = consistent_subset([random_string(rng) or "k" for _ in range(rng.randint(0, 6))])
        return {k: random_value(rng, depth + 1) for k in keys}
    return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 5))]


def case_random():
    rng = random.Random(20261121)
    return [probe(f"r{i:02d}", spec=random_value(rng, 0)) for i in range(40)]


EXTRA_CASES = {
    "x01-writer-strings": case_strings,
    "x02-writer-numbers": case_numbers,
    "x03-writer-layout": case_layout,
    "x04-writer-key-order": case_keys,
    "x05-writer-random": case_random,
}


def same(a, b):
    """Input equals read-back, with kustomize's number normalisation (1.0 -> 1)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b if type(a) is type(b) else float(a) == float(b)
    return a == b


def build_extra(name, make):
    docs = [d for d in make() if faithful(json.dumps(d, ensure_ascii=False))]
    check_consistent(docs, name)
    expected = kustomize(docs)
    back = read_stream(expected.decode())
    for i, (a, b) in enumerate(zip(docs, back)):
        if not same(a, b):
            raise SystemExit(f"{name}: document {i} does not read back to its input")
    if len(docs) != len(back):
        raise SystemExit(f"{name}: {len(docs)} documents in, {len(back)} out")
    write_pair(name, back, expected)


def rust(s):
    """A Rust string literal for s (non-ASCII and controls as \\u{..})."""
    esc = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0"}
    return '"' + "".join(esc.get(c) or (c if " " <= c <= "~" else f"\\u{{{ord(c):x}}}") for c in s) + '"'


def unit_table():
    """Rust rows for the unit tests: `{"zz": s}` and `{"zz": {k: "v"}}` through kubectl."""
    vals = TRICKY_STRINGS
    docs = [probe(f"v{i:03d}", zz=v) for i, v in enumerate(vals)]
    docs += [probe(f"k{i:03d}", zz={k: "v"}) for i, k in enumerate(TRICKY_KEYS)]
    out = kustomize(docs).decode()
    parts = out.split("---\n")
    for label, items, offset in (("VALUES", vals, 0), ("KEYS", TRICKY_KEYS, len(vals))):
        print(f"// {label}")
        for i, s in enumerate(items):
            doc = parts[offset + i]
            tail = doc[doc.index("\nzz:") + 1:]
            print(f"    ({rust(s)}, {rust(tail)}),")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--no-kubectl", action="store_true", help="only rebuild the overlay cases")
    ap.add_argument("--unit-table", action="store_true", help="print the unit-test tables")
    ap.add_argument("--overlay-cases", type=Path, default=DEFAULT_OVERLAY_CASES,
                    help="the overlay-cases corpus folder (default: %(default)s)")
    args = ap.parse_args()
    if args.unit_table:
        unit_table()
        return
    n = 0
    if not args.overlay_cases.is_dir():
        raise SystemExit(f"no overlay corpus at {args.overlay_cases}; pass --overlay-cases DIR")
    for case in sorted(args.overlay_cases.iterdir()):
        expected = case / "expected.yaml"
        if expected.is_file():
            data = expected.read_bytes()
            write_pair(case.name, read_stream(data.decode()), data)
            n += 1
    if not args.no_kubectl:
        for name, make in EXTRA_CASES.items():
            build_extra(name, make)
            n += 1
    print(f"{n} fixture pairs in {HERE}", file=sys.stderr)


if __name__ == "__main__":
    main()
