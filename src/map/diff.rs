//! The access diff: what changes in the map between a base revision and the tree as it is.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::map::{Access, Group, KeyEntry, Map, VERSION};

/// Everything that changed, key by key.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Diff {
    pub version: u32,
    /// The revision compared against, as given.
    pub base: String,
    pub keys: Vec<KeyChange>,
    /// Resources whose key changed.
    pub moved: Vec<ResourceMove>,
    /// Principals given access they did not have, that are public or in another account.
    pub new_public: usize,
    pub new_cross_account: usize,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty() && self.moved.is_empty()
    }

    /// Whether the change gives new public or cross-account access.
    pub fn new_access(&self) -> bool {
        self.new_public > 0 || self.new_cross_account > 0
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyChange {
    pub root: String,
    pub address: String,
    /// `created`, `deleted`, `replaced` or `changed`.
    pub change: String,
    /// In the tree as it is (in the base revision for a deleted key).
    pub file: String,
    pub line: usize,
    pub added: Vec<AccessChange>,
    pub removed: Vec<AccessChange>,
    pub settings: Vec<SettingChange>,
}

/// Classes a principal gains or loses, through one statement or grant.
#[derive(Debug, Clone, Serialize)]
pub struct AccessChange {
    pub group: Group,
    pub principal: String,
    pub effect: String,
    pub actions: Vec<String>,
    pub conditions: String,
    /// `new_public` or `new_cross_account` for added access that is; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flag: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SettingChange {
    /// `rotation`, `rotation_period_days`, `deletion_window_days`, `state`, `multi_region`, `policy`.
    pub setting: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResourceMove {
    pub root: String,
    pub address: String,
    pub attribute: String,
    pub before: String,
    pub after: String,
    /// The key it moves to is AWS-managed (or owned by the service).
    pub to_aws_managed: bool,
}

/// The accesses of a key, grants included, by who and how (principal, effect, conditions) with
/// their classes. The statement is not part of it: moving a principal between statements with
/// the same effect and conditions changes nothing.
type Who = (Group, String, String, String);

fn accesses(key: &KeyEntry) -> BTreeMap<Who, BTreeSet<String>> {
    let mut out: BTreeMap<Who, BTreeSet<String>> = BTreeMap::new();
    let grants = key.grants.iter().map(|g| Access {
        group: g.group,
        principal: g.grantee.clone(),
        effect: "allow".to_string(),
        actions: g.actions.clone(),
        conditions: if g.constraints {
            "grant constraints".to_string()
        } else {
            String::new()
        },
        via: format!("grant {}", g.address),
    });
    for a in key.principals.iter().cloned().chain(grants) {
        out.entry((a.group, a.principal, a.effect, a.conditions))
            .or_default()
            .extend(a.actions);
    }
    out
}

fn flag(a: &AccessChange) -> Option<String> {
    if a.effect != "allow" || a.actions.is_empty() {
        return None;
    }
    match a.group {
        Group::Public => Some("new_public".to_string()),
        Group::OtherAccount | Group::Organization => Some("new_cross_account".to_string()),
        _ => None,
    }
}

fn change_list(
    from: &BTreeMap<Who, BTreeSet<String>>,
    to: &BTreeMap<Who, BTreeSet<String>>,
    flagged: bool,
) -> Vec<AccessChange> {
    let mut out = Vec::new();
    for (who, classes) in to {
        let before = from.get(who);
        let mut gained: Vec<String> = classes
            .iter()
            .filter(|c| before.is_none_or(|b| !b.contains(*c)))
            .cloned()
            .collect();
        if gained.is_empty() {
            continue;
        }
        crate::map::classes::sort(&mut gained);
        let mut change = AccessChange {
            group: who.0,
            principal: who.1.clone(),
            effect: who.2.clone(),
            actions: gained,
            conditions: who.3.clone(),
            flag: None,
        };
        if flagged {
            change.flag = flag(&change);
        }
        out.push(change);
    }
    out
}

fn show<T: Serialize>(v: &Option<T>) -> String {
    match v {
        Some(v) => serde_json::to_string(v)
            .unwrap_or_default()
            .trim_matches('"')
            .to_string(),
        None => "unknown".to_string(),
    }
}

fn settings(before: &KeyEntry, after: &KeyEntry) -> Vec<SettingChange> {
    let mut out = Vec::new();
    let mut push = |setting: &str, b: String, a: String| {
        if b != a {
            out.push(SettingChange {
                setting: setting.to_string(),
                before: b,
                after: a,
            });
        }
    };
    push("state", before.state.clone(), after.state.clone());
    push("rotation", show(&before.rotation), show(&after.rotation));
    push(
        "rotation_period_days",
        show(&before.rotation_period_days),
        show(&after.rotation_period_days),
    );
    push(
        "deletion_window_days",
        show(&before.deletion_window_days),
        show(&after.deletion_window_days),
    );
    push(
        "multi_region",
        show(&before.multi_region),
        show(&after.multi_region),
    );
    push(
        "policy",
        before.policy.kind.clone(),
        after.policy.kind.clone(),
    );
    out
}

/// The key (`root` and address, or an AWS-managed key) each resource setting encrypts with.
fn resource_keys(map: &Map) -> BTreeMap<(String, String, String), (String, bool)> {
    let mut out = BTreeMap::new();
    for k in &map.keys {
        for r in &k.resources {
            out.insert(
                (k.root.clone(), r.address.clone(), r.attribute.clone()),
                (k.address.clone(), false),
            );
        }
    }
    for m in &map.aws_managed {
        out.insert(
            (m.root.clone(), m.address.clone(), m.attribute.clone()),
            (m.key.clone(), true),
        );
    }
    out
}

/// Compares the map of the base revision with the map of the tree.
pub fn diff(base: &Map, head: &Map, revision: &str) -> Diff {
    let before: BTreeMap<(&str, &str), &KeyEntry> = base.keys.iter().map(|k| (k.id(), k)).collect();
    let after: BTreeMap<(&str, &str), &KeyEntry> = head.keys.iter().map(|k| (k.id(), k)).collect();
    let empty = BTreeMap::new();
    let mut keys = Vec::new();
    let ids: BTreeSet<(&str, &str)> = before.keys().chain(after.keys()).copied().collect();
    for id in ids {
        let (b, a) = (before.get(&id), after.get(&id));
        let gone = |k: &KeyEntry| matches!(k.state.as_str(), "deleted");
        let (change, shown) = match (b, a) {
            (None, Some(a)) if gone(a) => continue,
            (None, Some(a)) => ("created", *a),
            (Some(b), None) => ("deleted", *b),
            (Some(b), Some(a)) if gone(a) && !gone(b) => ("deleted", *a),
            (Some(b), Some(a)) if a.state == "replaced" && b.state != "replaced" => {
                ("replaced", *a)
            }
            (Some(_), Some(a)) => ("changed", *a),
            (None, None) => continue,
        };
        let from = b.map_or_else(|| empty.clone(), |k| accesses(k));
        let to = match change {
            "deleted" => empty.clone(),
            _ => a.map_or_else(|| empty.clone(), |k| accesses(k)),
        };
        let added = change_list(&from, &to, true);
        let removed = if change == "deleted" {
            Vec::new()
        } else {
            change_list(&to, &from, false)
        };
        let settings = match (b, a, change) {
            (Some(b), Some(a), "changed" | "replaced") => settings(b, a),
            _ => Vec::new(),
        };
        if change == "changed" && added.is_empty() && removed.is_empty() && settings.is_empty() {
            continue;
        }
        keys.push(KeyChange {
            root: shown.root.clone(),
            address: shown.address.clone(),
            change: change.to_string(),
            file: shown.file.clone(),
            line: shown.line,
            added,
            removed,
            settings,
        });
    }
    let (rb, ra) = (resource_keys(base), resource_keys(head));
    let moved = ra
        .iter()
        .filter_map(|(id, (to, managed))| {
            let (from, _) = rb.get(id)?;
            (from != to).then(|| ResourceMove {
                root: id.0.clone(),
                address: id.1.clone(),
                attribute: id.2.clone(),
                before: from.clone(),
                after: to.clone(),
                to_aws_managed: *managed,
            })
        })
        .collect();
    let count = |flag: &str| {
        keys.iter()
            .flat_map(|k: &KeyChange| &k.added)
            .filter(|a| a.flag.as_deref() == Some(flag))
            .count()
    };
    Diff {
        version: VERSION,
        base: crate::report::escape::text(revision).into_owned(),
        new_public: count("new_public"),
        new_cross_account: count("new_cross_account"),
        keys,
        moved,
    }
}
