#!/usr/bin/env python3
"""Wall time of `kmslint map --base HEAD` against `kmslint check`, on a tree written by
bench/gen_corpus.py and committed with git, for the changes a pull request makes.

    python3 bench/map_base.py KMSLINT [--modules 1000] [--runs 8] [--tree DIR]

Each scenario starts from the committed tree, makes its change in the work tree, then times
the two commands interleaved RUNS times; it prints min and median of each and their ratio.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com",
       "-c", "commit.gpgsign=false"]


def run(cmd, cwd):
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def services(tree):
    return sorted(os.listdir(os.path.join(tree, "services")))


def edit_service(tree, name):
    """Rotation off and a partner account that may decrypt, in one service's key."""
    path = os.path.join(tree, "services", name, "kms.tf")
    with open(path) as f:
        text = f.read()
    text = text.replace("enable_key_rotation     = true", "enable_key_rotation     = false", 1)
    text = text.replace(
        '        Sid       = "EnableRootPermissions"',
        '        Sid       = "Partner"\n'
        '        Effect    = "Allow"\n'
        '        Principal = { AWS = "arn:aws:iam::444455556666:root" }\n'
        '        Action    = "kms:Decrypt"\n'
        '        Resource  = "*"\n'
        '      },\n'
        '      {\n'
        '        Sid       = "EnableRootPermissions"', 1)
    with open(path, "w") as f:
        f.write(text)


def edit_module(tree):
    """A change in the module every service calls: all of them read it."""
    d = os.path.join(tree, "modules", "kms-key")
    for name in sorted(os.listdir(d)):
        if name.endswith(".tf"):
            path = os.path.join(d, name)
            with open(path) as f:
                text = f.read()
            new = re.sub(r"enable_key_rotation(\s*)= [^\n]+", r"enable_key_rotation\1= false", text, count=1)
            if new != text:
                with open(path, "w") as f:
                    f.write(new)
                return
    sys.exit("the generated module has no enable_key_rotation to change")


SCENARIOS = [
    ("no change", lambda t: None),
    ("1 service changed", lambda t: edit_service(t, services(t)[0])),
    ("10 services changed", lambda t: [edit_service(t, s) for s in services(t)[:: max(1, len(services(t)) // 10)][:10]]),
    ("the shared module changed (every service reads it)", edit_module),
]


def timed(cmd, cwd):
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kmslint")
    ap.add_argument("--modules", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=8)
    ap.add_argument("--tree", help="where to write the tree (default: a temporary directory)")
    args = ap.parse_args()
    kmslint = os.path.abspath(args.kmslint)
    work = args.tree or tempfile.mkdtemp(prefix="kmslint-map-base-")
    pristine = os.path.join(work, "pristine")
    if not os.path.isdir(pristine):
        subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py"), pristine,
                        "--modules", str(args.modules)], check=True, stdout=subprocess.DEVNULL)
        run(GIT + ["init", "-q"], pristine)
        run(GIT + ["add", "-A"], pristine)
        run(GIT + ["commit", "-qm", "base"], pristine)
    check = [kmslint, "--format", "json", "-o", "/dev/null", "--fail-level", "none", "."]
    diff = [kmslint, "map", "--base", "HEAD", "."]
    print(f"| change | check min / median | map --base min / median | ratio of medians |")
    print(f"| --- | --- | --- | --- |")
    for name, change in SCENARIOS:
        tree = os.path.join(work, "tree")
        shutil.rmtree(tree, ignore_errors=True)
        shutil.copytree(pristine, tree, symlinks=True)
        change(tree)
        a, b = [], []
        for _ in range(args.runs):
            a.append(timed(check, tree))
            b.append(timed(diff, tree))
        ma, mb = statistics.median(a), statistics.median(b)
        print(f"| {name} | {min(a):.2f} / {ma:.2f} s | {min(b):.2f} / {mb:.2f} s | {mb / ma:.2f}× |")
    if not args.tree:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
