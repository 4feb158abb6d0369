//! Builds the [`Map`] from the inventories and findings of a `check` run.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use crate::config::Settings;
use crate::map::classes;
use crate::map::{
    Access, FindingRef, GrantEntry, Group, IamAccess, KeyEntry, ManagedUse, Map, PolicySource,
    ResourceUse, VERSION,
};
use crate::model::encryption::{Encryption, Fallback, aws_managed};
use crate::model::policy::{Effect, Policy, Principal, PrincipalKind, Statement};
use crate::model::principal::{
    Account, Identity, action_matches, allow_statements, names_caller, owner_accounts,
    statement_allows_action,
};
use crate::model::{Inventory, Key, Value, base_address, names_key};
use crate::report::escape;
use crate::source::{Loc, SourceMap};
use crate::terraform::eval::{alias_ref_name, display_markers, key_ref_address};
use crate::{Finding, Outcome};

/// Display text of a value from the scanned tree.
fn show(s: &str) -> String {
    if s.contains('\u{1}') {
        escape::text(&display_markers(s)).into_owned()
    } else {
        escape::text(s).into_owned()
    }
}

struct Places<'a>(&'a SourceMap);

impl Places<'_> {
    fn file(&self, loc: &Loc) -> String {
        escape::text(self.0.display(loc.file)).into_owned()
    }

    fn line(&self, loc: &Loc) -> usize {
        self.0
            .get(loc.file)
            .map_or(0, |f| f.range(&loc.span).0.line)
    }

    /// The directory of the file, `.` for the scanned directory.
    fn dir(&self, loc: &Loc) -> String {
        let file = self.file(loc);
        match file.rsplit_once('/') {
            Some((dir, _)) => dir.to_string(),
            None => ".".to_string(),
        }
    }

    fn text(&self, loc: &Loc) -> &str {
        self.0
            .get(loc.file)
            .and_then(|f| f.text.get(loc.span.clone()))
            .unwrap_or("")
    }
}

/// The map of a run: `inventories` are the root modules' whole inventories
/// ([`crate::check_units`]), `outcome` the run's findings and sources.
pub fn build(outcome: &Outcome, inventories: Vec<Inventory>, settings: &Settings) -> Map {
    merge(parts(outcome, inventories, settings), outcome.errors.len())
}

/// The map of each inventory apart (see [`build`]), in their order.
pub fn parts(outcome: &Outcome, inventories: Vec<Inventory>, settings: &Settings) -> Vec<Map> {
    let places = Places(&outcome.sources);
    // The findings by the block they are about (without instance key), looked up per key.
    let mut findings: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for f in &outcome.findings {
        findings
            .entry(base_address(&f.resource))
            .or_default()
            .push(f);
    }
    // Root modules apart, in parallel: each inventory is dropped as soon as it is mapped.
    inventories
        .into_par_iter()
        .map(|inventory| {
            let mut part = Map::default();
            unit(&places, &inventory, settings, &findings, &mut part);
            part
        })
        .collect()
}

/// One map of the maps of inventories, sorted, each key and resource once.
pub fn merge(parts: impl IntoIterator<Item = Map>, input_errors: usize) -> Map {
    let mut map = Map {
        version: VERSION,
        input_errors,
        ..Map::default()
    };
    for part in parts {
        map.keys.extend(part.keys);
        map.all_keys_iam.extend(part.all_keys_iam);
        map.aws_managed.extend(part.aws_managed);
    }
    map.keys
        .sort_by(|a, b| (&a.root, &a.address).cmp(&(&b.root, &b.address)));
    map.keys.dedup_by(|a, b| a.id() == b.id());
    map.aws_managed.sort_by(|a, b| {
        (&a.root, &a.address, &a.attribute).cmp(&(&b.root, &b.address, &b.attribute))
    });
    map.aws_managed.dedup_by(|a, b| {
        (&a.root, &a.address, &a.attribute) == (&b.root, &b.address, &b.attribute)
    });
    map.all_keys_iam
        .sort_by(|a, b| (&a.file, a.line, &a.statement).cmp(&(&b.file, b.line, &b.statement)));
    map.all_keys_iam
        .dedup_by(|a, b| (&a.file, a.line, &a.statement) == (&b.file, b.line, &b.statement));
    map
}

/// The root module directory of a resource: where its first module call is, or its own file.
fn root_of(places: &Places<'_>, block: &Loc, calls: &[crate::source::Related]) -> String {
    calls
        .first()
        .map_or_else(|| places.dir(block), |c| places.dir(&c.loc))
}

fn unit(
    places: &Places<'_>,
    inventory: &Inventory,
    settings: &Settings,
    findings: &HashMap<&str, Vec<&Finding>>,
    map: &mut Map,
) {
    // Configured keys come first: a plan's copy of the same address adds only its state.
    let mut seen = std::collections::BTreeSet::new();
    let mut keys: Vec<&Key> = Vec::new();
    for k in &inventory.keys {
        if seen.insert(k.address.as_str()) {
            keys.push(k);
        }
    }
    let iam = iam_accesses(places, inventory);
    for (access, all) in &iam {
        if all.is_empty() {
            map.all_keys_iam.push(access.clone());
        }
    }
    for key in keys {
        let mut entry = key_entry(places, inventory, settings, key);
        entry.iam_policies = iam
            .iter()
            .filter(|(_, targets)| targets.iter().any(|t| names_key(t, &key.address)))
            .map(|(a, _)| a.clone())
            .collect();
        entry.findings = findings_of(places, findings, inventory, key);
        map.keys.push(entry);
    }
    // Keys a plan deletes that the configuration no longer declares.
    for d in &inventory.deletions {
        if seen.contains(d.address.as_str()) {
            continue;
        }
        let loc = d.block.as_ref().unwrap_or(&d.at);
        map.keys.push(KeyEntry {
            root: places.dir(&d.plan),
            address: show(&d.address),
            kind: d
                .address
                .rsplit('.')
                .nth(1)
                .filter(|t| t.starts_with("aws_kms_"))
                .unwrap_or("aws_kms_key")
                .to_string(),
            file: places.file(loc),
            line: places.line(loc),
            aliases: Vec::new(),
            spec: None,
            usage: None,
            rotation: None,
            rotation_period_days: None,
            state: if d.replace { "replaced" } else { "deleted" }.to_string(),
            deletion_window_days: Some(d.window_days),
            multi_region: None,
            policy: PolicySource {
                kind: "unknown".to_string(),
                resource: None,
                file: None,
                line: None,
            },
            principals: Vec::new(),
            grants: Vec::new(),
            iam_policies: Vec::new(),
            resources: Vec::new(),
            findings: Vec::new(),
        });
    }
    for e in &inventory.encryptions {
        if let Some(key) = managed_key(e) {
            map.aws_managed.push(ManagedUse {
                root: root_of(places, &e.header, &e.calls),
                address: show(&e.address),
                attribute: attribute(e),
                key: show(&key),
                file: places.file(&e.block),
                line: places.line(&e.block),
            });
        }
    }
    for n in &inventory.named_keys {
        map.aws_managed.push(ManagedUse {
            root: root_of(places, &n.header, &n.calls),
            address: show(&n.address),
            attribute: show(&n.attribute),
            key: show(&n.key),
            file: places.file(&n.origin.at),
            line: places.line(&n.origin.at),
        });
    }
}

/// The attribute path of an encryption setting (`root_block_device.kms_key_id`).
fn attribute(e: &Encryption) -> String {
    let mut parts: Vec<&str> = e.row.blocks.to_vec();
    if !e.row.key.is_empty() {
        parts.push(e.row.key);
    }
    parts.join(".")
}

/// The AWS-managed (or service-owned) key an encryption setting uses, if it uses one.
fn managed_key(e: &Encryption) -> Option<String> {
    match &e.key {
        Value::Set(Some(k), _) if aws_managed(k) => Some(k.clone()),
        Value::Default(None) if e.on.is_true() => Some(match e.row.fallback {
            Fallback::Managed(alias) => format!("alias/{alias} (default)"),
            Fallback::Owned => "AWS-owned key (default)".to_string(),
        }),
        _ => None,
    }
}

/// The key address an encryption's key names: a reference to a key, or an alias (by marker or
/// written out) that an alias of the unit points at a key.
fn key_of(inventory: &Inventory, written: &str) -> Option<String> {
    if let Some(address) = key_ref_address(written) {
        return Some(address.to_string());
    }
    let alias = alias_ref_name(written).unwrap_or(written);
    let alias = match alias.find(":alias/") {
        Some(i) if alias.starts_with("arn:") => &alias[i + 1..],
        _ => alias,
    };
    if !alias.starts_with("alias/") {
        return None;
    }
    inventory
        .aliases
        .iter()
        .find_map(|a| match (&a.name, &a.target) {
            (Value::Set(n, _), Value::Set(Some(key), _)) if n == alias => Some(key.clone()),
            _ => None,
        })
}

fn key_entry(
    places: &Places<'_>,
    inventory: &Inventory,
    settings: &Settings,
    key: &Key,
) -> KeyEntry {
    let address = &key.address;
    let aliases = inventory
        .aliases
        .iter()
        .filter(|a| matches!(&a.target, Value::Set(Some(t), _) if names_key(t, address)))
        .map(|a| match &a.name {
            Value::Set(n, _) if !n.is_empty() => show(n),
            _ if a.name_prefix => "unknown (name_prefix)".to_string(),
            _ => "unknown".to_string(),
        })
        .collect();
    let deletion = inventory.deletions.iter().find(|d| d.address == *address);
    let state = match (deletion, key.enabled.known()) {
        (Some(d), _) if d.replace => "replaced",
        (Some(_), _) => "deleted",
        (None, Some(true)) => "enabled",
        (None, Some(false)) => "disabled",
        (None, None) => "unknown",
    };
    // An `aws_kms_key_policy` replaces the key's own policy.
    let resource = inventory
        .key_policies
        .iter()
        .find(|kp| kp.key.as_deref().is_some_and(|k| names_key(k, address)));
    let (policy_value, source_resource) = match resource {
        Some(kp) => (&kp.policy, Some(show(&kp.address))),
        None => (&key.policy, None),
    };
    // The policy written at `loc`.
    let written = |kind: String, loc: &Loc| PolicySource {
        kind,
        resource: source_resource.clone(),
        file: Some(places.file(loc)),
        line: Some(places.line(loc)),
    };
    let (policy, principals) = match policy_value {
        Value::Default(None) => (
            PolicySource {
                kind: "default".to_string(),
                resource: source_resource.clone(),
                file: None,
                line: None,
            },
            vec![Access {
                group: Group::Owner,
                principal: "account root (default key policy)".to_string(),
                effect: "allow".to_string(),
                actions: classes::all(),
                conditions: String::new(),
                via: "default key policy".to_string(),
            }],
        ),
        Value::Set(Some(_), o) if sensitive(inventory, &o.at) => (
            written(source_kind(places, &o.at), &o.at),
            vec![unknown_access("sensitive policy")],
        ),
        Value::Set(Some(p), o) => (
            written(source_kind(places, &o.at), &o.at),
            policy_accesses(p, settings),
        ),
        Value::Default(Some(p)) => (
            written(source_kind(places, &p.loc), &p.loc),
            policy_accesses(p, settings),
        ),
        Value::Set(None, o) | Value::Unknown(o) => (
            written("unknown".to_string(), &o.at),
            vec![unknown_access("policy unknown")],
        ),
    };
    let grants = inventory
        .grants
        .iter()
        .filter(|g| g.key.as_deref().is_some_and(|k| names_key(k, address)))
        .map(|g| {
            let operations: Vec<String> = g
                .operations
                .known()
                .map(|ops| ops.iter().map(|(o, _)| o.clone()).collect())
                .unwrap_or_default();
            let mut actions = classes::of_operations(&operations);
            if g.operations.known().is_none() {
                actions.push(classes::UNKNOWN.to_string());
            }
            let (grantee, group) = match g.grantee_principal.known() {
                Some(p) => (
                    show(p),
                    group_of_identity(&parse_principal(p), &[Account::Owner], true, settings),
                ),
                None => ("unknown".to_string(), Group::Unknown),
            };
            GrantEntry {
                address: show(&g.address),
                grantee,
                group,
                operations: operations.iter().map(|o| show(o)).collect(),
                actions,
                constraints: g.has_constraints,
                file: places.file(&g.header),
                line: places.line(&g.header),
            }
        })
        .collect();
    let resources = inventory
        .encryptions
        .iter()
        .filter_map(|e| match &e.key {
            Value::Set(Some(k), _) => {
                let target = key_of(inventory, k)?;
                names_key(&target, address).then(|| ResourceUse {
                    address: show(&e.address),
                    attribute: attribute(e),
                    file: places.file(&e.header),
                    line: places.line(&e.header),
                })
            }
            _ => None,
        })
        .collect();
    KeyEntry {
        root: root_of(places, &key.header, &key.calls),
        address: show(address),
        kind: key.kind.resource_type().to_string(),
        file: places.file(&key.header),
        line: places.line(&key.header),
        aliases,
        // A replica has its primary's spec and usage, which may be outside the scan.
        spec: (!key.kind.is_replica())
            .then(|| key.key_spec.known().map(|s| show(s)))
            .flatten(),
        usage: (!key.kind.is_replica())
            .then(|| key.key_usage.known().map(|s| show(s)))
            .flatten(),
        rotation: match key.kind {
            crate::model::KeyKind::Key => key.enable_key_rotation.known().copied(),
            // A replica rotates with its primary key, which may be outside the scan.
            crate::model::KeyKind::ReplicaKey => None,
            // Imported key material is never rotated automatically.
            _ => Some(false),
        },
        rotation_period_days: key.rotation_period_in_days.known().copied(),
        state: state.to_string(),
        deletion_window_days: key.deletion_window_in_days.known().copied(),
        multi_region: if key.kind.is_replica() {
            Some(true)
        } else {
            key.multi_region.known().copied()
        },
        policy,
        principals,
        grants,
        iam_policies: Vec::new(),
        resources,
        findings: Vec::new(),
    }
}

/// How a policy was written, from the text of its expression.
fn source_kind(places: &Places<'_>, loc: &Loc) -> String {
    if places.file(loc).ends_with(".json") {
        return "plan".to_string();
    }
    let text = places.text(loc).trim_start();
    let kind = if text.starts_with("jsonencode") {
        "jsonencode"
    } else if text.starts_with("<<") {
        "heredoc"
    } else if text.starts_with("data.aws_iam_policy_document.") {
        "aws_iam_policy_document"
    } else if text.starts_with('"') {
        "string"
    } else {
        "expression"
    };
    kind.to_string()
}

fn unknown_access(via: &str) -> Access {
    Access {
        group: Group::Unknown,
        principal: "unknown".to_string(),
        effect: "allow".to_string(),
        actions: vec![classes::UNKNOWN.to_string()],
        conditions: String::new(),
        via: via.to_string(),
    }
}

fn parse_principal(s: &str) -> Identity {
    let p = Principal {
        kind: if s.ends_with(".amazonaws.com") {
            PrincipalKind::Service
        } else {
            PrincipalKind::Aws
        },
        id: crate::model::policy::Str {
            value: Some(s.to_string()),
            loc: Loc::new(crate::source::FileId(0), 0..0),
            via: Vec::new(),
        },
    };
    Identity::of(&p).unwrap_or(Identity::Other(s.to_string()))
}

fn group_of_identity(
    id: &Identity,
    owners: &[Account],
    owner_known: bool,
    settings: &Settings,
) -> Group {
    match id {
        Identity::Service(_) => Group::AwsService,
        Identity::Other(_) => Group::Unknown,
        Identity::Root(a) | Identity::InAccount(a, _) => {
            group_of_account(a, owners, owner_known, settings)
        }
    }
}

fn group_of_account(
    a: &Account,
    owners: &[Account],
    owner_known: bool,
    settings: &Settings,
) -> Group {
    match a {
        Account::Owner => Group::Owner,
        Account::Any => Group::Public,
        Account::Id(_) if owners.contains(a) => Group::Owner,
        Account::Id(id) if settings.trusted_accounts.contains(id) => Group::Trusted,
        Account::Id(_) if owner_known => Group::OtherAccount,
        Account::Id(_) => Group::Unknown,
    }
}

/// The owner accounts of a key policy ([`owner_accounts`]), except that when none is configured
/// and an account root may administer the key, only such roots' accounts own it: a role of
/// another account that may also administer it is that other account's.
fn owners(policy: &Policy, settings: &Settings) -> Vec<Account> {
    let all = owner_accounts(policy, &settings.accounts);
    if !settings.accounts.is_empty() {
        return all;
    }
    let mut roots: Vec<Account> = allow_statements(policy)
        .filter(|s| statement_allows_action(s, "kms:PutKeyPolicy") == Some(true))
        .flat_map(|s| s.principals.iter().flat_map(|p| &p.items))
        .filter_map(|p| match Identity::of(p) {
            Some(Identity::Root(a @ Account::Id(_))) => Some(a),
            _ => None,
        })
        .collect();
    if roots.is_empty() {
        return all;
    }
    roots.push(Account::Owner);
    roots.sort();
    roots.dedup();
    roots
}

/// Every principal of every statement with a `Principal`/`NotPrincipal`, with its classes.
fn policy_accesses(policy: &Policy, settings: &Settings) -> Vec<Access> {
    let owners = owners(policy, settings);
    let owner_known = owners.iter().any(|a| matches!(a, Account::Id(_))) || names_caller(policy);
    let mut out = Vec::new();
    for (i, s) in policy.statements.iter().enumerate() {
        let effect = match s.effect {
            Some(Effect::Allow) => "allow",
            Some(Effect::Deny) => "deny",
            None => "unknown",
        };
        let actions = classes::of_statement(s);
        if actions.is_empty() {
            continue;
        }
        let conditions = conditions_line(s);
        let via = show(&s.name(i));
        let Some(principals) = &s.principals else {
            continue;
        };
        let mut push = |group: Group, principal: String| {
            out.push(Access {
                group,
                principal,
                effect: effect.to_string(),
                actions: actions.clone(),
                conditions: conditions.clone(),
                via: via.clone(),
            });
        };
        if principals.not {
            let except: Vec<String> = principals
                .items
                .iter()
                .map(|p| p.id.value.as_deref().map_or("unknown".to_string(), show))
                .collect();
            push(
                Group::Public,
                format!("everyone except {}", except.join(", ")),
            );
            continue;
        }
        for p in &principals.items {
            let Some(value) = p.id.value.as_deref() else {
                push(Group::Unknown, "unknown".to_string());
                continue;
            };
            let group = if p.is_wildcard() {
                wildcard_group(s, &owners, owner_known, settings)
            } else {
                match Identity::of(p) {
                    Some(id) => group_of_identity(&id, &owners, owner_known, settings),
                    None => Group::Unknown,
                }
            };
            push(group, show(value));
        }
        if principals.unknown {
            push(Group::Unknown, "unknown".to_string());
        }
    }
    if policy.unknown {
        out.push(unknown_access("statements unknown"));
    }
    out.sort();
    out.dedup();
    out
}

/// `*` narrowed by an account or organization condition is that account or organization.
fn wildcard_group(
    s: &Statement,
    owners: &[Account],
    owner_known: bool,
    settings: &Settings,
) -> Group {
    let mut group = Group::Public;
    for c in &s.conditions {
        let (Some(op), Some(key)) = (c.operator.value.as_deref(), c.key.value.as_deref()) else {
            continue;
        };
        let op = op.to_ascii_lowercase();
        if op.contains("not") || op.contains("ifexists") {
            continue;
        }
        let values: Vec<&str> = c.values.iter().filter_map(|v| v.value.as_deref()).collect();
        match key.to_ascii_lowercase().as_str() {
            // Limited to an organization (or a path in one), even when which one is unknown; a
            // pattern in the organization id itself limits nothing.
            "aws:principalorgid" | "aws:principalorgpaths" => {
                let fixed = c.values.iter().all(|v| {
                    v.value.as_deref().is_none_or(|v| {
                        let org = v.split('/').next().unwrap_or(v);
                        !org.contains(['*', '?']) && !org.is_empty()
                    })
                });
                if fixed {
                    group = group.min(Group::Organization);
                }
            }
            // Limited to an account the scan cannot know: not public, not placed.
            "kms:calleraccount" | "aws:principalaccount"
                if values.is_empty() || values.len() < c.values.len() =>
            {
                group = match group {
                    Group::Public => Group::Unknown,
                    other => other,
                };
            }
            "kms:calleraccount" | "aws:principalaccount" => {
                let worst = values
                    .iter()
                    .map(|v| group_of_account(&Account::parse(v), owners, owner_known, settings))
                    .max()
                    .unwrap_or(Group::Unknown);
                group = group.min(worst);
            }
            _ => {}
        }
    }
    group
}

/// A statement's conditions in one line: `StringEquals kms:ViaService = [a, b]; ...`.
fn conditions_line(s: &Statement) -> String {
    let mut parts: Vec<String> = s
        .conditions
        .iter()
        .map(|c| {
            let op = c
                .operator
                .value
                .as_deref()
                .map_or("unknown".to_string(), show);
            let key = c.key.value.as_deref().map_or("unknown".to_string(), show);
            let values: Vec<String> = c
                .values
                .iter()
                .map(|v| v.value.as_deref().map_or("unknown".to_string(), show))
                .collect();
            format!("{op} {key} = [{}]", values.join(", "))
        })
        .collect();
    if s.conditions_unknown {
        parts.push("unknown condition".to_string());
    }
    parts.join("; ")
}

/// The IAM statements that give KMS access, each with the keys of the scan its resources name
/// (empty: every key).
fn iam_accesses(places: &Places<'_>, inventory: &Inventory) -> Vec<(IamAccess, Vec<String>)> {
    let mut out = Vec::new();
    for iam in &inventory.iam_policies {
        let Some(Some(policy)) = iam.policy.known() else {
            continue;
        };
        for (i, s) in policy.statements.iter().enumerate() {
            if s.effect != Some(Effect::Allow) {
                continue;
            }
            let actions = classes::of_statement(s);
            if actions.is_empty() || actions == [classes::UNKNOWN] {
                continue;
            }
            let Some(resources) = s.resources.as_ref().filter(|r| !r.not) else {
                continue;
            };
            let mut targets = Vec::new();
            let mut all = false;
            for r in &resources.items {
                let Some(v) = r.value.as_deref() else {
                    continue;
                };
                if let Some(k) = key_ref_address(v) {
                    targets.push(k.to_string());
                } else if action_matches(v, "arn:aws:kms:us-east-1:111122223333:key/any") {
                    all = true;
                }
            }
            if !all && targets.is_empty() {
                continue;
            }
            let access = IamAccess {
                address: show(&iam.address),
                statement: show(&s.name(i)),
                actions,
                conditions: conditions_line(s),
                file: places.file(&s.loc),
                line: places.line(&s.loc),
            };
            if all {
                out.push((access.clone(), Vec::new()));
            }
            if !targets.is_empty() {
                out.push((access, targets));
            }
        }
    }
    out
}

/// Whether a plan marks the value at `loc` sensitive: then it is never shown.
fn sensitive(inventory: &Inventory, loc: &Loc) -> bool {
    inventory
        .sensitive
        .iter()
        .any(|s| s.file == loc.file && s.span.start <= loc.span.start && loc.span.end <= s.span.end)
}

/// The findings on the key and on the `aws_kms_key_policy` that sets its policy.
fn findings_of(
    places: &Places<'_>,
    findings: &HashMap<&str, Vec<&Finding>>,
    inventory: &Inventory,
    key: &Key,
) -> Vec<FindingRef> {
    let mut subjects: Vec<(&str, &Loc)> = vec![(&key.address, &key.block)];
    for kp in &inventory.key_policies {
        if kp
            .key
            .as_deref()
            .is_some_and(|k| names_key(k, &key.address))
        {
            subjects.push((&kp.address, &kp.block));
        }
    }
    let mut out: BTreeMap<(usize, String, String), FindingRef> = BTreeMap::new();
    let candidates = subjects
        .iter()
        .filter_map(|(address, _)| findings.get(base_address(address)))
        .flatten();
    for f in candidates {
        // A finding on several instances of one block names the first of them.
        let hit = subjects.iter().any(|(address, block)| {
            (f.resource == *address && f.block.as_ref().is_none_or(|b| b.file == block.file))
                || (base_address(&f.resource) == base_address(address)
                    && f.block.as_ref() == Some(*block)
                    && crate::finding::without_instance_count(&f.message).len() < f.message.len())
        });
        if hit {
            let line = places.line(&f.primary);
            out.insert(
                (line, f.rule.id.to_string(), f.message.clone()),
                FindingRef {
                    rule: f.rule.id.to_string(),
                    level: f.level.as_str().to_string(),
                    message: escape::text(&f.message).into_owned(),
                    line,
                },
            );
        }
    }
    out.into_values().collect()
}
