#!/usr/bin/env python3
"""Runs the commands README.md gives under "Quick start" and "Install", as a new user would.

Usage: .ci/readme-commands.py [--skip-tests]

Every command line of those sections' ``sh`` blocks must be known here: it is run (and what it
promises checked), or it is one that cannot run on a CI machine without the network, and this
script says why. A command added to or changed in README.md that this script does not know fails
CI, so the README never shows a command that was not tried.

The `--git` install runs from this clone as a `file://` URL (the same cargo code path as the
GitHub URL, which CI cannot reach). Installs go into a temporary root and share the release
build's target directory, so only the crate itself is built again.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECTIONS = ("Quick start", "Install")


def readme_commands():
    """(section, command) for each command line in the sections' sh blocks, comments removed."""
    text = open(os.path.join(REPO, "README.md"), encoding="utf-8").read()
    out = []
    for section in SECTIONS:
        m = re.search(r"^## " + re.escape(section) + r"\n(.*?)(?=^## |\Z)", text, re.S | re.M)
        if not m:
            sys.exit(f"error: README.md has no '## {section}' section")
        for block in re.findall(r"^```sh\n(.*?)^```", m.group(1), re.S | re.M):
            for line in block.splitlines():
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                # A trailing comment starts at "  #" (a `#` inside a command is never preceded by
                # two spaces in the README).
                command = re.split(r"\s{2,}#", line)[0].strip()
                out.append((section, command))
    return out


def run(command, cwd=REPO, env=None, expect=0):
    print(f"$ {command}", flush=True)
    result = subprocess.run(
        command, shell=True, cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != expect:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        sys.exit(f"error: `{command}` exited with {result.returncode}, expected {expect}")
    return result


def expect_findings(output, what):
    if not re.search(r"^\d+ findings? \(", output, re.M) or "KMS002" not in output:
        sys.stderr.write(output[-4000:])
        sys.exit(f"error: {what}: no findings report on testdata/examples")


def main():
    skip_tests = "--skip-tests" in sys.argv[1:]
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
    env = dict(os.environ, CARGO_TARGET_DIR=target, NO_COLOR="1")
    tmp = tempfile.mkdtemp(prefix="kmslint-readme-")
    unknown = []
    for section, command in readme_commands():
        words = shlex.split(command.split("&&")[0])
        if command == "cargo run --release -- testdata/examples":
            r = run(command + " 2>&1", env=env, expect=1)
            expect_findings(r.stdout, command)
        elif command == "cargo test --locked":
            if skip_tests:
                print(f"# `{command}`: run by .ci/run as the test command")
            else:
                run(command, env=env)
        elif words[:4] == ["cargo", "install", "--locked", "--git"]:
            root = os.path.join(tmp, "git")
            local = command.replace(words[4], "file://" + REPO, 1) + f" --root {root}"
            run(local, env=env)
            r = run(f"{root}/bin/kmslint testdata/examples 2>&1", env=env, expect=1)
            expect_findings(r.stdout, command)
        elif command == "cargo install --locked --path .":
            root = os.path.join(tmp, "path")
            run(f"{command} --root {root}", env=env)
            r = run(f"{root}/bin/kmslint --version", env=env)
            if not r.stdout.startswith("kmslint "):
                sys.exit(f"error: {command}: the installed binary says {r.stdout!r}")
        elif words[:2] == ["docker", "build"]:
            # Building pulls the base images from their registries, which CI cannot reach;
            # .ci/run lints the Dockerfile with hadolint instead.
            print(f"# `{command}`: not run (pulls base images); the Dockerfile is linted")
        else:
            unknown.append(f"{section}: {command}")
    shutil.rmtree(tmp, ignore_errors=True)
    if unknown:
        sys.exit(
            "error: README.md commands that .ci/readme-commands.py does not run:\n  "
            + "\n  ".join(unknown)
        )
    print("README commands: all run")


if __name__ == "__main__":
    main()
