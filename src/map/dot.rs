//! The Graphviz report: principals → keys → resources, every id and label a quoted string with
//! `"` and `\` escaped (the map's strings have no control characters left).

use std::io::{self, Write};

use crate::map::Map;
use crate::map::classes::label;
use crate::map::diff::Diff;

/// A quoted DOT string.
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A quoted DOT label of several lines.
fn lines(parts: &[&str]) -> String {
    let inner: Vec<String> = parts
        .iter()
        .map(|p| {
            let quoted = q(p);
            quoted[1..quoted.len() - 1].to_string()
        })
        .collect();
    format!("\"{}\"", inner.join("\\n"))
}

fn short(actions: &[String]) -> String {
    actions
        .iter()
        .map(|a| label(a))
        .collect::<Vec<_>>()
        .join(", ")
}

fn key_id(root: &str, address: &str) -> String {
    format!("key:{root}:{address}")
}

/// A principal's node and its edge to `key`, dashed or solid when `style` says so.
fn principal_edge(
    out: &mut dyn Write,
    principal: &str,
    group: &str,
    key: &str,
    style: Option<&str>,
    label: &str,
) -> io::Result<()> {
    let who = format!("principal:{principal}");
    writeln!(
        out,
        "  {} [shape=ellipse, label={}];",
        q(&who),
        lines(&[principal, group])
    )?;
    let style = style.map_or(String::new(), |s| format!("style={s}, "));
    writeln!(
        out,
        "  {} -> {} [{style}label={}];",
        q(&who),
        q(key),
        q(label)
    )
}

/// A resource's node; returns its id.
fn resource_node(out: &mut dyn Write, root: &str, address: &str) -> io::Result<String> {
    let res = format!("resource:{root}:{address}");
    writeln!(out, "  {} [shape=box, label={}];", q(&res), q(address))?;
    Ok(res)
}

pub(super) fn map(map: &Map, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "digraph kms {{")?;
    writeln!(out, "  rankdir=LR;")?;
    for k in &map.keys {
        let key = key_id(&k.root, &k.address);
        writeln!(
            out,
            "  {} [shape=hexagon, label={}];",
            q(&key),
            lines(&[&k.address, &k.state])
        )?;
        for a in k.principals.iter().filter(|a| a.effect == "allow") {
            let (who, group) = (&a.principal, a.group.label());
            principal_edge(out, who, group, &key, None, &short(&a.actions))?;
        }
        for g in &k.grants {
            let label = format!("grant: {}", short(&g.actions));
            principal_edge(
                out,
                &g.grantee,
                g.group.label(),
                &key,
                Some("dashed"),
                &label,
            )?;
        }
        for r in &k.resources {
            let res = resource_node(out, &k.root, &r.address)?;
            writeln!(out, "  {} -> {};", q(&key), q(&res))?;
        }
    }
    for m in &map.aws_managed {
        let key = format!("managed:{}", m.key);
        writeln!(
            out,
            "  {} [shape=hexagon, style=dashed, label={}];",
            q(&key),
            q(&m.key)
        )?;
        let res = resource_node(out, &m.root, &m.address)?;
        writeln!(out, "  {} -> {};", q(&key), q(&res))?;
    }
    writeln!(out, "}}")
}

pub(super) fn diff(diff: &Diff, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "digraph kms_changes {{")?;
    writeln!(out, "  rankdir=LR;")?;
    for k in &diff.keys {
        let key = key_id(&k.root, &k.address);
        writeln!(
            out,
            "  {} [shape=hexagon, label={}];",
            q(&key),
            lines(&[&k.address, &k.change])
        )?;
        for (sign, list, style) in [("+", &k.added, "solid"), ("-", &k.removed, "dashed")] {
            for a in list {
                let label = format!("{sign} {}", short(&a.actions));
                principal_edge(
                    out,
                    &a.principal,
                    a.group.label(),
                    &key,
                    Some(style),
                    &label,
                )?;
            }
        }
    }
    for m in &diff.moved {
        let res = resource_node(out, &m.root, &m.address)?;
        writeln!(
            out,
            "  {} -> {} [label=\"moved here\"];",
            q(&format!("key:{}", m.after)),
            q(&res)
        )?;
    }
    writeln!(out, "}}")
}
