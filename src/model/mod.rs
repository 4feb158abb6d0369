//! The typed KMS inventory that every rule reads, whatever the input format.
//!
//! Adapters (`from_hcl`, later `from_plan`) turn parsed input into an [`Inventory`]; rules see
//! only this model. Every attribute is a [`Value`]: set, left at the provider default, or
//! unknown — and a rule never fires on unknown.

pub mod from_hcl;
mod key;
mod value;

pub use key::{Key, KeyKind};
pub use value::{Origin, Related, Value};

/// Everything the rules look at, in a deterministic order.
#[derive(Debug, Default)]
pub struct Inventory {
    pub keys: Vec<Key>,
}

impl Inventory {
    pub(crate) fn extend(&mut self, other: Inventory) {
        self.keys.extend(other.keys);
    }

    pub(crate) fn sort(&mut self) {
        self.keys.sort_by(|a, b| {
            (a.block.file, a.block.span.start, &a.address).cmp(&(
                b.block.file,
                b.block.span.start,
                &b.address,
            ))
        });
    }
}
