//! Workspaces: a workspace's name becomes its namespace on the management cluster (Kommander's
//! `Workspace.spec.namespaceName`, where its clusters' Cluster API objects and access bindings
//! live), so it must not be a namespace that Kubernetes, Kommander or the platform's add-ons
//! already own. Its display name and description become annotations of its Kommander
//! `Workspace`, so together they must fit Kubernetes' annotation size limit.

use super::Cx;
use crate::diag::{Code, Diagnostic};
use crate::generate::platform::workspaces::{DESCRIPTION_ANNOTATION, DISPLAY_NAME_ANNOTATION};

/// The API server refuses an object whose annotations (every key's and value's bytes added
/// up) exceed 256 KiB: `TotalAnnotationSizeLimitB = 256 * (1 << 10)` and
/// `ValidateAnnotationsSize` in kubernetes/kubernetes
/// staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go.
pub const ANNOTATIONS_MAX_BYTES: usize = 256 * (1 << 10);

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
        annotation_size(cx, out, i, ws);
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

/// The `Workspace`'s annotations are the display name and the description (overlays may add
/// more; the limit is checked on what the blueprint puts there).
fn annotation_size(
    cx: &Cx<'_>,
    out: &mut Vec<Diagnostic>,
    i: usize,
    ws: &crate::blueprint::model::Workspace,
) {
    let size =
        |key: &str, value: &Option<String>| value.as_ref().map_or(0, |v| key.len() + v.len());
    let total = size(DISPLAY_NAME_ANNOTATION, &ws.display_name)
        + size(DESCRIPTION_ANNOTATION, &ws.description);
    if total <= ANNOTATIONS_MAX_BYTES {
        return;
    }
    // Pointed at the larger of the two: that is the one to shorten.
    let display = ws.display_name.as_ref().map_or(0, String::len);
    let description = ws.description.as_ref().map_or(0, String::len);
    let field = if description >= display {
        "description"
    } else {
        "displayName"
    };
    out.push(
        cx.error(
            Code::Range,
            &cx.spec().field("workspaces").index(i).field(field),
            format!(
                "the workspace's display name and description are {total} bytes as annotations \
                 of its Kommander Workspace; Kubernetes refuses an object whose annotations \
                 exceed {ANNOTATIONS_MAX_BYTES} bytes (256 KiB)"
            ),
        )
        .help("shorten it, and link to a longer text instead"),
    );
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
    fn annotations_beyond_the_api_server_limit_are_refused_with_their_path() {
        let with = |description: usize| {
            let text = format!(
                "{}\n  workspaces:\n    - name: team-a\n      displayName: Team A\n      description: {}\n",
                BASE.trim_end_matches('\n'),
                "d".repeat(description)
            );
            let loaded = load::load("bp.yaml", text.as_bytes()).expect("loads");
            check::run(&loaded)
                .into_iter()
                .filter(|d| d.is_error() && d.code == Code::Range)
                .collect::<Vec<_>>()
        };
        let fits = super::ANNOTATIONS_MAX_BYTES
            - super::DISPLAY_NAME_ANNOTATION.len()
            - "Team A".len()
            - super::DESCRIPTION_ANNOTATION.len();
        assert!(with(fits).is_empty());
        let errors = with(fits + 1);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(
            errors[0].path.as_deref(),
            Some("spec.workspaces[0].description")
        );
        assert!(errors[0].location.is_some());
        assert!(
            errors[0].message.contains("262144"),
            "{}",
            errors[0].message
        );
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
