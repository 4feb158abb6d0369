//! `Value<T>`: an attribute that is set, left at its default, or unknown — with where it came from.

use crate::source::Loc;
pub use crate::source::Related;

/// Where a value was written, and the references it flowed through to get there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The expression that produced the value, in the resource that uses it.
    pub at: Loc,
    /// Further places that explain the value (a variable default, a module input), in order.
    pub via: Vec<Related>,
}

impl Origin {
    pub fn at(loc: Loc) -> Self {
        Origin {
            at: loc,
            via: Vec::new(),
        }
    }
}

/// One attribute as the rules see it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<T> {
    /// Written in the configuration (or fully evaluated from it).
    Set(T, Origin),
    /// Absent (or `null`): the provider default applies.
    Default(T),
    /// Depends on something the scan cannot know (an unset variable, a computed attribute).
    Unknown(Origin),
}

impl<T> Value<T> {
    /// The value when it is known, set or default.
    pub fn known(&self) -> Option<&T> {
        match self {
            Value::Set(v, _) | Value::Default(v) => Some(v),
            Value::Unknown(_) => None,
        }
    }

    /// The value only when written explicitly.
    pub fn set(&self) -> Option<(&T, &Origin)> {
        match self {
            Value::Set(v, o) => Some((v, o)),
            _ => None,
        }
    }

    /// Where the value was written, if it was.
    pub fn origin(&self) -> Option<&Origin> {
        match self {
            Value::Set(_, o) | Value::Unknown(o) => Some(o),
            Value::Default(_) => None,
        }
    }

    /// True only when the value is known and satisfies `f`; unknown is never a match.
    pub fn is_known_and(&self, f: impl FnOnce(&T) -> bool) -> bool {
        self.known().is_some_and(f)
    }
}

impl Value<bool> {
    pub fn is_true(&self) -> bool {
        self.known() == Some(&true)
    }

    pub fn is_false(&self) -> bool {
        self.known() == Some(&false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    #[test]
    fn unknown_is_neither_true_nor_false() {
        let o = Origin::at(Loc::new(FileId(0), 0..1));
        let u: Value<bool> = Value::Unknown(o.clone());
        assert!(!u.is_true() && !u.is_false());
        assert!(!u.is_known_and(|_| true));
        assert!(Value::Default(false).is_false());
        assert!(Value::Set(true, o).is_true());
    }
}
