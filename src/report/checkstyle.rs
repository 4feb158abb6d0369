//! Checkstyle XML, as reviewdog and Jenkins' Warnings plugin read it: a `<file>` per file with an
//! `<error>` per finding.
//!
//! Severities: error, warning and `info` for a note. `source` is `kmslint.KMS002` for a finding
//! and `kmslint.input.syntax` (the error's code, `::` as `.`) for an input that could not be
//! analysed; input errors that name no file (a command-line value) are left out, as are
//! suppressed findings. Files in path order, errors in position order within a file.

use std::collections::BTreeMap;
use std::io::Write;

use crate::Outcome;
use crate::report::sarif::relative_path;
use crate::report::{ReportOptions, xml};
use crate::rules::Level;

/// What a `<error>` says, before escaping.
struct Entry {
    line: usize,
    column: usize,
    level: Level,
    message: String,
    source: String,
}

pub(super) fn write(
    outcome: &Outcome,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut files: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
    for e in outcome.errors.iter().filter(|e| !e.path.is_empty()) {
        let mut message = e.message.clone();
        if let Some(help) = &e.help {
            message.push_str(&format!(" (help: {help})"));
        }
        files
            .entry(relative_path(options, &e.path))
            .or_default()
            .push(Entry {
                line: e.position.line.max(1),
                column: e.position.column.max(1),
                level: e.level(),
                message,
                source: format!("kmslint.{}", e.kind.code().replace("::", ".")),
            });
    }
    for f in &outcome.findings {
        let Some(file) = outcome.sources.get(f.primary.file) else {
            continue;
        };
        let (start, _) = file.range(&f.primary.span);
        files
            .entry(relative_path(options, &file.display))
            .or_default()
            .push(Entry {
                line: start.line.max(1),
                column: start.column.max(1),
                level: f.level,
                message: f.message.clone(),
                source: format!("kmslint.{}", f.rule.id),
            });
    }
    writeln!(out, "{}\n<checkstyle version=\"4.3\">", xml::DECLARATION)?;
    for (path, mut entries) in files {
        // Stable: input errors stay before findings at the same place.
        entries.sort_by_key(|e| (e.line, e.column));
        writeln!(out, "  <file name=\"{}\">", xml::text(&path))?;
        for e in entries {
            writeln!(
                out,
                "    <error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"{}\" source=\"{}\"/>",
                e.line,
                e.column,
                match e.level {
                    Level::Error => "error",
                    Level::Warning => "warning",
                    Level::Note => "info",
                },
                xml::text(&e.message),
                xml::text(&e.source)
            )?;
        }
        writeln!(out, "  </file>")?;
    }
    writeln!(out, "</checkstyle>")
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::config::Settings;

    #[test]
    fn input_errors_sit_among_findings_in_position_order() {
        let outcome = crate::check_sources(
            vec![
                (
                    "main.tf".to_string(),
                    "resource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = false\n}\n\
                     output \"k\" {\n  value = aws_kms_key.k.arn\n}\n"
                        .to_string(),
                ),
                ("bad.tf".to_string(), "locals {\n  a = \n".to_string()),
            ],
            &Settings::default(),
        );
        let mut out = Vec::new();
        write(&outcome, &ReportOptions::default(), &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        let files: Vec<&str> = out
            .lines()
            .filter_map(|l| l.trim().strip_prefix("<file name=\""))
            .collect();
        assert_eq!(files, ["bad.tf\">", "main.tf\">"], "{out}");
        assert!(out.contains("source=\"kmslint.input.syntax\""), "{out}");
        let lines: Vec<&str> = out
            .lines()
            .filter(|l| l.contains("source=\"kmslint.KMS"))
            .map(|l| l.split('"').nth(1).unwrap_or(""))
            .collect();
        assert_eq!(lines, ["1", "2"], "{out}");
    }
}
