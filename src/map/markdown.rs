//! The Markdown report (pull-request comments, job summaries): a section per key with tables,
//! and a Mermaid graph of principals → keys → resources.
//!
//! The map's strings are already free of control characters; here every one is also escaped
//! for CommonMark (each ASCII punctuation character backslash-escaped, so no input can open a
//! link, HTML, emphasis, code span or table cell) and, inside the graph, for Mermaid (only
//! letters, digits and a few safe characters are written as they are; all else as `#NNN;`).

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::map::classes::label;
use crate::map::diff::{AccessChange, Diff};
use crate::map::pretty::{flag_label, policy, settings};
use crate::map::{KeyEntry, Map};

/// Text for Markdown, inline or in a table cell.
pub(super) fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Text for a quoted Mermaid label.
pub(super) fn mermaid(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | ',' | '/' | '_' | '-' | ':' | '*') {
            out.push(c);
        } else {
            out.push_str(&format!("#{};", u32::from(c)));
        }
    }
    out
}

fn classes(actions: &[String]) -> String {
    if actions.is_empty() {
        return "nothing".to_string();
    }
    md(&actions
        .iter()
        .map(|a| label(a))
        .collect::<Vec<_>>()
        .join(", "))
}

/// Most edges a graph shows: GitHub stops rendering large diagrams.
const MAX_EDGES: usize = 300;

/// A Mermaid flowchart built node by node, with ids of its own (`n1`, `n2`, ...).
#[derive(Default)]
struct Graph {
    nodes: BTreeMap<(u8, String), String>,
    lines: Vec<String>,
    edges: usize,
    dropped: usize,
}

impl Graph {
    fn node(&mut self, kind: u8, text: &str) -> String {
        let next = self.nodes.len() + 1;
        let id = self
            .nodes
            .entry((kind, text.to_string()))
            .or_insert_with(|| format!("n{next}"))
            .clone();
        if id == format!("n{next}") {
            let shape = match kind {
                0 => format!("{id}([\"{}\"])", mermaid(text)),
                1 => format!("{id}{{{{\"{}\"}}}}", mermaid(text)),
                _ => format!("{id}[\"{}\"]", mermaid(text)),
            };
            self.lines.push(format!("  {shape}"));
        }
        id
    }

    fn edge(&mut self, from: (u8, &str), to: (u8, &str), text: &str, dashed: bool) {
        if self.edges >= MAX_EDGES {
            self.dropped += 1;
            return;
        }
        self.edges += 1;
        let a = self.node(from.0, from.1);
        let b = self.node(to.0, to.1);
        let arrow = if dashed { "-.->" } else { "-->" };
        if text.is_empty() {
            self.lines.push(format!("  {a} {arrow} {b}"));
        } else {
            self.lines
                .push(format!("  {a} {arrow}|\"{}\"| {b}", mermaid(text)));
        }
    }

    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.lines.is_empty() {
            return Ok(());
        }
        writeln!(out, "```mermaid")?;
        writeln!(out, "flowchart LR")?;
        for l in &self.lines {
            writeln!(out, "{l}")?;
        }
        writeln!(out, "```")?;
        if self.dropped > 0 {
            writeln!(
                out,
                "\n{} more edges are not drawn; the tables list them all.",
                self.dropped
            )?;
        }
        writeln!(out)
    }
}

const PRINCIPAL: u8 = 0;
const KEY: u8 = 1;
const RESOURCE: u8 = 2;

fn key_name(k: &KeyEntry) -> String {
    key_name_of(&k.root, &k.address)
}

/// An edge's label: every class is `all`, so the graph stays readable.
fn short(actions: &[String]) -> String {
    let classes = crate::map::classes::CLASSES;
    if classes.iter().all(|(c, _)| actions.iter().any(|a| a == c)) {
        return "all".to_string();
    }
    actions
        .iter()
        .map(|a| label(a))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn map(map: &Map, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "# KMS key access map\n")?;
    writeln!(
        out,
        "{}{}\n",
        crate::report::counted(map.keys.len(), "key"),
        if map.input_errors > 0 {
            format!(
                "; {} input error(s), the map may be incomplete (`kmslint check` lists them)",
                map.input_errors
            )
        } else {
            String::new()
        }
    )?;
    let mut graph = Graph::default();
    for k in &map.keys {
        let key = key_name(k);
        for a in k.principals.iter().filter(|a| a.effect == "allow") {
            let who = format!("{}: {}", a.group.label(), a.principal);
            graph.edge((PRINCIPAL, &who), (KEY, &key), &short(&a.actions), false);
        }
        for g in &k.grants {
            let who = format!("{}: {}", g.group.label(), g.grantee);
            graph.edge(
                (PRINCIPAL, &who),
                (KEY, &key),
                &format!("grant: {}", short(&g.actions)),
                true,
            );
        }
        for r in &k.resources {
            graph.edge((KEY, &key), (RESOURCE, &r.address), "", false);
        }
        if k.principals.is_empty() && k.grants.is_empty() && k.resources.is_empty() {
            graph.node(KEY, &key);
        }
    }
    for m in &map.aws_managed {
        graph.edge((KEY, &m.key), (RESOURCE, &m.address), "", true);
    }
    graph.write(out)?;
    for k in &map.keys {
        writeln!(out, "## {}\n", md(&key_name(k)))?;
        writeln!(out, "| Setting | Value |")?;
        writeln!(out, "| --- | --- |")?;
        writeln!(out, "| Place | {} |", md(&format!("{}:{}", k.file, k.line)))?;
        writeln!(out, "| Type | {} |", md(&k.kind))?;
        let aliases = if k.aliases.is_empty() {
            "none".to_string()
        } else {
            k.aliases.join(", ")
        };
        writeln!(out, "| Aliases | {} |", md(&aliases))?;
        writeln!(out, "| Settings | {} |", md(&settings(k)))?;
        writeln!(out, "| Policy | {} |\n", md(&policy(k)))?;
        if !k.principals.is_empty() {
            writeln!(
                out,
                "| Account | Principal | Effect | May | Conditions | Via |"
            )?;
            writeln!(out, "| --- | --- | --- | --- | --- | --- |")?;
            for a in &k.principals {
                writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} |",
                    md(a.group.label()),
                    md(&a.principal),
                    md(&a.effect),
                    classes(&a.actions),
                    md(&a.conditions),
                    md(&a.via)
                )?;
            }
            writeln!(out)?;
        }
        if !k.grants.is_empty() {
            writeln!(
                out,
                "| Grant | Grantee | Account | Operations | Constraints |"
            )?;
            writeln!(out, "| --- | --- | --- | --- | --- |")?;
            for g in &k.grants {
                writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    md(&g.address),
                    md(&g.grantee),
                    md(g.group.label()),
                    md(&g.operations.join(", ")),
                    if g.constraints { "yes" } else { "no" }
                )?;
            }
            writeln!(out)?;
        }
        if !k.iam_policies.is_empty() {
            writeln!(out, "| IAM policy | Statement | May | Place |")?;
            writeln!(out, "| --- | --- | --- | --- |")?;
            for i in &k.iam_policies {
                writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    md(&i.address),
                    md(&i.statement),
                    classes(&i.actions),
                    md(&format!("{}:{}", i.file, i.line))
                )?;
            }
            writeln!(out)?;
        }
        if !k.resources.is_empty() {
            writeln!(out, "| Encrypts | Attribute | Place |")?;
            writeln!(out, "| --- | --- | --- |")?;
            for r in &k.resources {
                writeln!(
                    out,
                    "| {} | {} | {} |",
                    md(&r.address),
                    md(&r.attribute),
                    md(&format!("{}:{}", r.file, r.line))
                )?;
            }
            writeln!(out)?;
        }
        if !k.findings.is_empty() {
            writeln!(out, "| Rule | Level | Line | Finding |")?;
            writeln!(out, "| --- | --- | --- | --- |")?;
            for f in &k.findings {
                writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    md(&f.rule),
                    md(&f.level),
                    f.line,
                    md(&f.message)
                )?;
            }
            writeln!(out)?;
        }
    }
    if !map.all_keys_iam.is_empty() {
        writeln!(out, "## IAM policies that give access to every key\n")?;
        writeln!(out, "| IAM policy | Statement | May | Conditions | Place |")?;
        writeln!(out, "| --- | --- | --- | --- | --- |")?;
        for i in &map.all_keys_iam {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                md(&i.address),
                md(&i.statement),
                classes(&i.actions),
                md(&i.conditions),
                md(&format!("{}:{}", i.file, i.line))
            )?;
        }
        writeln!(out)?;
    }
    if !map.aws_managed.is_empty() {
        writeln!(out, "## Resources on AWS-managed keys\n")?;
        writeln!(out, "| Resource | Attribute | Key | Place |")?;
        writeln!(out, "| --- | --- | --- | --- |")?;
        for m in &map.aws_managed {
            writeln!(
                out,
                "| {} | {} | {} | {} |",
                md(&m.address),
                md(&m.attribute),
                md(&m.key),
                md(&format!("{}:{}", m.file, m.line))
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn change_row(out: &mut dyn Write, sign: &str, a: &AccessChange) -> io::Result<()> {
    writeln!(
        out,
        "| {sign} | {} | {} | {} | {} | {} | {} |",
        md(flag_label(a.flag.as_deref())),
        md(a.group.label()),
        md(&a.principal),
        md(&a.effect),
        classes(&a.actions),
        md(&a.conditions)
    )
}

pub(super) fn diff(diff: &Diff, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "# KMS key access changes since {}\n", md(&diff.base))?;
    if diff.is_empty() {
        return writeln!(out, "No change to key access.");
    }
    writeln!(
        out,
        "{} changed; {} new public, {} new cross\\-account access.\n",
        crate::report::counted(diff.keys.len(), "key"),
        diff.new_public,
        diff.new_cross_account
    )?;
    let mut graph = Graph::default();
    for k in &diff.keys {
        let key = format!("{} ({})", key_name_of(&k.root, &k.address), k.change);
        for a in &k.added {
            let who = format!("{}: {}", a.group.label(), a.principal);
            graph.edge(
                (PRINCIPAL, &who),
                (KEY, &key),
                &format!("+ {}", short(&a.actions)),
                false,
            );
        }
        for a in &k.removed {
            let who = format!("{}: {}", a.group.label(), a.principal);
            graph.edge(
                (PRINCIPAL, &who),
                (KEY, &key),
                &format!("- {}", short(&a.actions)),
                true,
            );
        }
        if k.added.is_empty() && k.removed.is_empty() {
            graph.node(KEY, &key);
        }
    }
    for m in &diff.moved {
        graph.edge((KEY, &m.after), (RESOURCE, &m.address), "moved here", false);
    }
    graph.write(out)?;
    for k in &diff.keys {
        writeln!(
            out,
            "## {} {}\n",
            md(&k.change),
            md(&key_name_of(&k.root, &k.address))
        )?;
        writeln!(out, "{}\n", md(&format!("{}:{}", k.file, k.line)))?;
        if !k.settings.is_empty() {
            writeln!(out, "| Setting | Before | After |")?;
            writeln!(out, "| --- | --- | --- |")?;
            for s in &k.settings {
                writeln!(
                    out,
                    "| {} | {} | {} |",
                    md(&s.setting),
                    md(&s.before),
                    md(&s.after)
                )?;
            }
            writeln!(out)?;
        }
        if !k.added.is_empty() || !k.removed.is_empty() {
            writeln!(
                out,
                "| | Flag | Account | Principal | Effect | May | Conditions |"
            )?;
            writeln!(out, "| --- | --- | --- | --- | --- | --- | --- |")?;
            for a in &k.added {
                change_row(out, "added", a)?;
            }
            for a in &k.removed {
                change_row(out, "removed", a)?;
            }
            writeln!(out)?;
        }
    }
    if !diff.moved.is_empty() {
        writeln!(out, "## Resources that change key\n")?;
        writeln!(out, "| Resource | Attribute | Before | After |")?;
        writeln!(out, "| --- | --- | --- | --- |")?;
        for m in &diff.moved {
            writeln!(
                out,
                "| {} | {} | {} | {}{} |",
                md(&m.address),
                md(&m.attribute),
                md(&m.before),
                md(&m.after),
                if m.to_aws_managed {
                    " (AWS\\-managed)"
                } else {
                    ""
                }
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn key_name_of(root: &str, address: &str) -> String {
    if root == "." {
        address.to_string()
    } else {
        format!("{root}: {address}")
    }
}
