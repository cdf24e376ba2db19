//! The command line: parses arguments, reads the blueprint, calls the pipeline, prints
//! diagnostics and summaries, and maps outcomes to exit codes. The only module that prints,
//! reads the environment or touches the disk (through `output`).

mod args;
mod out_dir;
mod starter;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

pub use args::Cli;
use args::{ColorWhen, Command, DiffFormat, ExplainFormat, MessageFormat};

use crate::beside::Disk;
use crate::diag::render::{self, Format};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::output;
use crate::pipeline::{self, Input};

/// Exit codes of `cli.md` (65 and 74 are sysexits' DATAERR and IOERR).
pub mod exit {
    pub const OK: u8 = 0;
    pub const OUT_OF_DATE: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const INVALID: u8 = 65;
    /// sysexits' SOFTWARE: platc found a bug in itself (nothing was written).
    pub const INTERNAL: u8 = 70;
    pub const IO: u8 = 74;
}

struct Ui {
    format: Format,
    color: bool,
    quiet: bool,
    verbose: bool,
}

impl Ui {
    fn diagnostics(&self, diags: impl IntoIterator<Item = Diagnostic>) {
        self.diagnostics_then(diags, "nothing was written");
    }

    /// Diagnostics, then (human format, when there are errors) `platc: N errors found;
    /// <outcome>`.
    fn diagnostics_then(&self, diags: impl IntoIterator<Item = Diagnostic>, outcome: &str) {
        let mut err = std::io::stderr().lock();
        let diags: Diagnostics = diags.into_iter().collect::<Vec<_>>().into();
        let errors = diags.error_count();
        for d in diags.into_sorted() {
            if self.quiet && !d.is_error() {
                continue;
            }
            let _ = err.write_all(render::render(&d, self.format, self.color).as_bytes());
        }
        if self.format == Format::Human && errors > 0 {
            let _ = writeln!(
                err,
                "platc: {errors} error{} found; {outcome}",
                if errors == 1 { "" } else { "s" }
            );
        }
    }

    fn say(&self, text: &str) {
        if !self.quiet {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes());
            if !text.ends_with('\n') {
                let _ = out.write_all(b"\n");
            }
        }
    }
}

/// Writes a command's output to standard output. A reader that went away (`platc man |
/// head`) is not an error: the command stops quietly with the exit code it would have had,
/// as `ls | head` does. Any other failure (a full disk behind `>`) is an I/O error (74).
fn print_output(ui: &Ui, bytes: &[u8]) -> Result<(), u8> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            ui.diagnostics([Diagnostic::error(
                Code::Io,
                format!("cannot write to standard output: {e}"),
            )]);
            Err(exit::IO)
        }
    }
}

/// `Ok(())` → `code`, `Err(io)` → the I/O exit code.
fn then(result: Result<(), u8>, code: u8) -> u8 {
    result.err().unwrap_or(code)
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            });
        }
    };
    let color = match cli.color {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stderr().is_terminal()
        }
    };
    let ui = Ui {
        format: match cli.message_format {
            MessageFormat::Human => Format::Human,
            MessageFormat::Json => Format::Json,
            MessageFormat::Github => Format::Github,
        },
        color,
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    ExitCode::from(run(&cli.command, &ui))
}

fn run(command: &Command, ui: &Ui) -> u8 {
    match command {
        Command::Render {
            blueprint,
            out,
            cluster,
            force,
        } if out_dir::is_stdout(&out.out) => {
            if *force {
                ui.diagnostics([Diagnostic::error(
                    Code::Usage,
                    "`--force` with `-o -`: nothing is written to a folder, so nothing needs forcing",
                )]);
                return exit::USAGE;
            }
            build_cmd(ui, &blueprint.file, &cluster.clusters)
        }
        Command::Render {
            blueprint,
            out,
            cluster,
            force,
        } => render_cmd(ui, &blueprint.file, &out.out, &cluster.clusters, *force),
        Command::Build { blueprint, cluster } => build_cmd(ui, &blueprint.file, &cluster.clusters),
        Command::Check { blueprint, out } => check_cmd(ui, &blueprint.file, &out.out),
        Command::Diff {
            blueprint,
            out,
            format,
            exit_code,
        } => diff_cmd(ui, &blueprint.file, &out.out, *format, *exit_code),
        Command::Validate { blueprint, strict } => validate_cmd(ui, &blueprint.file, *strict),
        Command::Schema => {
            let mut text = crate::blueprint::schema::schema_text();
            if !text.ends_with('\n') {
                text.push('\n');
            }
            then(print_output(ui, text.as_bytes()), exit::OK)
        }
        Command::Explain {
            target,
            blueprint,
            out,
            format,
        } => explain_cmd(ui, &blueprint.file, &out.out, target, *format),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            // Into memory first: clap_complete panics when its writer fails.
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut cmd, "platc", &mut script);
            then(print_output(ui, &script), exit::OK)
        }
        Command::Man { dir } => man_cmd(ui, dir.as_deref()),
        Command::Init { dir } => init_cmd(ui, dir),
        Command::Version { format } => {
            let text = match format {
                ExplainFormat::Text => crate::facts::targets::text(),
                ExplainFormat::Json => {
                    let mut t = serde_json::to_string_pretty(&crate::facts::targets::targets())
                        .unwrap_or_default();
                    t.push('\n');
                    t
                }
            };
            then(print_output(ui, text.as_bytes()), exit::OK)
        }
        Command::Kustomize { dir } => kustomize_cmd(ui, dir),
    }
}

/// The blueprint at `path` with these bytes, named as diagnostics and headers name it.
fn input(path: &Path, bytes: Vec<u8>) -> Input {
    let display_name = path.display().to_string();
    Input {
        file_name: path.file_name().map_or_else(
            || display_name.clone(),
            |n| n.to_string_lossy().into_owned(),
        ),
        display_name,
        bytes,
    }
}

/// `-f -`: the blueprint comes from standard input.
fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The blueprint's bytes, at most one past the size cap (the loader refuses that with its
/// own diagnostic): from standard input for `-f -`, else only from a regular file, never
/// blocking on a FIFO nor reading a device without end (`regular_file`).
fn read_blueprint(path: &Path) -> Result<Vec<u8>, crate::regular_file::Error> {
    use std::io::Read;
    let cap = crate::blueprint::load::MAX_BLUEPRINT_BYTES;
    if is_stdin(path) {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(cap as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(crate::regular_file::Error::Io)?;
        return Ok(bytes);
    }
    crate::regular_file::read(path, cap, crate::regular_file::Links::Follow)
}

fn read_input(ui: &Ui, path: &Path) -> Result<Input, u8> {
    match read_blueprint(path) {
        Ok(bytes) if is_stdin(path) => Ok(Input {
            display_name: "<stdin>".to_owned(),
            file_name: "<stdin>".to_owned(),
            bytes,
        }),
        Ok(bytes) => Ok(input(path, bytes)),
        Err(e) => {
            let display_name = path.display().to_string();
            ui.diagnostics([Diagnostic::error(
                Code::Io,
                format!("cannot read the blueprint: {e}"),
            )
            .in_file(display_name)
            .help("name the blueprint with `-f FILE` (default: platform.yaml)")]);
            Err(exit::IO)
        }
    }
}

/// `render`, `check` and `diff` refuse `-o -`, an output folder inside a Git directory
/// (`out_dir`), and one that is the blueprint's own folder or one of its parents: pruning
/// there could delete inputs.
fn guard_output(ui: &Ui, blueprint: &Path, out: &Path) -> Result<(), u8> {
    if let Some(message) = out_dir::refusal(out) {
        ui.diagnostics([Diagnostic::error(Code::Usage, message)]);
        return Err(exit::USAGE);
    }
    let Ok(input_dir) = blueprint
        .parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .unwrap_or(Path::new("."))
        .canonicalize()
    else {
        return Ok(());
    };
    let Ok(out_dir) = absolute_lexical(out) else {
        return Ok(());
    };
    let out_dir = out_dir.canonicalize().unwrap_or(out_dir);
    if input_dir.starts_with(&out_dir) {
        ui.diagnostics([Diagnostic::error(
            Code::Usage,
            format!(
                "the output folder `{}` contains the blueprint; render into a folder of its own (default: ./rendered)",
                out.display()
            ),
        )]);
        return Err(exit::USAGE);
    }
    Ok(())
}

/// A control plane that would skip a Kubernetes minor version (see `output::upgrade`):
/// an error without `force` (exit 65, nothing written), a warning with it. I/O errors are
/// left to the plan, which reports them.
fn guard_upgrades(
    ui: &Ui,
    out: &Path,
    tree: &crate::tree::Tree,
    force: bool,
    plan: Option<&output::plan::Plan>,
    scope: Option<&output::Scope>,
) -> Result<(), u8> {
    let Ok(mut skips) = output::upgrade::skips(out, tree, plan) else {
        return Ok(());
    };
    // `render --cluster` writes no other cluster's control plane.
    skips.retain(|s| scope.is_none_or(|scope| scope.contains(&s.path)));
    if skips.is_empty() {
        return Ok(());
    }
    let diags = skips.iter().map(|s| {
        let d = Diagnostic::error(Code::Version, s.message());
        if force {
            d.into_warning()
        } else {
            d.help(s.help())
        }
    });
    ui.diagnostics(diags);
    if force { Ok(()) } else { Err(exit::INVALID) }
}

/// `render`, `check` and `diff` also refuse an output folder that is, or is inside, or
/// holds, a folder or file the blueprint reads beside it (an overlay, an audit policy):
/// writing there could overwrite the inputs, and the next compile would read the output.
fn guard_inputs(ui: &Ui, blueprint: &Path, out: &Path, inputs: &[String]) -> Result<(), u8> {
    let dir = blueprint.parent().unwrap_or(Path::new("."));
    let Ok(out_dir) = absolute_lexical(out) else {
        return Ok(());
    };
    let out_dir = out_dir.canonicalize().unwrap_or(out_dir);
    for rel in inputs {
        let input = dir.join(rel);
        let Ok(input) = absolute_lexical(&input) else {
            continue;
        };
        let input = input.canonicalize().unwrap_or(input);
        if out_dir.starts_with(&input) || input.starts_with(&out_dir) {
            ui.diagnostics([Diagnostic::error(
                Code::Usage,
                format!(
                    "the output folder `{}` overlaps `{rel}`, which the blueprint reads; render into a folder of its own (default: ./rendered)",
                    out.display()
                ),
            )]);
            return Err(exit::USAGE);
        }
    }
    Ok(())
}

fn absolute_lexical(p: &Path) -> std::io::Result<PathBuf> {
    std::path::absolute(p)
}

/// The files beside a blueprint: its folder.
fn beside_of(file: &Path) -> Disk {
    Disk::new(file.parent().unwrap_or(Path::new(".")))
}

fn compile(ui: &Ui, file: &Path) -> Result<pipeline::Compiled, u8> {
    let input = read_input(ui, file)?;
    match pipeline::compile_to_exit(&input, &beside_of(file)) {
        Ok(compiled) => {
            ui.diagnostics(compiled.warnings.clone());
            Ok(compiled)
        }
        Err(diags) => {
            let internal = diags.iter().any(|d| d.code == Code::Internal);
            ui.diagnostics(diags);
            Err(if internal {
                exit::INTERNAL
            } else {
                exit::INVALID
            })
        }
    }
}

fn io_error(ui: &Ui, e: &output::OutputError) -> u8 {
    // A write may have failed midway: every file is whole (old or new bytes), but "nothing
    // was written" would not be true.
    ui.diagnostics_then(
        [Diagnostic::error(Code::Io, e.to_string())],
        "every file in the folder is whole (its old or its new bytes)",
    );
    e.exit_code()
}

/// `--cluster` names: `None` when there are none (every file), else the scope; an unknown
/// name is refused as the blueprint's other unknown names are (exit 65, a suggestion).
fn scope_of(
    ui: &Ui,
    file: &Path,
    compiled: &pipeline::Compiled,
    names: &[String],
) -> Result<Option<output::Scope>, u8> {
    if names.is_empty() {
        return Ok(None);
    }
    let known = &compiled.clusters;
    let unknown: Vec<Diagnostic> = names
        .iter()
        .filter(|n| !known.contains(n))
        .map(|n| {
            let mut d = Diagnostic::error(
                Code::Reference,
                format!("`--cluster {n}`: the blueprint has no cluster named `{n}`"),
            )
            .in_file(file.display().to_string())
            .path("spec.clusters");
            if let Some(at) = &compiled.clusters_at {
                d.location = Some(at.clone());
            }
            match crate::suggest::did_you_mean(n, known.iter().map(String::as_str)) {
                Some(best) => d.help(format!("did you mean `{best}`?")),
                None => d.help(format!("its clusters: {}", known.join(", "))),
            }
        })
        .collect();
    if unknown.is_empty() {
        Ok(Some(output::Scope::new(names.iter().cloned())))
    } else {
        ui.diagnostics(unknown);
        Err(exit::INVALID)
    }
}

fn render_cmd(ui: &Ui, file: &Path, out: &Path, clusters: &[String], force: bool) -> u8 {
    if let Err(code) = guard_output(ui, file, out) {
        return code;
    }
    let compiled = match compile(ui, file) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let scope = match scope_of(ui, file, &compiled, clusters) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if let Err(code) = guard_inputs(ui, file, out, &compiled.inputs) {
        return code;
    }
    if let Err(code) = guard_upgrades(ui, out, &compiled.tree, force, None, scope.as_ref()) {
        return code;
    }
    // Plans under the lock, so a render that waited for another one sees its result.
    let rendered = match &scope {
        None => output::render(out, &compiled.tree, &compiled.blueprint_sha256, force),
        Some(scope) => output::render_in(
            out,
            &compiled.tree,
            &compiled.blueprint_sha256,
            force,
            scope,
        ),
    };
    match rendered {
        Ok((plan, report)) => {
            ui.say(&report.summary());
            if ui.verbose {
                ui.say(&output::diff::stat(&plan));
            }
            exit::OK
        }
        Err(e) => io_error(ui, &e),
    }
}

/// `platc build` and `platc render -o -`: the Kubernetes objects on standard output; never
/// looks at an output folder. Diagnostics go to standard error, and on an error nothing is
/// printed to standard output.
fn build_cmd(ui: &Ui, file: &Path, clusters: &[String]) -> u8 {
    let compiled = match compile(ui, file) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let scope = match scope_of(ui, file, &compiled, clusters) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let bytes = output::build::stream(&compiled.tree, &compiled.kubectl_files, scope.as_ref());
    // The stream is the command's output: print it even with --quiet.
    then(print_output(ui, &bytes), exit::OK)
}

fn check_cmd(ui: &Ui, file: &Path, out: &Path) -> u8 {
    if let Err(code) = guard_output(ui, file, out) {
        return code;
    }
    let compiled = match compile(ui, file) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Err(code) = guard_inputs(ui, file, out, &compiled.inputs) {
        return code;
    }
    let plan = output::plan(out, &compiled.tree, &compiled.blueprint_sha256);
    // Named, not refused: `check` writes nothing.
    if let Ok(plan) = &plan {
        let _ = guard_upgrades(ui, out, &compiled.tree, true, Some(plan), None);
    }
    match plan {
        Ok(plan) if plan.is_up_to_date() => {
            ui.say(&format!("{} is up to date", out.display()));
            exit::OK
        }
        Ok(plan) => {
            ui.say(&format!(
                "{} is out of date; run `platc render -f {} -o {}`\n{}",
                out.display(),
                file.display(),
                out.display(),
                output::diff::stat(&plan)
            ));
            exit::OUT_OF_DATE
        }
        Err(e) => io_error(ui, &e),
    }
}

fn diff_cmd(ui: &Ui, file: &Path, out: &Path, format: DiffFormat, exit_code: bool) -> u8 {
    if let Err(code) = guard_output(ui, file, out) {
        return code;
    }
    let compiled = match compile(ui, file) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Err(code) = guard_inputs(ui, file, out, &compiled.inputs) {
        return code;
    }
    let plan = match output::plan(out, &compiled.tree, &compiled.blueprint_sha256) {
        Ok(p) => p,
        Err(e) => return io_error(ui, &e),
    };
    let _ = guard_upgrades(ui, out, &compiled.tree, true, Some(&plan), None);
    let text = match format {
        DiffFormat::Stat => output::diff::stat(&plan),
        DiffFormat::Unified => {
            let color = ui.color && std::io::stdout().is_terminal();
            match output::diff::unified(out, &plan, &compiled.tree, color) {
                Ok(t) => t,
                Err(e) => return io_error(ui, &e),
            }
        }
        DiffFormat::Markdown | DiffFormat::Json => {
            match output::review::review(out, &plan, &compiled.tree) {
                Ok(r) if format == DiffFormat::Markdown => output::review::markdown(&r),
                Ok(r) => output::review::json(&r),
                Err(e) => return io_error(ui, &e),
            }
        }
    };
    // The diff is the command's output: print it even with --quiet.
    let code = if exit_code && !plan.is_up_to_date() {
        exit::OUT_OF_DATE
    } else {
        exit::OK
    };
    then(print_output(ui, text.as_bytes()), code)
}

fn validate_cmd(ui: &Ui, file: &Path, strict: bool) -> u8 {
    let input = match read_input(ui, file) {
        Ok(i) => i,
        Err(code) => return code,
    };
    let mut cel = crate::validate::cel::Stats::default();
    let findings = match pipeline::compile_stages(&input, &beside_of(file), false) {
        Ok(mut stages) => {
            // The compile checked the blueprint: its warnings, with the platform's own images
            // against its image policy, are the compiled tree's (`compile_stages`).
            let mut findings = std::mem::take(&mut stages.compiled.warnings);
            let (report, docs) = pipeline::validate::compiled(&mut stages);
            findings.extend(report.diagnostics);
            cel = report.cel;
            // The process exits next: the kernel takes the documents and stages back whole.
            std::mem::forget(docs);
            std::mem::forget(stages);
            findings
        }
        Err(diags) => {
            // The blueprint's own check, alone, for its warnings (or its errors: then nothing
            // more is said).
            let checked = match pipeline::check_blueprint(&input) {
                Ok(c) => c,
                Err(diags) => {
                    ui.diagnostics(diags);
                    return exit::INVALID;
                }
            };
            let mut findings = checked.warnings;
            // The platform's own images against its image policy (needs the resolved model).
            let resolved = crate::resolve::resolve(&checked.loaded.blueprint, &input.file_name);
            findings.extend(pipeline::refused_images(&checked.loaded, &resolved));
            // Sections platc does not render yet were checked above; say so without failing.
            findings.extend(diags.into_iter().map(|d| {
                if d.code == Code::Unsupported {
                    d.into_warning()
                } else {
                    d
                }
            }));
            findings
        }
    };
    let failed = findings.iter().any(|d| d.is_error() || strict);
    // A rendered tree that breaks the bring-up check is platc's bug, not the blueprint's.
    let internal = findings
        .iter()
        .any(|d| d.is_error() && d.code == Code::Internal);
    let count = findings.len();
    ui.diagnostics(findings);
    if internal {
        exit::INTERNAL
    } else if failed {
        exit::INVALID
    } else {
        ui.say(&format!(
            "{} is valid{}; CEL rules: {} evaluated, {} skipped",
            file.display(),
            if count > 0 {
                format!(" ({count} warning{})", if count == 1 { "" } else { "s" })
            } else {
                String::new()
            },
            cel.evaluated,
            cel.skipped_count()
        ));
        if ui.verbose {
            for (rule, (why, n)) in &cel.skipped {
                ui.say(&format!("  skipped {n}x: `{rule}`: {why}"));
            }
        }
        exit::OK
    }
}

fn explain_cmd(ui: &Ui, file: &Path, out: &Path, target: &str, format: ExplainFormat) -> u8 {
    let target = match crate::explain::Target::parse(target, &out.to_string_lossy()) {
        Ok(t) => t,
        Err(message) => {
            ui.diagnostics([Diagnostic::error(Code::Usage, message)]);
            return exit::USAGE;
        }
    };
    let input = match read_input(ui, file) {
        Ok(i) => i,
        Err(code) => return code,
    };
    let stages = match pipeline::compile_stages(&input, &beside_of(file), true) {
        Ok(s) => s,
        Err(diags) => {
            ui.diagnostics(diags);
            return exit::INVALID;
        }
    };
    match crate::explain::explain(&stages, &target) {
        Ok(e) => {
            let text = match format {
                ExplainFormat::Text => crate::explain::render::text(&e),
                ExplainFormat::Json => crate::explain::render::json(&e),
            };
            // The explanation is the command's output: print it even with --quiet.
            then(print_output(ui, text.as_bytes()), exit::OK)
        }
        Err(diags) => {
            ui.diagnostics(diags);
            exit::USAGE
        }
    }
}

fn man_cmd(ui: &Ui, dir: Option<&Path>) -> u8 {
    let cmd = <Cli as clap::CommandFactory>::command();
    let result = match dir {
        None => {
            let mut page = Vec::new();
            if let Err(e) = clap_mangen::Man::new(cmd).render(&mut page) {
                Err(e)
            } else {
                return then(print_output(ui, &page), exit::OK);
            }
        }
        Some(dir) => std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(cmd, dir)),
    };
    match result {
        Ok(()) => {
            if let Some(dir) = dir {
                ui.say(&format!("wrote the manual pages into {}", dir.display()));
            }
            exit::OK
        }
        Err(e) => {
            ui.diagnostics([Diagnostic::error(
                Code::Io,
                format!("cannot write the manual: {e}"),
            )]);
            exit::IO
        }
    }
}

fn kustomize_cmd(ui: &Ui, dir: &Path) -> u8 {
    if !dir.is_dir() {
        ui.diagnostics([Diagnostic::error(
            Code::Io,
            format!("`{}` is not a folder", dir.display()),
        )]);
        return exit::IO;
    }
    match crate::overlay::build_dir(dir) {
        Ok(text) => {
            // The build is the command's output: print it even with --quiet.
            then(print_output(ui, text.as_bytes()), exit::OK)
        }
        Err(diags) => {
            let io = diags.iter().all(|d| d.code == Code::Io);
            ui.diagnostics(diags);
            if io { exit::IO } else { exit::INVALID }
        }
    }
}

fn init_cmd(ui: &Ui, dir: &Path) -> u8 {
    let path = dir.join("platform.yaml");
    if path.symlink_metadata().is_ok() {
        ui.diagnostics([Diagnostic::error(
            Code::Io,
            format!(
                "`{}` exists; platc init never overwrites a file",
                path.display()
            ),
        )]);
        return exit::IO;
    }
    let result = std::fs::create_dir_all(dir).and_then(|()| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        f.write_all(starter::TEXT.as_bytes())
    });
    match result {
        Ok(()) => {
            ui.say(&format!(
                "wrote {}; render it with `platc render -f {}`",
                path.display(),
                path.display()
            ));
            exit::OK
        }
        Err(e) => {
            ui.diagnostics([Diagnostic::error(
                Code::Io,
                format!("cannot write `{}`: {e}", path.display()),
            )]);
            exit::IO
        }
    }
}
