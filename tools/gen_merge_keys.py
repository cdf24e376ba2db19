#!/usr/bin/env python3
"""Generates the type table of src/overlay/merge_keys.rs from the OpenAPI document that
kustomize v5.5.0 embeds (Kubernetes v1.21.2, kyaml/openapi/kubernetesapi/v1_21_2/swagger.pb).

    python3 tools/gen_merge_keys.py KUBECTL_BINARY > /tmp/table.rs

The document is found inside a kubectl v1.32 binary as a gzip stream, decoded here as the
gnostic OpenAPI v2 protobuf. Only what the strategic merge needs is kept: the kinds
(x-kubernetes-group-version-kind), and every type on a path from a kind to a list with
x-kubernetes-patch-strategy "merge" (its keys: x-kubernetes-list-map-keys, else
x-kubernetes-patch-merge-key, else none for a merged list of scalars).
"""
import json
import sys
import zlib


def find_swagger(path):
    data = open(path, 'rb').read()
    i = 0
    while True:
        i = data.find(b'\x1f\x8b\x08', i)
        if i < 0:
            raise SystemExit('no embedded OpenAPI document found')
        try:
            out = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[i:i + 50_000_000])
            if b'io.k8s.api.core.v1.Container' in out and b'v1.21.2' in out[:64]:
                return out
        except zlib.error:
            pass
        i += 3


def varint(b, i):
    r = s = 0
    while True:
        c = b[i]
        i += 1
        r |= (c & 0x7f) << s
        s += 7
        if c < 0x80:
            return r, i


def fields(b):
    i, out = 0, []
    while i < len(b):
        k, i = varint(b, i)
        f, t = k >> 3, k & 7
        if t == 0:
            v, i = varint(b, i)
        elif t == 1:
            v, i = b[i:i + 8], i + 8
        elif t == 5:
            v, i = b[i:i + 4], i + 4
        elif t == 2:
            n, i = varint(b, i)
            v, i = b[i:i + n], i + n
        else:
            raise ValueError(t)
        out.append((f, v))
    return out


# gnostic openapi_v2.Schema field numbers.
REF, ADDL, TYPE, ITEMS, PROPS, EXT = 1, 21, 22, 23, 25, 31


def schema(b):
    s = {'props': {}, 'ext': {}}
    for f, v in fields(b):
        if f == REF:
            s['ref'] = v.decode()
        elif f == TYPE:
            s['type'] = [x.decode() for ff, x in fields(v) if ff == 1]
        elif f == ITEMS:
            items = [schema(x) for ff, x in fields(v) if ff == 1]
            s['items'] = items[0] if items else None
        elif f == PROPS:
            for _, x in fields(v):
                nf = dict(fields(x))
                s['props'][nf[1].decode()] = schema(nf[2])
        elif f == ADDL:
            for ff, x in fields(v):
                if ff == 1:
                    s['addl'] = schema(x)
        elif f == EXT:
            nf = dict(fields(v))
            s['ext'][nf[1].decode()] = dict(fields(nf[2])).get(2, b'').decode()
    return s


def yaml_list(text):
    return [l.strip()[2:].strip() for l in text.splitlines() if l.strip().startswith('- ')]


def gvks(text):
    out, cur = [], {}
    for line in text.splitlines():
        line = line.strip()
        if line.startswith('- '):
            if cur:
                out.append(cur)
            cur = {}
            line = line[2:]
        if ':' in line:
            k, v = line.split(':', 1)
            cur[k.strip()] = v.strip().strip('"')
    if cur:
        out.append(cur)
    return out


def main():
    doc = fields(find_swagger(sys.argv[1]))
    defs = {}
    for _, v in fields([v for f, v in doc if f == 9][0]):
        nf = dict(fields(v))
        defs[nf[1].decode()] = schema(nf[2])

    def resolve(s):
        while s is not None and 'ref' in s:
            s = defs.get(s['ref'].split('/')[-1])
        return s

    def ref_name(s):
        return s['ref'].split('/')[-1] if s and 'ref' in s else None

    # interesting(type): it has a merge list somewhere below.
    memo = {}

    def child_of(p):
        """(kind, target) of a property: ('list', keys, item_type) | ('type', name) | None."""
        ext = p['ext']
        strategy = ext.get('x-kubernetes-patch-strategy', '').strip()
        if 'array' in p.get('type', []) and 'merge' in strategy.split(','):
            if 'x-kubernetes-list-map-keys' in ext:
                keys = yaml_list(ext['x-kubernetes-list-map-keys'])
            elif 'x-kubernetes-patch-merge-key' in ext:
                keys = [ext['x-kubernetes-patch-merge-key'].strip()]
            else:
                keys = []
            return ('list', keys, ref_name(p.get('items')))
        name = ref_name(p)
        if name:
            return ('type', name)
        return None

    def interesting(name, stack=()):
        if name in memo:
            return memo[name]
        if name in stack:
            return False
        d = defs[name]
        res = False
        for p in d['props'].values():
            c = child_of(p)
            if c and c[0] == 'list':
                res = True
            elif c and c[0] == 'type' and interesting(c[1], stack + (name,)):
                res = True
        memo[name] = res
        return res

    kinds = []
    for name, d in defs.items():
        g = d['ext'].get('x-kubernetes-group-version-kind')
        if not g:
            continue
        for gvk in gvks(g):
            kinds.append((gvk.get('group', ''), gvk['version'], gvk['kind'], name))
    kinds.sort()

    # Scope: a kind is namespaced when one of its API paths has a namespace parameter
    # (kyaml's findNamespaceability), cluster-scoped when it has paths but none of them do.
    scope = {}
    for f, v in fields([v for f, v in doc if f == 8][0]):
        if f != 2:
            continue
        nf = dict(fields(v))
        path, item = nf[1].decode(), nf[2]
        i = 0
        marker = b'x-kubernetes-group-version-kind'
        while (i := item.find(marker, i)) >= 0:
            j = i + len(marker)
            _, k = varint(item, j + 1)
            n, k = varint(item, k + 1)
            gvk = gvks(item[k:k + n].decode())[0]
            key = (gvk.get('group', ''), gvk['version'], gvk['kind'])
            scope[key] = scope.get(key, False) or '{namespace}' in path
            i = j
    cluster = sorted(k for k, namespaced in scope.items() if not namespaced)

    types = sorted(n for n in defs if interesting(n))
    index = {n: i for i, n in enumerate(types)}

    def short(n):
        return n.replace('io.k8s.api.', '').replace('io.k8s.apimachinery.pkg.apis.', '') \
            .replace('io.k8s.kube-aggregator.pkg.apis.', '').replace('io.k8s.apiextensions-apiserver.pkg.apis.', '')

    print('// @generated by tools/gen_merge_keys.py from the Kubernetes v1.21.2 OpenAPI document')
    print('// that kustomize v5.5.0 embeds. Do not edit by hand.')
    print()
    print('/// Every type on a path from a kind to a merged list, by index.')
    print('pub(super) static TYPES: &[TypeDef] = &[')
    for n in types:
        print(f'    // {index[n]}')
        print(f'    TypeDef {{ name: "{short(n)}", fields: &[')
        for pname in sorted(defs[n]['props']):
            c = child_of(defs[n]['props'][pname])
            if c is None:
                continue
            if c[0] == 'list':
                item = c[2]
                item_s = f'Some({index[item]})' if item in index else 'None'
                keys = ', '.join(f'"{k}"' for k in c[1])
                print(f'        ("{pname}", Child::List {{ keys: &[{keys}], item: {item_s} }}),')
            elif c[1] in index:
                print(f'        ("{pname}", Child::Type({index[c[1]]})),')
        print('    ] },')
    print('];')
    print()
    print('/// (group, version, kind) → root type; sorted, for binary search.')
    print('pub(super) static KINDS: &[(&str, &str, &str, Root)] = &[')
    for g, v, k, n in kinds:
        root = f'Root::Type({index[n]})' if n in index else 'Root::Opaque'
        print(f'    ("{g}", "{v}", "{k}", {root}),')
    print('];')
    print()
    print('/// (group, version, kind) of the built-in cluster-scoped kinds; sorted.')
    print('pub(super) static CLUSTER_SCOPED: &[(&str, &str, &str)] = &[')
    for g, v, k in cluster:
        print(f'    ("{g}", "{v}", "{k}"),')
    print('];')


main()
