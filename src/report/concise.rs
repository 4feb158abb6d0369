//! The concise format: one line per finding and input diagnostic, `path:line:col: KMS002 message`, for editors and grep.

use std::io::Write;

use crate::Outcome;
use crate::finding::Finding;
use crate::report::{ReportOptions, escape};

/// Paths are as the pretty format shows them (relative to the working directory), which is
/// what an editor opens; every path and message is escaped, so one finding is one line.
pub(super) fn write(
    outcome: &Outcome,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    for e in &outcome.errors {
        // A command-line value has no place in a file.
        let place = if e.path.is_empty() {
            "kmslint".to_string()
        } else {
            format!(
                "{}:{}:{}",
                escape::text(&e.path),
                e.position.line,
                e.position.column
            )
        };
        writeln!(
            out,
            "{place}: input {}: {}",
            e.level().as_str(),
            escape::text(&e.message)
        )?;
    }
    for f in &outcome.findings {
        line(outcome, f, "", out)?;
    }
    if options.show_suppressed {
        for f in &outcome.suppressed {
            let by = f.suppressed.as_ref().map_or("", |s| s.source.name());
            line(outcome, f, &format!(" (suppressed: {by})"), out)?;
        }
    }
    Ok(())
}

fn line(outcome: &Outcome, f: &Finding, suffix: &str, out: &mut dyn Write) -> std::io::Result<()> {
    let Some(file) = outcome.sources.get(f.primary.file) else {
        return Ok(());
    };
    let (start, _) = file.range(&f.primary.span);
    writeln!(
        out,
        "{}:{}:{}: {} {}{suffix}",
        escape::text(&file.display),
        start.line,
        start.column,
        f.rule.id,
        escape::text(&f.message)
    )
}
