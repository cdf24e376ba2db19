//! The digest of everything a render's output depends on: platc's version, the blueprint's
//! file name (it is in every header) and bytes, and every file beside the blueprint that it
//! names (each overlay folder's files, the audit policy). Output is a pure function of these,
//! so equal digests mean equal trees: it is the manifest's `blueprintSha256`, a record of
//! which inputs the tree was rendered from. It is never evidence that a folder is current:
//! the manifest is a file in the repository that anyone can edit, so `check` and `render`
//! always compare the folder with the compiled tree (ARCHITECTURE.md, "check compiles").

use sha2::{Digest, Sha256};

use super::Input;
use crate::beside::{self, Beside};
use crate::blueprint::load::Loaded;

/// Bumped by hand when output can change without the crate version changing (never in a
/// release): part of the digest, so old trees are recompiled once.
const DIGEST_SCHEME: &str = "platc-inputs/1";

/// What the blueprint names beside itself: its overlay folders (platform-wide, then each
/// cluster's) and its audit policy (as written; `default` names no file).
pub struct Named<'a> {
    pub overlays: Vec<&'a str>,
    pub audit_policy: Option<&'a str>,
}

pub fn named(loaded: &Loaded) -> Named<'_> {
    let spec = &loaded.blueprint.spec;
    Named {
        overlays: spec
            .overlays
            .iter()
            .chain(spec.clusters.iter().flat_map(|c| c.overlays.iter()))
            .map(|o| o.path.as_str())
            .collect(),
        audit_policy: spec
            .security
            .as_ref()
            .and_then(|s| s.audit_log.as_ref())
            .and_then(|a| a.policy.as_deref()),
    }
}

/// The digest (sha256 hex) of a loaded blueprint's inputs.
pub fn digest(input: &Input, loaded: &Loaded, beside: &dyn Beside) -> String {
    let mut h = Sha256::new();
    let mut part = |label: &str, bytes: &[u8]| {
        // Length-prefixed, so no two different input sets hash the same stream.
        h.update(label.as_bytes());
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    part("scheme", DIGEST_SCHEME.as_bytes());
    part("version", env!("CARGO_PKG_VERSION").as_bytes());
    part("file-name", input.file_name.as_bytes());
    part("blueprint", &input.bytes);
    let named = named(loaded);
    for path in named.overlays {
        let Some(dir) = beside::normalize(path) else {
            part("unreadable", path.as_bytes());
            continue;
        };
        part("overlay", dir.as_bytes());
        for file in beside.list(&dir) {
            part("path", file.as_bytes());
            match beside.read(&file) {
                Ok(bytes) => part("bytes", &bytes),
                Err(e) => part("error", e.to_string().as_bytes()),
            }
        }
    }
    if let Some(policy) = named.audit_policy {
        part("audit-policy", policy.as_bytes());
        if let Some(Ok(bytes)) = beside::normalize(policy).map(|p| beside.read(&p)) {
            part("bytes", &bytes);
        }
    }
    // The hex sha256 of the stream's digest (kept so manifests written so far stay valid).
    crate::tree::sha256_hex(&h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::beside::Memory;

    fn input(text: &str) -> Input {
        Input {
            display_name: "platform.yaml".into(),
            file_name: "platform.yaml".into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    const BP: &str = "apiVersion: platc.io/v1alpha1\nkind: Platform\nmetadata:\n  name: t\nspec:\n  domain: t.example.cloud\n  aws:\n    accountID: \"123456789012\"\n    region: eu-central-1\n  overlays:\n    - path: o\n  clusters:\n    - name: one\n      provider: capa\n      kubernetesVersion: v1.33.5\n      availabilityZones: [eu-central-1a]\n      controlPlane: {replicas: 1, instanceType: m5.large}\n      nodePools:\n        - {name: workers, instanceType: m5.large, replicas: 2}\n";

    #[test]
    fn every_input_moves_the_digest() {
        let files = Memory::new()
            .with("o/kustomization.yaml", "commonAnnotations: {a: b}\n")
            .with("o/patch.yaml", "x: 1\n");
        let quick_digest = |input: &Input, beside: &Memory| {
            let loaded = crate::blueprint::load::load(&input.display_name, &input.bytes).ok()?;
            Some(digest(input, &loaded, beside))
        };
        let base = quick_digest(&input(BP), &files).unwrap();
        assert_eq!(quick_digest(&input(BP), &files).unwrap(), base);
        let edited = files.clone().with("o/patch.yaml", "x: 2\n");
        assert_ne!(quick_digest(&input(BP), &edited).unwrap(), base);
        let added = files.clone().with("o/kustomization.yml", "");
        assert_ne!(quick_digest(&input(BP), &added).unwrap(), base);
        let other = BP.replace("replicas: 2", "replicas: 3");
        assert_ne!(quick_digest(&input(&other), &files).unwrap(), base);
        let mut renamed = input(BP);
        renamed.file_name = "fleet.yaml".into();
        assert_ne!(quick_digest(&renamed, &files).unwrap(), base);
        assert!(quick_digest(&input("kind: [\n"), &files).is_none());
    }
}
