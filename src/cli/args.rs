//! The command line as data (clap derive): commands, options and their help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "platc",
    version,
    about = "Compile a platform blueprint into the Git repository of rendered cluster configuration",
    after_help = "Exit codes: 0 success (nothing to change for check/diff --exit-code), 1 the tree is out of date,\n2 usage error, 65 the blueprint or an overlay is invalid, 70 platc found a bug in itself,\n74 an input or output error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print only errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Print every file written, changed or left alone.
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// Colour in messages and diffs (`auto` honours NO_COLOR and terminals).
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    /// How diagnostics are printed: for people, as JSON lines, or as GitHub annotations.
    #[arg(long, global = true, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    Human,
    Json,
    Github,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// A unified diff (coloured on a terminal).
    Unified,
    /// One line per file.
    Stat,
    /// A report grouped by cluster and kind for a pull-request comment, the diff folded below.
    Markdown,
    /// The same report as JSON, for bots.
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Text,
    Json,
}

#[derive(Args, Debug, Clone)]
pub struct BlueprintArg {
    /// The blueprint (`-` reads it from standard input).
    #[arg(long = "file", short = 'f', default_value = "platform.yaml")]
    pub file: PathBuf,
}

#[derive(Args, Debug, Clone)]
pub struct OutArg {
    /// The folder of the rendered tree (not inside a Git directory). `render -o -` prints
    /// the Kubernetes objects as `platc build` does; `check` and `diff` refuse `-`.
    #[arg(long = "out", short = 'o', default_value = "rendered")]
    pub out: PathBuf,
}

#[derive(Args, Debug, Clone)]
pub struct ClusterArg {
    /// Only this cluster's files (repeatable): everything under `clusters/NAME/`, and
    /// `gitops/<engine>/NAME.yaml` and `gitops/<engine>/NAME/`, `iam/cloudformation/irsa-NAME.yaml`,
    /// `iam/terraform/irsa-NAME.tf`. Platform-wide files are not part of any cluster.
    #[arg(long = "cluster", value_name = "NAME")]
    pub clusters: Vec<String>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Compile the blueprint into the output folder, writing only files whose bytes change.
    ///
    /// The dry run is `platc diff`: it shows what render would change and writes nothing.
    ///
    /// With `--cluster NAME` (repeatable), only that cluster's files are rendered, and only
    /// they are pruned: platform-wide files (README.md, platform/, the IAM shared by
    /// clusters, gitops/flux/kustomization.yaml) and other clusters' files are left as they
    /// are, their manifest entries too; the summary says how many were not rendered, and
    /// `platc check` lists the ones that are out of date.
    ///
    /// `-o -` prints the Kubernetes objects to standard output instead, as `platc build`.
    Render {
        #[command(flatten)]
        blueprint: BlueprintArg,
        #[command(flatten)]
        out: OutArg,
        #[command(flatten)]
        cluster: ClusterArg,
        /// Overwrite files platc generates that were edited by hand or stand in the way (a
        /// file platc did not write at a path it generates), remove files it no longer
        /// generates that were edited by hand, and render over a control plane skipping a
        /// minor version. Other files in the folder are never touched.
        #[arg(long)]
        force: bool,
    },
    /// Print the rendered Kubernetes objects as one multi-document YAML stream.
    ///
    /// `platc build --cluster NAME | kubectl apply -f -`, as with `kustomize build` and
    /// `clusterctl generate cluster`. The stream holds exactly the bytes render writes
    /// (overlays applied) of every file a folder's kustomization lists, with a `---` line
    /// between files, Namespaces and CRDs first (kustomize's kind order, per file). Not
    /// printed, because kubectl cannot apply them: kOps' files, Helm values, CloudFormation,
    /// Terraform, clusterawsadm's and Kommander's configuration, the README, the
    /// kustomizations and the manifest (the ConfigMaps a kustomization generates from Helm
    /// values are not files: `kubectl apply -k clusters/NAME/releases` makes them). Writes
    /// nothing, takes no lock; diagnostics go to standard error, nothing to standard output
    /// on an error.
    Build {
        #[command(flatten)]
        blueprint: BlueprintArg,
        #[command(flatten)]
        cluster: ClusterArg,
    },
    /// Exit 0 when the output folder is what render would write, 1 when it is not.
    Check {
        #[command(flatten)]
        blueprint: BlueprintArg,
        #[command(flatten)]
        out: OutArg,
    },
    /// Show what render would change.
    Diff {
        #[command(flatten)]
        blueprint: BlueprintArg,
        #[command(flatten)]
        out: OutArg,
        /// How the changes are shown.
        #[arg(long, value_enum, default_value_t = DiffFormat::Unified)]
        format: DiffFormat,
        /// Exit 1 when there are changes.
        #[arg(long)]
        exit_code: bool,
    },
    /// Check the blueprint and the objects it would produce against their schemas.
    Validate {
        #[command(flatten)]
        blueprint: BlueprintArg,
        /// Fail on warnings too.
        #[arg(long)]
        strict: bool,
    },
    /// Print the blueprint's JSON Schema.
    Schema,
    /// Build a kustomization folder as `kubectl kustomize DIR` does (its local resources,
    /// patches and the transformers platc supports) and print the result.
    Kustomize {
        /// The folder holding `kustomization.yaml`.
        dir: PathBuf,
    },
    /// Which blueprint fields (file:line) and which generator produced a rendered file, or
    /// one field of its objects: `platc explain clusters/<c>/infrastructure/cluster.yaml#spec.region`.
    Explain {
        /// A file of the rendered tree, optionally `#` and a field path of its objects
        /// (`spec.template.spec.instanceType`, `metadata.labels["platc.io/cluster"]`, or a
        /// JSON pointer).
        target: String,
        #[command(flatten)]
        blueprint: BlueprintArg,
        #[command(flatten)]
        out: OutArg,
        /// For people, or as JSON.
        #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
        format: ExplainFormat,
    },
    /// Print a shell completion script: `platc completions bash > /etc/bash_completion.d/platc`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or write one page per command into a folder.
    Man {
        /// Write `platc.1` and `platc-<command>.1` into this folder instead of printing.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Print platc's version and every upstream it targets (Kubernetes per provider, Cluster
    /// API, kOps, Kommander, Calico, each chart and EKS add-on at its pinned version).
    Version {
        /// For people, or as JSON.
        #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
        format: ExplainFormat,
    },
    /// Write a commented starter blueprint that renders as is.
    Init {
        /// Where to write `platform.yaml`.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}
