//! The SARIF report, validated as GitHub code scanning will read it.
//!
//! Runs the built `kmslint` on `testdata/examples` (findings, possibly an unreadable file) and on a
//! clean module, then checks each report three ways:
//!
//! 1. against the SARIF 2.1.0 JSON schema with `check-jsonschema`;
//! 2. with the SARIF Multitool's SARIF and GitHub (GHAS) ingestion rules, GH1001–GH1007 enabled;
//! 3. with GitHub's documented limits and field shapes, checked here in Rust (a port of
//!    `gh-sarif-lint.jq`: what neither the schema nor the multitool enforces).
//!
//! 1 and 2 need external tools, found through `KMSLINT_CHECK_JSONSCHEMA`, `KMSLINT_SARIF_SCHEMA`,
//! `KMSLINT_SARIF_MULTITOOL` and `KMSLINT_SARIF_GH_CONFIG` (default `.ci/gh-strict.xml`); `.ci/run`
//! installs them and sets these. Without them the checks are skipped with a note, unless
//! `KMSLINT_REQUIRE_VALIDATORS=1`, which makes a missing tool a failure. 3 always runs.

// clippy.toml's allow-*-in-tests covers `#[test]` functions only, not the helpers they share.
#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "a test: a failed step is a failed test"
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `kmslint --format sarif --output OUT [ARGS...] TARGET` in `cwd`.
fn kmslint_sarif(cwd: &Path, args: &[&str], target: &str, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kmslint"))
        .current_dir(cwd)
        .args(["--format", "sarif", "--output"])
        .arg(out)
        .args(args)
        .arg(target)
        .output()
        .expect("run kmslint")
}

fn describe(output: &Output) -> String {
    format!(
        "{}\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{} was not written: {e}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}\n{text}", path.display()))
}

/// A note on the real stderr: the test harness captures `eprintln!`, but not direct writes.
fn note(text: &str) {
    let _ = writeln!(std::io::stderr(), "note: {text}");
}

#[test]
fn examples_report_is_valid_sarif_for_github() {
    let examples = repo_root().join("testdata/examples");
    assert!(
        examples.is_dir(),
        "{} is missing: the SARIF validation needs the example modules",
        examples.display()
    );
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("out.sarif");
    let output = kmslint_sarif(repo_root(), &[], "testdata/examples", &out);
    let code = output.status.code();
    assert!(
        matches!(code, Some(1 | 2)),
        "the examples have findings: expected exit code 1 (or 2 with an unreadable file); {}",
        describe(&output)
    );
    let sarif = read_json(&out);

    validate(&sarif, &out, tmp.path());

    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert!(
        results.iter().any(|r| r["ruleId"] == "KMS002"),
        "expected a KMS002 finding in the examples; got rule ids {:?}",
        results.iter().map(|r| &r["ruleId"]).collect::<Vec<_>>()
    );

    // Input errors (exit code 2) are tool execution notifications and an unsuccessful run.
    let invocation = &sarif["runs"][0]["invocations"][0];
    let notifications = invocation["toolExecutionNotifications"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    if code == Some(2) {
        assert_eq!(
            invocation["executionSuccessful"], false,
            "exit code 2 (input errors) but executionSuccessful is not false"
        );
        assert!(
            !notifications.is_empty(),
            "exit code 2 (input errors) but no toolExecutionNotifications"
        );
        for n in notifications {
            assert_eq!(n["level"], "error", "input error notification: {n}");
            assert!(
                text_of(&n["message"]).is_some(),
                "input error notification without message.text: {n}"
            );
            assert!(
                n["locations"][0]["physicalLocation"]["region"]["startLine"].is_u64(),
                "input error notification without a file and line: {n}"
            );
        }
    } else {
        assert_eq!(
            invocation["executionSuccessful"], true,
            "exit code 1 (no input errors) but executionSuccessful is not true"
        );
    }
}

/// Fixes as SARIF carries them: `fixes[].artifactChanges[].replacements`, with the deleted
/// region as lines and columns and as character offset and length, for every kind of fix
/// (replaced, inserted and removed text; CRLF, BOM and non-ASCII files).
#[test]
fn fixes_report_is_valid_sarif() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("out.sarif");
    let output = kmslint_sarif(repo_root(), &[], "testdata/fix", &out);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let sarif = read_json(&out);

    validate(&sarif, &out, tmp.path());

    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let replacements: Vec<&Value> = results
        .iter()
        .filter_map(|r| r["fixes"].as_array())
        .flatten()
        .flat_map(|f| f["artifactChanges"].as_array().into_iter().flatten())
        .flat_map(|c| c["replacements"].as_array().into_iter().flatten())
        .collect();
    assert!(
        replacements.len() > 20,
        "{} replacements",
        replacements.len()
    );
    let insertion = replacements
        .iter()
        .any(|r| r["deletedRegion"]["charLength"] == 0 && r["insertedContent"]["text"] != "");
    let deletion = replacements
        .iter()
        .any(|r| r["deletedRegion"]["charLength"] != 0 && r["insertedContent"]["text"] == "");
    assert!(
        insertion && deletion,
        "insertions and deletions are both carried"
    );
}

#[test]
fn clean_module_report_has_empty_results() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let module = tmp.path().join("module");
    std::fs::create_dir(&module).expect("create module dir");
    std::fs::write(
        module.join("main.tf"),
        "resource \"aws_kms_key\" \"ok\" {\n  enable_key_rotation = true\n}\n",
    )
    .expect("write main.tf");
    let out = tmp.path().join("out.sarif");
    // Only the rule this key is written to satisfy: other rules (KMS012 wants an explicit key
    // policy) would fire on it, and which rules fire where is the fixtures' business. Here it is
    // the shape of a report without findings; `rules` still lists every rule.
    let output = kmslint_sarif(&module, &["--select", "KMS002"], ".", &out);
    assert_eq!(
        output.status.code(),
        Some(0),
        "a key with rotation enabled, KMS002 only: expected exit code 0; {}",
        describe(&output)
    );
    let sarif = read_json(&out);

    validate(&sarif, &out, tmp.path());

    assert_eq!(
        sarif["runs"][0]["results"],
        serde_json::json!([]),
        "a clean run must still have `results: []`"
    );
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
}

#[test]
fn configuration_error_and_suppressed_reports_are_valid_sarif() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let module = tmp.path().join("module");
    std::fs::create_dir(&module).expect("create module dir");
    std::fs::write(
        module.join("main.tf"),
        "resource \"aws_kms_key\" \"a\" {\n  enable_key_rotation = false # kmslint:ignore KMS002 -- reviewed\n}\n\n# checkov:skip=CKV_AWS_7:handled elsewhere\nresource \"aws_kms_key\" \"b\" {\n  enable_key_rotation = false\n}\n",
    )
    .expect("write main.tf");
    let out = tmp.path().join("suppressed.sarif");
    let output = kmslint_sarif(
        &module,
        &["--select", "KMS002", "--show-suppressed"],
        ".",
        &out,
    );
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let sarif = read_json(&out);
    validate(&sarif, &out, tmp.path());
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 2, "{sarif}");
    assert!(
        results
            .iter()
            .all(|r| r["suppressions"][0]["kind"] == "inSource")
    );

    std::fs::write(module.join("kmslint.toml"), "select = [\"KMS999\"]\n").expect("write toml");
    let out = tmp.path().join("config.sarif");
    let output = kmslint_sarif(&module, &[], ".", &out);
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    let sarif = read_json(&out);
    validate(&sarif, &out, tmp.path());
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let n = &invocation["toolExecutionNotifications"][0];
    assert_eq!(n["level"], "error", "{n}");
    assert_eq!(
        n["locations"][0]["physicalLocation"]["region"]["startLine"], 1,
        "{n}"
    );
}

/// Findings that point at entries of a `kmslint.toml` found above the scanned directory (the
/// required aliases) locate it relative to the repository root, as the Terraform files, with no
/// `file://` URI (GitHub rejects a log holding one).
#[test]
fn configuration_entries_found_from_a_subdirectory_are_repository_relative() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let repo = tmp.path();
    std::fs::create_dir(repo.join(".git")).expect("git dir");
    std::fs::write(
        repo.join("kmslint.toml"),
        "required-aliases = [\"alias/payments\"]\n",
    )
    .expect("write toml");
    let dev = repo.join("envs/dev");
    std::fs::create_dir_all(&dev).expect("dirs");
    std::fs::write(
        dev.join("main.tf"),
        "resource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = false\n}\n",
    )
    .expect("write tf");
    let out = tmp.path().join("config-entries.sarif");
    let output = kmslint_sarif(&dev, &["--fail-level", "none"], ".", &out);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let sarif = read_json(&out);
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let uri_of = |id: &str| {
        results
            .iter()
            .find(|r| r["ruleId"] == id)
            .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].clone())
    };
    assert_eq!(
        uri_of("KMS010"),
        Some(Value::from("kmslint.toml")),
        "{sarif}"
    );
    assert_eq!(
        uri_of("KMS002"),
        Some(Value::from("envs/dev/main.tf")),
        "{sarif}"
    );
    assert!(!sarif.to_string().contains("file:"), "{sarif}");
    assert!(github_lint(&sarif).errors.is_empty(), "{sarif}");
}

/// All three checks on one report; `work` is a scratch directory for the multitool's log.
fn validate(sarif: &Value, file: &Path, work: &Path) {
    let problems = github_lint(sarif);
    for warning in &problems.warnings {
        note(&format!("{}: {warning}", file.display()));
    }
    assert!(
        problems.errors.is_empty(),
        "{} breaks GitHub code scanning rules:\n  {}",
        file.display(),
        problems.errors.join("\n  ")
    );
    if let Some(tools) = Validators::from_env() {
        tools.check_jsonschema(file);
        tools.multitool(file, work);
    }
}

// ---------------------------------------------------------------------------------------------
// External validators
// ---------------------------------------------------------------------------------------------

struct Validators {
    check_jsonschema: PathBuf,
    schema: PathBuf,
    multitool: PathBuf,
    gh_config: PathBuf,
}

impl Validators {
    /// The validators named by the environment, if they all exist.
    fn from_env() -> Option<Self> {
        let required = std::env::var("KMSLINT_REQUIRE_VALIDATORS").is_ok_and(|v| v == "1");
        let mut missing = Vec::new();
        let mut file = |var: &str, default: Option<PathBuf>| {
            let path = std::env::var_os(var)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .or(default);
            match path {
                Some(p) if p.is_file() => Some(p),
                Some(p) => {
                    missing.push(format!("{var}={} (no such file)", p.display()));
                    None
                }
                None => {
                    missing.push(format!("{var} (not set)"));
                    None
                }
            }
        };
        let check_jsonschema = file("KMSLINT_CHECK_JSONSCHEMA", None);
        let schema = file("KMSLINT_SARIF_SCHEMA", None);
        let multitool = file("KMSLINT_SARIF_MULTITOOL", None);
        let gh_config = file(
            "KMSLINT_SARIF_GH_CONFIG",
            Some(repo_root().join(".ci/gh-strict.xml")),
        );
        if let (Some(check_jsonschema), Some(schema), Some(multitool), Some(gh_config)) =
            (check_jsonschema, schema, multitool, gh_config)
        {
            return Some(Self {
                check_jsonschema,
                schema,
                multitool,
                gh_config,
            });
        }
        assert!(
            !required,
            "KMSLINT_REQUIRE_VALIDATORS=1 but the SARIF validators are missing: {}\n\
             (.ci/run installs them and sets these variables)",
            missing.join(", ")
        );
        note(&format!(
            "skipping the SARIF schema and multitool checks ({}); run .ci/run for them",
            missing.join(", ")
        ));
        None
    }

    /// The SARIF 2.1.0 JSON schema (the copy shipped with the multitool).
    fn check_jsonschema(&self, file: &Path) {
        let output = Command::new(&self.check_jsonschema)
            .arg("--schemafile")
            .arg(&self.schema)
            .arg(file)
            .output()
            .expect("run check-jsonschema");
        assert!(
            output.status.success(),
            "check-jsonschema rejects {}: {}",
            file.display(),
            describe(&output)
        );
    }

    /// `Sarif.Multitool validate` with the SARIF and GitHub rules. It exits 0 whatever it finds,
    /// so its own SARIF log is read for error-level results.
    fn multitool(&self, file: &Path, work: &Path) {
        let log = work.join("mt.sarif");
        let mut command = Command::new(&self.multitool);
        command
            .arg("validate")
            .arg(file)
            .args(["--rule-kind", "Sarif;Ghas", "--config"])
            .arg(&self.gh_config)
            .args(["--level", "Error;Warning", "--output"])
            .arg(&log)
            .args(["--log", "ForceOverwrite"]);
        // A self-contained .NET program: without libicu it only starts in invariant mode.
        if std::env::var_os("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT").is_none() {
            command.env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1");
        }
        let output = command.output().expect("run Sarif.Multitool");
        assert!(
            output.status.success(),
            "Sarif.Multitool failed to run on {}: {}",
            file.display(),
            describe(&output)
        );
        let report = read_json(&log);
        let mut errors = Vec::new();
        for run in report["runs"].as_array().into_iter().flatten() {
            let rules = &run["tool"]["driver"]["rules"];
            for result in run["results"].as_array().into_iter().flatten() {
                // SARIF's default level is "warning".
                let level = result["level"].as_str().unwrap_or("warning");
                let line = format!(
                    "{level} {}: {}",
                    result["ruleId"].as_str().unwrap_or("?"),
                    multitool_message(result, rules)
                );
                if level == "error" {
                    errors.push(line);
                } else {
                    note(&format!("Sarif.Multitool on {}: {line}", file.display()));
                }
            }
        }
        assert!(
            errors.is_empty(),
            "Sarif.Multitool finds errors in {}:\n  {}",
            file.display(),
            errors.join("\n  ")
        );
    }
}

/// A multitool result's message: its text, or its rule's message string with the arguments filled in.
fn multitool_message(result: &Value, rules: &Value) -> String {
    if let Some(text) = text_of(&result["message"]) {
        return text.to_string();
    }
    let id = result["message"]["id"].as_str().unwrap_or_default();
    let arguments: Vec<&str> = result["message"]["arguments"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let rule = rules
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["id"] == result["ruleId"]);
    match rule.and_then(|r| r["messageStrings"][id]["text"].as_str()) {
        Some(template) => arguments
            .iter()
            .enumerate()
            .fold(template.to_string(), |text, (i, arg)| {
                text.replace(&format!("{{{i}}}"), arg)
            }),
        None => format!("{id} {arguments:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// GitHub code scanning limits and field shapes (docs.github.com, "SARIF support for code
// scanning"); a port of research/sarif/gh-sarif-lint.jq, stricter where kmslint's design is.
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct Problems {
    errors: Vec<String>,
    warnings: Vec<String>,
}

/// A non-empty `text` member.
fn text_of(v: &Value) -> Option<&str> {
    v["text"].as_str().filter(|t| !t.is_empty())
}

fn len(v: &Value) -> usize {
    v.as_array().map_or(0, Vec::len)
}

fn chars(v: &Value) -> usize {
    v.as_str().map_or(0, |s| s.chars().count())
}

/// `security-severity` must be a string holding a plain decimal number.
fn is_numeric_string(s: &str) -> bool {
    let (whole, fraction) = s.split_once('.').unwrap_or((s, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

fn github_lint(log: &Value) -> Problems {
    let mut p = Problems::default();
    let mut err = |m: String| p.errors.push(m);
    let mut warnings = Vec::new();

    if log["version"] != "2.1.0" {
        err(format!("version must be \"2.1.0\", got {}", log["version"]));
    }
    if log["$schema"].as_str().is_none_or(str::is_empty) {
        err("$schema missing".into());
    }
    let Some(runs) = log["runs"].as_array() else {
        err("runs array missing".into());
        return p;
    };
    if runs.is_empty() {
        err("no runs".into());
    }
    if runs.len() > 20 {
        err("more than 20 runs".into());
    }
    for (ri, run) in runs.iter().enumerate() {
        let rules = run["tool"]["driver"]["rules"].as_array();
        if rules.is_none() {
            err(format!("runs[{ri}].tool.driver.rules missing (GH1018)"));
        }
        let rules = rules.map_or(&[][..], Vec::as_slice);
        if rules.len() > 25_000 {
            err(format!("runs[{ri}]: more than 25000 rules"));
        }
        if !run["results"].is_array() {
            err(format!(
                "runs[{ri}].results array missing (upload-sarif rejects the file)"
            ));
        }
        let results = run["results"].as_array().map_or(&[][..], Vec::as_slice);
        if results.len() > 25_000 {
            err(format!("runs[{ri}]: more than 25000 results"));
        } else if results.len() > 5_000 {
            warnings.push(format!(
                "runs[{ri}]: more than 5000 results (only the top 5000 are kept)"
            ));
        }
        if len(&run["tool"]["extensions"]) > 100 {
            err(format!("runs[{ri}]: more than 100 tool extensions"));
        }
        // The upload's `category` sets it; one in the file overrides the category.
        if !run["automationDetails"].is_null() {
            err(format!(
                "runs[{ri}].automationDetails is set; it overrides upload-sarif's category"
            ));
        }

        for (k, rule) in rules.iter().enumerate() {
            let id = rule["id"].as_str().unwrap_or_default();
            let at = format!("runs[{ri}] rule[{k}] {id}");
            if id.is_empty() {
                err(format!("{at}: id missing"));
            }
            for field in ["shortDescription", "fullDescription"] {
                if text_of(&rule[field]).is_none() {
                    err(format!("{at}: {field}.text missing"));
                }
                let n = chars(&rule[field]["text"]);
                if n > 1024 {
                    err(format!(
                        "{at}: {field}.text has {n} characters (limit 1024)"
                    ));
                }
            }
            if text_of(&rule["help"]).is_none() {
                err(format!("{at}: help.text missing"));
            }
            if chars(&rule["name"]) > 255 {
                err(format!("{at}: name longer than 255 characters"));
            }
            let properties = &rule["properties"];
            let tags: Vec<&str> = properties["tags"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if tags.len() > 20 {
                err(format!("{at}: {} tags (limit 20)", tags.len()));
            } else if tags.len() > 10 {
                warnings.push(format!("{at}: {} tags (only 10 are shown)", tags.len()));
            }
            let severity = &properties["security-severity"];
            if !severity.is_null() {
                match severity.as_str() {
                    Some(s) if is_numeric_string(s) => {
                        let value: f64 = s.parse().unwrap_or(0.0);
                        if !(value > 0.0 && value <= 10.0) {
                            err(format!(
                                "{at}: security-severity {s} is outside (0, 10] (no severity shown)"
                            ));
                        }
                        if !tags.contains(&"security") {
                            err(format!(
                                "{at}: security-severity without the \"security\" tag is ignored"
                            ));
                        }
                    }
                    _ => err(format!(
                        "{at}: security-severity must be a numeric string, got {severity}"
                    )),
                }
            }
            let precision = &properties["precision"];
            if !precision.is_null()
                && !["very-high", "high", "medium", "low"]
                    .iter()
                    .any(|v| precision == v)
            {
                err(format!(
                    "{at}: precision must be very-high|high|medium|low, got {precision}"
                ));
            }
            let problem_severity = &properties["problem.severity"];
            if !problem_severity.is_null()
                && !["error", "warning", "recommendation"]
                    .iter()
                    .any(|v| problem_severity == v)
            {
                err(format!(
                    "{at}: problem.severity must be error|warning|recommendation, got {problem_severity}"
                ));
            }
        }

        for (k, result) in results.iter().enumerate() {
            let at = format!("runs[{ri}].results[{k}]");
            if text_of(&result["message"]).is_none() {
                err(format!("{at}: message.text missing (GH1007)"));
            }
            match result["ruleId"].as_str() {
                None => err(format!("{at}: ruleId missing")),
                Some(id) => {
                    if !rules.iter().any(|r| r["id"] == id) {
                        err(format!("{at}: ruleId {id} is not in tool.driver.rules"));
                    }
                    let index = &result["ruleIndex"];
                    if !index.is_null() {
                        let points_at = index
                            .as_u64()
                            .and_then(|i| usize::try_from(i).ok())
                            .and_then(|i| rules.get(i))
                            .map(|r| &r["id"]);
                        if points_at.is_none_or(|r| r != id) {
                            err(format!(
                                "{at}: ruleIndex {index} does not point at rule {id} (it is {})",
                                points_at.unwrap_or(&Value::Null)
                            ));
                        }
                    }
                }
            }
            let n = len(&result["locations"]);
            if n == 0 {
                err(format!("{at}: no locations (GitHub does not display it)"));
            } else if n > 10 {
                err(format!(
                    "{at}: {n} locations (GitHub uses the first only; above 1000 it rejects the file)"
                ));
            }
            // upload-sarif computes its own and warns when a tool's differs.
            if !result["partialFingerprints"]["primaryLocationLineHash"].is_null() {
                err(format!(
                    "{at}: partialFingerprints.primaryLocationLineHash set by the tool"
                ));
            }
            for key in ["locations", "relatedLocations"] {
                for (i, location) in result[key].as_array().into_iter().flatten().enumerate() {
                    check_location(&format!("{at}.{key}[{i}]"), location, &mut err);
                }
            }
        }

        for (i, invocation) in run["invocations"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            for field in [
                "toolExecutionNotifications",
                "toolConfigurationNotifications",
            ] {
                for (j, n) in invocation[field]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    let at = format!("runs[{ri}].invocations[{i}].{field}[{j}]");
                    if text_of(&n["message"]).is_none() {
                        err(format!("{at}: message.text missing"));
                    }
                    for (l, location) in n["locations"].as_array().into_iter().flatten().enumerate()
                    {
                        check_location(&format!("{at}.locations[{l}]"), location, &mut err);
                    }
                }
            }
        }
    }
    p.warnings = warnings;
    p
}

/// A physical location GitHub can show: a repository-relative `/` path and a valid line range.
fn check_location(at: &str, location: &Value, err: &mut impl FnMut(String)) {
    let physical = &location["physicalLocation"];
    match physical["artifactLocation"]["uri"].as_str() {
        None | Some("") => err(format!("{at}: artifactLocation.uri missing")),
        Some(uri) => {
            let has_scheme = uri.split_once(':').is_some_and(|(scheme, _)| {
                scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
            });
            if has_scheme || uri.starts_with('/') {
                err(format!(
                    "{at}: uri {uri} is absolute; it must be relative to the repository root"
                ));
            }
            if uri.contains('\\') {
                err(format!("{at}: uri {uri} must use / separators"));
            }
            if uri
                .split('/')
                .any(|segment| segment == "." || segment == "..")
            {
                err(format!(
                    "{at}: uri {uri} must be repository-relative without ./ or ../"
                ));
            }
        }
    }
    let region = &physical["region"];
    let Some(start_line) = region["startLine"].as_u64() else {
        err(format!("{at}: region.startLine missing"));
        return;
    };
    if start_line < 1 {
        err(format!(
            "{at}: region.startLine is {start_line} (lines start at 1)"
        ));
    }
    let end_line = region["endLine"].as_u64().unwrap_or(start_line);
    if end_line < start_line {
        err(format!(
            "{at}: region.endLine {end_line} < startLine {start_line}"
        ));
    }
    let columns = (region["startColumn"].as_u64(), region["endColumn"].as_u64());
    if let (Some(start), Some(end)) = columns {
        if end_line == start_line && end < start {
            err(format!(
                "{at}: region.endColumn {end} < startColumn {start} on one line"
            ));
        }
    }
}

// The lint itself must catch what it claims to: a few broken reports.
#[test]
fn github_lint_catches_broken_reports() {
    let good = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "kmslint", "rules": [{
                "id": "KMS002",
                "shortDescription": { "text": "s" },
                "fullDescription": { "text": "f" },
                "help": { "text": "h" },
                "properties": { "tags": ["security"], "precision": "high", "security-severity": "5.0" }
            }]}},
            "results": [{
                "ruleId": "KMS002", "ruleIndex": 0, "message": { "text": "m" },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": "m/main.tf" },
                    "region": { "startLine": 2, "startColumn": 3, "endLine": 2, "endColumn": 9 }
                }}]
            }]
        }]
    });
    let lint = github_lint(&good);
    assert!(lint.errors.is_empty(), "{:?}", lint.errors);

    let broken = |pointer: &str, value: Value| {
        let mut log = good.clone();
        *log.pointer_mut(pointer).expect(pointer) = value;
        github_lint(&log).errors
    };
    let rule = "/runs/0/tool/driver/rules/0";
    let result = "/runs/0/results/0";
    let physical = "/runs/0/results/0/locations/0/physicalLocation";
    let cases = [
        ("/version".to_string(), serde_json::json!("2.0.0")),
        ("/$schema".to_string(), serde_json::json!("")),
        (
            format!("{rule}/properties/security-severity"),
            serde_json::json!(5.0),
        ),
        (
            format!("{rule}/properties/security-severity"),
            serde_json::json!("11"),
        ),
        (
            format!("{rule}/properties/security-severity"),
            serde_json::json!("high"),
        ),
        (
            format!("{rule}/properties/tags"),
            serde_json::json!(["kms"]),
        ),
        (
            format!("{rule}/properties/precision"),
            serde_json::json!("exact"),
        ),
        (
            format!("{rule}/fullDescription/text"),
            Value::String("x".repeat(1025)),
        ),
        (
            format!("{rule}/help"),
            serde_json::json!({ "markdown": "h" }),
        ),
        (format!("{result}/ruleIndex"), serde_json::json!(1)),
        (format!("{result}/ruleId"), serde_json::json!("KMS999")),
        (
            format!("{result}/message"),
            serde_json::json!({ "id": "default" }),
        ),
        (format!("{result}/locations"), serde_json::json!([])),
        (
            format!("{physical}/artifactLocation/uri"),
            serde_json::json!("/abs/main.tf"),
        ),
        (
            format!("{physical}/artifactLocation/uri"),
            serde_json::json!("./main.tf"),
        ),
        (
            format!("{physical}/artifactLocation/uri"),
            serde_json::json!("../main.tf"),
        ),
        (
            format!("{physical}/artifactLocation/uri"),
            serde_json::json!("file:///main.tf"),
        ),
        (
            format!("{physical}/artifactLocation/uri"),
            serde_json::json!("m\\main.tf"),
        ),
        (format!("{physical}/region/startLine"), serde_json::json!(0)),
        (format!("{physical}/region/endLine"), serde_json::json!(1)),
        ("/runs/0/results".to_string(), Value::Null),
    ];
    for (pointer, value) in cases {
        assert!(
            !broken(&pointer, value.clone()).is_empty(),
            "not caught: {pointer} = {value}"
        );
    }
    let mut with_hash = good.clone();
    with_hash["runs"][0]["results"][0]["partialFingerprints"] =
        serde_json::json!({ "primaryLocationLineHash": "abc:1" });
    assert!(!github_lint(&with_hash).errors.is_empty());
    let mut with_automation = good.clone();
    with_automation["runs"][0]["automationDetails"] = serde_json::json!({ "id": "x/" });
    assert!(!github_lint(&with_automation).errors.is_empty());
}
