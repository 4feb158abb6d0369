//! Terraform's JSON configuration syntax (`.tf.json`, `.tofu.json`), read as the native text it
//! stands for.
//!
//! The JSON is parsed with jsonc-parser (exact byte ranges), then written out as the equivalent
//! native text, which hcl-edit parses into the same tree a `.tf` file gives: the evaluator and
//! the rules need nothing of their own. Every piece of the translation records where it came
//! from, and that [`SpanMap`] is kept with the file, so a finding in the translation is reported
//! at the line and column of the JSON text. Strings are copied as written where the native
//! syntax reads them the same, so positions inside them (an interpolation, JSON in a policy
//! string) stay exact.
//!
//! What is a block and what is an argument comes from the schema in Terraform; kmslint has none,
//! so an object (or array of objects) is a nested block when its name is one of the nested
//! blocks kmslint reads ([`NESTED_BLOCKS`]), and an argument otherwise (a map, like `tags`).

use std::ops::Range;

use jsonc_parser::CollectOptions;
use jsonc_parser::ast::{Object, ObjectProp, Value};
use jsonc_parser::common::Ranged;

use hcl_edit::structure::Body;

use crate::diagnostic::{InputError, InputErrorKind};
use crate::source::{FileId, SourceFile, SpanMap};

/// Nested block types, by name, inside resource and data bodies: Terraform's meta-blocks, the
/// blocks of policy documents, and every block on the path to a key in the encryption table
/// (`model::encryption::ROWS`, checked by a test).
pub const NESTED_BLOCKS: &[&str] = &[
    "apply_server_side_encryption_by_default",
    "block_device_mappings",
    "condition",
    "configuration",
    "constraints",
    "content",
    "data_catalog_encryption_settings",
    "default_tags",
    "dynamic",
    "ebs",
    "ebs_block_device",
    "encrypt_at_rest",
    "encryption_at_rest",
    "encryption_config",
    "encryption_configuration",
    "encryption_info",
    "export_config",
    "inline_policy",
    "lifecycle",
    "not_principals",
    "postcondition",
    "precondition",
    "principals",
    "provider",
    "replica",
    "result_configuration",
    "root_block_device",
    "rule",
    "s3_destination",
    "s3_settings",
    "server_side_encryption",
    "server_side_encryption_configuration",
    "statement",
    "validation",
];

/// Top-level block types and how many labels each has.
fn label_count(ty: &str) -> Option<usize> {
    match ty {
        "resource" | "data" => Some(2),
        "variable" | "output" | "module" | "provider" | "check" => Some(1),
        "locals" | "terraform" | "moved" | "import" | "removed" => Some(0),
        _ => None,
    }
}

/// Parses one JSON configuration file. The returned body's spans index the translation; the
/// file is given the map from them to its text.
pub fn parse(id: FileId, file: &SourceFile) -> Result<Body, Box<InputError>> {
    let out = translate(id, file)?;
    let translation = SourceFile::new(file.path.clone(), file.display.clone(), out);
    super::hcl::parse(id, &translation).map_err(|mut e| {
        // Reported at the place in the JSON text the translation came from.
        if let Some(span) = &e.span {
            e.position = file.position(span.start);
        }
        // Only a template can be wrong in a translation of valid JSON.
        e.message = e
            .message
            .replacen("HCL syntax error", "syntax error in a string template", 1);
        e
    })
}

/// The native text a JSON configuration file stands for; the file is given the map from its
/// offsets to the JSON text.
pub fn translate(id: FileId, file: &SourceFile) -> Result<String, Box<InputError>> {
    let options = super::json::strict_options();
    let parsed = jsonc_parser::parse_to_ast(&file.text, &CollectOptions::default(), &options)
        .map_err(|e| {
            let r = e.range();
            let end = r.end.max(r.start + 1).min(file.text.len()).max(r.start);
            Box::new(InputError::at(
                InputErrorKind::Syntax,
                id,
                file,
                r.start..end,
                format!("invalid JSON configuration: {}", e.kind()),
            ))
        })?;
    let Some(Value::Object(root)) = parsed.value else {
        let end = file.text.len().min(1);
        return Err(Box::new(InputError::at(
            InputErrorKind::Syntax,
            id,
            file,
            0..end,
            "invalid JSON configuration: the file must hold one JSON object",
        )));
    };
    let mut w = Writer {
        text: &file.text,
        out: String::with_capacity(file.text.len() + file.text.len() / 4),
        pieces: Vec::new(),
    };
    w.top(&root);
    let Writer { out, pieces, .. } = w;
    file.set_span_map(SpanMap::new(pieces));
    Ok(out)
}

/// How a JSON string is read where an expression is expected.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// A string template, as most arguments read it.
    Template,
    /// The text of an expression (`type`, `provider`): written out bare.
    Expression,
}

struct Writer<'a> {
    text: &'a str,
    out: String,
    pieces: Vec<(u32, u32, bool)>,
}

fn u32_of(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Writer<'_> {
    /// Appends text made up for the JSON at `at`.
    fn made(&mut self, s: &str, at: usize) {
        self.pieces
            .push((u32_of(self.out.len()), u32_of(at), false));
        self.out.push_str(s);
    }

    /// Appends the JSON text of `range` as it is.
    fn copy(&mut self, range: Range<usize>) {
        let Some(s) = self.text.get(range.clone()) else {
            return;
        };
        self.pieces
            .push((u32_of(self.out.len()), u32_of(range.start), true));
        self.out.push_str(s);
    }

    fn top(&mut self, root: &Object<'_>) {
        for prop in &root.properties {
            let ty = prop.name.as_str();
            let Some(labels) = label_count(ty) else {
                continue;
            };
            let mut header = Vec::new();
            self.labelled(prop, ty, labels, &mut header, &prop.value);
        }
    }

    /// Walks the label objects of a block type down to the bodies (an array at any level holds
    /// several objects of that level).
    fn labelled<'v>(
        &mut self,
        ty_prop: &ObjectProp<'_>,
        ty: &str,
        left: usize,
        header: &mut Vec<&'v ObjectProp<'v>>,
        value: &'v Value<'v>,
    ) {
        match value {
            Value::Array(a) => {
                for v in &a.elements {
                    match v {
                        // A block of an array is where its object is.
                        Value::Object(o) if left == 0 => {
                            self.block(ty_prop, ty, header, o, Some(o.range.start));
                        }
                        _ => self.labelled(ty_prop, ty, left, header, v),
                    }
                }
            }
            Value::Object(o) if left == 0 => self.block(ty_prop, ty, header, o, None),
            Value::Object(o) => {
                for p in o.properties.iter().filter(|p| p.name.as_str() != "//") {
                    header.push(p);
                    self.labelled(ty_prop, ty, left - 1, header, &p.value);
                    header.pop();
                }
            }
            _ => {}
        }
    }

    /// Writes one block: its type, labels, and body.
    fn block(
        &mut self,
        ty_prop: &ObjectProp<'_>,
        ty: &str,
        labels: &[&ObjectProp<'_>],
        body: &Object<'_>,
        at: Option<usize>,
    ) {
        let name = ty_prop.name.range();
        // A block starts where its object is in an array, else at its last label (its name:
        // the type is shared by every block under it), else at its type.
        match (at, labels.last()) {
            (Some(at), _) => self.made(ty, at),
            (None, Some(last)) => self.made(ty, last.name.range().start),
            // The type is written at the place of its name, inside the quotes.
            (None, None) => self.copy_ident(ty, name.start + 1, name.start),
        }
        for label in labels {
            self.out.push(' ');
            self.label(label);
        }
        self.made(" {\n", body.range.start);
        self.body(ty, body);
        self.made("}", body.range.end.saturating_sub(1));
        self.out.push('\n');
    }

    /// Writes an identifier copied from the JSON at `at` when it is there as written, else made
    /// up at `fallback`.
    fn copy_ident(&mut self, ident: &str, at: usize, fallback: usize) {
        if self.text.get(at..at + ident.len()) == Some(ident) {
            self.copy(at..at + ident.len());
        } else {
            self.made(ident, fallback);
        }
    }

    fn label(&mut self, label: &ObjectProp<'_>) {
        let r = label.name.range();
        let raw = self.text.get(r.start..r.end).unwrap_or("");
        let plain = raw.len() >= 2
            && raw.starts_with('"')
            && raw.ends_with('"')
            && raw[1..raw.len() - 1]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/'));
        if plain {
            self.copy(r.start..r.end);
        } else {
            let quoted = quote(label.name.as_str(), false);
            self.made(&quoted, r.start);
        }
    }

    /// The arguments and nested blocks of a block body of type `ty`.
    fn body(&mut self, ty: &str, body: &Object<'_>) {
        for prop in &body.properties {
            let key = prop.name.as_str();
            if key == "//" || !is_identifier(key) {
                continue;
            }
            let blockish = match &prop.value {
                Value::Object(_) => true,
                Value::Array(a) => {
                    !a.elements.is_empty()
                        && a.elements.iter().all(|e| matches!(e, Value::Object(_)))
                }
                _ => false,
            };
            // Module inputs and local values are all arguments, whatever their names.
            let plain = matches!(ty, "locals" | "module");
            if plain || !blockish || !NESTED_BLOCKS.contains(&key) {
                self.argument(ty, prop);
                continue;
            }
            // `dynamic "statement" { ... }` has one label.
            let labels = usize::from(key == "dynamic");
            let mut header = Vec::new();
            self.labelled(prop, key, labels, &mut header, &prop.value);
        }
    }

    fn argument(&mut self, ty: &str, prop: &ObjectProp<'_>) {
        let key = prop.name.as_str();
        let mode = match (ty, key) {
            ("variable", "type") | ("resource" | "data", "provider") => Mode::Expression,
            // Addresses, not values: nothing kmslint reads.
            (_, "depends_on" | "ignore_changes" | "replace_triggered_by" | "providers") => return,
            _ => Mode::Template,
        };
        let r = prop.name.range();
        self.copy_ident(key, r.start + 1, r.start);
        self.out.push_str(" = ");
        self.expression(&prop.value, mode);
        self.out.push('\n');
    }

    fn expression(&mut self, value: &Value<'_>, mode: Mode) {
        match value {
            Value::StringLit(s) => self.string(s.range, &s.value, mode),
            Value::NumberLit(n) => self.copy(n.range.start..n.range.end),
            Value::BooleanLit(b) => self.copy(b.range.start..b.range.end),
            Value::NullKeyword(n) => self.copy(n.range.start..n.range.end),
            Value::Array(a) => {
                self.made("[", a.range.start);
                for (i, e) in a.elements.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.expression(e, Mode::Template);
                }
                self.made("]", a.range.end.saturating_sub(1));
            }
            Value::Object(o) => {
                self.made("{\n", o.range.start);
                for p in &o.properties {
                    let r = p.name.range();
                    self.string(r, p.name.as_str(), Mode::Template);
                    self.out.push_str(" = ");
                    self.expression(&p.value, Mode::Template);
                    self.out.push('\n');
                }
                self.made("}", o.range.end.saturating_sub(1));
            }
        }
    }

    /// A JSON string read as a template (or, in `Mode::Expression`, as an expression's text).
    fn string(&mut self, range: jsonc_parser::common::Range, value: &str, mode: Mode) {
        let raw = self.text.get(range.start..range.end).unwrap_or("");
        let inner = raw
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .unwrap_or("");
        if mode == Mode::Expression {
            // One line that parses alone as an expression, or nothing: the text must not be
            // able to change the structure around it.
            let ok = !value.contains(['\n', '\r'])
                && hcl_edit::parser::parse_expr(value).is_ok()
                && !value.trim().is_empty();
            if !ok {
                self.made("null", range.start);
            } else if inner == value {
                self.copy(range.start + 1..range.end - 1);
            } else {
                self.made(value, range.start);
            }
            return;
        }
        if same_in_native(inner) {
            self.copy(range.start..range.end);
        } else {
            let quoted = quote(value, true);
            self.made(&quoted, range.start);
        }
    }
}

/// Whether the JSON text of a string (between its quotes) reads the same as a native quoted
/// template: no escape, or only escapes both syntaxes share and no template sequence (inside
/// `${...}` the native syntax does not decode escapes; the JSON syntax decodes them first).
fn same_in_native(inner: &str) -> bool {
    if !inner.contains('\\') {
        return true;
    }
    if inner.contains("${") || inner.contains("%{") {
        return false;
    }
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            continue;
        }
        match chars.next() {
            Some('"' | '\\' | 'n' | 'r' | 't') => {}
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                match u32::from_str_radix(&hex, 16) {
                    // A surrogate half is not a character in the native syntax.
                    Ok(n) if !(0xd800..0xe000).contains(&n) => {}
                    _ => return false,
                }
            }
            _ => return false,
        }
    }
    true
}

/// A native quoted string whose value is `value`. As a template (`template`), `${...}` and
/// `%{...}` sequences are written bare so they are evaluated; otherwise they are escaped.
fn quote(value: &str, template: bool) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    let mut rest = value;
    while !rest.is_empty() {
        let seq = if template {
            [rest.find("${"), rest.find("%{")]
                .into_iter()
                .flatten()
                .min()
        } else {
            None
        };
        let Some(at) = seq else {
            escape_into(rest, &mut out, template);
            break;
        };
        let (lit, tail) = rest.split_at(at);
        escape_into(lit, &mut out, template);
        // `$${` is an escaped `${`: it stays literal.
        if lit.ends_with('$') || lit.ends_with('%') {
            out.push_str(&tail[..2]);
            rest = &tail[2..];
            continue;
        }
        let end = interpolation_end(tail);
        out.push_str(&tail[..end].replace(['\n', '\r'], " "));
        rest = &tail[end..];
    }
    out.push('"');
    out
}

fn escape_into(s: &str, out: &mut String, template: bool) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if !template => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
}

/// The length of the `${...}` or `%{...}` sequence at the start of `s` (to its matching brace,
/// past strings inside it); all of `s` when it is not closed.
fn interpolation_end(s: &str) -> usize {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in s.bytes().enumerate().skip(1) {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' => depth += 1,
            b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    s.len()
}

/// Whether `s` can name an argument in the native syntax.
pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests;
