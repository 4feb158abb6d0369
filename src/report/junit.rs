//! JUnit XML, as Jenkins, Azure DevOps, GitLab and CircleCI read test reports.
//!
//! A test suite per module (directory), a test case per rule that ran there, failing with one
//! `<failure>` per finding; a suite's `failures` counts its failing test cases, as test runners
//! count them. Inputs that could not be analysed are `<error>`s of an `input` test case in the
//! suite of their directory (`<skipped>` for a skipped input); errors that name no file (a
//! command-line value) go to a suite named `kmslint`. Suppressed findings are left out. No
//! times or timestamps: the same scan gives the same report.

use std::collections::BTreeMap;
use std::io::Write;

use crate::report::sarif::relative_path;
use crate::report::{ReportOptions, module_dir, xml};
use crate::rules::{self, Level};
use crate::{Finding, InputError, Outcome};

#[derive(Default)]
struct Suite<'a> {
    /// Findings by rule id, in report order.
    findings: BTreeMap<&'static str, Vec<&'a Finding>>,
    errors: Vec<&'a InputError>,
    /// Whether the module has files, so that every rule that ran is a test case there.
    analysed: bool,
}

pub(super) fn write(
    outcome: &Outcome,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut suites: BTreeMap<String, Suite<'_>> = BTreeMap::new();
    for (_, file) in outcome.sources.iter() {
        let path = relative_path(options, &file.display);
        suites
            .entry(module_dir(&path).to_string())
            .or_default()
            .analysed = true;
    }
    for f in &outcome.findings {
        let path = relative_path(options, outcome.sources.display(f.primary.file));
        let suite = suites.entry(module_dir(&path).to_string()).or_default();
        suite.findings.entry(f.rule.id).or_default().push(f);
    }
    for e in &outcome.errors {
        let name = if e.path.is_empty() {
            "kmslint".to_string()
        } else {
            module_dir(&relative_path(options, &e.path)).to_string()
        };
        suites.entry(name).or_default().errors.push(e);
    }
    let ran: Vec<&'static str> = match &options.rules {
        Some(ids) => ids.clone(),
        None => rules::ALL.iter().map(|r| r.id).collect(),
    };
    let mut body = String::new();
    let (mut all_tests, mut all_failures, mut all_errors) = (0, 0, 0);
    for (module, suite) in &suites {
        let mut cases = String::new();
        let (mut tests, mut failures, mut errors, mut skipped) = (0, 0, 0, 0);
        for rule in rules::ALL {
            let found = suite.findings.get(rule.id);
            if found.is_none() && !(suite.analysed && ran.contains(&rule.id)) {
                continue;
            }
            tests += 1;
            let name = xml::text(&format!("{} {}", rule.id, rule.name)).into_owned();
            let Some(found) = found else {
                cases.push_str(&format!(
                    "    <testcase name=\"{name}\" classname=\"{}\"/>\n",
                    xml::text(module)
                ));
                continue;
            };
            failures += 1;
            cases.push_str(&format!(
                "    <testcase name=\"{name}\" classname=\"{}\">\n",
                xml::text(module)
            ));
            let lines: Vec<String> = found
                .iter()
                .map(|f| {
                    let at = at(f, outcome, options);
                    cases.push_str(&failure(f, &at));
                    format!(
                        "{} {}: {}",
                        f.level.as_str(),
                        xml::text(&at),
                        xml::text(&f.message)
                    )
                })
                .collect();
            // Jenkins and Azure DevOps show the first failure of a test case only: its output
            // lists them all.
            cases.push_str(&format!(
                "      <system-out>{}</system-out>\n    </testcase>\n",
                lines.join("&#10;")
            ));
        }
        if !suite.errors.is_empty() {
            tests += 1;
            let all_notes = suite.errors.iter().all(|e| e.level() == Level::Note);
            if all_notes {
                skipped += 1;
            } else {
                errors += 1;
            }
            cases.push_str(&format!(
                "    <testcase name=\"input\" classname=\"{}\">\n",
                xml::text(module)
            ));
            for e in &suite.errors {
                cases.push_str(&input_error(e, options));
            }
            cases.push_str("    </testcase>\n");
        }
        body.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\">\n{cases}  </testsuite>\n",
            xml::text(module)
        ));
        all_tests += tests;
        all_failures += failures;
        all_errors += errors;
    }
    // `testsuites` has no `skipped` in the Jenkins schema; the suites carry it.
    write!(
        out,
        "{}\n<testsuites name=\"kmslint\" tests=\"{all_tests}\" failures=\"{all_failures}\" errors=\"{all_errors}\">\n{body}</testsuites>\n",
        xml::DECLARATION
    )
}

/// `path:line:col`, repository-relative.
fn place(path: &str, line: usize, column: usize) -> String {
    format!("{path}:{line}:{column}")
}

/// Where a finding is, `path:line:col`.
fn at(f: &Finding, outcome: &Outcome, options: &ReportOptions) -> String {
    let (path, start) = match outcome.sources.get(f.primary.file) {
        Some(file) => (
            relative_path(options, &file.display),
            file.range(&f.primary.span).0,
        ),
        None => Default::default(),
    };
    place(&path, start.line.max(1), start.column.max(1))
}

fn failure(f: &Finding, at: &str) -> String {
    format!(
        "      <failure type=\"{}\" message=\"{}\">{} {}: {}&#10;resource: {}&#10;rule: {} {}</failure>\n",
        f.rule.id,
        xml::text(&format!("{at}: {}", f.message)),
        f.level.as_str(),
        xml::text(at),
        xml::text(&f.message),
        xml::text(&f.resource),
        f.rule.id,
        f.rule.name
    )
}

fn input_error(e: &InputError, options: &ReportOptions) -> String {
    let mut message = if e.path.is_empty() {
        e.message.clone()
    } else {
        format!(
            "{}: {}",
            place(
                &relative_path(options, &e.path),
                e.position.line,
                e.position.column
            ),
            e.message
        )
    };
    if let Some(help) = &e.help {
        message.push_str(&format!(" (help: {help})"));
    }
    let element = if e.level() == Level::Note {
        "skipped"
    } else {
        "error"
    };
    format!(
        "      <{element} type=\"{}\" message=\"{}\">{}</{element}>\n",
        xml::text(e.kind.code()),
        xml::text(&message),
        xml::text(&message)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::diagnostic::InputErrorKind;
    use crate::source::Position;

    fn error(kind: InputErrorKind, path: &str, message: &str) -> InputError {
        InputError {
            kind,
            path: path.to_string(),
            file: None,
            span: None,
            position: Position { line: 3, column: 7 },
            message: message.to_string(),
            help: Some("do <this>".to_string()),
        }
    }

    #[test]
    fn input_errors_are_errors_or_skipped_in_the_suite_of_their_directory() {
        let outcome = Outcome {
            errors: vec![
                error(InputErrorKind::Configuration, "", "bad --max-key-admins"),
                error(InputErrorKind::Skipped, "envs/x/link.tf", "outside"),
                error(InputErrorKind::Syntax, "envs/y/main.tf", "a < b"),
            ],
            ..Outcome::default()
        };
        let mut out = Vec::new();
        write(&outcome, &ReportOptions::default(), &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.contains("<testsuites name=\"kmslint\" tests=\"3\" failures=\"0\" errors=\"2\">"),
            "{out}"
        );
        assert!(
            out.contains("<testsuite name=\"envs/x\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"1\">\n    <testcase name=\"input\" classname=\"envs/x\">\n      <skipped type=\"skipped\" message=\"envs/x/link.tf:3:7: outside (help: do &lt;this&gt;)\">"),
            "{out}"
        );
        assert!(
            out.contains("<error type=\"input::syntax\" message=\"envs/y/main.tf:3:7: a &lt; b (help: do &lt;this&gt;)\">"),
            "{out}"
        );
        // A command-line value has no directory: its suite is kmslint's.
        assert!(
            out.contains(
                "<testsuite name=\"kmslint\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">"
            ),
            "{out}"
        );
        // No module was analysed: no rule is a test case.
        assert!(!out.contains("KMS0"), "{out}");
    }
}
