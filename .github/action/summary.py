"""Job summary for the kmslint GitHub Action: reads kmslint's SARIF report.

Usage: summary.py SARIF EXIT_CODE

Prints the number of findings (the action's `findings` output) and, when GITHUB_STEP_SUMMARY is
set, appends a Markdown table of the findings and input errors to it. It reads the SARIF report
rather than running kmslint again, so the summary shows exactly what was uploaded.
"""

import json
import os
import re
import sys
import urllib.parse

# GitHub caps a step's summary at 1 MiB; a row is a few hundred bytes.
MAX_ROWS = 500
LEVELS = ("error", "warning", "note")


def cell(text):
    """Markdown for one table cell: inline code kept, everything else literal, one line."""
    text = " ".join(str(text).split())
    parts = text.split("`")
    if len(parts) % 2 == 0:
        # An unpaired backtick: no code spans at all.
        parts = [text.replace("`", "'")]
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            # Inside a code span only the table's column separator needs escaping.
            out.append("`" + part.replace("|", "\\|") + "`")
        else:
            # Only what Markdown (or a table) would otherwise interpret: a message is plain text.
            out.append(re.sub(r"([\\*_\[\]<>|~&])", r"\\\1", part))
    return "".join(out)


def strip_links(text):
    """Drops SARIF links to related locations: a trailing `([resource ...](1))`, which the table
    does not need, and elsewhere `[text](1)` becomes its text."""
    link = r"\[[^\]]*\]\(\d+\)"
    text = re.sub(r"\s*\(" + link + r"(?:,\s*" + link + r")*\)$", "", text)
    return re.sub(r"\[([^\]]*)\]\(\d+\)", r"\1", text)


def location_of(obj):
    """(uri, line, column) of a result's or notification's first location."""
    try:
        physical = obj["locations"][0]["physicalLocation"]
    except (KeyError, IndexError, TypeError):
        return "", 0, 0
    uri = physical.get("artifactLocation", {}).get("uri", "")
    region = physical.get("region", {})
    return uri, region.get("startLine", 0), region.get("startColumn", 0)


def blob_url(uri, line):
    """A link to the file at the analysed commit, for repository-relative paths only."""
    server = os.environ.get("GITHUB_SERVER_URL", "")
    repo = os.environ.get("GITHUB_REPOSITORY", "")
    sha = os.environ.get("GITHUB_SHA", "")
    if not (server and repo and sha and uri) or ":" in uri or uri.startswith(("/", "../")):
        return ""
    path = urllib.parse.quote(uri, safe="/")
    return f"{server}/{repo}/blob/{sha}/{path}" + (f"#L{line}" if line else "")


def location_cell(uri, line, column):
    shown = uri + (f":{line}" if line else "") + (f":{column}" if line and column else "")
    code = "`" + shown.replace("`", "'").replace("|", "\\|") + "`"
    url = blob_url(uri, line)
    return f"[{code}]({url})" if url else code


def plural(n, word):
    return f"{n} {word}" + ("" if n == 1 else "s")


def render(run, exit_code):
    rules = run.get("tool", {}).get("driver", {}).get("rules", [])
    rows = []
    counts = dict.fromkeys(LEVELS, 0)
    for result in run.get("results", []):
        index = result.get("ruleIndex")
        rule = rules[index] if isinstance(index, int) and 0 <= index < len(rules) else {}
        level = result.get("level") or rule.get("defaultConfiguration", {}).get("level", "warning")
        counts[level] = counts.get(level, 0) + 1
        rule_id = result.get("ruleId", rule.get("id", "?"))
        label = cell(rule_id) + (" " + cell("`" + rule["name"] + "`") if rule.get("name") else "")
        if rule.get("helpUri"):
            label = f"[{label}]({rule['helpUri']})"
        message = strip_links(result.get("message", {}).get("text", ""))
        rows.append((LEVELS.index(level) if level in LEVELS else len(LEVELS), level, label,
                     location_cell(*location_of(result)), cell(message)))
    # Most severe first; within a level, the report's own order (file, line, column, rule).
    rows.sort(key=lambda row: row[0])

    notifications = []
    for invocation in run.get("invocations", []):
        notifications.extend(invocation.get("toolExecutionNotifications", []))

    total = len(rows)
    lines = ["## kmslint", ""]
    by_level = ", ".join(plural(counts.get(level, 0), level) for level in LEVELS)
    headline = f"**{plural(total, 'finding')}** ({by_level})"
    if notifications:
        headline += f", **{plural(len(notifications), 'input error')}**"
    lines += [headline + f"; exit code {exit_code}.", ""]
    if rows:
        lines += ["| Level | Rule | Location | Finding |", "|---|---|---|---|"]
        for _, level, label, location, message in rows[:MAX_ROWS]:
            lines.append(f"| {level} | {label} | {location} | {message} |")
        if total > MAX_ROWS:
            lines += ["", f"{total - MAX_ROWS} more findings are in the SARIF report."]
        lines.append("")
    if notifications:
        lines += ["### Input errors", "", "| Location | Problem |", "|---|---|"]
        for note in notifications[:MAX_ROWS]:
            text = note.get("message", {}).get("text", "")
            lines.append(f"| {location_cell(*location_of(note))} | {cell(text)} |")
        lines.append("")
    return total, "\n".join(lines) + "\n"


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: summary.py SARIF EXIT_CODE\n")
        return 2
    with open(argv[1], encoding="utf-8") as f:
        log = json.load(f)
    runs = log.get("runs") or [{}]
    total, markdown = render(runs[0], argv[2])
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as f:
            f.write(markdown)
    print(total)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
