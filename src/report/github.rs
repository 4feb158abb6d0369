//! GitHub Actions workflow commands: `::error file=…,line=…::message` annotations on pull requests.
//!
//! GitHub shows at most 10 annotations of each level per step, so the most severe come first,
//! each level is capped at 10, and the rest are counted in a plain summary line. Columns are
//! given only for single-line regions (GitHub misplaces them otherwise).

use std::io::Write;

use crate::Outcome;
use crate::rules::Level;

const PER_LEVEL: usize = 10;

pub(super) fn write(outcome: &Outcome, out: &mut dyn Write) -> std::io::Result<()> {
    let mut shown = [0usize; 3];
    let mut hidden = [0usize; 3];
    for e in &outcome.errors {
        let i = slot(Level::Error);
        if shown[i] == PER_LEVEL {
            hidden[i] += 1;
            continue;
        }
        shown[i] += 1;
        writeln!(
            out,
            "::error file={},line={},col={},title={}::{}",
            property(&e.path),
            e.position.line,
            e.position.column,
            property("kmslint input error"),
            data(&e.message)
        )?;
    }
    let mut findings: Vec<_> = outcome.findings.iter().collect();
    findings.sort_by_key(|f| std::cmp::Reverse(f.level));
    for f in findings {
        let i = slot(f.level);
        if shown[i] == PER_LEVEL {
            hidden[i] += 1;
            continue;
        }
        shown[i] += 1;
        let Some(file) = outcome.sources.get(f.primary.file) else {
            continue;
        };
        let (start, end) = file.range(&f.primary.span);
        let columns = if start.line == end.line {
            format!(",col={},endColumn={}", start.column, end.column)
        } else {
            String::new()
        };
        writeln!(
            out,
            "::{} file={},line={},endLine={}{columns},title={}::{}",
            command(f.level),
            property(&file.display),
            start.line,
            end.line,
            property(&format!("{} {}", f.rule.id, f.rule.name)),
            data(&f.message)
        )?;
    }
    for level in [Level::Error, Level::Warning, Level::Note] {
        let n = hidden[slot(level)];
        if n > 0 {
            writeln!(
                out,
                "kmslint: {n} more {} finding{} not annotated (GitHub shows {PER_LEVEL} per level); see the SARIF or pretty output",
                level.as_str(),
                if n == 1 { "" } else { "s" }
            )?;
        }
    }
    Ok(())
}

fn slot(level: Level) -> usize {
    match level {
        Level::Error => 0,
        Level::Warning => 1,
        Level::Note => 2,
    }
}

fn command(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "notice",
    }
}

/// Escapes a workflow-command message.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(data("50%\nx"), "50%25%0Ax");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
