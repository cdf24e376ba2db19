//! The compiler's stages in order, with no I/O: bytes of a blueprint → loaded and checked
//! blueprint → resolved model → generator output → emitted tree. The CLI reads files and
//! writes trees; everything between happens here.

pub mod audit_policy;
pub mod beside_gate;
pub mod bring_up;
pub mod inputs;
pub mod output_gate;
pub mod overlays;
pub mod validate;

use crate::beside::Beside;

use crate::blueprint::check;
use crate::blueprint::load::{self, Loaded};
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
    /// The blueprint's clusters, in blueprint order (`render --cluster` checks names).
    pub clusters: Vec<String>,
    /// Where the blueprint lists them (`spec.clusters`, its key), for a diagnostic about a
    /// `--cluster` name it does not have.
    pub clusters_at: Option<crate::diag::Location>,
    /// The files of Kubernetes objects that kubectl applies (listed in their folder's
    /// kustomization, as emission lists them: not kOps' files, not Helm values, CloudFormation
    /// or Terraform), by path, with the kinds of their objects: what `platc build` prints.
    pub kubectl_files: std::collections::BTreeMap<String, Vec<String>>,
}

/// The overlay folders and the audit policy file the blueprint names, normalized.
fn inputs_beside(loaded: &Loaded) -> Vec<String> {
    let named = inputs::named(loaded);
    let policy = named.audit_policy.filter(|p| *p != "default");
    let mut out: Vec<String> = named
        .overlays
        .into_iter()
        .chain(policy)
        .filter_map(crate::beside::normalize)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Loads the blueprint and runs every rule; all errors of the run are returned together.
pub fn check_blueprint(input: &Input) -> Result<Checked, Diagnostics> {
    crate::blueprint::schema::prepare();
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
    let (compiled, rest) = compile_stages(input, beside, false)?.split();
    // Freeing a fleet's objects takes a noticeable share of a render: do it on another
    // thread while the caller compares and writes.
    rayon::spawn(move || drop(rest));
    Ok(compiled)
}

/// [`compile`] for a process that exits once it has used the tree (the CLI): the memory of
/// the other stages is never handed back, the kernel takes it at exit. Freeing a fleet's
/// objects, even on another thread, took CPU that `check` and `render` need on a two-core
/// machine: 1,000 clusters, `check` 1.44-1.53 s of user time with the free, 1.28-1.39 s
/// without (README, "Performance").
pub fn compile_to_exit(input: &Input, beside: &dyn Beside) -> Result<Compiled, Diagnostics> {
    let (compiled, rest) = compile_stages(input, beside, false)?.split();
    std::mem::forget(rest);
    Ok(compiled)
}

/// What every stage of one compilation produced, for `platc explain`: the blueprint as
/// loaded and resolved, the generators' output before overlays (when asked for) and after,
/// and the tree.
#[derive(Debug)]
pub struct Stages {
    pub compiled: Compiled,
    pub loaded: Loaded,
    pub resolved: resolve::Resolved,
    /// The generators' output before the overlays (only when asked for: it is a copy).
    pub generated: Option<generate::Output>,
    /// The output as emitted (overlays applied).
    pub output: generate::Output,
}

impl Stages {
    /// The tree, and everything else the compilation made (for the caller to free or not).
    fn split(self) -> (Compiled, impl Send + 'static) {
        let rest = (self.output, self.resolved, self.generated, self.loaded);
        (self.compiled, rest)
    }
}

/// [`compile`], keeping every stage's result; `keep_generated` keeps a copy of the
/// generators' output from before the overlays.
pub fn compile_stages(
    input: &Input,
    beside: &dyn Beside,
    keep_generated: bool,
) -> Result<Stages, Diagnostics> {
    let checked = check_blueprint(input)?;
    let display_dir = display_dir(input);
    // Every file read beside the blueprint goes through the secrets gate.
    let scanning = beside_gate::Scanning::new(beside, &display_dir);
    // Files beside the blueprint: every problem with any of them reported at once.
    let overlays = overlays::load(&checked.loaded, &scanning, &display_dir);
    let audit_policy = audit_policy::audit_policy(&checked.loaded, &scanning, &display_dir);
    let secrets = scanning.take_findings();
    if !secrets.is_empty() {
        // Only the findings: other diagnostics could quote a line holding the secret.
        return Err(secrets.into());
    }
    let (overlays, audit_policy) = match (overlays, audit_policy) {
        (Ok(o), Ok(a)) => {
            // The schemas of the kinds the overlays patch are read on another thread while
            // this one generates: objects an overlay changes are validated again.
            crate::validate::prepare(&o.target_kinds());
            (o, a)
        }
        (o, a) => {
            let mut diags = o.err().unwrap_or_default();
            diags.extend(a.err().unwrap_or_default());
            return Err(diags.into());
        }
    };
    let mut resolved = resolve::resolve(&checked.loaded.blueprint, &input.file_name);
    if let Some(audit) = &mut resolved.audit
        && let Some((_, content)) = &mut audit.policy_file
    {
        *content = audit_policy;
    }
    let mut output = generate::generate(&resolved)
        .map_err(|e| Diagnostics::from(Diagnostic::error(Code::Internal, e.message)))?;
    let clusters: Vec<String> = resolved.clusters.iter().map(|c| c.name.clone()).collect();
    let generated = keep_generated.then(|| output.clone());
    overlays::apply(&mut output, &overlays, &clusters)?;
    let tree = emit_verified(&output, &resolved.platform)?;
    Ok(Stages {
        compiled: Compiled {
            tree,
            warnings: {
                let mut w = checked.warnings;
                w.extend(refused_images(&checked.loaded, &resolved));
                w
            },
            blueprint_sha256: inputs::digest(input, &checked.loaded, beside),
            inputs: inputs_beside(&checked.loaded),
            kubectl_files: kubectl_files(&output),
            clusters,
            clusters_at: {
                let path = BlueprintPath::root().field("spec").field("clusters");
                check::Cx::new(&checked.loaded)
                    .key_error(Code::Reference, &path, "")
                    .location
            },
        },
        loaded: checked.loaded,
        resolved,
        generated,
        output,
    })
}

/// Emission's rule for the files a folder's kustomization lists (`emit::emit`): objects, in
/// a folder kubectl applies.
fn kubectl_files(output: &generate::Output) -> std::collections::BTreeMap<String, Vec<String>> {
    output
        .files()
        .filter_map(|(path, file)| {
            let generate::Content::Objects(objects) = &file.content else {
                return None;
            };
            let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
            output.is_for_kubectl(dir).then(|| {
                let kinds = objects
                    .iter()
                    .filter_map(|o| o.get("kind")?.as_str().map(str::to_owned))
                    .collect();
                (path.to_owned(), kinds)
            })
        })
        .collect()
}

/// Emits the generators' output and runs the gates on the bytes before the writer sees them:
/// every values block embedded as YAML text reads back as the tree it was written from
/// (`emit::embedded`), and every file reads back as what was generated and holds no secret
/// (`output_gate`). Otherwise errors, and the caller writes nothing.
pub fn emit_verified(output: &generate::Output, platform: &str) -> Result<Tree, Diagnostics> {
    let tree = emit::emit(output, platform).map_err(|path| {
        Diagnostics::from(Diagnostic::error(
            Code::Internal,
            format!("two files would be written at `{path}`"),
        ))
    })?;
    // Both gates read the same bytes and are independent: run side by side. The embedded
    // blocks' problems, when there are any, are the ones reported (as before).
    let (embedded, gate) = rayon::join(
        || emit::embedded::verify(output.embedded(), &tree),
        || output_gate::check(output, &tree),
    );
    let problems = if embedded.is_empty() { gate } else { embedded };
    if problems.is_empty() {
        Ok(tree)
    } else {
        Err(problems.into())
    }
}

/// The platform's own components obey its image policy: an image of a component platc installs
/// that no allowed source admits (for the cluster it runs on, mirrors included) is a warning at
/// `spec.registries.allowedImageSources`, one per image, naming the component and the clusters
/// (`validate --strict` fails on it). A warning, not an error, because the shared fleet
/// generator's blueprint (`tools/gen_fleet.py`, which must render) admits only its mirror and
/// registry.k8s.io while cert-manager and Prometheus publish on quay.io alone.
pub fn refused_images(loaded: &Loaded, resolved: &resolve::Resolved) -> Vec<Diagnostic> {
    let cx = check::Cx::new(loaded);
    let path = BlueprintPath::root()
        .field("spec")
        .field("registries")
        .field("allowedImageSources");
    let mut by_image: std::collections::BTreeMap<(String, &str), Vec<&str>> =
        std::collections::BTreeMap::new();
    for (i, e) in generate::releases::images::check(resolved) {
        by_image
            .entry((e.image, e.component))
            .or_default()
            .push(&resolved.clusters[i].name);
    }
    by_image
        .into_iter()
        .map(|((image, component), clusters)| {
            let shown: Vec<String> = clusters.iter().take(5).map(|c| format!("`{c}`")).collect();
            let more = if clusters.len() > 5 {
                format!(" and {} more", clusters.len() - 5)
            } else {
                String::new()
            };
            cx.warning(
                Code::Registry,
                &path,
                format!(
                    "image `{image}` of {component} (installed by platc) is not admitted by spec.registries.allowedImageSources on cluster(s) {}{more}: the image policy will refuse its Pods",
                    shown.join(", ")
                ),
            )
            .help(format!(
                "add a source that admits it (`{}/`), or a mirror of its registry whose endpoint's host is an allowed source",
                image.split('/').next().unwrap_or_default()
            ))
        })
        .collect()
}
