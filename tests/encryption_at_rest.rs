//! Encryption at rest (`security.encryptionAtRest`): in the golden case, the eks control plane
//! and the kops cluster carry the blueprint's key ARN where their upstreams read it, the capa
//! API server reads its EncryptionConfiguration from a Secret, the operator's commands for
//! both are in the README, and no golden tree holds key material for the API server's
//! encryption (an EncryptionConfiguration's `keys[].secret`, or such a file written inline
//! into a machine's bootstrap files).

use serde_json::{Value, json};

use crate::support::{docs, read_tree, root};

const CASE: &str = "encryption-at-rest";
const KEY: &str = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/// Where `v` (one YAML document of `label`) holds encryption key material: a `keys` list
/// whose entries carry a `secret` (the aescbc/aesgcm/secretbox providers of
/// `apiserver.config.k8s.io/v1` EncryptionConfiguration), or a string that is an
/// EncryptionConfiguration with such a key (a bootstrap file's inline `content`).
fn key_material(v: &Value, label: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Array(keys)) = map.get("keys")
                && keys.iter().any(|k| k.get("secret").is_some())
            {
                out.push(format!("{label}: an encryption key's `secret`"));
            }
            for (k, child) in map {
                key_material(child, &format!("{label}.{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                key_material(child, &format!("{label}[{i}]"), out);
            }
        }
        Value::String(s) if s.contains("EncryptionConfiguration") && s.contains("secret:") => {
            out.push(format!(
                "{label}: an inline EncryptionConfiguration with a key"
            ));
        }
        _ => {}
    }
}

#[test]
fn key_material_never_appears_in_a_golden_tree() {
    // Controls: the scanner finds a key in a config object and in a bootstrap file's content.
    let config = json!({"kind": "EncryptionConfiguration", "resources": [{"resources": ["secrets"],
        "providers": [{"aescbc": {"keys": [{"name": "key1", "secret": "c2VjcmV0IGlzIHNlY3VyZQ=="}]}}]}]});
    let file = json!({"spec": {"files": [{"path": "/etc/kubernetes/enc.yaml",
        "content": "kind: EncryptionConfiguration\nresources:\n- providers:\n  - secretbox:\n      keys:\n      - name: k\n        secret: c2VjcmV0\n"}]}});
    for control in [&config, &file] {
        let mut found = Vec::new();
        key_material(control, "control", &mut found);
        assert_eq!(found.len(), 1, "{found:?}");
    }
    let mut problems = Vec::new();
    let mut scanned = 0;
    for entry in std::fs::read_dir(root().join("golden")).unwrap() {
        let dir = entry.unwrap().path();
        for (path, bytes) in read_tree(&dir) {
            if !(path.ends_with(".yaml") || path.ends_with(".yml")) {
                continue;
            }
            let label = format!("{}/{path}", dir.display());
            for d in docs(&label, &String::from_utf8(bytes).unwrap()) {
                scanned += 1;
                key_material(&d, &label, &mut problems);
            }
        }
    }
    assert!(scanned > 100, "too few documents scanned: {scanned}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn objects(path: &str) -> Vec<Value> {
    let file = root().join("golden").join(CASE).join(path);
    docs(path, &std::fs::read_to_string(file).unwrap())
}

#[test]
fn the_eks_control_plane_encrypts_secrets_with_the_blueprint_key() {
    let cp = objects("clusters/ledger/infrastructure/cluster.yaml")
        .into_iter()
        .find(|d| d["kind"] == "AWSManagedControlPlane")
        .expect("an AWSManagedControlPlane");
    assert_eq!(
        cp["spec"]["encryptionConfig"],
        json!({"provider": KEY, "resources": ["secrets"]})
    );
}

#[test]
fn the_kops_cluster_encrypts_etcd_volumes_and_reads_its_encryption_config() {
    let cluster = objects("clusters/archive/infrastructure/cluster.yaml")
        .into_iter()
        .find(|d| d["kind"] == "Cluster")
        .expect("a kops Cluster");
    assert_eq!(cluster["spec"]["encryptionConfig"], json!(true));
    let mut members = 0;
    for etcd in cluster["spec"]["etcdClusters"].as_array().unwrap() {
        for m in etcd["etcdMembers"].as_array().unwrap() {
            members += 1;
            assert_eq!(m["encryptedVolume"], json!(true), "{m}");
            assert_eq!(m["kmsKeyId"], json!(KEY), "{m}");
        }
    }
    assert_eq!(
        members, 6,
        "main and events, one member per control-plane machine"
    );
    let readme =
        std::fs::read_to_string(root().join("golden").join(CASE).join("README.md")).unwrap();
    assert!(
        readme.contains("| kops create secret encryptionconfig -f - --name archive.vault.example.cloud --state s3://vault-kops-state/clusters"),
        "the README lacks the encryptionconfig step"
    );
}

#[test]
fn the_capa_api_server_reads_its_encryption_config_from_a_secret() {
    let kcp = objects("clusters/core/infrastructure/control-plane.yaml")
        .into_iter()
        .find(|d| d["kind"] == "KubeadmControlPlane")
        .expect("a KubeadmControlPlane");
    let spec = &kcp["spec"]["kubeadmConfigSpec"];
    let file = spec["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "/etc/kubernetes/encryption/config.yaml")
        .expect("the encryption config file");
    assert_eq!(
        file["contentFrom"],
        json!({"secret": {"name": "core-encryption-config", "key": "encryption-config.yaml"}})
    );
    assert!(file.get("content").is_none(), "{file}");
    let api = &spec["clusterConfiguration"]["apiServer"];
    assert!(
        api["extraArgs"].as_array().unwrap().contains(&json!({
            "name": "encryption-provider-config",
            "value": "/etc/kubernetes/encryption/config.yaml"
        })),
        "{api}"
    );
    assert!(
        api["extraVolumes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["mountPath"] == "/etc/kubernetes/encryption"),
        "{api}"
    );
    let readme =
        std::fs::read_to_string(root().join("golden").join(CASE).join("README.md")).unwrap();
    assert!(readme.contains(
        "kubectl -n default create secret generic core-encryption-config --from-literal=encryption-config.yaml="
    ));
}
