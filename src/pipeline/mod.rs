//! The compiler's stages in order, with no I/O: bytes of a blueprint → loaded and checked
//! blueprint → resolved model → generator output → emitted tree. The CLI reads files and
//! writes trees; everything between happens here.

pub mod audit_policy;
pub mod beside_gate;
pub mod output_gate;
pub mod overlays;

use sha2::{Digest, Sha256};

use crate::beside::Beside;

use crate::blueprint::check;
use crate::blueprint::load::{self, Loaded};
use crate::blueprint::model::Provider;
use crate::blueprint::path::BlueprintPath;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::emit;
use crate::generate;
use crate::resolve;
use crate::tree::Tree;

/// One blueprint as read from disk.
#[derive(Clone, Debug)]
pub struct Input {
    /// The path diagnostics print (as the user gave it).
    pub display_name: String,
    /// The file name alone: the only part of the path that reaches the output.
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A blueprint that passed every check, with its warnings.
#[derive(Debug)]
pub struct Checked {
    pub loaded: Loaded,
    pub warnings: Vec<Diagnostic>,
}

/// The rendered tree (without `.platc/manifest.json`, which the writer adds).
#[derive(Debug)]
pub struct Compiled {
    pub tree: Tree,
    pub warnings: Vec<Diagnostic>,
    pub blueprint_sha256: String,
    /// The folders and files read beside the blueprint (overlays, an audit policy), relative
    /// to its folder: the CLI refuses an output folder that overlaps one of them.
    pub inputs: Vec<String>,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Loads the blueprint and runs every rule; all errors of the run are returned together.
pub fn check_blueprint(input: &Input) -> Result<Checked, Diagnostics> {
    let loaded = load::load(&input.display_name, &input.bytes)?;
    let diags = check::run(&loaded);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags.into());
    }
    Ok(Checked {
        loaded,
        warnings: diags,
    })
}

/// The folder diagnostics name files beside the blueprint by (the blueprint's path as given,
/// without its file name).
pub fn display_dir(input: &Input) -> String {
    std::path::Path::new(&input.display_name)
        .parent()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Compiles a blueprint into the tree `render` writes. `beside` holds the files next to the
/// blueprint (its overlays), rooted at the blueprint's folder.
pub fn compile(input: &Input, beside: &dyn Beside) -> Result<Compiled, Diagnostics> {
    let checked = check_blueprint(input)?;
    // Every file read beside the blueprint goes through the secrets gate.
    let beside = beside_gate::Scanning::new(beside, &display_dir(input));
    let mut early = audit_policy::check(&checked.loaded, &beside, &display_dir(input));
    let secrets = beside.take_findings();
    if !secrets.is_empty() {
        // Only the findings: other diagnostics could quote a line holding the secret.
        return Err(secrets.into());
    }
    early.extend(not_rendered_yet(&checked.loaded));
    if !early.is_empty() {
        return Err(early.into());
    }
    let overlays = overlays::load(&checked.loaded, &beside, &display_dir(input));
    let secrets = beside.take_findings();
    if !secrets.is_empty() {
        return Err(secrets.into());
    }
    let overlays = overlays?;
    let resolved = resolve::resolve(&checked.loaded.blueprint, &input.file_name);
    let mut output = generate::generate(&resolved)
        .map_err(|e| Diagnostics::from(Diagnostic::error(Code::Internal, e.message)))?;
    let clusters: Vec<String> = resolved.clusters.iter().map(|c| c.name.clone()).collect();
    overlays::apply(&mut output, &overlays, &clusters)?;
    let tree = emit::emit(&output, &input.file_name).map_err(|path| {
        Diagnostics::from(Diagnostic::error(
            Code::Internal,
            format!("two files would be written at `{path}`"),
        ))
    })?;
    // The last gate: every file read back (round trip, embedded YAML) and scanned for
    // secrets before the writer sees it.
    let problems = output_gate::check(&output, &tree);
    if !problems.is_empty() {
        return Err(problems.into());
    }
    Ok(Compiled {
        tree,
        warnings: checked.warnings,
        blueprint_sha256: sha256_hex(&input.bytes),
        inputs: inputs_beside(&checked.loaded),
    })
}

/// The overlay folders and the audit policy file the blueprint names, normalized.
fn inputs_beside(loaded: &Loaded) -> Vec<String> {
    let spec = &loaded.blueprint.spec;
    let overlays = spec
        .overlays
        .iter()
        .chain(spec.clusters.iter().flat_map(|c| c.overlays.iter()))
        .map(|o| o.path.as_str());
    let policy = spec
        .security
        .as_ref()
        .and_then(|s| s.audit_log.as_ref())
        .and_then(|a| a.policy.as_deref())
        .filter(|p| *p != "default");
    let mut out: Vec<String> = overlays
        .chain(policy)
        .filter_map(crate::beside::normalize)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Parts of the blueprint language that pass the checker but that this version of platc
/// does not turn into files yet. Rendering them silently would drop configuration the user
/// asked for, so render refuses, naming each one; `platc validate` still checks them.
fn not_rendered_yet(loaded: &Loaded) -> Vec<Diagnostic> {
    let bp = &loaded.blueprint;
    let cx = check::Cx::new(loaded);
    let spec = BlueprintPath::root().field("spec");
    let mut out = Vec::new();
    let mut refuse = |path: BlueprintPath, what: &str| {
        out.push(
            cx.key_error(
                Code::Unsupported,
                &path,
                format!("not rendered by this version of platc yet: {what}"),
            )
            .help("remove it to render now; `platc validate` checks it already"),
        );
    };
    let s = &bp.spec;
    let sections: [(&str, bool, &str); 8] = [
        ("iam", s.iam.is_some(), "IAM output"),
        ("identity", s.identity.is_some(), "SSO (dex, OIDC)"),
        ("dns", s.dns.is_some(), "external-dns"),
        (
            "registries",
            s.registries.is_some(),
            "registry mirrors and image sources",
        ),
        ("workspaces", !s.workspaces.is_empty(), "workspaces"),
        ("access", !s.access.is_empty(), "access"),
        ("monitoring", s.monitoring.is_some(), "monitoring"),
        ("gitops", s.gitops.is_some(), "GitOps (Flux)"),
    ];
    for (field, present, what) in sections {
        if present {
            refuse(spec.field(field), what);
        }
    }
    // One entry per field of `security`: its parts are rendered by different generators.
    if let Some(sec) = &s.security {
        let security: [(&str, bool, &str); 4] = [
            (
                "podSecurity",
                sec.pod_security.is_some(),
                "Pod Security admission",
            ),
            (
                "policyEngine",
                sec.policy_engine.is_some(),
                "the policy engine",
            ),
            ("auditLog", sec.audit_log.is_some(), "audit logging"),
            (
                "workloadIdentity",
                sec.workload_identity.is_some(),
                "workload identity",
            ),
        ];
        for (field, present, what) in security {
            if present {
                refuse(spec.field("security").field(field), what);
            }
        }
    }
    for (i, c) in s.clusters.iter().enumerate() {
        let path = spec.field("clusters").index(i);
        match c.provider {
            Provider::Capa => {}
            Provider::Eks => refuse(path.field("provider"), "`provider: eks`"),
            Provider::Kops => refuse(path.field("provider"), "`provider: kops`"),
        }
        if c.network.as_ref().is_some_and(|n| n.calico.is_some()) {
            refuse(
                path.field("network").field("calico"),
                "Calico route reflectors",
            );
        }
    }
    out
}
