//! Which keys a module instance uses (rule KMS021): references to a key or to an alias of it from
//! anything that acts on it, and outputs exposing it that the caller reads (or that a root
//! module exposes). Decided from the references written, so a reference whose instance or value
//! cannot be known still counts as use.

use std::collections::{BTreeMap, BTreeSet};

use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::{Block, Body};
use hcl_edit::template::{Element, Template};
use hcl_edit::visit::{self, Visit};

use crate::model::KeyKind;
use crate::terraform::module::ModuleIndex;

/// The references one module's configuration makes, read from its text.
#[derive(Debug, Default)]
pub(super) struct References {
    /// Keys (`aws_kms_key.a`) referred to from a resource, data source, module input or local.
    keys: BTreeSet<String>,
    /// Aliases (`aws_kms_alias.a`) referred to from those places.
    aliases: BTreeSet<String>,
    /// Alias names written in strings there (`alias/app`, or an alias ARN ending so).
    alias_names: Vec<Written>,
    /// Outputs of called modules read there: `(call, Some(output))`, or `(call, None)` for the
    /// whole module object.
    reads: BTreeSet<(String, Option<String>)>,
    /// A key looked up by a name or id the text does not give (`data "aws_kms_key"` with a
    /// variable): any key of the module may be the one.
    any: bool,
    /// Each output's references.
    outputs: BTreeMap<String, Refs>,
    /// Each alias of the module: its name when written as a literal, and the keys it targets.
    targets: Vec<(String, Option<String>, BTreeSet<String>)>,
}

/// References collected from some expressions.
#[derive(Debug, Default)]
pub(super) struct Refs {
    keys: BTreeSet<String>,
    aliases: BTreeSet<String>,
    reads: BTreeSet<(String, Option<String>)>,
    strings: Vec<Written>,
}

/// What a string says from `alias/` on, and whether an interpolation follows (then it names any
/// alias whose name starts so).
#[derive(Debug, Clone)]
pub(super) struct Written {
    text: String,
    open: bool,
}

impl Visit for Refs {
    fn visit_expr(&mut self, expr: &Expression) {
        match expr {
            Expression::Traversal(t) => {
                if let Expression::Variable(root) = &t.expr {
                    let names: Vec<Option<&str>> = t
                        .operators
                        .iter()
                        .map(|op| match op.value() {
                            TraversalOperator::GetAttr(a) => Some(a.as_str()),
                            _ => None,
                        })
                        .collect();
                    self.reference(root.as_str(), &names);
                }
            }
            Expression::String(s) => self.string(s.value(), false),
            _ => {}
        }
        visit::visit_expr(self, expr);
    }

    fn visit_template(&mut self, template: &Template) {
        let elements: Vec<&Element> = template.iter().collect();
        for (i, element) in elements.iter().enumerate() {
            if let Element::Literal(l) = element {
                let open = matches!(elements.get(i + 1), Some(Element::Interpolation(_)));
                self.string(l.value(), open);
            }
        }
        visit::visit_template(self, template);
    }
}

impl Refs {
    /// `root.names[0].names[1]...`, `None` where an index or splat stands.
    fn reference(&mut self, root: &str, names: &[Option<&str>]) {
        let first = names.first().copied().flatten();
        if KeyKind::from_resource_type(root).is_some() {
            if let Some(name) = first {
                self.keys.insert(format!("{root}.{name}"));
            }
        } else if root == "aws_kms_alias" {
            if let Some(name) = first {
                self.aliases.insert(format!("{root}.{name}"));
            }
        } else if root == "module" {
            if let Some(call) = first {
                // `module.c.out`, `module.c[0].out`, `module.c["k"].out`, `module.c[*].out`.
                let output = names[1..].iter().find_map(|n| *n).map(str::to_string);
                self.reads.insert((call.to_string(), output));
            }
        }
    }

    fn string(&mut self, s: &str, open: bool) {
        if let Some(i) = s.find("alias/") {
            self.strings.push(Written {
                text: s[i..].to_string(),
                open,
            });
        }
    }

    fn body(&mut self, body: &Body, skip: &[&str]) {
        for attr in body.attributes() {
            if !skip.contains(&attr.key.as_str()) {
                self.visit_expr(&attr.value);
            }
        }
        for block in body.blocks() {
            if block.ident.as_str() != "lifecycle" {
                self.body(&block.body, &[]);
            }
        }
    }
}

/// Arguments that say how or whether a block exists, not what it acts on.
const META: &[&str] = &["count", "for_each", "depends_on", "provider", "providers"];

impl References {
    pub(super) fn of(index: &ModuleIndex<'_>) -> References {
        let mut used = Refs::default();
        let mut refs = References::default();
        for file in index.files {
            for block in file.body.blocks() {
                let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
                match (block.ident.as_str(), labels.as_slice()) {
                    ("resource", ["aws_kms_alias", name]) => {
                        refs.targets.push(alias_target(block, name));
                        used.body(
                            &block.body,
                            &[META, &["target_key_id", "name", "name_prefix"]].concat(),
                        );
                    }
                    // A key policy configures the key; it does not use it.
                    ("resource", ["aws_kms_key_policy", _]) => {
                        used.body(&block.body, &[META, &["key_id"]].concat());
                    }
                    ("resource", _) => used.body(&block.body, META),
                    ("data", [ty, _]) => {
                        if matches!(*ty, "aws_kms_key" | "aws_kms_alias")
                            && lookup_unwritten(block, ty)
                        {
                            refs.any = true;
                        }
                        used.body(&block.body, META);
                    }
                    ("module", _) => {
                        used.body(&block.body, &[META, &["source", "version"]].concat())
                    }
                    ("locals", _) => used.body(&block.body, &[]),
                    ("output", [name]) => {
                        let mut out = Refs::default();
                        out.body(&block.body, &["depends_on"]);
                        refs.outputs.insert((*name).to_string(), out);
                    }
                    _ => {}
                }
            }
        }
        refs.keys = used.keys;
        refs.aliases = used.aliases;
        refs.alias_names = used.strings;
        refs.reads = used.reads;
        refs
    }

    /// The keys (`aws_kms_key.a`) the module itself uses, and whether any of its keys may be.
    pub(super) fn used_keys(&self) -> (BTreeSet<String>, bool) {
        let mut keys = self.keys.clone();
        keys.extend(self.alias_keys(&self.aliases, &self.alias_names));
        (keys, self.any)
    }

    /// The keys of the module an output exposes (directly or through an alias), and the
    /// outputs of called modules it passes on.
    pub(super) fn exposed(
        &self,
        output: &str,
    ) -> (BTreeSet<String>, BTreeSet<(String, Option<String>)>) {
        match self.outputs.get(output) {
            Some(r) => {
                let mut keys = r.keys.clone();
                keys.extend(self.alias_keys(&r.aliases, &r.strings));
                (keys, r.reads.clone())
            }
            None => (BTreeSet::new(), BTreeSet::new()),
        }
    }

    pub(super) fn output_names(&self) -> impl Iterator<Item = &str> {
        self.outputs.keys().map(String::as_str)
    }

    /// Outputs of called modules read where they act on something.
    pub(super) fn reads(&self) -> &BTreeSet<(String, Option<String>)> {
        &self.reads
    }

    fn alias_keys(&self, aliases: &BTreeSet<String>, strings: &[Written]) -> BTreeSet<String> {
        let mut keys = BTreeSet::new();
        for (address, name, targets) in &self.targets {
            let by_name = name
                .as_ref()
                .is_some_and(|n| strings.iter().any(|s| names_alias(s, n)));
            if aliases.contains(address) || by_name {
                keys.extend(targets.iter().cloned());
            }
        }
        keys
    }
}

/// Whether a string (from `alias/` on) names the alias `name`: the whole name, not a longer one
/// that starts the same; or, when an interpolation follows, a name that starts with it.
fn names_alias(written: &Written, name: &str) -> bool {
    if written.open {
        return name.starts_with(&written.text);
    }
    written.text.strip_prefix(name).is_some_and(|rest| {
        !rest.starts_with(|c: char| c.is_ascii_alphanumeric() || "/_-".contains(c))
    })
}

/// An alias's address, its name when a literal, and the keys its `target_key_id` refers to.
fn alias_target(block: &Block, name: &str) -> (String, Option<String>, BTreeSet<String>) {
    let literal = block
        .body
        .get_attribute("name")
        .and_then(|a| match &a.value {
            Expression::String(s) => Some(s.value().to_string()),
            _ => None,
        });
    let mut target = Refs::default();
    if let Some(attr) = block.body.get_attribute("target_key_id") {
        target.visit_expr(&attr.value);
    }
    (format!("aws_kms_alias.{name}"), literal, target.keys)
}

/// Whether a `data "aws_kms_key"` or `data "aws_kms_alias"` looks a key up by something other
/// than a literal (which the alias-name match judges) or a reference to a resource (judged as
/// the reference).
fn lookup_unwritten(block: &Block, ty: &str) -> bool {
    let by = if ty == "aws_kms_key" {
        "key_id"
    } else {
        "name"
    };
    match block.body.get_attribute(by).map(|a| &a.value) {
        Some(Expression::String(_)) | None => false,
        Some(Expression::Traversal(t)) => !matches!(
            &t.expr,
            Expression::Variable(v) if KeyKind::from_resource_type(v.as_str()).is_some()
                || v.as_str() == "aws_kms_alias"
        ),
        Some(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(text: &str, open: bool) -> Written {
        Written {
            text: text.to_string(),
            open,
        }
    }

    #[test]
    fn alias_names_match_whole_names_only() {
        assert!(names_alias(&written("alias/app", false), "alias/app"));
        assert!(names_alias(&written("alias/app\"", false), "alias/app"));
        assert!(!names_alias(&written("alias/app-logs", false), "alias/app"));
        assert!(!names_alias(&written("alias/ap", false), "alias/app"));
        // `"alias/${var.env}-app"`: may be any alias.
        assert!(names_alias(&written("alias/", true), "alias/app"));
        assert!(names_alias(&written("alias/ap", true), "alias/app"));
        assert!(!names_alias(&written("alias/db", true), "alias/app"));
    }
}
