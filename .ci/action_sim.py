"""Runs a composite action's steps (action.yml) the way the GitHub Actions runner does, offline.

What it simulates, for the parts of the runner a composite action uses:

* inputs: the defaults from action.yml, overridden by the caller's `with:` values (an input the
  action does not declare is an error);
* each step's `if:` (default `success()`), with `always()`, `success()`, `failure()`,
  `cancelled()`, `!`, `&&`, `||`, `==`, `!=`, parentheses, '...' strings and the contexts
  `inputs.*`, `steps.<id>.outputs.*`, `steps.<id>.outcome`/`conclusion`; string comparison
  ignores case, as GitHub's does;
* `env:` values with `${{ }}` templates; `run:` with `shell: bash` as
  `bash --noprofile --norc -eo pipefail FILE` in the workspace, with GITHUB_OUTPUT and
  GITHUB_STEP_SUMMARY files per step (outputs parsed, summaries appended to the job summary);
* `uses:` steps are not run: the call and its resolved `with:` are recorded for the caller to check;
* the action's `outputs:` resolved at the end.

Anything outside this subset (another shell, an unknown context or function, `${{` inside a `run:`)
is an error, so the action cannot quietly rely on something this does not check.
"""

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field

import yaml


class ActionError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Expressions
# ---------------------------------------------------------------------------------------------

TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<op>&&|\|\||==|!=|!|\(|\))|(?P<name>[A-Za-z_][A-Za-z0-9_.-]*))"
)


def tokenize(text):
    tokens, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ActionError(f"cannot parse expression at {text[pos:]!r} in {text!r}")
        pos = m.end()
        if m.group("str") is not None:
            tokens.append(("str", m.group("str")[1:-1].replace("''", "'")))
        elif m.group("op") is not None:
            tokens.append(("op", m.group("op")))
        else:
            tokens.append(("name", m.group("name")))
    return tokens


class Evaluator:
    def __init__(self, context, functions):
        self.context = context
        self.functions = functions

    def evaluate(self, text):
        self.tokens = tokenize(text)
        self.i = 0
        value = self.or_()
        if self.i != len(self.tokens):
            raise ActionError(f"unexpected {self.tokens[self.i]} in {text!r}")
        return value

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else (None, None)

    def take(self, op=None):
        token = self.peek()
        if op is not None and token != ("op", op):
            raise ActionError(f"expected {op!r}, got {token}")
        self.i += 1
        return token

    def or_(self):
        value = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            right = self.and_()
            value = value if truthy(value) else right
        return value

    def and_(self):
        value = self.compare()
        while self.peek() == ("op", "&&"):
            self.take()
            right = self.compare()
            value = right if truthy(value) else value
        return value

    def compare(self):
        value = self.unary()
        while self.peek() in (("op", "=="), ("op", "!=")):
            op = self.take()[1]
            right = self.unary()
            same = as_text(value).casefold() == as_text(right).casefold()
            value = same if op == "==" else not same
        return value

    def unary(self):
        if self.peek() == ("op", "!"):
            self.take()
            return not truthy(self.unary())
        return self.primary()

    def primary(self):
        kind, value = self.take()
        if kind == "str":
            return value
        if (kind, value) == ("op", "("):
            inner = self.or_()
            self.take(")")
            return inner
        if kind == "name":
            if value in ("true", "false"):
                return value == "true"
            if self.peek() == ("op", "("):
                self.take("(")
                self.take(")")
                if value not in self.functions:
                    raise ActionError(f"unsupported function {value}()")
                return self.functions[value]()
            return self.lookup(value)
        raise ActionError(f"unexpected token {value!r}")

    def lookup(self, path):
        parts = path.split(".")
        if parts[0] not in ("inputs", "steps"):
            raise ActionError(f"unsupported context {path!r}")
        node = self.context
        for part in parts:
            if not isinstance(node, dict):
                raise ActionError(f"cannot read {path!r}")
            node = node.get(part)
            if node is None:
                # GitHub gives null (an empty string in comparisons) for a missing property.
                return ""
        return node


def truthy(value):
    return bool(value) if not isinstance(value, str) else value != ""


def as_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


TEMPLATE = re.compile(r"\$\{\{(.*?)\}\}", re.S)


# ---------------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------------


@dataclass
class Step:
    id: str
    name: str
    ran: bool = False
    outcome: str = "skipped"
    outputs: dict = field(default_factory=dict)
    log: str = ""
    uses: str = ""
    with_: dict = field(default_factory=dict)


@dataclass
class Run:
    steps: list
    outputs: dict
    summary: str
    failed: bool

    def step(self, id_):
        for step in self.steps:
            if step.id == id_:
                return step
        raise KeyError(id_)

    @property
    def log(self):
        return "".join(f"--- {s.name} ({s.outcome})\n{s.log}" for s in self.steps if s.ran)


def parse_outputs(text):
    outputs, lines, i = {}, text.splitlines(), 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value = []
            while i < len(lines) and lines[i] != delimiter:
                value.append(lines[i])
                i += 1
            if i == len(lines):
                raise ActionError(f"GITHUB_OUTPUT: no closing {delimiter!r} for {name!r}")
            i += 1
            outputs[name] = "\n".join(value)
        elif "=" in line:
            name, value = line.split("=", 1)
            outputs[name] = value
        elif line.strip():
            raise ActionError(f"GITHUB_OUTPUT: malformed line {line!r}")
    return outputs


def run_action(action_path, workspace, inputs, env, runner_temp):
    """Runs the composite action at action_path/action.yml; returns a Run."""
    with open(os.path.join(action_path, "action.yml"), encoding="utf-8") as f:
        action = yaml.safe_load(f)
    declared = action.get("inputs") or {}
    unknown = set(inputs) - set(declared)
    if unknown:
        raise ActionError(f"inputs not declared by the action: {sorted(unknown)}")
    values = {name: str((spec or {}).get("default", "")) for name, spec in declared.items()}
    values.update({k: str(v) for k, v in inputs.items()})
    if action.get("runs", {}).get("using") != "composite":
        raise ActionError("not a composite action")

    context = {"inputs": values, "steps": {}}
    steps, failed = [], False
    summary_parts = []
    functions = {
        "always": lambda: True,
        "success": lambda: not failed,
        "failure": lambda: failed,
        "cancelled": lambda: False,
    }
    evaluator = Evaluator(context, functions)

    def render(value):
        value = str(value)
        return TEMPLATE.sub(lambda m: as_text(evaluator.evaluate(m.group(1))), value)

    for index, spec in enumerate(action["runs"]["steps"]):
        step = Step(id=spec.get("id", f"__{index}"), name=spec.get("name", f"step {index}"))
        steps.append(step)
        condition = str(spec.get("if", "success()")).strip()
        if condition.startswith("${{") and condition.endswith("}}"):
            condition = condition[3:-2]
        if not truthy(evaluator.evaluate(condition)):
            context["steps"][step.id] = {"outputs": {}, "outcome": "skipped", "conclusion": "skipped"}
            continue
        step.ran = True
        if "uses" in spec:
            step.uses = spec["uses"]
            step.with_ = {k: render(v) for k, v in (spec.get("with") or {}).items()}
            step.outcome = "success"
        else:
            script = spec.get("run")
            if script is None:
                raise ActionError(f"step {step.name!r} has neither run nor uses")
            if "${{" in script:
                raise ActionError(f"step {step.name!r} expands an expression inside run:")
            if spec.get("shell") != "bash":
                raise ActionError(f"step {step.name!r}: only shell: bash is simulated")
            with tempfile.TemporaryDirectory(dir=runner_temp) as scratch:
                paths = {
                    name: os.path.join(scratch, name.lower())
                    for name in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_ENV", "GITHUB_PATH")
                }
                for path in paths.values():
                    open(path, "w").close()
                script_file = os.path.join(scratch, "step.sh")
                with open(script_file, "w", encoding="utf-8") as f:
                    f.write(script)
                step_env = dict(env)
                step_env.update(paths)
                step_env.update(
                    GITHUB_ACTION_PATH=action_path,
                    GITHUB_WORKSPACE=workspace,
                    RUNNER_TEMP=runner_temp,
                    GITHUB_ACTIONS="true",
                    CI="true",
                )
                step_env.update({k: render(v) for k, v in (spec.get("env") or {}).items()})
                proc = subprocess.run(
                    ["bash", "--noprofile", "--norc", "-eo", "pipefail", script_file],
                    cwd=workspace,
                    env=step_env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    check=False,
                )
                step.log = proc.stdout
                step.outcome = "success" if proc.returncode == 0 else "failure"
                with open(paths["GITHUB_OUTPUT"], encoding="utf-8") as f:
                    step.outputs = parse_outputs(f.read())
                with open(paths["GITHUB_STEP_SUMMARY"], encoding="utf-8") as f:
                    summary_parts.append(f.read())
        if step.outcome == "failure":
            failed = True
        context["steps"][step.id] = {
            "outputs": step.outputs,
            "outcome": step.outcome,
            "conclusion": step.outcome,
        }

    outputs = {
        name: render((spec or {}).get("value", ""))
        for name, spec in (action.get("outputs") or {}).items()
    }
    return Run(steps=steps, outputs=outputs, summary="".join(summary_parts), failed=failed)
