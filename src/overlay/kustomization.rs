//! The `kustomization.yaml` subset platc reads, parsed from the spanned YAML tree so every
//! error points at its line: `resources` (local files and folders), `configMapGenerator`
//! (`files` and `literals`, without the name hash) with `generatorOptions`, `patches`, the deprecated
//! `patchesStrategicMerge` and `patchesJson6902`, `labels`, `commonLabels`,
//! `commonAnnotations`, `namespace`, `images`, `replicas` and `sortOptions`. A key kustomize
//! knows but platc does not support, a key kustomize does not know either, a remote
//! resource, or a path that leaves the overlay folder is an error naming it. Like kustomize,
//! values must have the types kustomize's Go structs give them (a label value `1` is refused).

use std::path::{Component, Path};

use super::select::Selector;
use crate::diag::{Code, Diagnostic};
use crate::source::{SourceFile, Span};
use crate::suggest::did_you_mean;
use crate::yaml::node::{Node, NodeKind, Scalar};

/// Where something was written, for diagnostics.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct At {
    pub span: Span,
    /// The path in the kustomization (`patches[2].target`).
    pub path: String,
}

/// One `patches` (or deprecated `patchesStrategicMerge` / `patchesJson6902`) entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatchEntry {
    pub source: PatchSource,
    pub target: Option<Selector>,
    pub allow_name_change: bool,
    pub allow_kind_change: bool,
    pub at: At,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PatchSource {
    /// `path:`, relative to the kustomization's folder.
    Path(String),
    /// `patch:` text, whitespace-trimmed as kustomize trims it.
    Inline(String),
}

/// One `labels` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelsEntry {
    pub pairs: Vec<(String, String)>,
    pub include_selectors: bool,
    pub include_templates: bool,
    /// Extra field specs (`fields:`).
    pub fields: Vec<FieldSpecEntry>,
}

/// A field spec written in a kustomization (`labels[].fields`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldSpecEntry {
    pub path: String,
    pub group: String,
    pub version: String,
    pub kind: String,
    pub create: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImageEntry {
    pub name: String,
    pub new_name: String,
    pub new_tag: String,
    pub digest: String,
    pub at: At,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplicaEntry {
    pub name: String,
    pub count: i64,
    pub at: At,
}

/// `generatorOptions`, or a generator's own `options` (kustomize's `types.GeneratorOptions`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GeneratorOptions {
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
    pub disable_name_suffix_hash: bool,
    pub immutable: bool,
}

impl GeneratorOptions {
    /// A generator's options with the kustomization's `generatorOptions` merged in: the
    /// generator's own labels and annotations win, either's `true` holds (kustomize v5.5.0,
    /// api/types/generatoroptions.go `MergeGlobalOptionsIntoLocal`).
    pub fn merged(local: Option<&GeneratorOptions>, global: Option<&GeneratorOptions>) -> Self {
        let mut out = local.cloned().unwrap_or_default();
        if let Some(g) = global {
            for (k, v) in &g.labels {
                if !out.labels.iter().any(|(lk, _)| lk == k) {
                    out.labels.push((k.clone(), v.clone()));
                }
            }
            for (k, v) in &g.annotations {
                if !out.annotations.iter().any(|(ak, _)| ak == k) {
                    out.annotations.push((k.clone(), v.clone()));
                }
            }
            out.disable_name_suffix_hash |= g.disable_name_suffix_hash;
            out.immutable |= g.immutable;
        }
        out
    }
}

/// One `configMapGenerator` entry (kustomize's `types.ConfigMapArgs`), in the subset platc
/// builds: `literals` and `files`, behaviour `create`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConfigMapGen {
    pub name: String,
    pub namespace: String,
    /// `KEY=VALUE` entries, as written.
    pub literals: Vec<(String, At)>,
    /// `path` or `key=path` entries, as written.
    pub files: Vec<(String, At)>,
    pub options: Option<GeneratorOptions>,
    pub at: At,
}

/// `sortOptions`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SortOrder {
    /// kustomize's default: kinds ranked by these lists, then by group/version/kind,
    /// namespace and name.
    Legacy {
        order_first: Vec<String>,
        order_last: Vec<String>,
    },
    /// The order of the input.
    Fifo,
}

/// The kustomization, as platc supports it.
#[derive(Clone, Debug)]
pub struct Kustomization {
    /// The file it was read from, for diagnostics (none when built in memory).
    pub source: Option<SourceFile>,
    pub resources: Vec<(String, At)>,
    /// `patchesStrategicMerge`, then `patches`, in file order.
    pub patches_strategic_merge: Vec<PatchEntry>,
    pub patches: Vec<PatchEntry>,
    pub patches_json6902: Vec<PatchEntry>,
    pub namespace: Option<String>,
    pub labels: Vec<LabelsEntry>,
    pub common_labels: Vec<(String, String)>,
    pub common_annotations: Vec<(String, String)>,
    pub images: Vec<ImageEntry>,
    pub replicas: Vec<ReplicaEntry>,
    pub sort: SortOrder,
    pub config_map_generator: Vec<ConfigMapGen>,
    pub generator_options: Option<GeneratorOptions>,
}

impl Default for Kustomization {
    fn default() -> Self {
        Kustomization {
            source: None,
            resources: Vec::new(),
            patches_strategic_merge: Vec::new(),
            patches: Vec::new(),
            patches_json6902: Vec::new(),
            namespace: None,
            labels: Vec::new(),
            common_labels: Vec::new(),
            common_annotations: Vec::new(),
            images: Vec::new(),
            replicas: Vec::new(),
            sort: default_legacy(),
            config_map_generator: Vec::new(),
            generator_options: None,
        }
    }
}

/// kustomize's built-in legacy order (`kyaml/resid/gvk.go` `orderFirst`/`orderLast`).
pub const LEGACY_ORDER_FIRST: &[&str] = &[
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
];
pub const LEGACY_ORDER_LAST: &[&str] = &[
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

fn default_legacy() -> SortOrder {
    SortOrder::Legacy {
        order_first: LEGACY_ORDER_FIRST.iter().map(|s| s.to_string()).collect(),
        order_last: LEGACY_ORDER_LAST.iter().map(|s| s.to_string()).collect(),
    }
}

/// The keys platc reads.
const SUPPORTED: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "resources",
    "configMapGenerator",
    "generatorOptions",
    "patches",
    "patchesStrategicMerge",
    "patchesJson6902",
    "namespace",
    "labels",
    "commonLabels",
    "commonAnnotations",
    "images",
    "replicas",
    "sortOptions",
];

/// Keys of kustomize's `Kustomization` that platc does not support.
const KUSTOMIZE_ONLY: &[&str] = &[
    "namePrefix",
    "nameSuffix",
    "bases",
    "components",
    "crds",
    "secretGenerator",
    "generators",
    "transformers",
    "validators",
    "configurations",
    "openapi",
    "vars",
    "replacements",
    "helmCharts",
    "helmGlobals",
    "helmChartInflationGenerator",
    "buildMetadata",
    "imageTags",
];

/// Reads a kustomization from its spanned tree. `src` is its file (for spans).
pub fn parse(src: &SourceFile, root: &Node) -> Result<Kustomization, Vec<Diagnostic>> {
    let mut p = Parser {
        src,
        diags: Vec::new(),
    };
    let k = p.kustomization(root);
    if p.diags.is_empty() {
        Ok(k)
    } else {
        Err(p.diags)
    }
}

struct Parser<'a> {
    src: &'a SourceFile,
    diags: Vec<Diagnostic>,
}

fn kind_of(n: &Node) -> &'static str {
    match &n.kind {
        NodeKind::Map(_) => "a map",
        NodeKind::Seq(_) => "a list",
        NodeKind::Scalar { value, .. } => match value {
            Scalar::Null => "null",
            Scalar::Bool(_) => "a boolean",
            Scalar::Number(_) => "a number",
            Scalar::String(_) => "a string",
        },
    }
}

impl Parser<'_> {
    fn err(&mut self, code: Code, node_span: Span, path: &str, message: String) -> &mut Diagnostic {
        let d = Diagnostic::error(code, message)
            .at(self.src, node_span)
            .path(path);
        self.diags.push(d);
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    fn type_err(&mut self, n: &Node, path: &str, want: &str) {
        let got = kind_of(n);
        self.err(
            Code::Type,
            n.span,
            path,
            format!("`{path}` must be {want}, not {got}"),
        );
    }

    fn string(&mut self, n: &Node, path: &str) -> Option<String> {
        match &n.kind {
            NodeKind::Scalar {
                value: Scalar::String(s),
                ..
            } => Some(s.clone()),
            _ => {
                self.type_err(n, path, "a string");
                None
            }
        }
    }

    /// A string, or null / missing as empty (Go's zero value).
    fn opt_string(&mut self, n: &Node, path: &str) -> String {
        match &n.kind {
            NodeKind::Scalar {
                value: Scalar::Null,
                ..
            } => String::new(),
            _ => self.string(n, path).unwrap_or_default(),
        }
    }

    fn boolean(&mut self, n: &Node, path: &str) -> bool {
        match &n.kind {
            NodeKind::Scalar {
                value: Scalar::Bool(b),
                ..
            } => *b,
            NodeKind::Scalar {
                value: Scalar::Null,
                ..
            } => false,
            _ => {
                self.type_err(n, path, "true or false");
                false
            }
        }
    }

    fn seq<'n>(&mut self, n: &'n Node, path: &str) -> &'n [Node] {
        match &n.kind {
            NodeKind::Seq(items) => items,
            NodeKind::Scalar {
                value: Scalar::Null,
                ..
            } => &[],
            _ => {
                self.type_err(n, path, "a list");
                &[]
            }
        }
    }

    /// The entries of a map; unknown keys are reported against `known`.
    fn map<'n>(&mut self, n: &'n Node, path: &str, known: &[&str]) -> Vec<(&'n str, &'n Node)> {
        match &n.kind {
            NodeKind::Map(entries) => {
                let mut out = Vec::new();
                for (k, v) in entries {
                    if known.contains(&k.name.as_str()) {
                        out.push((k.name.as_str(), v));
                    } else {
                        let field = join(path, &k.name);
                        let help = did_you_mean(&k.name, known.iter().copied())
                            .map(|s| format!("did you mean `{s}`?"));
                        let d = self.err(
                            Code::UnknownField,
                            k.span,
                            &field,
                            format!("unknown field `{}` in `{path}`", k.name),
                        );
                        if let Some(h) = help {
                            d.help = Some(h);
                        }
                    }
                }
                out
            }
            NodeKind::Scalar {
                value: Scalar::Null,
                ..
            } => Vec::new(),
            _ => {
                self.type_err(n, path, "a map");
                Vec::new()
            }
        }
    }

    fn string_map(&mut self, n: &Node, path: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        match &n.kind {
            NodeKind::Map(entries) => {
                for (k, v) in entries {
                    let field = join(path, &k.name);
                    // kustomize reads these into map[string]string: null is "", other
                    // scalars are refused.
                    let value = self.opt_string(v, &field);
                    out.push((k.name.clone(), value));
                }
            }
            NodeKind::Scalar {
                value: Scalar::Null,
                ..
            } => {}
            _ => self.type_err(n, path, "a map of strings"),
        }
        out
    }

    fn string_list(&mut self, n: &Node, path: &str) -> Vec<(String, At)> {
        let mut out = Vec::new();
        for (i, item) in self.seq(n, path).iter().enumerate() {
            let p = format!("{path}[{i}]");
            if let Some(s) = self.string(item, &p) {
                out.push((
                    s,
                    At {
                        span: item.span,
                        path: p,
                    },
                ));
            }
        }
        out
    }

    fn kustomization(&mut self, root: &Node) -> Kustomization {
        let mut k = Kustomization::default();
        let NodeKind::Map(entries) = &root.kind else {
            self.type_err(root, "kustomization", "a map");
            return k;
        };
        for (key, v) in entries {
            let name = key.name.as_str();
            match name {
                "apiVersion" => {
                    if let Some(s) = self.string(v, name)
                        && s != "kustomize.config.k8s.io/v1beta1"
                    {
                        self.err(
                            Code::Enum,
                            v.span,
                            name,
                            format!("apiVersion `{s}` is not kustomize.config.k8s.io/v1beta1"),
                        );
                    }
                }
                "kind" => {
                    if let Some(s) = self.string(v, name)
                        && s != "Kustomization"
                    {
                        let code = if s == "Component" {
                            Code::Unsupported
                        } else {
                            Code::Enum
                        };
                        self.err(
                            code,
                            v.span,
                            name,
                            format!("kind `{s}` is not Kustomization"),
                        );
                    }
                }
                "metadata" => {}
                "resources" => k.resources = self.string_list(v, name),
                "patches" => k.patches = self.patches(v, name, false),
                "patchesStrategicMerge" => {
                    for (text, at) in self.string_list(v, name) {
                        k.patches_strategic_merge.push(PatchEntry {
                            source: legacy_smp_source(&text),
                            target: None,
                            allow_name_change: false,
                            allow_kind_change: false,
                            at,
                        });
                    }
                }
                "patchesJson6902" => k.patches_json6902 = self.patches(v, name, true),
                "namespace" => {
                    let s = self.opt_string(v, name);
                    k.namespace = (!s.is_empty()).then_some(s);
                }
                "labels" => k.labels = self.labels(v),
                "commonLabels" => k.common_labels = self.string_map(v, name),
                "commonAnnotations" => k.common_annotations = self.string_map(v, name),
                "images" => k.images = self.images(v),
                "replicas" => k.replicas = self.replicas(v),
                "sortOptions" => k.sort = self.sort_options(v),
                "configMapGenerator" => k.config_map_generator = self.config_map_generator(v),
                "generatorOptions" => {
                    k.generator_options = Some(self.generator_options(v, name));
                }
                _ if KUSTOMIZE_ONLY.contains(&name) => {
                    self.err(
                        Code::Unsupported,
                        key.span,
                        name,
                        format!("`{name}` is a kustomize feature platc's overlay engine does not support"),
                    )
                    .help = Some(format!("platc supports: {}", SUPPORTED[3..].join(", ")));
                }
                _ => {
                    let help = did_you_mean(name, SUPPORTED.iter().chain(KUSTOMIZE_ONLY).copied())
                        .map(|s| format!("did you mean `{s}`?"));
                    let d = self.err(
                        Code::UnknownField,
                        key.span,
                        name,
                        format!("unknown field `{name}` in the kustomization"),
                    );
                    d.help = help;
                }
            }
        }
        for (r, at) in &k.resources {
            if let Some(problem) = path_problem(r) {
                self.err(
                    Code::Path,
                    at.span,
                    &at.path,
                    format!("resource `{r}` {problem}"),
                );
            }
        }
        let all = k
            .patches_strategic_merge
            .iter()
            .chain(&k.patches)
            .chain(&k.patches_json6902);
        let bad: Vec<(String, String, At)> = all
            .filter_map(|p| match &p.source {
                PatchSource::Path(path) => {
                    path_problem(path).map(|e| (path.clone(), e, p.at.clone()))
                }
                PatchSource::Inline(_) => None,
            })
            .collect();
        for (path, problem, at) in bad {
            self.err(
                Code::Path,
                at.span,
                &at.path,
                format!("patch file `{path}` {problem}"),
            );
        }
        for g in &k.config_map_generator {
            for (source, at) in &g.files {
                let path = source.split_once('=').map_or(source.as_str(), |(_, p)| p);
                if let Some(problem) = path_problem(path) {
                    self.err(
                        Code::Path,
                        at.span,
                        &at.path,
                        format!("file `{path}` {problem}"),
                    );
                }
            }
            let options =
                GeneratorOptions::merged(g.options.as_ref(), k.generator_options.as_ref());
            if !options.disable_name_suffix_hash {
                // The hash suffix renames the ConfigMap and, through kustomize's name
                // references, every object that names it: platc does not build those.
                self.err(
                    Code::Unsupported,
                    g.at.span,
                    &g.at.path,
                    format!(
                        "`{}` would get kustomize's name hash suffix, which platc does not build",
                        g.at.path
                    ),
                )
                .help = Some(
                    "set `generatorOptions.disableNameSuffixHash: true` (or the generator's `options.disableNameSuffixHash`)".into(),
                );
            }
        }
        k
    }

    fn generator_options(&mut self, n: &Node, path: &str) -> GeneratorOptions {
        let mut o = GeneratorOptions::default();
        let known = [
            "labels",
            "annotations",
            "disableNameSuffixHash",
            "immutable",
        ];
        for (k, v) in self.map(n, path, &known) {
            let f = join(path, k);
            match k {
                "labels" => o.labels = self.string_map(v, &f),
                "annotations" => o.annotations = self.string_map(v, &f),
                "disableNameSuffixHash" => o.disable_name_suffix_hash = self.boolean(v, &f),
                _ => o.immutable = self.boolean(v, &f),
            }
        }
        o
    }

    fn config_map_generator(&mut self, n: &Node) -> Vec<ConfigMapGen> {
        let mut out = Vec::new();
        let path = "configMapGenerator";
        for (i, item) in self.seq(n, path).iter().enumerate() {
            let p = format!("{path}[{i}]");
            let mut g = ConfigMapGen {
                at: At {
                    span: item.span,
                    path: p.clone(),
                },
                ..ConfigMapGen::default()
            };
            // kustomize's `types.GeneratorArgs` and `KvPairSources`.
            let known = [
                "name",
                "namespace",
                "behavior",
                "literals",
                "files",
                "envs",
                "env",
                "options",
            ];
            for (k, v) in self.map(item, &p, &known) {
                let f = join(&p, k);
                match k {
                    "name" => g.name = self.opt_string(v, &f),
                    "namespace" => g.namespace = self.opt_string(v, &f),
                    "behavior" => {
                        let b = self.opt_string(v, &f);
                        if !matches!(b.as_str(), "" | "create") {
                            self.err(
                                Code::Unsupported,
                                v.span,
                                &f,
                                format!("`behavior: {b}` is a kustomize feature platc's overlay engine does not support"),
                            )
                            .help = Some("platc's generators create their ConfigMap (`behavior: create`)".into());
                        }
                    }
                    "literals" => g.literals = self.string_list(v, &f),
                    "files" => g.files = self.string_list(v, &f),
                    "envs" | "env" => {
                        self.err(
                            Code::Unsupported,
                            v.span,
                            &f,
                            format!("`{f}` is a kustomize feature platc's overlay engine does not support"),
                        )
                        .help = Some("write the pairs under `literals`".into());
                    }
                    _ => g.options = Some(self.generator_options(v, &f)),
                }
            }
            if g.name.is_empty() {
                // kustomize v5.5.0, api/internal/generators/utils.go `makeBaseNode`.
                self.err(
                    Code::MissingField,
                    item.span,
                    &p,
                    format!("`{p}` needs a `name` (kustomize: a configmap must have a name)"),
                );
            }
            out.push(g);
        }
        out
    }

    fn patches(&mut self, n: &Node, path: &str, legacy_json: bool) -> Vec<PatchEntry> {
        let mut out = Vec::new();
        for (i, item) in self.seq(n, path).iter().enumerate() {
            let p = format!("{path}[{i}]");
            let known: &[&str] = if legacy_json {
                &["path", "patch", "target"]
            } else {
                &["path", "patch", "target", "options"]
            };
            let mut file = String::new();
            let mut inline = String::new();
            let mut target = None;
            let mut allow_name_change = false;
            let mut allow_kind_change = false;
            for (k, v) in self.map(item, &p, known) {
                let f = join(&p, k);
                match k {
                    "path" => file = self.opt_string(v, &f),
                    "patch" => inline = self.opt_string(v, &f),
                    "target" => target = Some(self.selector(v, &f)),
                    "options" => {
                        for (ok, ov) in self.map(v, &f, &["allowNameChange", "allowKindChange"]) {
                            let of = join(&f, ok);
                            let b = self.boolean(ov, &of);
                            if ok == "allowNameChange" {
                                allow_name_change = b;
                            } else {
                                allow_kind_change = b;
                            }
                        }
                    }
                    _ => {}
                }
            }
            // kustomize trims inline patch text before parsing it.
            let inline = inline.trim().to_string();
            let source = match (file.is_empty(), inline.is_empty()) {
                (true, true) => {
                    self.err(
                        Code::MissingField,
                        item.span,
                        &p,
                        format!("`{p}` must have `path` or `patch`"),
                    );
                    continue;
                }
                (false, false) => {
                    self.err(
                        Code::Type,
                        item.span,
                        &p,
                        format!("`{p}` has both `path` and `patch`; give one"),
                    );
                    continue;
                }
                (false, true) => PatchSource::Path(file),
                (true, false) => PatchSource::Inline(inline),
            };
            out.push(PatchEntry {
                source,
                target,
                allow_name_change,
                allow_kind_change,
                at: At {
                    span: item.span,
                    path: p,
                },
            });
        }
        out
    }

    fn selector(&mut self, n: &Node, path: &str) -> Selector {
        let mut s = Selector::default();
        let known = [
            "group",
            "version",
            "kind",
            "name",
            "namespace",
            "labelSelector",
            "annotationSelector",
        ];
        for (k, v) in self.map(n, path, &known) {
            let f = join(path, k);
            let value = Some(self.opt_string(v, &f));
            match k {
                "group" => s.group = value,
                "version" => s.version = value,
                "kind" => s.kind = value,
                "name" => s.name = value,
                "namespace" => s.namespace = value,
                "labelSelector" => s.label_selector = value,
                _ => s.annotation_selector = value,
            }
        }
        s
    }

    fn labels(&mut self, n: &Node) -> Vec<LabelsEntry> {
        let mut out = Vec::new();
        for (i, item) in self.seq(n, "labels").iter().enumerate() {
            let p = format!("labels[{i}]");
            let mut e = LabelsEntry {
                pairs: Vec::new(),
                include_selectors: false,
                include_templates: false,
                fields: Vec::new(),
            };
            let known = ["pairs", "includeSelectors", "includeTemplates", "fields"];
            for (k, v) in self.map(item, &p, &known) {
                let f = join(&p, k);
                match k {
                    "pairs" => e.pairs = self.string_map(v, &f),
                    "includeSelectors" => e.include_selectors = self.boolean(v, &f),
                    "includeTemplates" => e.include_templates = self.boolean(v, &f),
                    _ => e.fields = self.field_specs(v, &f),
                }
            }
            out.push(e);
        }
        out
    }

    fn field_specs(&mut self, n: &Node, path: &str) -> Vec<FieldSpecEntry> {
        let mut out = Vec::new();
        for (i, item) in self.seq(n, path).iter().enumerate() {
            let p = format!("{path}[{i}]");
            let mut fs = FieldSpecEntry {
                path: String::new(),
                group: String::new(),
                version: String::new(),
                kind: String::new(),
                create: false,
            };
            for (k, v) in self.map(item, &p, &["path", "group", "version", "kind", "create"]) {
                let f = join(&p, k);
                match k {
                    "path" => fs.path = self.opt_string(v, &f),
                    "group" => fs.group = self.opt_string(v, &f),
                    "version" => fs.version = self.opt_string(v, &f),
                    "kind" => fs.kind = self.opt_string(v, &f),
                    _ => fs.create = self.boolean(v, &f),
                }
            }
            out.push(fs);
        }
        out
    }

    fn images(&mut self, n: &Node) -> Vec<ImageEntry> {
        let mut out = Vec::new();
        for (i, item) in self.seq(n, "images").iter().enumerate() {
            let p = format!("images[{i}]");
            let mut e = ImageEntry {
                at: At {
                    span: item.span,
                    path: p.clone(),
                },
                ..Default::default()
            };
            for (k, v) in self.map(item, &p, &["name", "newName", "newTag", "digest"]) {
                let f = join(&p, k);
                let s = self.opt_string(v, &f);
                match k {
                    "name" => e.name = s,
                    "newName" => e.new_name = s,
                    "newTag" => e.new_tag = s,
                    _ => e.digest = s,
                }
            }
            out.push(e);
        }
        out
    }

    fn replicas(&mut self, n: &Node) -> Vec<ReplicaEntry> {
        let mut out = Vec::new();
        for (i, item) in self.seq(n, "replicas").iter().enumerate() {
            let p = format!("replicas[{i}]");
            let mut name = String::new();
            let mut count = 0;
            for (k, v) in self.map(item, &p, &["name", "count"]) {
                let f = join(&p, k);
                if k == "name" {
                    name = self.opt_string(v, &f);
                } else {
                    match &v.kind {
                        NodeKind::Scalar {
                            value: Scalar::Number(num),
                            ..
                        } if num.as_i64().is_some() => count = num.as_i64().unwrap_or_default(),
                        NodeKind::Scalar {
                            value: Scalar::Null,
                            ..
                        } => {}
                        _ => self.type_err(v, &f, "an integer"),
                    }
                }
            }
            out.push(ReplicaEntry {
                name,
                count,
                at: At {
                    span: item.span,
                    path: p,
                },
            });
        }
        out
    }

    fn sort_options(&mut self, n: &Node) -> SortOrder {
        let mut order = String::new();
        let mut first = None;
        let mut last = None;
        let mut legacy_span = None;
        for (k, v) in self.map(n, "sortOptions", &["order", "legacySortOptions"]) {
            if k == "order" {
                order = self.opt_string(v, "sortOptions.order");
                if !matches!(order.as_str(), "" | "legacy" | "fifo") {
                    self.err(
                        Code::Enum,
                        v.span,
                        "sortOptions.order",
                        format!("`sortOptions.order` must be legacy or fifo, not `{order}`"),
                    );
                }
            } else {
                legacy_span = Some(v.span);
                let p = "sortOptions.legacySortOptions";
                for (lk, lv) in self.map(v, p, &["orderFirst", "orderLast"]) {
                    let f = join(p, lk);
                    let list: Vec<String> = self
                        .string_list(lv, &f)
                        .into_iter()
                        .map(|(s, _)| s)
                        .collect();
                    if lk == "orderFirst" {
                        first = Some(list);
                    } else {
                        last = Some(list);
                    }
                }
            }
        }
        if order == "fifo" {
            if let Some(span) = legacy_span {
                self.err(
                    Code::Type,
                    span,
                    "sortOptions.legacySortOptions",
                    "`legacySortOptions` goes with `order: legacy`, not fifo".into(),
                );
            }
            return SortOrder::Fifo;
        }
        match (first, last) {
            (None, None) => default_legacy(),
            (first, last) => SortOrder::Legacy {
                order_first: first.unwrap_or_default(),
                order_last: last.unwrap_or_default(),
            },
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// A `patchesStrategicMerge` entry is a file name or, for legacy reasons, the patch itself.
fn legacy_smp_source(text: &str) -> PatchSource {
    if text.contains('\n') || text.trim_start().starts_with('{') {
        PatchSource::Inline(text.trim().to_string())
    } else {
        PatchSource::Path(text.to_string())
    }
}

/// Why a resource or patch path cannot be read, if it cannot: remote, absolute, or leaving
/// the overlay folder.
pub fn path_problem(p: &str) -> Option<String> {
    let lower = p.to_ascii_lowercase();
    let remote = [
        "http://",
        "https://",
        "git@",
        "ssh://",
        "git::",
        "github.com/",
        "oci://",
    ];
    if remote.iter().any(|r| lower.starts_with(r))
        || lower.contains("://")
        || lower.contains("?ref=")
    {
        return Some("is remote; platc reads local files only".into());
    }
    let path = Path::new(p);
    if path.is_absolute() || p.starts_with('/') || p.starts_with('\\') {
        return Some("is an absolute path; write it relative to the overlay folder".into());
    }
    let mut depth: i64 = 0;
    for c in path.components() {
        match c {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => {
                return Some("is an absolute path; write it relative to the overlay folder".into());
            }
        }
        if depth < 0 {
            return Some("leaves the overlay folder".into());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::read::{ReadOptions, read_stream};

    fn parse_text(text: &str) -> Result<Kustomization, Vec<Diagnostic>> {
        let src = SourceFile::new("kustomization.yaml", text);
        let docs = read_stream(&src, &ReadOptions::kustomize()).unwrap();
        parse(&src, &docs[0])
    }

    #[test]
    fn reads_the_subset() {
        let k = parse_text(
            "resources:\n- a.yaml\npatches:\n- patch: |\n    x: 1\n\n  target:\n    kind: Deployment\n\
             namespace: shop\ncommonLabels:\n  a: b\nimages:\n- name: nginx\n  newTag: \"2\"\n\
             replicas:\n- name: web\n  count: 3\nsortOptions:\n  order: fifo\n",
        )
        .unwrap();
        assert_eq!(k.resources[0].0, "a.yaml");
        assert_eq!(k.patches[0].source, PatchSource::Inline("x: 1".into()));
        assert_eq!(
            k.patches[0].target.as_ref().unwrap().kind.as_deref(),
            Some("Deployment")
        );
        assert_eq!(k.namespace.as_deref(), Some("shop"));
        assert_eq!(k.common_labels, vec![("a".into(), "b".into())]);
        assert_eq!(k.images[0].new_tag, "2");
        assert_eq!(k.replicas[0].count, 3);
        assert_eq!(k.sort, SortOrder::Fifo);
    }

    #[test]
    fn refuses_what_it_does_not_support() {
        let errs =
            parse_text("resources:\n- ../base\nnamePrefix: x-\nresourcess: []\n").unwrap_err();
        let msgs: Vec<&str> = errs.iter().map(|d| d.message.as_str()).collect();
        assert!(msgs.iter().any(|m| m.contains("`namePrefix`")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("`resourcess`")), "{msgs:?}");
        assert!(
            msgs.iter().any(|m| m.contains("leaves the overlay folder")),
            "{msgs:?}"
        );
        let errs = parse_text("commonLabels:\n  version: 1\n").unwrap_err();
        assert_eq!(errs[0].code, Code::Type);
        let errs = parse_text("resources:\n- https://github.com/x/y\n").unwrap_err();
        assert!(errs[0].message.contains("remote"));
    }

    #[test]
    fn generators_are_read_in_platcs_subset() {
        let k = parse_text(
            "configMapGenerator:\n- name: v\n  namespace: ns\n  files:\n  - values.yaml=v.yaml\n  literals:\n  - a=b\n  options:\n    labels:\n      x: \"1\"\ngeneratorOptions:\n  disableNameSuffixHash: true\n  labels:\n    x: \"2\"\n    y: \"3\"\n",
        )
        .unwrap();
        let g = &k.config_map_generator[0];
        assert_eq!((g.name.as_str(), g.namespace.as_str()), ("v", "ns"));
        assert_eq!(g.files[0].0, "values.yaml=v.yaml");
        let merged = GeneratorOptions::merged(g.options.as_ref(), k.generator_options.as_ref());
        assert!(merged.disable_name_suffix_hash);
        assert_eq!(
            merged.labels,
            vec![("x".into(), "1".into()), ("y".into(), "3".into())]
        );
        let errs = parse_text(
            "configMapGenerator:\n- name: v\n  envs: [a.env]\n  behavior: merge\n  files: [../x.yaml]\n- literals: [a=b]\n",
        )
        .unwrap_err();
        let msgs: Vec<&str> = errs.iter().map(|d| d.message.as_str()).collect();
        assert!(msgs.iter().any(|m| m.contains("name hash")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("envs")), "{msgs:?}");
        assert!(
            msgs.iter().any(|m| m.contains("behavior: merge")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m.contains("leaves the overlay folder")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m.contains("needs a `name`")),
            "{msgs:?}"
        );
    }

    #[test]
    fn paths() {
        assert_eq!(path_problem("a/../b.yaml"), None);
        assert!(path_problem("a/../../b.yaml").is_some());
        assert!(path_problem("/etc/passwd").is_some());
        assert!(path_problem("github.com/org/repo//dir?ref=v1").is_some());
    }
}
