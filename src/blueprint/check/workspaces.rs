//! Workspaces: a workspace's name becomes its namespace on the management cluster (Kommander's
//! `Workspace.spec.namespaceName`, where its clusters' Cluster API objects and access bindings
//! live), so it must not be a namespace that Kubernetes, Kommander or the platform's add-ons
//! already own.

use super::Cx;
use crate::diag::{Code, Diagnostic};

/// Namespaces a workspace may not take: Kubernetes' own (`default` and the `kube-` prefix,
/// which Kubernetes reserves), Kommander's (`kommander`, `kommander-flux`), and those of the
/// add-ons platc configures (`cert-manager`, `external-dns`) and of Flux (`flux-system`).
const TAKEN: &[&str] = &[
    "default",
    "kommander",
    "kommander-flux",
    "cert-manager",
    "external-dns",
    "flux-system",
];

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for (i, ws) in cx.bp.spec.workspaces.iter().enumerate() {
        let name = ws.name.as_str();
        if TAKEN.contains(&name) || name.starts_with("kube-") {
            out.push(
                cx.error(
                    Code::Name,
                    &cx.spec().field("workspaces").index(i).field("name"),
                    format!(
                        "workspace `{name}` would share the namespace `{name}`, which the platform itself uses"
                    ),
                )
                .note("a workspace's name is its namespace on the management cluster")
                .help("name the workspace after the team or environment, e.g. `production`"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::blueprint::{check, load};
    use crate::diag::Code;

    const BASE: &str = include_str!("../../../tests/data/bad-inputs/valid-base.yaml");

    fn errors_for(workspace: &str) -> Vec<String> {
        let text = format!(
            "{}\n  workspaces:\n    - name: {workspace}\n",
            BASE.trim_end_matches('\n')
        );
        let loaded = load::load("bp.yaml", text.as_bytes()).expect("loads");
        check::run(&loaded)
            .into_iter()
            .filter(|d| d.is_error() && d.code == Code::Name)
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn a_workspace_may_not_take_a_platform_namespace() {
        assert_eq!(errors_for("team-a"), Vec::<String>::new());
        for taken in ["kommander", "default", "kube-system", "cert-manager"] {
            let errors = errors_for(taken);
            assert_eq!(errors.len(), 1, "{taken}: {errors:?}");
            assert!(errors[0].contains(taken));
        }
    }
}
