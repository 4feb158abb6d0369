//! GitHub Actions workflow commands: `::error file=…,line=…::message` annotations on pull requests.
//!
//! GitHub shows at most 10 annotations of each level per step, so the most severe come first,
//! each level is capped at 10, and the rest are counted in a plain summary line. Columns are
//! given only for single-line regions (GitHub misplaces them otherwise).

use std::io::Write;

use crate::Outcome;
use crate::report::{ReportOptions, escape, repo_path};
use crate::rules::Level;

const PER_LEVEL: usize = 10;

/// Paths are repository-relative, as GitHub places annotations, also when run from a
/// sub-directory.
pub(super) fn write(
    outcome: &Outcome,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut shown = [0usize; 3];
    let mut hidden = [0usize; 3];
    for e in &outcome.errors {
        let i = slot(e.level());
        if shown[i] == PER_LEVEL {
            hidden[i] += 1;
            continue;
        }
        shown[i] += 1;
        // A command-line value has no place in a file.
        let place = if e.path.is_empty() {
            String::new()
        } else {
            format!(
                "file={},line={},col={},",
                property(&repo_path(options, &e.path)),
                e.position.line,
                e.position.column
            )
        };
        writeln!(
            out,
            "::{} {place}title={}::{}",
            command(e.level()),
            property("kmslint input error"),
            data(&e.message)
        )?;
    }
    let mut findings: Vec<_> = outcome.findings.iter().collect();
    findings.sort_by_key(|f| std::cmp::Reverse(f.level));
    for f in findings {
        let Some(file) = outcome.sources.get(f.primary.file) else {
            continue;
        };
        let i = slot(f.level);
        if shown[i] == PER_LEVEL {
            hidden[i] += 1;
            continue;
        }
        shown[i] += 1;
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
            property(&repo_path(options, &file.display)),
            start.line,
            end.line,
            property(&format!("{} {}", f.rule.id, f.rule.name)),
            data(&f.message)
        )?;
    }
    if let Some(by_source) = crate::suppress::counts_text(&outcome.suppressed) {
        writeln!(
            out,
            "kmslint: {} not annotated ({by_source}); `--show-suppressed` lists them in the pretty, JSON and SARIF output",
            super::counted(outcome.suppressed.len(), "suppressed finding")
        )?;
    }
    for level in [Level::Error, Level::Warning, Level::Note] {
        let n = hidden[slot(level)];
        if n > 0 {
            writeln!(
                out,
                "kmslint: {} not annotated (GitHub shows {PER_LEVEL} per level); see the SARIF or pretty output",
                super::counted(n, &format!("more {} finding", level.as_str()))
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

/// Escapes a workflow-command message: control characters as every format shows them (so none
/// can end the command line), then what the runner itself decodes.
fn data(s: &str) -> String {
    escape::text(s)
        .replace('%', "%25")
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

    fn render(sources: Vec<(&str, &str)>) -> String {
        render_in("", sources)
    }

    /// Renders as if run from `prefix` inside the repository.
    fn render_in(prefix: &str, sources: Vec<(&str, &str)>) -> String {
        let outcome = crate::report::checked(&sources);
        let mut out = Vec::new();
        let options = ReportOptions {
            repo_prefix: prefix.to_string(),
            ..ReportOptions::default()
        };
        write(&outcome, &options, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn paths_are_relative_to_the_repository_root() {
        let out = render_in(
            "envs/prod/",
            vec![(
                "../../modules/kms/main.tf",
                "resource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = false\n}\n",
            )],
        );
        assert!(out.contains("file=modules/kms/main.tf,line=2"), "{out}");
    }

    #[test]
    fn escaping() {
        assert_eq!(data("50%\nx"), "50%25\\nx");
        assert_eq!(data("a\r\nb: c, d"), "a\\r\\nb: c, d");
        assert_eq!(data("\u{1b}[31m\u{9b}"), "\\u{1b}[31m\\u{9b}");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(property("100%,\n"), "100%25%2C\\n");
    }

    #[test]
    fn nothing_from_the_input_starts_a_line_or_drives_a_terminal() {
        let out = render(vec![(
            "a\n::error file=FORGED.tf::x\u{1b}[2J.tf",
            "resource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = false\n}\n",
        )]);
        assert!(out.contains("KMS002"), "{out}");
        for line in out.lines() {
            assert!(!line.contains("::error file=FORGED"), "{line}");
        }
        assert!(
            !out.chars().any(|c| escape::is_unsafe(c) && c != '\n'),
            "{out:?}"
        );
    }

    #[test]
    fn paths_are_escaped_as_properties() {
        let out = render(vec![(
            "a,b:c/main.tf",
            "resource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = false\n}\n",
        )]);
        assert!(
            out.contains("::warning file=a%2Cb%3Ac/main.tf,line=2,endLine=2,col=25,endColumn=30,"),
            "{out}"
        );
    }

    #[test]
    fn multi_line_regions_have_no_columns() {
        let out = render(vec![(
            "main.tf",
            "resource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = true\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n  })\n}\n",
        )]);
        let line = out
            .lines()
            .find(|l| l.contains("KMS018"))
            .unwrap_or_else(|| panic!("no KMS018 annotation in {out}"));
        assert!(
            line.starts_with("::error file=main.tf,line=3,endLine=5,title=KMS018 "),
            "{line}"
        );
        assert!(!line.contains("col="), "{line}");
    }

    #[test]
    fn most_severe_first_and_ten_per_level() {
        let mut src = String::from(
            "resource \"aws_kms_key\" \"invalid\" {\n  enable_key_rotation = true\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n  })\n}\n",
        );
        for i in 0..12 {
            src.push_str(&format!(
                "resource \"aws_kms_key\" \"k{i}\" {{\n  enable_key_rotation = false\n}}\n"
            ));
        }
        let out = render(vec![("main.tf", &src)]);
        let commands: Vec<&str> = out
            .lines()
            .filter_map(|l| l.strip_prefix("::"))
            .map(|l| l.split(' ').next().unwrap_or(""))
            .collect();
        let first_warning = commands.iter().position(|c| *c == "warning");
        let last_error = commands.iter().rposition(|c| *c == "error");
        assert_eq!(commands.first(), Some(&"error"), "{out}");
        assert!(last_error < first_warning, "{out}");
        assert_eq!(
            commands.iter().filter(|c| **c == "warning").count(),
            10,
            "{out}"
        );
        assert!(
            out.contains("kmslint: 2 more warning findings not annotated"),
            "{out}"
        );
    }
}
