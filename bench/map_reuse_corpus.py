#!/usr/bin/env python3
"""Random pull-request changes on real repositories, each checked with map_reuse_check: the diff
that `map --base` makes by reusing unchanged units must be the diff of the whole revision.

    python3 bench/map_reuse_corpus.py CORPUS_DIR [--trials 3] [--seed 7] [--work DIR]

CORPUS_DIR holds one directory per repository (as bench/corpus.sh reads). Each is copied and
committed once; each trial makes one to three changes in its work tree (rotation turned off, a
file deleted, a public key added, `kms:*` narrowed) and runs the check. Exit status 1 when any
trial differs.
"""

import argparse
import os
import random
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com",
       "-c", "commit.gpgsign=false"]
ADDED = ('\nresource "aws_kms_key" "zz_added" {\n  policy = jsonencode({ Statement = [{ '
         'Effect = "Allow", Principal = { AWS = "*" }, Action = "kms:*", Resource = "*" }] })\n}\n')


def change(path, kind):
    if kind == "delete":
        os.remove(path)
        return
    with open(path, errors="replace") as f:
        text = f.read()
    if kind == "rotation":
        text = re.sub(r"enable_key_rotation(\s*)=\s*\S+", r"enable_key_rotation\1= false", text, count=1)
    elif kind == "public":
        text += ADDED
    else:
        text = text.replace("kms:*", "kms:Decrypt", 1)
    with open(path, "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--trials", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work", default="/tmp/kmslint-map-reuse")
    args = ap.parse_args()
    root = os.path.dirname(HERE)
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bench", "map_reuse_check"],
                   cwd=root, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target"))
    deps = os.path.join(target, "release", "deps")
    check = max((os.path.join(deps, n) for n in os.listdir(deps)
                 if n.startswith("map_reuse_check-") and not n.endswith(".d")),
                key=os.path.getmtime)
    rng = random.Random(args.seed)
    differ = 0
    for name in sorted(os.listdir(args.corpus)):
        src = os.path.join(args.corpus, name)
        if not os.path.isdir(src):
            continue
        repo = os.path.join(args.work, name)
        if not os.path.isdir(repo):
            shutil.copytree(src, repo, symlinks=True)
            for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "base"]):
                subprocess.run(GIT + cmd, cwd=repo, check=True, stdout=subprocess.DEVNULL)
        tfs = [os.path.join(d, f) for d, _, fs in os.walk(repo) if "/.git" not in d
               for f in fs if f.endswith(".tf")]
        if not tfs:
            continue
        for trial in range(args.trials):
            subprocess.run(GIT + ["checkout", "-q", "."], cwd=repo, check=True)
            subprocess.run(GIT + ["clean", "-qfd"], cwd=repo, check=True)
            made = []
            for _ in range(rng.randint(1, 3)):
                path = rng.choice(tfs)
                if os.path.exists(path):
                    kind = rng.choice(["rotation", "delete", "public", "narrow"])
                    change(path, kind)
                    made.append(f"{kind} {os.path.relpath(path, repo)}")
            out = subprocess.run([check, repo], capture_output=True, text=True)
            line = (out.stdout.strip().splitlines() or ["no output"])[-1]
            differ += out.returncode != 0
            print(f"{name} #{trial}: {line}" + ("" if out.returncode == 0 else f"  changes: {made}"))
    print(f"{differ} trial(s) differ")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
