#!/usr/bin/env python3
"""Copy the upstream schemas of the kinds platc emits from ../shared/schemas into schema/upstream/.

usage: schema/upstream/sync.py [--check] [SHARED_SCHEMAS_DIR]

The binary embeds these files for `platc validate`; tests use them so that the suite passes
on a clone without ../shared. KINDS is the list of kinds platc emits: add a kind here when a
generator starts emitting it. --check writes nothing and exits 1 when a copy differs from
../shared (CI runs it).
"""
import json, os, sys

KINDS = [
    "cluster.x-k8s.io/v1beta1/Cluster", "cluster.x-k8s.io/v1beta2/Cluster",
    "cluster.x-k8s.io/v1beta1/MachineDeployment", "cluster.x-k8s.io/v1beta2/MachineDeployment",
    "cluster.x-k8s.io/v1beta1/MachineHealthCheck", "cluster.x-k8s.io/v1beta2/MachineHealthCheck",
    "controlplane.cluster.x-k8s.io/v1beta1/KubeadmControlPlane",
    "controlplane.cluster.x-k8s.io/v1beta2/KubeadmControlPlane",
    "bootstrap.cluster.x-k8s.io/v1beta1/KubeadmConfigTemplate",
    "bootstrap.cluster.x-k8s.io/v1beta2/KubeadmConfigTemplate",
    "infrastructure.cluster.x-k8s.io/v1beta2/AWSCluster",
    "infrastructure.cluster.x-k8s.io/v1beta2/AWSMachineTemplate",
    "cert-manager.io/v1/ClusterIssuer",
    "crd.projectcalico.org/v1/BGPConfiguration", "crd.projectcalico.org/v1/BGPPeer",
    "kyverno.io/v1/ClusterPolicy",
    "source.toolkit.fluxcd.io/v1/GitRepository", "kustomize.toolkit.fluxcd.io/v1/Kustomization",
    "cluster.x-k8s.io/v1beta1/MachinePool", "cluster.x-k8s.io/v1beta2/MachinePool",
    "controlplane.cluster.x-k8s.io/v1beta2/AWSManagedControlPlane",
    "infrastructure.cluster.x-k8s.io/v1beta2/AWSManagedCluster",
    "infrastructure.cluster.x-k8s.io/v1beta2/AWSManagedMachinePool",
    "kops.k8s.io/v1alpha2/Cluster", "kops.k8s.io/v1alpha2/InstanceGroup",
    # capa bring-up (CAAPH), and the tigera operator's Installation its Calico values carry.
    "addons.cluster.x-k8s.io/v1alpha1/HelmChartProxy", "operator.tigera.io/v1/Installation",
    "helm.toolkit.fluxcd.io/v2/HelmRelease", "source.toolkit.fluxcd.io/v1/HelmRepository",
    # gitops.argocd: Argo CD v3.5.1's Application (generate::argocd, releases::argocd).
    "argoproj.io/v1alpha1/Application",
]

# Helm charts whose values files platc writes: their values.schema.json, verbatim.
HELM_CHARTS = ["aws-ebs-csi-driver", "cert-manager", "external-dns"]

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    args = [a for a in sys.argv[1:] if a != "--check"]
    check = "--check" in sys.argv[1:]
    src = args[0] if args else os.path.join(HERE, "..", "..", "..", "shared", "schemas")
    index = json.load(open(os.path.join(src, "index.json")))
    prov = {p["file"]: p for p in json.load(open(os.path.join(src, "provenance.json")))["crd_schemas"]}
    wanted = {}
    for kind in KINDS:
        f = index[kind]
        wanted[f] = open(os.path.join(src, f), "rb").read()
    wanted["index.json"] = (json.dumps({k: index[k] for k in KINDS}, indent=2, sort_keys=True) + "\n").encode()
    provenance = {index[k]: prov[index[k]] for k in KINDS}
    helm_prov = {p["file"]: p for p in json.load(open(os.path.join(src, "provenance.json")))["helm_values_schemas"]}
    for chart in HELM_CHARTS:
        f = f"helm/{chart}/values.schema.json"
        wanted[f] = open(os.path.join(src, f), "rb").read()
        provenance[f] = helm_prov[f]
    wanted["provenance.json"] = (json.dumps(provenance, indent=2, sort_keys=True) + "\n").encode()
    stale = []
    for rel, data in sorted(wanted.items()):
        path = os.path.join(HERE, rel)
        have = open(path, "rb").read() if os.path.exists(path) else None
        if have != data:
            stale.append(rel)
            if not check:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                open(path, "wb").write(data)
    if check and stale:
        print("schema/upstream differs from ../shared/schemas:", *stale, sep="\n  ")
        print("run schema/upstream/sync.py and review the diff")
        sys.exit(1)
    print(f"schema/upstream: {len(KINDS)} kinds, {len(HELM_CHARTS)} charts, {len(stale)} {'stale' if check else 'updated'}")


if __name__ == "__main__":
    main()
