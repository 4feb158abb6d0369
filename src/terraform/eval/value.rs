//! The evaluator's value: Terraform's dynamic data plus the span it was written at.

use crate::source::Loc;

/// Stands in, inside evaluated strings, for `data.aws_caller_identity.<name>.account_id`: the
/// account Terraform deploys to (the owner account). Control characters cannot occur in
/// configuration strings that reach KMS, so the marker cannot collide with real text.
pub const OWNER_ACCOUNT: &str = "\u{1}owner-account\u{1}";

/// Stands in for `data.aws_partition.<name>.partition` (`aws`, `aws-cn`, `aws-us-gov`, ...).
pub const PARTITION: &str = "\u{1}partition\u{1}";

/// Replaces the markers with the references they stand for, for messages.
pub fn display_markers(s: &str) -> String {
    s.replace(OWNER_ACCOUNT, "${data.aws_caller_identity.account_id}")
        .replace(PARTITION, "${data.aws_partition.partition}")
}

/// An evaluated value and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Val {
    pub data: Data,
    pub loc: Loc,
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
        Val { data, loc }
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

    /// Terraform's conversion to a whole number: numbers and numeric strings.
    pub fn to_int(&self) -> Option<i64> {
        let n = match &self.data {
            Data::Number(n) => *n,
            Data::String(s) => s.trim().parse::<f64>().ok()?,
            _ => return None,
        };
        // Values outside i64 or with a fraction are not whole numbers.
        (n.fract() == 0.0 && n.abs() < 9.0e15).then_some(n as i64)
    }

    /// Terraform's conversion to string: strings, numbers and bools.
    pub fn to_string_value(&self) -> Option<String> {
        match &self.data {
            Data::String(s) => Some(s.clone()),
            Data::Bool(b) => Some(b.to_string()),
            Data::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => {
                Some(format!("{}", *n as i64))
            }
            Data::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.data, Data::Unknown)
    }

    /// The string, when this is a known string.
    pub fn data_str(&self) -> Option<&str> {
        match &self.data {
            Data::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.data, Data::Null)
    }
}
