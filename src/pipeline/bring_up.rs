//! The bring-up check (`crate::bringup`) on a compiled blueprint, for `platc validate`. A
//! finding in the tree platc renders from the blueprint alone is a platc bug (an internal
//! error, exit 70); a finding that only appears once the blueprint's overlays are applied is
//! the overlays' doing (`bring-up`, exit 65). The generators' output before the overlays is
//! emitted and checked only when the final tree has findings and the overlays changed it.

use super::Stages;
use crate::bringup::{self, Finding};
use crate::diag::Diagnostic;

/// The diagnostics of the bring-up check on `stages`.
pub fn check(stages: &Stages) -> Vec<Diagnostic> {
    check_read(stages, &bringup::documents(&stages.compiled.tree))
}

/// [`check`] on the documents of the tree, already read (`bringup::read_docs`, only the
/// files `bringup::read_by_the_check` selects).
pub fn check_read(stages: &Stages, docs: &bringup::Docs) -> Vec<Diagnostic> {
    debug_assert!(docs.keys().all(|p| bringup::read_by_the_check(p)));
    let findings = bringup::check_docs(docs, &bringup::FACTS);
    if findings.is_empty() {
        return Vec::new();
    }
    // The findings of the tree without overlays, when the overlays changed it: the generators'
    // output kept by the compile, or made again from the resolved model (generators are pure
    // functions of it), only now that there is something to attribute. Keeping a copy of a
    // fleet's output for every `validate` cost more than the check itself.
    let regenerated;
    let generated = match &stages.generated {
        Some(g) => Some(g),
        None => {
            regenerated = crate::generate::generate(&stages.resolved).ok();
            regenerated.as_ref()
        }
    };
    let without_overlays = generated
        .and_then(|generated| crate::emit::emit(generated, &stages.resolved.platform).ok())
        .filter(|tree| *tree != stages.compiled.tree)
        .map(|tree| bringup::check(&tree));
    diagnostics(&findings, without_overlays.as_deref())
}

/// Each finding as an internal error, or as the overlays' `bring-up` error when the tree
/// without overlays (`without_overlays`, when they changed it) does not have it.
fn diagnostics(findings: &[Finding], without_overlays: Option<&[Finding]>) -> Vec<Diagnostic> {
    findings
        .iter()
        .map(|f| f.diagnostic(without_overlays.is_some_and(|before| !before.contains(f))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bringup::Rule;
    use crate::bringup::model::ObjRef;
    use crate::diag::Code;

    fn finding(name: &str) -> Finding {
        Finding {
            cluster: "a".into(),
            rule: Rule::Order,
            object: ObjRef {
                file: "clusters/a/addons/cert-manager.yaml".into(),
                kind: "ClusterIssuer".into(),
                namespace: None,
                name: name.into(),
            },
            message: "is applied before its CRDs exist".into(),
        }
    }

    #[test]
    fn findings_of_platc_output_are_internal_and_those_of_overlays_are_the_overlays() {
        let platc_bug = finding("acme");
        let by_overlay = finding("other");
        let d = diagnostics(std::slice::from_ref(&platc_bug), None);
        assert_eq!(d[0].code, Code::Internal);
        let d = diagnostics(&[platc_bug.clone(), by_overlay], Some(&[platc_bug]));
        assert_eq!(d[0].code, Code::Internal);
        assert_eq!(d[1].code, Code::BringUp);
        assert!(d[1].is_error());
        assert!(
            d[1].message.contains("cluster `a`")
                && d[1].message.contains("clusters/a/addons/cert-manager.yaml")
                && d[1].message.contains("ClusterIssuer other"),
            "{}",
            d[1].message
        );
    }
}
