"""Offline tests of the kmslint GitHub Action (action.yml and .github/action/).

Usage: action-test.py KMSLINT_BINARY

Runs the action's steps through action_sim.py (a simulated runner: GITHUB_OUTPUT,
GITHUB_STEP_SUMMARY, GITHUB_ACTION_PATH, RUNNER_OS/ARCH/TEMP) against the fixtures in
testdata/action/, installing kmslint from a release built by .ci/package.sh out of
KMSLINT_BINARY and served from a directory (KMSLINT_RELEASE_URL=file://...). `cargo` is replaced
by a stub that records its arguments, so the build-from-source fallback is checked without a
build. Asserts the step outputs, the job summary, the exit status with and without soft-fail, and
that every SARIF report the action writes passes the validators .ci/run installs
(KMSLINT_CHECK_JSONSCHEMA with KMSLINT_SARIF_SCHEMA, KMSLINT_SARIF_MULTITOOL with
KMSLINT_SARIF_GH_CONFIG).
"""

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from action_sim import run_action  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(REPO, ".github", "action", "run.sh")


def cargo_version():
    with open(os.path.join(REPO, "Cargo.toml"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("version = "):
                return line.split('"')[1]
    raise RuntimeError("no version in Cargo.toml")


VERSION = cargo_version()
HOST_ARCH = {"x86_64": "X64", "amd64": "X64", "aarch64": "ARM64", "arm64": "ARM64"}.get(
    platform.machine().lower(), "X64"
)
HOST_TARGET = {"X64": "x86_64-unknown-linux-musl", "ARM64": "aarch64-unknown-linux-musl"}[HOST_ARCH]

STUB_CARGO = """#!/usr/bin/env bash
# Stands in for cargo: records the call, "installs" the test binary into --root.
set -euo pipefail
printf '%s\\n' "$*" >>"$STUB_CARGO_LOG"
root=""
while [ $# -gt 0 ]; do
  if [ "$1" = --root ]; then root="$2"; fi
  shift
done
mkdir -p "$root/bin"
cp "$KMSLINT_TEST_BINARY" "$root/bin/kmslint"
"""


class Checks:
    def __init__(self):
        self.failures = []
        self.passed = 0

    def that(self, condition, what, detail=""):
        if condition:
            self.passed += 1
        else:
            self.failures.append(f"{what}\n{detail}".rstrip())

    def equal(self, got, want, what, detail=""):
        self.that(got == want, f"{what}: expected {want!r}, got {got!r}", detail)

    def contains(self, text, part, what, detail=None):
        self.that(part in text, f"{what}: {part!r} not found", text if detail is None else detail)


class Harness:
    def __init__(self, binary, work):
        self.binary = binary
        self.work = work
        self.releases = os.path.join(work, "releases")
        self.stub_dir = os.path.join(work, "stub-bin")
        self.cargo_log = os.path.join(work, "cargo.log")
        os.makedirs(self.stub_dir)
        with open(os.path.join(self.stub_dir, "cargo"), "w", encoding="utf-8") as f:
            f.write(STUB_CARGO)
        os.chmod(os.path.join(self.stub_dir, "cargo"), 0o755)
        # The release as release.yml builds it, for the targets these tests pretend to run on;
        # every archive holds this machine's binary, so each can be run after the install. A
        # debug build is ~100 MB, mostly debug info, which only slows packing and unpacking.
        packed = os.path.join(work, "kmslint")
        shutil.copy2(binary, packed)
        if shutil.which("strip"):
            subprocess.run(["strip", "--strip-debug", packed], check=False)
        for target in (HOST_TARGET, "aarch64-apple-darwin", "x86_64-pc-windows-msvc"):
            subprocess.run(
                ["bash", os.path.join(REPO, ".ci", "package.sh"), target, packed,
                 os.path.join(self.releases, f"v{VERSION}")],
                check=True, stdout=subprocess.DEVNULL,
            )
        self.count = 0

    def run(self, inputs=None, env=None, runner_temp=None, setup=None):
        """Runs the action in a fresh workspace holding testdata/action/{bad,clean}; `setup`,
        if given, is called with the workspace path first."""
        self.count += 1
        case = os.path.join(self.work, f"case{self.count}")
        workspace = os.path.join(case, "ws")
        os.makedirs(workspace)
        for name in ("bad", "clean"):
            shutil.copytree(os.path.join(REPO, "testdata", "action", name),
                            os.path.join(workspace, name))
        if setup:
            setup(workspace)
        runner_temp = runner_temp or os.path.join(case, "runner-temp")
        os.makedirs(runner_temp, exist_ok=True)
        if os.path.exists(self.cargo_log):
            os.remove(self.cargo_log)
        full_env = {
            "PATH": self.stub_dir + os.pathsep + os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", case),
            "LANG": "C.UTF-8",
            "RUNNER_OS": "Linux",
            "RUNNER_ARCH": HOST_ARCH,
            "KMSLINT_RELEASE_URL": "file://" + self.releases,
            "STUB_CARGO_LOG": self.cargo_log,
            "KMSLINT_TEST_BINARY": self.binary,
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_REPOSITORY": "example/infra",
            "GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567",
        }
        full_env.update(env or {})
        run = run_action(REPO, workspace, inputs or {}, full_env, runner_temp)
        run.workspace = workspace
        run.runner_temp = runner_temp
        run.cargo_calls = []
        if os.path.exists(self.cargo_log):
            with open(self.cargo_log, encoding="utf-8") as f:
                run.cargo_calls = f.read().splitlines()
        return run


def validate_sarif(check, path, what):
    """The validators .ci/run installs; all are required."""
    jsonschema = os.environ.get("KMSLINT_CHECK_JSONSCHEMA")
    schema = os.environ.get("KMSLINT_SARIF_SCHEMA")
    multitool = os.environ.get("KMSLINT_SARIF_MULTITOOL")
    config = os.environ.get("KMSLINT_SARIF_GH_CONFIG", os.path.join(REPO, ".ci", "gh-strict.xml"))
    missing = [n for n, v in (("KMSLINT_CHECK_JSONSCHEMA", jsonschema), ("KMSLINT_SARIF_SCHEMA", schema),
                              ("KMSLINT_SARIF_MULTITOOL", multitool)) if not v or not os.path.isfile(v)]
    check.that(not missing, f"{what}: SARIF validators missing: {missing} (run .ci/run)")
    if missing:
        return
    proc = subprocess.run([jsonschema, "--schemafile", schema, path],
                          capture_output=True, text=True, check=False)
    check.equal(proc.returncode, 0, f"{what}: check-jsonschema", proc.stdout + proc.stderr)
    with tempfile.TemporaryDirectory() as scratch:
        log = os.path.join(scratch, "mt.sarif")
        env = dict(os.environ)
        env.setdefault("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        proc = subprocess.run(
            [multitool, "validate", path, "--rule-kind", "Sarif;Ghas", "--config", config,
             "--level", "Error;Warning", "--output", log, "--log", "ForceOverwrite"],
            capture_output=True, text=True, check=False, env=env,
        )
        check.equal(proc.returncode, 0, f"{what}: Sarif.Multitool ran", proc.stdout + proc.stderr)
        if proc.returncode == 0:
            with open(log, encoding="utf-8") as f:
                report = json.load(f)
            errors = [r.get("ruleId", "?") + " " + json.dumps(r.get("message", {}))
                      for run in report.get("runs", []) for r in run.get("results", [])
                      if r.get("level", "warning") == "error"]
            check.equal(errors, [], f"{what}: Sarif.Multitool errors")


def step_outcomes(run):
    return {s.id: s.outcome for s in run.steps}


# ---------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------


def test_action_metadata(check, h):
    with open(os.path.join(REPO, "action.yml"), encoding="utf-8") as f:
        text = f.read()
    with open(SCRIPT, encoding="utf-8") as f:
        script = f.read()
    import yaml

    action = yaml.safe_load(text)
    want = {"path", "config", "format", "sarif-file", "upload-sarif", "category", "fail-level",
            "soft-fail", "version", "map"}
    check.equal(set(action["inputs"]), want, "action inputs")
    check.equal(action["inputs"]["map"]["default"], "false", "map default")
    check.equal(action["inputs"]["upload-sarif"]["default"], "true", "upload-sarif default")
    check.that({"sarif-file", "findings"} <= set(action["outputs"]), "outputs sarif-file and findings")
    used = "".join(json.dumps(step.get("env", {})) + json.dumps(step.get("with", {}))
                   + str(step.get("if", "")) for step in action["runs"]["steps"])
    for name in want:
        check.contains(used, "inputs." + name, f"input {name} reaches a step")
    for step in action["runs"]["steps"]:
        for name, value in (step.get("env") or {}).items():
            if name.startswith(("INPUT_", "KMSLINT_")):
                check.contains(script, "${" + name, f"run.sh reads {name} (set by action.yml)", "")
        if "uses" in step:
            ref = step["uses"].split("@", 1)
            check.that(len(ref) == 2 and len(ref[1]) == 40 and all(c in "0123456789abcdef" for c in ref[1]),
                       f"{step['uses']} is pinned by a full commit SHA")
            check.contains(str(step.get("if", "")), "always()", "upload runs with always()")


def test_release_install(check, h):
    run = h.run({"path": "clean"})
    check.that(not run.failed, "release install: job succeeds", run.log)
    install = run.step("install")
    want_bin = os.path.join(run.runner_temp, "kmslint-action", VERSION, "bin", "kmslint")
    check.equal(install.outputs.get("bin"), want_bin, "release install: bin output", run.log)
    check.contains(install.log, f"kmslint-v{VERSION}-{HOST_TARGET}.tar.gz", "release install: asset name")
    check.contains(install.log, "verified", "release install: checksum verified")
    check.equal(run.cargo_calls, [], "release install: cargo not used")

    # The action used a second time in the same job reuses the install.
    again = h.run({"path": "clean"}, runner_temp=run.runner_temp)
    check.contains(again.step("install").log, "already installed", "second install is reused")

    for os_name, arch, target, exe in (("macOS", "ARM64", "aarch64-apple-darwin", "kmslint"),
                                       ("Windows", "X64", "x86_64-pc-windows-msvc", "kmslint.exe")):
        run = h.run({"path": "clean"}, env={"RUNNER_OS": os_name, "RUNNER_ARCH": arch})
        check.that(not run.failed, f"{os_name} install: job succeeds", run.log)
        check.that(run.step("install").outputs.get("bin", "").endswith("/bin/" + exe),
                   f"{os_name} install: {exe}", run.log)
        check.contains(run.step("install").log, target, f"{os_name} install: {target} asset")


def test_checksum_mismatch(check, h):
    bad = os.path.join(h.work, "bad-releases")
    shutil.copytree(h.releases, bad)
    sums = os.path.join(bad, f"v{VERSION}", f"kmslint-v{VERSION}-{HOST_TARGET}.tar.gz.sha256")
    with open(sums, "w", encoding="utf-8") as f:
        f.write("0" * 64 + "  kmslint.tar.gz\n")
    run = h.run({"path": "bad"}, env={"KMSLINT_RELEASE_URL": "file://" + bad})
    check.that(run.failed, "checksum mismatch fails the job")
    check.equal(run.step("install").outcome, "failure", "checksum mismatch: install fails")
    check.contains(run.step("install").log, "checksum mismatch", "checksum mismatch: message")
    check.equal(run.cargo_calls, [], "checksum mismatch: no fallback to cargo")
    check.equal(step_outcomes(run), {"install": "failure", "scan": "skipped", "__2": "skipped",
                                     "__3": "skipped", "map": "skipped"},
                "checksum mismatch: later steps skipped")


def test_cargo_fallbacks(check, h):
    empty = "file://" + os.path.join(h.work, "no-releases")
    run = h.run({"path": "clean"}, env={"KMSLINT_RELEASE_URL": empty})
    check.that(not run.failed, "no release: job succeeds through cargo", run.log)
    check.contains(run.step("install").log, "::notice", "no release: notice")
    check.equal(len(run.cargo_calls), 1, "no release: one cargo call", run.log)
    if run.cargo_calls:
        call = run.cargo_calls[0]
        check.that(call.startswith("install --locked --root ") and call.endswith(" --path " + REPO),
                   f"no release: cargo install --locked --path the action ({call})")

    run = h.run({"path": "clean", "version": "source"})
    check.that(not run.failed, "version source: job succeeds", run.log)
    check.that(len(run.cargo_calls) == 1 and run.cargo_calls[0].endswith("--path " + REPO),
               "version source: cargo install --path", "\n".join(run.cargo_calls))
    check.that("downloading" not in run.step("install").log, "version source: no download")

    run = h.run({"path": "clean"}, env={"RUNNER_ARCH": "ARM"})
    check.that(not run.failed and len(run.cargo_calls) == 1,
               "unsupported runner: builds with cargo", run.log)

    # Another version than the action's: from crates.io, and the installed one must say so.
    run = h.run({"path": "clean", "version": "v9.9.9"}, env={"KMSLINT_RELEASE_URL": empty})
    check.that(any("--version =9.9.9 kmslint" in c for c in run.cargo_calls),
               "other version: cargo install kmslint@=9.9.9", "\n".join(run.cargo_calls))
    check.that(run.failed, "other version: a binary reporting another version is rejected")
    check.contains(run.step("install").log, "expected kmslint 9.9.9", "other version: message")

    run = h.run({"path": "clean", "version": "latest"})
    check.that(run.failed, "version latest is rejected")
    check.contains(run.step("install").log, "exact version", "version latest: message")


def test_findings(check, h):
    run = h.run({"path": "bad"})
    check.that(run.failed, "findings fail the job")
    outcomes = step_outcomes(run)
    check.equal(outcomes, {"install": "success", "scan": "success", "__2": "success",
                           "__3": "failure", "map": "skipped"}, "findings: step outcomes", run.log)
    check.equal(run.outputs["sarif-file"], "kmslint.sarif", "findings: sarif-file output")
    check.equal(run.outputs["findings"], "2", "findings: findings output")
    check.equal(run.outputs["exit-code"], "1", "findings: exit-code output")
    upload = run.step("__2")
    check.that(upload.uses.startswith("github/codeql-action/upload-sarif@"), "upload-sarif used")
    check.equal(upload.with_, {"sarif_file": "kmslint.sarif", "category": "kmslint"},
                "upload-sarif inputs")
    check.contains(run.step("__3").log, "::error title=kmslint::2 findings, at least one at or above",
                   "findings: error")
    scan_log = run.step("scan").log
    check.contains(scan_log, "::stop-commands::kmslint-", "pretty output: workflow commands off")
    check.contains(scan_log, "KMS002", "pretty output in the log")
    summary = run.summary
    check.contains(summary, "**2 findings** (0 errors, 1 warning, 1 note); exit code 1.", "summary headline")
    check.contains(summary, "| Level | Rule | Location | Finding |", "summary table header")
    check.contains(
        summary,
        f"| warning | [KMS002 `key-rotation-disabled`](https://github.com/kmslint/kmslint/blob/v{VERSION}/docs/rules/KMS002.md) "
        "| [`bad/main.tf:6:29`](https://github.com/example/infra/blob/0123456789abcdef0123456789abcdef01234567/bad/main.tf#L6) "
        "| `aws_kms_key.orders` does not rotate its key material: `enable_key_rotation` is false |",
        "summary KMS002 row")
    check.that(summary.index("| warning |") < summary.index("| note |"), "summary: most severe first", summary)
    sarif = os.path.join(run.workspace, "kmslint.sarif")
    validate_sarif(check, sarif, "action SARIF with findings")
    with open(sarif, encoding="utf-8") as f:
        rules = sorted(r["ruleId"] for r in json.load(f)["runs"][0]["results"])
    check.equal(rules, ["KMS002", "KMS014"], "action SARIF results")

    run = h.run({"path": "bad", "soft-fail": "true"})
    check.that(not run.failed, "soft-fail: findings do not fail the job", run.log)
    check.equal(run.outputs["exit-code"], "1", "soft-fail: exit-code output")
    check.contains(run.step("__3").log, "::warning title=kmslint::2 findings; soft-fail is on",
                   "soft-fail: warning")
    check.equal(run.step("__2").outcome, "success", "soft-fail: upload still runs")

    run = h.run({"path": "bad", "fail-level": "error"})
    check.that(not run.failed, "fail-level error: warnings pass", run.log)
    check.equal((run.outputs["exit-code"], run.outputs["findings"]), ("0", "2"),
                "fail-level error: exit code 0, 2 findings")

    run = h.run({"path": "bad", "format": "github", "upload-sarif": "false",
                 "sarif-file": "out/reports/k.sarif"})
    check.contains(run.step("scan").log,
                   "::warning file=bad/main.tf,line=6,endLine=6,col=29,endColumn=34,"
                   "title=KMS002 key-rotation-disabled::", "format github: annotation")
    check.that("::stop-commands::" not in run.step("scan").log, "format github: commands on")
    check.equal(run.step("__2").outcome, "skipped", "upload-sarif false: no upload")
    check.equal(run.outputs["sarif-file"], "out/reports/k.sarif", "sarif-file in a new directory")
    check.that(os.path.isfile(os.path.join(run.workspace, "out/reports/k.sarif")), "sarif written")

    run = h.run({"path": "bad", "format": "sarif"})
    check.that("KMS002" not in run.step("scan").log, "format sarif: nothing else printed",
               run.step("scan").log)


def test_clean(check, h):
    run = h.run({"path": "clean"})
    check.that(not run.failed, "clean: job succeeds", run.log)
    check.equal((run.outputs["findings"], run.outputs["exit-code"]), ("0", "0"), "clean: outputs")
    check.contains(run.summary, "**0 findings** (0 errors, 0 warnings, 0 notes); exit code 0.",
                   "clean: summary")
    check.that("| Level |" not in run.summary, "clean: no table", run.summary)
    validate_sarif(check, os.path.join(run.workspace, "kmslint.sarif"), "action SARIF, clean")

    run = h.run({"path": "bad\n\nclean\n"})
    check.equal(run.outputs["findings"], "2", "several paths, one per line", run.log)


def test_errors(check, h):
    # An input that cannot be analysed: reported and uploaded, and the job fails even with
    # soft-fail.
    def broken(workspace):
        os.makedirs(os.path.join(workspace, "broken"))
        with open(os.path.join(workspace, "broken", "main.tf"), "w", encoding="utf-8") as f:
            f.write('resource "aws_kms_key" "x" {\n  enable_key_rotation = \n}\n')

    run = h.run({"path": "broken\nbad", "soft-fail": "true"}, setup=broken)
    check.equal(run.outputs["exit-code"], "2", "input error: exit code 2", run.log)
    check.equal(run.outputs["findings"], "2", "input error: the other findings still counted")
    check.that(run.failed, "input error: job fails despite soft-fail")
    check.contains(run.step("__3").log, "the analysis did not complete", "input error: message")
    check.contains(run.summary, "**1 input error**", "input error: summary headline")
    check.contains(run.summary, "| [`broken/main.tf:2:25`]", "input error: summary row")
    check.equal(run.step("__2").outcome, "success", "input error: report still uploaded")
    validate_sarif(check, os.path.join(run.workspace, "kmslint.sarif"), "action SARIF, input error")

    # Usage error: no report; one left from an earlier step is removed, not uploaded.
    def stale(workspace):
        with open(os.path.join(workspace, "kmslint.sarif"), "w", encoding="utf-8") as f:
            f.write("{}")

    run = h.run({"path": "bad", "fail-level": "bogus"}, setup=stale)
    check.equal(run.outputs["sarif-file"], "", "usage error: no sarif-file output", run.log)
    check.that(not os.path.exists(os.path.join(run.workspace, "kmslint.sarif")),
               "usage error: the stale report is removed")
    check.equal(run.step("__2").outcome, "skipped", "usage error: no upload")
    check.that(run.failed, "usage error: job fails")
    check.contains(run.summary, "without writing a report", "usage error: summary")

    run = h.run({"path": "bad", "format": "yaml"})
    check.equal(step_outcomes(run)["scan"], "failure", "invalid format: scan fails")
    check.equal(step_outcomes(run)["__2"], "skipped", "invalid format: no upload")
    check.equal(step_outcomes(run)["__3"], "skipped", "invalid format: no result check")

    run = h.run({"path": "bad", "soft-fail": "yes"})
    check.that(run.failed, "soft-fail yes is rejected")
    check.contains(run.step("__3").log, "soft-fail must be true or false", "soft-fail: message")

    run = h.run({"path": "bad", "sarif-file": "a\nb.sarif"})
    check.equal(step_outcomes(run)["scan"], "failure", "multi-line sarif-file rejected")

    # --config is passed only when set; a kmslint without configuration support rejects it.
    def config(workspace):
        os.makedirs(os.path.join(workspace, "cfg"))
        with open(os.path.join(workspace, "cfg", "kmslint.toml"), "w", encoding="utf-8") as f:
            f.write('fail-level = "error"\n')

    run = h.run({"path": "bad", "config": "cfg/kmslint.toml"}, setup=config)
    help_text = subprocess.run([h.binary, "--help"], capture_output=True, text=True, check=False).stdout
    if "--config" in help_text:
        check.equal((run.outputs["exit-code"], run.outputs["findings"]), ("0", "2"),
                    "config: its fail-level applies", run.log)
        check.that(not run.failed, "config: job succeeds", run.log)
        run = h.run({"path": "bad", "config": "missing.toml"})
        check.equal(run.outputs["exit-code"], "2", "config: a missing file is an error", run.log)
    else:
        check.equal(run.outputs["exit-code"], "2", "config: rejected by this kmslint", run.log)
        check.contains(run.step("scan").log, "--config", "config: kmslint names the option")


def test_injection(check, h):
    # Inputs are data: nothing in them is run, and no line of them becomes a second option.
    marker = os.path.join(h.work, "pwned")
    run = h.run({"path": f"$(touch {marker})\nbad", "sarif-file": f"x$(touch {marker}).sarif",
                 "fail-level": "--help"})
    check.that(not os.path.exists(marker), "inputs are not evaluated by the shell", run.log)
    check.equal(run.outputs["exit-code"], "2", "an option-like fail-level is rejected by kmslint")
    run = h.run({"path": "bad", "category": "x' || true || '"})
    check.equal(run.step("__2").with_.get("category"), "x' || true || '", "category passed as is")


def test_binstall_metadata(check, h):
    """[package.metadata.binstall] names the assets .ci/package.sh makes and the action downloads."""
    import tarfile
    import zipfile

    metadata = subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps", "--offline"],
                              cwd=REPO, capture_output=True, text=True, check=True).stdout
    package = next(p for p in json.loads(metadata)["packages"] if p["name"] == "kmslint")
    meta = package["metadata"]["binstall"]
    for target in (HOST_TARGET, "aarch64-apple-darwin", "x86_64-pc-windows-msvc"):
        spec = dict(meta)
        spec.update(meta.get("overrides", {}).get(target, {}))
        windows = "-windows-" in target
        values = {"repo": package["repository"], "name": package["name"], "version": VERSION,
                  "target": target, "bin": "kmslint", "binary-ext": ".exe" if windows else ""}

        def expand(template):
            for key, value in values.items():
                template = template.replace("{ " + key + " }", value)
            return template

        url = expand(spec["pkg-url"])
        asset = url.rsplit("/", 1)[1]
        check.equal(url, f"https://github.com/kmslint/kmslint/releases/download/v{VERSION}/{asset}",
                    f"binstall {target}: the action's release URL")
        archive = os.path.join(h.releases, f"v{VERSION}", asset)
        check.that(os.path.isfile(archive), f"binstall {target}: {asset} is what package.sh makes")
        check.equal(spec["pkg-fmt"], "zip" if windows else "tgz", f"binstall {target}: pkg-fmt")
        if os.path.isfile(archive):
            if windows:
                with zipfile.ZipFile(archive) as z:
                    names = z.namelist()
            else:
                with tarfile.open(archive) as t:
                    names = t.getnames()
            check.contains(" ".join(names), expand(spec["bin-dir"]), f"binstall {target}: bin-dir")


def test_summary_escaping(check, h):
    sarif = {
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "kmslint", "rules": [
                {"id": "KMS001", "name": "key-policy-public", "helpUri": "https://example.test/KMS001"}]}},
            "results": [{
                "ruleId": "KMS001", "ruleIndex": 0, "level": "error",
                "message": {"text": "a|b <img src=x> *bold* `co|de`\nnext line ([resource `k`](1))"},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": "dir with space/a|b.tf"},
                                                    "region": {"startLine": 3, "startColumn": 5}}}],
            }],
        }],
    }
    path = os.path.join(h.work, "escape.sarif")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(sarif, f)
    out = os.path.join(h.work, "escape.md")
    env = dict(os.environ, GITHUB_STEP_SUMMARY=out, GITHUB_SERVER_URL="https://github.com",
               GITHUB_REPOSITORY="o/r", GITHUB_SHA="abc")
    proc = subprocess.run([sys.executable, os.path.join(REPO, ".github", "action", "summary.py"), path, "1"],
                          capture_output=True, text=True, env=env, check=False)
    check.equal(proc.stdout.strip(), "1", "summary.py prints the count", proc.stderr)
    with open(out, encoding="utf-8") as f:
        md = f.read()
    row = [line for line in md.splitlines() if line.startswith("| error |")]
    check.equal(row, [
        "| error | [KMS001 `key-policy-public`](https://example.test/KMS001) "
        "| [`dir with space/a\\|b.tf:3:5`](https://github.com/o/r/blob/abc/dir%20with%20space/a%7Cb.tf#L3) "
        "| a\\|b \\<img src=x\\> \\*bold\\* `co\\|de` next line |"], "summary escaping", md)


def test_map(check, h):
    """`map: true` on a pull request puts the key access diff since the base commit in the job
    summary; elsewhere it does nothing, and it never fails the job."""
    git_env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)

    def git(ws, *args):
        return subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com",
             "-c", "commit.gpgsign=false", *args],
            cwd=ws, env=git_env, check=True, stdout=subprocess.PIPE, text=True).stdout.strip()

    base_sha = {}

    def setup(ws):
        git(ws, "init", "-q")
        git(ws, "add", "-A")
        git(ws, "commit", "-qm", "base")
        base_sha["sha"] = git(ws, "rev-parse", "HEAD")
        path = os.path.join(ws, "clean", "main.tf")
        with open(path, "a", encoding="utf-8") as f:
            f.write('\nresource "aws_kms_key" "pr_key" {\n  enable_key_rotation = true\n'
                    '  policy = jsonencode({ Statement = [{ Effect = "Allow", '
                    'Principal = { AWS = "*" }, Action = "kms:Decrypt", Resource = "*" }] })\n}\n')
        event = os.path.join(ws, "..", "event.json")
        with open(event, "w", encoding="utf-8") as f:
            json.dump({"pull_request": {"base": {"sha": base_sha["sha"]}}}, f)

    # The event file is written by setup, beside the workspace of the next case.
    case_dir = os.path.join(h.work, f"case{h.count + 1}")
    run = h.run({"path": "clean", "map": "true", "soft-fail": "true"}, setup=setup,
                env={"GITHUB_EVENT_NAME": "pull_request",
                     "GITHUB_EVENT_PATH": os.path.join(case_dir, "event.json")})
    check.equal(step_outcomes(run)["map"], "success", "map: step runs", run.log)
    check.that(not run.failed, "map: a new public key is reported, the job does not fail on it",
               run.log)
    check.contains(run.summary, "# KMS key access changes since " + base_sha["sha"],
                   "map: diff heading in the summary", run.summary)
    check.contains(run.summary, "```mermaid\nflowchart LR", "map: Mermaid graph in the summary")
    check.contains(run.summary, "| added | NEW PUBLIC | public | \\* | allow | decrypt |  |",
                   "map: the new public access", run.summary)
    check.equal(git(run.workspace, "status", "--porcelain"), "M clean/main.tf\n?? kmslint.sarif",
                "map: the work tree and the index are left as they were")

    run = h.run({"path": "clean", "map": "true"}, env={"GITHUB_EVENT_NAME": "push"})
    check.equal(step_outcomes(run)["map"], "success", "map on push: step runs", run.log)
    check.contains(run.step("map").log, "not a pull request", "map on push: nothing to compare")
    check.that("key access" not in run.summary, "map on push: no diff in the summary", run.summary)

    run = h.run({"path": "clean"}, env={"GITHUB_EVENT_NAME": "pull_request"})
    check.equal(step_outcomes(run)["map"], "skipped", "map false (default): step skipped")


def main():
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    binary = os.path.abspath(sys.argv[1])
    check = Checks()
    with tempfile.TemporaryDirectory(prefix="kmslint-action-test.") as work:
        h = Harness(binary, work)
        tests = [test_action_metadata, test_release_install, test_checksum_mismatch,
                 test_cargo_fallbacks, test_findings, test_clean, test_errors, test_injection,
                 test_summary_escaping, test_binstall_metadata, test_map]
        for test in tests:
            before = len(check.failures)
            try:
                test(check, h)
            except Exception:  # a crashed case is a failure; the others still run
                check.failures.append(f"{test.__name__} crashed:\n{traceback.format_exc()}")
            status = "ok" if len(check.failures) == before else "FAILED"
            status += f" ({check.passed} checks so far)"
            print(f"action test {test.__name__} ... {status}")
    for failure in check.failures:
        print(f"\nFAILED: {failure}", file=sys.stderr)
    print(f"action tests: {check.passed} checks passed, {len(check.failures)} failed")
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
