//! The evaluator's value: Terraform's dynamic data, the span it was written at, and the
//! references it flowed through.

use crate::source::{Loc, Related};

/// Stands in, inside evaluated strings, for `data.aws_caller_identity.<name>.account_id`: the
/// account Terraform deploys to (the owner account). Control characters cannot occur in
/// configuration strings that reach KMS, so the marker cannot collide with real text.
pub const OWNER_ACCOUNT: &str = "\u{1}owner-account\u{1}";

/// Stands in for `data.aws_partition.<name>.partition` (`aws`, `aws-cn`, `aws-us-gov`, ...).
pub const PARTITION: &str = "\u{1}partition\u{1}";

/// Prefix of the marker for a key resource's `arn`/`key_id`/`id`: `\u{1}key:ADDRESS\u{1}`.
pub const KEY_REF: &str = "\u{1}key:";

/// Prefix of the marker for a key looked up by an alias name (`data.aws_kms_alias`) that the
/// module does not create: `\u{1}alias:NAME\u{1}`. The adapter resolves it once every alias
/// of the root module is known.
pub const ALIAS_REF: &str = "\u{1}alias:";

/// The marker for the key that the alias `name` points at.
pub fn alias_ref(name: &str) -> String {
    format!("{ALIAS_REF}{name}\u{1}")
}

/// The alias name an alias marker refers to.
pub fn alias_ref_name(s: &str) -> Option<&str> {
    s.strip_prefix(ALIAS_REF)?.strip_suffix('\u{1}')
}

/// Prefix of the marker for the ARN of an IAM role or user created in the scan (an identity of
/// the owner account): `\u{1}principal:ADDRESS\u{1}`.
pub const PRINCIPAL_REF: &str = "\u{1}principal:";

/// The marker for a reference to the key resource at `address`.
pub fn key_ref(address: &str) -> String {
    format!("{KEY_REF}{address}\u{1}")
}

/// The key address a marker string refers to.
pub fn key_ref_address(s: &str) -> Option<&str> {
    s.strip_prefix(KEY_REF)?.strip_suffix('\u{1}')
}

/// The marker for the ARN of the IAM role or user at `address`.
pub fn principal_ref(address: &str) -> String {
    format!("{PRINCIPAL_REF}{address}\u{1}")
}

/// Replaces the markers with the references they stand for, for messages.
pub fn display_markers(s: &str) -> String {
    let s = s
        .replace(OWNER_ACCOUNT, "${data.aws_caller_identity.account_id}")
        .replace(PARTITION, "${data.aws_partition.partition}");
    let mut out = String::with_capacity(s.len());
    let mut rest = s.as_str();
    while let Some(start) = rest.find('\u{1}') {
        out.push_str(&rest[..start]);
        let tail = &rest[start + 1..];
        let Some(end) = tail.find('\u{1}') else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let inner = &tail[..end];
        match inner.split_once(':') {
            Some(("key", addr)) => out.push_str(&format!("${{{addr}.arn}}")),
            Some(("principal", addr)) => out.push_str(&format!("${{{addr}.arn}}")),
            Some(("alias", name)) => out.push_str(name),
            _ => out.push_str(inner),
        }
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    out
}

/// What one value (or one evaluated expression) costs the evaluation budget: about the bytes of
/// a `Val`.
pub const NODE: u64 = 64;

/// An evaluated value and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Val {
    pub data: Data,
    /// Where the value was written (for a variable: its default or the tfvars entry).
    pub loc: Loc,
    /// The references the value flowed through to reach its use, innermost first.
    pub via: Vec<Related>,
}

/// Terraform's value kinds, plus `Unknown` for what the scan cannot know.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Val>),
    /// Object entries in source order (key value, then value).
    Object(Vec<(Val, Val)>),
    /// `jsonencode(value)`: a JSON string, kept as the structured value it encodes.
    Json(Box<Val>),
    Unknown,
}

impl Val {
    pub fn new(data: Data, loc: Loc) -> Self {
        Val {
            data,
            loc,
            via: Vec::new(),
        }
    }

    pub fn unknown(loc: Loc) -> Self {
        Val::new(Data::Unknown, loc)
    }

    /// Records that the value was used through a reference at `loc`.
    pub fn through(mut self, loc: Loc, message: String) -> Self {
        if self.loc != loc {
            self.via.push(Related { loc, message });
        }
        self
    }

    /// Terraform's conversion to bool: `true`/`false` and the strings "true"/"false".
    pub fn to_bool(&self) -> Option<bool> {
        match &self.data {
            Data::Bool(b) => Some(*b),
            Data::String(s) if s == "true" => Some(true),
            Data::String(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    /// Terraform's conversion to number.
    pub fn to_number(&self) -> Option<f64> {
        match &self.data {
            Data::Number(n) => Some(*n),
            Data::String(s) => s.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
            _ => None,
        }
    }

    /// Terraform's conversion to a whole number: numbers and numeric strings.
    pub fn to_int(&self) -> Option<i64> {
        let n = self.to_number()?;
        // Values outside i64 or with a fraction are not whole numbers.
        (n.fract() == 0.0 && n.abs() < 9.0e15).then_some(n as i64)
    }

    /// Terraform's conversion to string: strings, numbers and bools.
    pub fn to_string_value(&self) -> Option<String> {
        match &self.data {
            Data::String(s) => Some(s.clone()),
            Data::Bool(b) => Some(b.to_string()),
            Data::Number(n) => Some(format_number(*n)),
            _ => None,
        }
    }

    /// The string, when this is a known string.
    pub fn data_str(&self) -> Option<&str> {
        match &self.data {
            Data::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.data, Data::Unknown)
    }

    pub fn is_null(&self) -> bool {
        matches!(self.data, Data::Null)
    }

    /// Whether any part of the value is unknown.
    pub fn has_unknown(&self) -> bool {
        match &self.data {
            Data::Unknown => true,
            Data::List(items) => items.iter().any(Val::has_unknown),
            Data::Object(entries) => entries
                .iter()
                .any(|(k, v)| k.has_unknown() || v.has_unknown()),
            Data::Json(inner) => inner.has_unknown(),
            _ => false,
        }
    }

    /// Whether a `true` leaf is anywhere inside (the shape of a plan's `after_unknown` and
    /// `after_sensitive`).
    pub fn has_true(&self) -> bool {
        match &self.data {
            Data::Bool(b) => *b,
            Data::List(items) => items.iter().any(Val::has_true),
            Data::Object(entries) => entries.iter().any(|(_, v)| v.has_true()),
            _ => false,
        }
    }

    /// An attribute of an object value.
    pub fn get(&self, name: &str) -> Option<&Val> {
        match &self.data {
            Data::Object(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| k.data_str() == Some(name))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// About the bytes the value occupies, in the units of the evaluation budget: [`NODE`] per
    /// value and one per byte of string.
    pub fn weight(&self) -> u64 {
        NODE + match &self.data {
            Data::String(s) => s.len() as u64,
            Data::List(items) => items.iter().map(Val::weight).sum(),
            Data::Object(entries) => entries.iter().map(|(k, v)| k.weight() + v.weight()).sum(),
            Data::Json(inner) => inner.weight(),
            _ => 0,
        }
    }

    /// Structural equality of the data, ignoring where it was written; `None` when unknown.
    pub fn same(&self, other: &Val) -> Option<bool> {
        if self.has_unknown() || other.has_unknown() {
            return None;
        }
        Some(data_eq(&self.data, &other.data))
    }
}

fn data_eq(a: &Data, b: &Data) -> bool {
    match (a, b) {
        (Data::Null, Data::Null) => true,
        (Data::Bool(x), Data::Bool(y)) => x == y,
        (Data::Number(x), Data::Number(y)) => x == y,
        (Data::String(x), Data::String(y)) => x == y,
        (Data::List(x), Data::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| data_eq(&a.data, &b.data))
        }
        (Data::Object(x), Data::Object(y)) => {
            x.len() == y.len()
                && x.iter().all(|(k, v)| {
                    y.iter()
                        .any(|(k2, v2)| data_eq(&k.data, &k2.data) && data_eq(&v.data, &v2.data))
                })
        }
        (Data::Json(x), Data::Json(y)) => data_eq(&x.data, &y.data),
        _ => false,
    }
}

/// Terraform prints whole numbers without a fraction.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_display_as_references() {
        let s = format!(
            "arn:{PARTITION}:iam::{OWNER_ACCOUNT}:root and {}",
            principal_ref("aws_iam_role.app")
        );
        assert_eq!(
            display_markers(&s),
            "arn:${data.aws_partition.partition}:iam::${data.aws_caller_identity.account_id}:root and ${aws_iam_role.app.arn}"
        );
        assert_eq!(
            key_ref_address(&key_ref("module.a.aws_kms_key.k")),
            Some("module.a.aws_kms_key.k")
        );
    }
}
