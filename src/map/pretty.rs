//! The terminal report of a map and of a diff. Every string in the map is already escaped.

use std::io::{self, Write};

use crate::map::classes::label;
use crate::map::diff::{AccessChange, Diff};
use crate::map::{Access, IamAccess, KeyEntry, Map};

fn classes(actions: &[String]) -> String {
    if actions.is_empty() {
        return "nothing".to_string();
    }
    actions
        .iter()
        .map(|a| label(a))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One line per IAM policy statement: what it gives, and where.
fn iam_lines(out: &mut dyn Write, indent: &str, items: &[IamAccess]) -> io::Result<()> {
    for i in items {
        writeln!(
            out,
            "{indent}{} {}: {} ({}:{})",
            i.address,
            i.statement,
            classes(&i.actions),
            i.file,
            i.line
        )?;
    }
    Ok(())
}

pub(super) fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref()
        .map_or_else(|| "unknown".to_string(), ToString::to_string)
}

/// The key's settings in one line.
pub(super) fn settings(k: &KeyEntry) -> String {
    let rotation = match (k.rotation, k.rotation_period_days) {
        (Some(true), p) => format!("on (every {} days)", opt(&p)),
        (Some(false), _) => "off".to_string(),
        (None, _) => "unknown".to_string(),
    };
    format!(
        "spec {}, usage {}, rotation {rotation}, {}, deletion window {} days, multi-Region {}",
        opt(&k.spec),
        opt(&k.usage),
        k.state,
        opt(&k.deletion_window_days),
        opt(&k.multi_region)
    )
}

pub(super) fn policy(k: &KeyEntry) -> String {
    let mut out = k.policy.kind.clone();
    if let Some(r) = &k.policy.resource {
        out.push_str(&format!(" in {r}"));
    }
    if let (Some(f), Some(l)) = (&k.policy.file, k.policy.line) {
        out.push_str(&format!(" ({f}:{l})"));
    }
    out
}

fn access(out: &mut dyn Write, a: &Access) -> io::Result<()> {
    write!(
        out,
        "    {:<13} {}{}: {}",
        a.group.label(),
        if a.effect == "allow" {
            String::new()
        } else {
            format!("{} ", a.effect.to_uppercase())
        },
        a.principal,
        classes(&a.actions)
    )?;
    if !a.conditions.is_empty() {
        write!(out, " if {}", a.conditions)?;
    }
    writeln!(out, " [{}]", a.via)
}

pub(super) fn map(map: &Map, out: &mut dyn Write) -> io::Result<()> {
    for k in &map.keys {
        writeln!(out, "{} ({}:{}) in {}", k.address, k.file, k.line, k.root)?;
        if !k.aliases.is_empty() {
            writeln!(out, "  aliases: {}", k.aliases.join(", "))?;
        }
        writeln!(out, "  {}", settings(k))?;
        writeln!(out, "  policy: {}", policy(k))?;
        if !k.principals.is_empty() {
            writeln!(out, "  principals:")?;
            for a in &k.principals {
                access(out, a)?;
            }
        }
        if !k.grants.is_empty() {
            writeln!(out, "  grants:")?;
            for g in &k.grants {
                writeln!(
                    out,
                    "    {} to {} ({}): {}{} ({}:{})",
                    g.address,
                    g.grantee,
                    g.group.label(),
                    classes(&g.actions),
                    if g.constraints {
                        " with constraints"
                    } else {
                        ""
                    },
                    g.file,
                    g.line
                )?;
            }
        }
        if !k.iam_policies.is_empty() {
            writeln!(out, "  IAM policies:")?;
            iam_lines(out, "    ", &k.iam_policies)?;
        }
        if !k.resources.is_empty() {
            writeln!(out, "  encrypts:")?;
            for r in &k.resources {
                writeln!(
                    out,
                    "    {}.{} ({}:{})",
                    r.address, r.attribute, r.file, r.line
                )?;
            }
        }
        if !k.findings.is_empty() {
            writeln!(out, "  findings:")?;
            for f in &k.findings {
                writeln!(
                    out,
                    "    {} {} line {}: {}",
                    f.rule, f.level, f.line, f.message
                )?;
            }
        }
        writeln!(out)?;
    }
    if !map.all_keys_iam.is_empty() {
        writeln!(out, "IAM policies that give access to every key:")?;
        iam_lines(out, "  ", &map.all_keys_iam)?;
        writeln!(out)?;
    }
    if !map.aws_managed.is_empty() {
        writeln!(out, "Resources on AWS-managed keys:")?;
        for m in &map.aws_managed {
            writeln!(
                out,
                "  {}.{}: {} ({}:{})",
                m.address, m.attribute, m.key, m.file, m.line
            )?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "{}{}",
        crate::report::counted(map.keys.len(), "key"),
        if map.input_errors > 0 {
            format!(
                "; {} input error(s): run `kmslint check` to see them, the map may be incomplete",
                map.input_errors
            )
        } else {
            String::new()
        }
    )
}

pub(super) fn flag_label(flag: Option<&str>) -> &'static str {
    match flag {
        Some("new_public") => "NEW PUBLIC",
        Some("new_cross_account") => "NEW CROSS-ACCOUNT",
        _ => "",
    }
}

fn change(out: &mut dyn Write, sign: char, a: &AccessChange) -> io::Result<()> {
    let flag = flag_label(a.flag.as_deref());
    write!(
        out,
        "    {sign} {}{} ({}){}: {}",
        if a.effect == "allow" {
            String::new()
        } else {
            format!("{} ", a.effect.to_uppercase())
        },
        a.principal,
        a.group.label(),
        if flag.is_empty() {
            String::new()
        } else {
            format!(" [{flag}]")
        },
        classes(&a.actions)
    )?;
    if !a.conditions.is_empty() {
        write!(out, " if {}", a.conditions)?;
    }
    writeln!(out)
}

pub(super) fn diff(diff: &Diff, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "Key access changes since {}", diff.base)?;
    if diff.is_empty() {
        return writeln!(out, "no change to key access");
    }
    for k in &diff.keys {
        writeln!(
            out,
            "{} {} ({}:{}) in {}",
            k.change, k.address, k.file, k.line, k.root
        )?;
        for s in &k.settings {
            writeln!(out, "    {}: {} -> {}", s.setting, s.before, s.after)?;
        }
        for a in &k.added {
            change(out, '+', a)?;
        }
        for a in &k.removed {
            change(out, '-', a)?;
        }
    }
    for m in &diff.moved {
        writeln!(
            out,
            "moved {}.{} in {}: {} -> {}{}",
            m.address,
            m.attribute,
            m.root,
            m.before,
            m.after,
            if m.to_aws_managed {
                " (AWS-managed)"
            } else {
                ""
            }
        )?;
    }
    writeln!(
        out,
        "{} new public, {} new cross-account access",
        diff.new_public, diff.new_cross_account
    )
}
