//! Test support: runs annotated fixture folders and compares findings with their markers.
//!
//! A line that must produce a finding carries `# expect: KMS002` (optionally followed by a quoted
//! message substring), or a comment `# expect(+N): KMS002` N lines above it where the line cannot
//! hold a comment (JSON in a heredoc), or `# expect@FILE:LINE: KMS002` for a file that cannot hold
//! comments at all (a JSON template, a `.tf.json` file; FILE is relative to the marker's file,
//! by convention an `expect.txt` beside it, which kmslint does not read). `input-error` in
//! place of a rule id expects an input error (with its message substring). Every other line must
//! stay clean. Markers are read from every file under the folder, and the folder is scanned as
//! the user would scan it.

use std::collections::BTreeMap;
use std::path::Path;

use crate::config::Settings;

/// One expectation: rule id (or `input-error`), message substring, column.
pub(crate) type Expectation = (String, Option<String>, Option<usize>);

/// Expectations by (path relative to the folder, line).
pub(crate) type Markers = BTreeMap<(String, usize), Vec<Expectation>>;

pub(crate) fn markers(dir: &Path) -> Markers {
    let mut out = BTreeMap::new();
    collect(dir, dir, &mut out);
    out
}

fn collect(root: &Path, dir: &Path, out: &mut Markers) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(root, &path, out);
            continue;
        }
        let name = crate::source::display_path(&path, root);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            let Some(pos) = line.find("expect") else {
                continue;
            };
            let rest = &line[pos + "expect".len()..];
            let mut target = (name.clone(), i + 1);
            let mut column = None;
            let spec = if let Some(r) = rest.strip_prefix(": ") {
                r
            } else if let Some(r) = rest.strip_prefix("(+") {
                let Some((n, r)) = r.split_once("): ") else {
                    continue;
                };
                target.1 += n.parse::<usize>().unwrap();
                r
            } else if let Some(r) = rest.strip_prefix('@') {
                let Some((place, r)) = r.split_once(": ") else {
                    continue;
                };
                // FILE:LINE or FILE:LINE:COLUMN (a one-line plan needs the column).
                let mut parts = place.rsplitn(3, ':');
                let (a, b, c) = (parts.next().unwrap(), parts.next().unwrap(), parts.next());
                let (file, line) = match c {
                    Some(file) => {
                        column = Some(a.parse().unwrap());
                        (file, b)
                    }
                    None => (b, a),
                };
                let other = path.parent().unwrap().join(file);
                target = (
                    crate::source::display_path(&other, root),
                    line.parse().unwrap(),
                );
                r
            } else {
                continue;
            };
            let spec = spec.trim();
            let (id, msg) = match spec.split_once(' ') {
                Some((id, rest)) => (id, Some(rest.trim().trim_matches('"').to_string())),
                None => (spec, None),
            };
            out.entry(target)
                .or_default()
                .push((id.to_string(), msg, column));
        }
    }
}

/// Scans `dir` and returns one line per mismatch between findings and markers.
pub(crate) fn run(dir: &Path, settings: &Settings) -> Vec<String> {
    let mut expected = markers(dir);
    let outcome = crate::check(std::slice::from_ref(&dir.to_path_buf()), dir, settings);
    let mut failures = Vec::new();
    let reported = outcome
        .errors
        .iter()
        .map(|e| {
            (
                e.path.clone(),
                e.position.line,
                e.position.column,
                "input-error",
                e.message.clone(),
            )
        })
        .chain(outcome.findings.iter().map(|f| {
            let file = outcome.sources.get(f.primary.file).unwrap();
            let p = file.position(f.primary.span.start);
            (
                file.display.clone(),
                p.line,
                p.column,
                f.rule.id,
                f.message.clone(),
            )
        }));
    for (path, line, column, id, message) in reported {
        let key = (path, line);
        let slot = expected.get_mut(&key).and_then(|v| {
            v.iter()
                .position(|(want, msg, col)| {
                    want == id
                        && msg.as_ref().is_none_or(|m| message.contains(m.as_str()))
                        && col.is_none_or(|c| c == column)
                })
                .map(|i| v.remove(i))
        });
        if slot.is_none() {
            failures.push(format!(
                "{}:{line}:{column}: unexpected {id} \"{message}\"",
                key.0
            ));
        }
    }
    for ((file, line), left) in expected {
        for (id, msg, _) in left {
            let what = msg.map_or(String::new(), |m| format!(" \"{m}\""));
            failures.push(format!("{file}:{line}: expected {id}{what}, got nothing"));
        }
    }
    failures
}

/// Runs every case folder under `testdata/NAME/`, each scanned with the rules its `.rules` file
/// lists and the `kmslint.toml` it holds, and returns the mismatches.
pub(crate) fn run_cases(name: &str) -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name);
    let mut cases: Vec<std::path::PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    let mut failures = Vec::new();
    for case in cases {
        let rules = std::fs::read_to_string(case.join(".rules")).unwrap();
        let file =
            crate::config::file::options_for(std::slice::from_ref(&case), &case, None).unwrap();
        let settings = Settings::resolve(file.merge(crate::config::Options {
            select: Some(rules.split_whitespace().map(str::to_string).collect()),
            ..crate::config::Options::default()
        }))
        .unwrap();
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        failures.extend(
            crate::fixtures::run(&case, &settings)
                .into_iter()
                .map(|f| format!("{name}/{f}")),
        );
    }
    failures
}
