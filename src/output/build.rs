//! `platc build` (and `platc render -o -`): the rendered Kubernetes objects as one
//! multi-document YAML stream on standard output, as `kustomize build` and `clusterctl
//! generate cluster` print theirs, so that `platc build --cluster c | kubectl apply -f -`
//! works. Nothing is written and no output folder is looked at.
//!
//! What is printed: the files of Kubernetes objects a folder's kustomization lists (what
//! `kubectl apply -k` reads), exactly the bytes `render` writes (overlays applied, the header
//! comment kept), one after the other with a `---` line between files. Left out, because
//! kubectl cannot apply them: the kustomizations themselves, kOps' `Cluster` and
//! `InstanceGroup` files (read by `kops`, not by an API server), Helm values files (the
//! ConfigMaps a kustomization generates from them are not files of the tree: apply
//! `kubectl apply -k clusters/<c>/releases` for those), CloudFormation, Terraform,
//! clusterawsadm's configuration, Kommander's installation file, the README, `.gitattributes`
//! and the manifest. With `--cluster`, only that cluster's files ([`Scope`]).
//!
//! Order: files whose objects kubectl must create first come first, at file granularity by
//! kustomize's legacy kind order (`overlay::kustomization::LEGACY_ORDER_FIRST`/`_LAST`, from
//! kyaml `resid/gvk.go`): a file is ranked by its highest-ranked object (a Namespace file
//! before the objects in those namespaces, webhook configurations last); equal ranks in path
//! order. Files are never split, so the stream is the rendered files' bytes.

use std::collections::BTreeMap;

use super::scope::Scope;
use crate::overlay::kustomization::{LEGACY_ORDER_FIRST, LEGACY_ORDER_LAST};
use crate::tree::Tree;

/// The stream: `kubectl_files` (path → kinds of its objects, `Compiled::kubectl_files`) of
/// `tree`, narrowed to `scope`, in apply order.
pub fn stream(
    tree: &Tree,
    kubectl_files: &BTreeMap<String, Vec<String>>,
    scope: Option<&Scope>,
) -> Vec<u8> {
    let mut out = Vec::new();
    let files = paths(kubectl_files, scope)
        .into_iter()
        .filter_map(|path| tree.get(path));
    for (i, bytes) in files.enumerate() {
        if i > 0 {
            out.extend_from_slice(b"---\n");
        }
        out.extend_from_slice(bytes);
        if !bytes.ends_with(b"\n") {
            out.push(b'\n');
        }
    }
    out
}

/// The paths [`stream`] prints, in its order (for tests and `--verbose`).
pub fn paths<'a>(
    kubectl_files: &'a BTreeMap<String, Vec<String>>,
    scope: Option<&Scope>,
) -> Vec<&'a str> {
    let mut files: Vec<(i64, &str)> = kubectl_files
        .iter()
        .filter(|(path, _)| scope.is_none_or(|s| s.contains(path)))
        .map(|(path, kinds)| {
            (
                kinds.iter().map(|k| rank(k)).min().unwrap_or(0),
                path.as_str(),
            )
        })
        .collect();
    files.sort();
    files.into_iter().map(|(_, p)| p).collect()
}

/// kustomize's legacy rank of a kind: `orderFirst` negative in list order, other kinds 0,
/// `orderLast` positive.
fn rank(kind: &str) -> i64 {
    let first = LEGACY_ORDER_FIRST.len() as i64;
    if let Some(i) = LEGACY_ORDER_FIRST.iter().position(|k| *k == kind) {
        return i as i64 - first;
    }
    LEGACY_ORDER_LAST
        .iter()
        .position(|k| *k == kind)
        .map_or(0, |i| i as i64 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_first_webhooks_last_files_whole() {
        let mut tree = Tree::new();
        tree.insert("clusters/a/addons/p.yaml", b"kind: Policy\n".to_vec());
        tree.insert(
            "clusters/a/addons/w.yaml",
            b"kind: ValidatingWebhookConfiguration\n".to_vec(),
        );
        tree.insert(
            "clusters/a/namespaces/n.yaml",
            b"kind: Namespace\n---\nkind: Namespace\n".to_vec(),
        );
        tree.insert("clusters/b/addons/p.yaml", b"kind: Policy".to_vec());
        tree.insert("iam/clusterawsadm/iam-config.yaml", b"x: 1\n".to_vec());
        let kinds = |k: &[&str]| k.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let files: BTreeMap<String, Vec<String>> = [
            ("clusters/a/addons/p.yaml", kinds(&["Policy"])),
            (
                "clusters/a/addons/w.yaml",
                kinds(&["ValidatingWebhookConfiguration"]),
            ),
            (
                "clusters/a/namespaces/n.yaml",
                kinds(&["Namespace", "Namespace"]),
            ),
            ("clusters/b/addons/p.yaml", kinds(&["Policy"])),
        ]
        .into_iter()
        .map(|(p, k)| (p.to_owned(), k))
        .collect();
        let all = String::from_utf8(stream(&tree, &files, None)).unwrap();
        assert_eq!(
            all,
            "kind: Namespace\n---\nkind: Namespace\n---\nkind: Policy\n---\nkind: Policy\n---\nkind: ValidatingWebhookConfiguration\n"
        );
        let a = Scope::new(["a"]);
        assert_eq!(
            paths(&files, Some(&a)),
            vec![
                "clusters/a/namespaces/n.yaml",
                "clusters/a/addons/p.yaml",
                "clusters/a/addons/w.yaml"
            ]
        );
        assert!(rank("Namespace") < rank("CustomResourceDefinition"));
        assert!(rank("CustomResourceDefinition") < rank("HelmRelease"));
        assert!(rank("HelmRelease") < rank("MutatingWebhookConfiguration"));
    }
}
