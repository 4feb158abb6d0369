//! The `kmslint` command line: parses arguments, runs the library, maps the outcome to an exit code.
#![allow(clippy::print_stderr, clippy::print_stdout)]

use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};

/// Analysis allocates many small, short-lived values (syntax trees, evaluated values); mimalloc
/// handles that pattern markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use kmslint::diagnostic::InputErrorKind;
use kmslint::report::{self, Format, ReportOptions};
use kmslint::rules::Level;
use kmslint::source::Position;
use kmslint::terraform::vars::VarInputs;
use kmslint::{FailLevel, Options, Settings, explain, rules};

/// A fast, exact static analyzer for AWS KMS configuration in Terraform.
#[derive(Parser)]
#[command(name = "kmslint", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    check: CheckArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse files and directories (the default command).
    Check(Box<CheckArgs>),
    /// List the rules.
    Rules,
    /// Print the documentation of a rule.
    Explain {
        /// Rule id (`KMS002`) or name (`key-rotation-disabled`).
        rule: String,
        /// Print the page's Markdown source (as in docs/rules/) instead of rendering it.
        #[arg(long)]
        markdown: bool,
    },
    /// Write a commented `kmslint.toml` with every key into the current directory.
    Init,
    /// Show who may do what with every key, or what a change does to it (`--base REV`).
    Map(Box<MapArgs>),
}

#[derive(Args)]
struct MapArgs {
    /// Files and directories to map, as for `check`.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Read this configuration file (after the discovered `kmslint.toml`).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = MapFormatArg::Pretty)]
    format: MapFormatArg,
    /// Write the map to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Report only what changed since this git revision of the repository.
    #[arg(long, value_name = "REV")]
    base: Option<String>,
    /// With `--base`: exit with 1 when the change gives new public or cross-account access.
    #[arg(long, requires = "base")]
    fail_on_new_access: bool,
    #[command(flatten)]
    trust: TrustArgs,
    /// Set a root-module variable (`NAME=VALUE`); repeatable.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    vars: Vec<(String, String)>,
    /// Read root-module variables from a `.tfvars` or `.tfvars.json` file; repeatable.
    #[arg(long = "var-file", value_name = "FILE")]
    var_files: Vec<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum MapFormatArg {
    Pretty,
    Json,
    Markdown,
    Dot,
}

#[derive(Args, Default)]
struct CheckArgs {
    /// Files and directories to analyse; a file brings in its whole module (directory).
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Read this configuration file (after the discovered `kmslint.toml`).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Pretty)]
    format: FormatArg,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Also write a report in FORMAT to PATH (e.g. `sarif=kmslint.sarif`); repeatable, beside
    /// the `--format` report. Formats: pretty, sarif, json, github, concise, gitlab, junit,
    /// checkstyle.
    #[arg(long = "report", value_name = "FORMAT=PATH", value_parser = parse_report)]
    reports: Vec<(FormatArg, PathBuf)>,
    /// Run only these rules (ids or names, comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    select: Option<Vec<String>>,
    /// Do not run these rules (ids or names, comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    ignore: Option<Vec<String>>,
    /// Exit with 1 when a finding is at or above this level.
    #[arg(long, value_enum, value_name = "LEVEL")]
    fail_level: Option<FailLevelArg>,
    /// Skip (and report) files larger than this many bytes [default: 4194304].
    #[arg(long, value_name = "BYTES")]
    max_file_size: Option<u64>,
    /// Skip (and report) plan files larger than this many bytes [default: 536870912].
    #[arg(long, value_name = "BYTES")]
    max_plan_size: Option<u64>,
    /// Most module and resource instances one root module may create [default: 10000].
    #[arg(long, value_name = "N")]
    max_instances: Option<usize>,
    #[command(flatten)]
    trust: TrustArgs,
    /// Most principals allowed to administer one key [default: 3].
    #[arg(long, value_name = "N")]
    max_key_admins: Option<usize>,
    /// Most principals allowed to use one key for cryptography [default: 10].
    #[arg(long, value_name = "N")]
    max_key_users: Option<usize>,
    /// Set a root-module variable (`NAME=VALUE`), as `terraform -var` does; repeatable.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    vars: Vec<(String, String)>,
    /// Read root-module variables from a `.tfvars` or `.tfvars.json` file; repeatable.
    #[arg(long = "var-file", value_name = "FILE")]
    var_files: Vec<PathBuf>,
    /// Report kmslint suppressions that silence no finding (as input errors).
    #[arg(long)]
    report_unused_suppressions: bool,
    /// Do not report findings recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record every current finding in this baseline file.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// List the findings that suppression comments and the baseline silenced, marked as such
    /// (they are always counted, and never change the exit code).
    #[arg(long)]
    show_suppressed: bool,
    /// Apply the safe fixes, then report what remains.
    #[arg(long)]
    fix: bool,
    /// With `--fix` or `--diff`, apply the unsafe fixes too.
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print the unified diff of what `--fix` would change and write nothing (exit 1 if any).
    #[arg(long, conflicts_with = "fix")]
    diff: bool,
    /// When to colour the pretty output.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
}

/// Which accounts own the keys and which others are trusted: `check` and `map` judge access
/// the same way.
#[derive(Args, Default)]
struct TrustArgs {
    /// An account this code deploys to (owner account); repeat or comma-separate.
    #[arg(long = "account", value_delimiter = ',', value_name = "ID")]
    accounts: Option<Vec<String>>,
    /// Another account allowed to use the keys; repeat or comma-separate.
    #[arg(long = "trusted-account", value_delimiter = ',', value_name = "ID")]
    trusted_accounts: Option<Vec<String>>,
    /// An organization (o-...) allowed through aws:PrincipalOrgID; repeat or comma-separate.
    #[arg(
        long = "trusted-organization",
        value_delimiter = ',',
        value_name = "ID"
    )]
    trusted_organizations: Option<Vec<String>>,
}

#[derive(Clone, Copy, ValueEnum, Default)]
enum FormatArg {
    #[default]
    Pretty,
    Sarif,
    Json,
    Github,
    Concise,
    Gitlab,
    Junit,
    Checkstyle,
}

impl FormatArg {
    fn format(self) -> Format {
        match self {
            FormatArg::Pretty => Format::Pretty,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Json => Format::Json,
            FormatArg::Github => Format::Github,
            FormatArg::Concise => Format::Concise,
            FormatArg::Gitlab => Format::Gitlab,
            FormatArg::Junit => Format::Junit,
            FormatArg::Checkstyle => Format::Checkstyle,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum FailLevelArg {
    Error,
    Warning,
    Note,
    None,
}

#[derive(Clone, Copy, ValueEnum, Default)]
enum ColorArg {
    #[default]
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    quiet_panics();
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Rules) => {
            let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            match kmslint::config::file::options_for(&[], &cwd, None).map(Settings::resolve) {
                Ok(Ok(settings)) => print(&explain::rules_listing(&settings)),
                Ok(Err(e)) => fail(miette::Report::new(e)),
                Err(e) => fail(miette::Report::new(*e)),
            }
        }
        Some(Command::Init) => init(),
        Some(Command::Explain { rule, markdown }) => match rules::find(&rule) {
            Some(rule) if markdown => print(&explain::page(rule)),
            Some(rule) => {
                let terminal = std::io::stdout().is_terminal();
                let color = terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
                let width = report::wrap::terminal_width(terminal);
                print(&(explain::terminal::render(&explain::page(rule), width, color) + "\n"))
            }
            None => {
                eprintln!("error: unknown rule `{rule}`; `kmslint rules` lists them");
                ExitCode::from(2)
            }
        },
        Some(Command::Check(args)) => check(*args),
        Some(Command::Map(args)) => map(*args),
        None => check(cli.check),
    }
}

/// A panic (a bug) is told in one escaped line, not with the default hook's backtrace advice:
/// one in the analysis of a directory is also an internal error in the report, and the rest of
/// the scan goes on.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let what = kmslint::diagnostic::panic_message(info.payload()).unwrap_or_default();
        let at = info
            .location()
            .map(|l| format!(" ({}:{})", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "kmslint: internal error{at}: {}; this is a kmslint bug",
            what.escape_debug()
        );
    }));
}

/// Variable values as `terraform plan` takes them: `--var`, `--var-file` and `TF_VAR_*`.
fn var_inputs(vars: Vec<(String, String)>, files: Vec<PathBuf>) -> VarInputs {
    VarInputs {
        files,
        vars,
        env: std::env::vars()
            .filter_map(|(k, v)| Some((k.strip_prefix("TF_VAR_")?.to_string(), v)))
            .collect(),
    }
}

fn print(text: &str) -> ExitCode {
    match std::io::stdout().write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write output: {e}");
            ExitCode::from(2)
        }
    }
}

/// Prints a configuration or usage error (its message names the file and line) and its help.
fn fail(report: miette::Report) -> ExitCode {
    eprintln!("error: {}", report::escape::text(&report.to_string()));
    if let Some(help) = report.help() {
        eprintln!("  help: {}", report::escape::text(&help.to_string()));
    }
    ExitCode::from(2)
}

fn init() -> ExitCode {
    let path = PathBuf::from("kmslint.toml");
    if path.exists() {
        eprintln!("error: kmslint.toml already exists; it was left unchanged");
        return ExitCode::from(2);
    }
    match std::fs::write(&path, kmslint::config::keys::init_file()) {
        Ok(()) => {
            eprintln!("wrote kmslint.toml");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write kmslint.toml: {e}");
            ExitCode::from(2)
        }
    }
}

fn check(args: CheckArgs) -> ExitCode {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let format = args.format.format();
    if let Some(path) = same_report_path(args.output.as_deref(), &args.reports) {
        eprintln!(
            "error: two reports would be written to {}",
            report::escape::text(&path.display().to_string())
        );
        return ExitCode::from(2);
    }
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let report_options = ReportOptions {
        color,
        repo_prefix: repo_prefix(&cwd),
        repo_root: kmslint::files::repositories(&paths, &cwd)
            .into_iter()
            .next()
            .filter(|root| root.join(".git").exists())
            .map(|root| (std::fs::canonicalize(&cwd).unwrap_or(cwd.clone()), root)),
        show_suppressed: args.show_suppressed,
        base: cwd.clone(),
        width: report::wrap::terminal_width(to_terminal),
        ..ReportOptions::default()
    };
    let output = args.output.as_deref();
    // A configuration error is still a report in the requested format, with the error at its
    // place (file and line, or the flag), and exit code 2.
    let config_failure =
        |error: kmslint::InputError| {
            if output.is_some() || !matches!(format, Format::Pretty) {
                // The document may go to a file or a tool: still tell a person what went wrong.
                let place = if error.path.is_empty() {
                    String::new()
                } else {
                    format!("{}:{}: ", error.path, error.position.line)
                };
                eprintln!(
                    "error: {}",
                    report::escape::text(&format!("{place}{}", error.message))
                );
            }
            let outcome = kmslint::Outcome {
                errors: vec![error],
                ..kmslint::Outcome::default()
            };
            let written = write_report(output, format, &outcome, &report_options)
                .and(write_reports(&args.reports, &outcome, &report_options));
            match written {
                Ok(()) => ExitCode::from(2),
                Err(code) => code,
            }
        };
    let flags = Options {
        select: args.select,
        ignore: args.ignore,
        fail_level: args.fail_level.map(|l| match l {
            FailLevelArg::Error => FailLevel::Error,
            FailLevelArg::Warning => FailLevel::Warning,
            FailLevelArg::Note => FailLevel::Note,
            FailLevelArg::None => FailLevel::None,
        }),
        max_file_size: args.max_file_size,
        max_plan_size: args.max_plan_size,
        max_instances: args.max_instances,
        accounts: args.trust.accounts,
        trusted_accounts: args.trust.trusted_accounts,
        trusted_organizations: args.trust.trusted_organizations,
        max_key_admins: args.max_key_admins,
        max_key_users: args.max_key_users,
        report_unused_suppressions: args.report_unused_suppressions.then_some(true),
        var_inputs: Some(var_inputs(args.vars, args.var_files)),
        ..Options::default()
    };
    let from_files = match kmslint::config::file::options_for(&paths, &cwd, args.config.as_deref())
    {
        Ok(o) => o,
        Err(e) => return config_failure(kmslint::config::origin::file_error(&e)),
    };
    let merged = from_files.merge(flags.clone());
    let selected = merged.select.is_some();
    let settings = match Settings::resolve(merged) {
        Ok(s) => s,
        Err(e) => {
            return config_failure(kmslint::config::origin::settings_error(
                &e,
                &paths,
                &cwd,
                args.config.as_deref(),
                &flags,
            ));
        }
    };
    // From here on the summary also says which configuration applies.
    let mut report_options = report_options.clone();
    report_options.config_files = Some(
        kmslint::config::file::files_for(&paths, &cwd, args.config.as_deref())
            .iter()
            .map(|p| {
                p.strip_prefix(&cwd)
                    .unwrap_or(p)
                    .to_string_lossy()
                    .into_owned()
            })
            .collect(),
    );
    if selected {
        report_options.waiting_rules = rules::ALL
            .iter()
            .filter(|r| settings.level(r.id).is_some() && !rules::configured(r, &settings))
            .map(|r| r.id)
            .collect();
    }
    report_options.rules = Some(
        rules::ALL
            .iter()
            .filter(|r| settings.level(r.id).is_some() && rules::configured(r, &settings))
            .map(|r| r.id)
            .collect(),
    );
    // Read before the scan: a baseline that cannot be used fails fast.
    let known = match &args.baseline {
        Some(path) => match read_baseline(path, &cwd) {
            Ok(known) => Some(known),
            Err(e) => return config_failure(*e),
        },
        None => None,
    };
    let fixing = (args.fix || args.diff).then(|| {
        let options = kmslint::fix::FixOptions {
            unsafe_fixes: args.unsafe_fixes,
            write: args.fix,
        };
        let accepted = known.clone().unwrap_or_default();
        kmslint::fix::run(&paths, &cwd, &settings, options, &accepted)
    });
    let mut fixed = None;
    let mut outcome = match fixing {
        Some(mut run) => {
            if args.diff {
                return diff(&run);
            }
            let outcome = std::mem::take(&mut run.outcome);
            fixed = Some(run);
            outcome
        }
        None => kmslint::check(&paths, &cwd, &settings),
    };
    if let Some(path) = &args.write_baseline {
        let written = std::fs::File::create(path).and_then(|f| {
            let mut w = std::io::BufWriter::new(f);
            kmslint::baseline::write(&outcome.findings, &outcome.sources, &mut w)?;
            w.flush()
        });
        if let Err(e) = written {
            eprintln!("error: cannot write the baseline {}: {e}", path.display());
            return ExitCode::from(2);
        }
        // Writing a baseline accepts the current findings: it is done, not a failed check (an
        // input that could not be analysed is still exit code 2: the baseline misses its
        // findings). The line goes to standard error so that standard output stays empty.
        eprintln!(
            "kmslint: wrote {} to the baseline {}{}",
            report::counted(outcome.findings.len(), "finding"),
            report::escape::text(&path.display().to_string()),
            if outcome.errors.is_empty() {
                String::new()
            } else {
                format!("; {}", report::counted(outcome.errors.len(), "input error"))
            }
        );
        return ExitCode::from(outcome.exit_code(FailLevel::None));
    }
    if let Some(known) = &known {
        let (accepted, open): (Vec<_>, Vec<_>) = std::mem::take(&mut outcome.findings)
            .into_iter()
            .partition(|f| known.contains(&kmslint::baseline::fingerprint(f, &outcome.sources)));
        outcome.findings = open;
        outcome.suppressed.extend(accepted.into_iter().map(|mut f| {
            f.suppressed = Some(kmslint::suppress::Suppressed {
                source: kmslint::suppress::Source::Baseline,
                justification: None,
                at: None,
            });
            f
        }));
    }
    if let Err(code) = write_report(output, format, &outcome, &report_options).and(write_reports(
        &args.reports,
        &outcome,
        &report_options,
    )) {
        return code;
    }
    if let Some(run) = &fixed {
        fix_summary(run, &outcome, args.unsafe_fixes);
    }
    if args.output.is_some() && !matches!(format, Format::Pretty) {
        // The report went to a file: still tell a person at the terminal what happened.
        let worst = outcome.findings.iter().map(|f| f.level).max();
        eprintln!(
            "kmslint: {}{}, {}{}",
            report::counted(outcome.findings.len(), "finding"),
            worst.map_or(String::new(), |l: Level| format!(", worst {}", l.as_str())),
            report::counted(outcome.errors.len(), "input error"),
            report::configuration_note(&report_options)
        );
    }
    ExitCode::from(outcome.exit_code(settings.fail_level))
}

/// `--diff`: the diff on standard output, exit code 1 when there is a fix.
fn diff(run: &kmslint::fix::FixRun) -> ExitCode {
    match print(&run.diff) {
        code if code != ExitCode::SUCCESS => code,
        _ if run.fixed > 0 => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    }
}

/// `--fix`: what was fixed and what remains, on standard error (the report follows).
fn fix_summary(run: &kmslint::fix::FixRun, outcome: &kmslint::Outcome, unsafe_fixes: bool) {
    for (path, why) in &run.refused {
        eprintln!(
            "kmslint: warning: {} was not fixed: {why}",
            report::escape::text(path)
        );
    }
    let waiting = kmslint::fix::apply::unsafe_waiting(&outcome.findings);
    let hint = if waiting > 0 && !unsafe_fixes {
        format!(" ({waiting} with unsafe fixes: --unsafe-fixes)")
    } else {
        String::new()
    };
    eprintln!(
        "kmslint: {} fixed, {} remaining{hint}",
        run.fixed,
        outcome.findings.len()
    );
}

fn map(args: MapArgs) -> ExitCode {
    use kmslint::map::MapFormat;
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let flags = Options {
        accounts: args.trust.accounts,
        trusted_accounts: args.trust.trusted_accounts,
        trusted_organizations: args.trust.trusted_organizations,
        var_inputs: Some(var_inputs(args.vars, args.var_files)),
        ..Options::default()
    };
    let settings = match kmslint::config::file::options_for(&paths, &cwd, args.config.as_deref()) {
        Ok(o) => match Settings::resolve(o.merge(flags)) {
            Ok(s) => s,
            Err(e) => return fail(miette::Report::new(e)),
        },
        Err(e) => return fail(miette::Report::new(*e)),
    };
    let format = match args.format {
        MapFormatArg::Pretty => MapFormat::Pretty,
        MapFormatArg::Json => MapFormat::Json,
        MapFormatArg::Markdown => MapFormat::Markdown,
        MapFormatArg::Dot => MapFormat::Dot,
    };
    let mut text = Vec::new();
    let mut code = ExitCode::SUCCESS;
    let written = match &args.base {
        Some(rev) => match kmslint::map::diff_against(&paths, &cwd, &settings, rev) {
            Ok(diff) => {
                if args.fail_on_new_access && diff.new_access() {
                    code = ExitCode::from(1);
                }
                kmslint::map::write_diff(format, &diff, &mut text)
            }
            Err(e) => {
                eprintln!("error: {}", report::escape::text(&e));
                return ExitCode::from(2);
            }
        },
        None => kmslint::map::write_map(
            format,
            &kmslint::map::map_of(&paths, &cwd, &settings),
            &mut text,
        ),
    };
    let written = written.and_then(|()| match &args.output {
        Some(path) => std::fs::write(path, &text),
        None => std::io::stdout().write_all(&text),
    });
    match written {
        Ok(()) => code,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => code,
        Err(e) => {
            eprintln!("error: cannot write the map: {e}");
            ExitCode::from(2)
        }
    }
}

/// Writes the report to the output file or standard output; a failure is exit code 2.
fn write_report(
    output: Option<&Path>,
    format: Format,
    outcome: &kmslint::Outcome,
    options: &ReportOptions,
) -> Result<(), ExitCode> {
    let written = match output {
        Some(path) => std::fs::File::create(path).and_then(|file| {
            let mut w = std::io::BufWriter::new(file);
            report::write(format, outcome, options, &mut w)?;
            w.flush()
        }),
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            report::write(format, outcome, options, &mut w).and_then(|()| w.flush())
        }
    };
    match written {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            let to = output.map_or_else(
                || "standard output".to_string(),
                |p| report::escape::text(&p.display().to_string()).into_owned(),
            );
            eprintln!("error: cannot write the report to {to}: {e}");
            Err(ExitCode::from(2))
        }
    }
}

/// Writes the `--report FORMAT=PATH` reports (never coloured); every one is tried, and a failure
/// is exit code 2.
fn write_reports(
    reports: &[(FormatArg, PathBuf)],
    outcome: &kmslint::Outcome,
    options: &ReportOptions,
) -> Result<(), ExitCode> {
    let options = ReportOptions {
        color: false,
        ..options.clone()
    };
    let mut done = Ok(());
    for (format, path) in reports {
        let written = write_report(Some(path), format.format(), outcome, &options);
        done = done.and(written);
    }
    done
}

/// A path that two reports (`--output` and `--report`) would both write, which would leave only
/// one of them.
fn same_report_path<'a>(
    output: Option<&'a Path>,
    reports: &'a [(FormatArg, PathBuf)],
) -> Option<&'a Path> {
    let mut seen = BTreeSet::new();
    output
        .into_iter()
        .chain(reports.iter().map(|(_, p)| p.as_path()))
        .find(|p| !seen.insert(kmslint::files::normalize(p)))
}

/// `--report FORMAT=PATH`, split at the first `=`.
fn parse_report(arg: &str) -> Result<(FormatArg, PathBuf), String> {
    let (name, path) = arg
        .split_once('=')
        .filter(|(_, path)| !path.is_empty())
        .ok_or_else(|| "expected FORMAT=PATH, as in `--report sarif=kmslint.sarif`".to_string())?;
    let format = FormatArg::from_str(name, true).map_err(|_| {
        let names: Vec<String> = FormatArg::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_string()))
            .collect();
        format!("unknown format `{name}`; one of: {}", names.join(", "))
    })?;
    Ok((format, PathBuf::from(path)))
}

/// The fingerprints of a `--baseline` file, or a configuration error at its place.
fn read_baseline(path: &Path, cwd: &Path) -> Result<BTreeSet<String>, Box<kmslint::InputError>> {
    let display = path
        .strip_prefix(cwd)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned();
    let error = |message: String| {
        // serde_json says where: "... at line 3 column 5".
        let position = message
            .split_once(" at line ")
            .and_then(|(_, rest)| {
                let mut words = rest.split(' ');
                let line = words.next()?.parse().ok()?;
                let column = (words.next()? == "column")
                    .then(|| words.next())
                    .flatten()?
                    .trim_end_matches(|c: char| !c.is_ascii_digit())
                    .parse()
                    .ok()?;
                Some(Position { line, column })
            })
            .unwrap_or_default();
        Box::new(kmslint::InputError {
            kind: InputErrorKind::Configuration,
            path: display.clone(),
            file: None,
            span: None,
            position,
            message: format!("baseline: {message}"),
            help: Some("write it again with `--write-baseline FILE`".to_string()),
        })
    };
    // A regular file of bounded size: `--baseline /dev/zero` is refused at once.
    kmslint::baseline::read_file(path).map_err(error)
}

/// The working directory's path inside its git repository, so SARIF paths are repository-relative.
fn repo_prefix(cwd: &Path) -> String {
    let Some(root) = kmslint::files::work_tree(cwd) else {
        return String::new();
    };
    match cwd.strip_prefix(root) {
        Ok(rel) if !rel.as_os_str().is_empty() => {
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            format!("{}/", parts.join("/"))
        }
        _ => String::new(),
    }
}

/// `--var NAME=VALUE`, split as Terraform splits `-var`: at the first `=`, the name trimmed.
fn parse_var(arg: &str) -> Result<(String, String), String> {
    match arg.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.to_string()))
        }
        _ => Err("expected NAME=VALUE: a variable name and its value separated by `=`, as in `--var enabled=false`".to_string()),
    }
}
