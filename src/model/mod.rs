//! The typed KMS inventory that every rule reads, whatever the input format.
//!
//! Adapters (`from_hcl`, later `from_plan`) turn parsed input into an [`Inventory`]; rules see
//! only this model. Every attribute is a [`Value`]: set, left at the provider default, or
//! unknown — and a rule never fires on unknown.

pub mod encryption;
pub mod from_hcl;
pub mod from_plan;
mod key;
pub mod policy;
pub mod principal;
pub mod schema;
mod value;

pub use key::{
    Alias, Deletion, Grant, IamPolicy, Key, KeyKind, KeyPolicyResource, base_address, names_key,
};
pub use value::{Origin, Related, Value};

use crate::source::Loc;
use policy::Policy;

/// A resource that carries a policy, and the policy.
pub struct Carrier<'a> {
    pub address: &'a str,
    pub policy: &'a Policy,
    /// The resource block.
    pub block: &'a Loc,
    /// The module calls that led to the resource.
    pub calls: &'a [Related],
}

/// Everything the rules look at, in a deterministic order.
#[derive(Debug, Default, Clone)]
pub struct Inventory {
    pub keys: Vec<Key>,
    pub key_policies: Vec<KeyPolicyResource>,
    pub iam_policies: Vec<IamPolicy>,
    pub grants: Vec<Grant>,
    pub aliases: Vec<Alias>,
    /// Resources that encrypt with KMS (KMS011).
    pub encryptions: Vec<encryption::Encryption>,
    /// Attributes outside the table (and inputs of modules not read) that name AWS-managed keys.
    pub named_keys: Vec<encryption::NamedKey>,
    /// Keys that plans delete.
    pub deletions: Vec<Deletion>,
    /// Values a plan marks sensitive: findings there never show the value.
    pub sensitive: Vec<Loc>,
    /// Addresses of the keys of a configuration that nothing uses (KMS021); plans say nothing.
    pub unused_keys: Vec<String>,
}

impl Inventory {
    pub(crate) fn extend(&mut self, other: Inventory) {
        self.keys.extend(other.keys);
        self.key_policies.extend(other.key_policies);
        self.iam_policies.extend(other.iam_policies);
        self.grants.extend(other.grants);
        self.deletions.extend(other.deletions);
        self.aliases.extend(other.aliases);
        self.encryptions.extend(other.encryptions);
        self.named_keys.extend(other.named_keys);
        self.sensitive.extend(other.sensitive);
        self.unused_keys.extend(other.unused_keys);
    }

    /// What scan-wide rules read, once unit rules have run: the keys without their policies,
    /// the aliases and the plans' deletions. The rest is the bulk of a large tree's memory.
    pub(crate) fn for_scan_rules(self) -> Inventory {
        let keys = self
            .keys
            .into_iter()
            .map(|mut k| {
                k.policy = Value::Default(None);
                k
            })
            .collect();
        Inventory {
            keys,
            aliases: self.aliases,
            deletions: self.deletions,
            ..Inventory::default()
        }
    }

    /// Every key policy in the scan: the `policy` of each key and of each `aws_kms_key_policy`.
    pub fn key_policy_documents(&self) -> impl Iterator<Item = Carrier<'_>> {
        let of_keys = self.keys.iter().filter_map(|k| {
            Some(Carrier {
                address: &k.address,
                policy: k.policy.known()?.as_ref()?,
                block: &k.block,
                calls: &k.calls,
            })
        });
        let of_resources = self.key_policies.iter().filter_map(|k| {
            Some(Carrier {
                address: &k.address,
                policy: k.policy.known()?.as_ref()?,
                block: &k.block,
                calls: &k.calls,
            })
        });
        of_keys.chain(of_resources)
    }

    pub(crate) fn sort(&mut self) {
        // Unstable: no two keys share an address, and a stable sort of a large plan's keys
        // would copy half of them into a buffer.
        self.keys.sort_unstable_by(|a, b| {
            (a.block.file, a.block.span.start, &a.address).cmp(&(
                b.block.file,
                b.block.span.start,
                &b.address,
            ))
        });
        self.key_policies.sort_by(|a, b| {
            (a.block.file, a.block.span.start).cmp(&(b.block.file, b.block.span.start))
        });
    }
}
