//! `data "aws_iam_policy_document"` blocks, turned into the same evaluated JSON shape that
//! `jsonencode` and policy strings produce, with every element at its place in the block.
//!
//! `source_policy_documents` statements come first, the block's own `statement`s replace those
//! with the same `sid`, and `override_policy_documents` statements replace (by `sid`) or append —
//! as the AWS provider merges them.

use std::collections::BTreeMap;

use hcl_edit::Span;
use hcl_edit::expr::Expression;
use hcl_edit::structure::Block;

use crate::model::from_hcl::ParsedFile;
use crate::source::{FileId, Loc};
use crate::terraform::eval::{Data, Evaluator, Val, attribute_path};
use crate::terraform::json;

/// Documents nest through source/override lists; deeper chains are treated as unknown.
const MAX_DEPTH: usize = 16;

/// The `aws_iam_policy_document` data sources of one module, by name.
pub(crate) struct Documents<'a> {
    by_name: BTreeMap<&'a str, (&'a ParsedFile<'a>, &'a Block)>,
}

impl<'a> Documents<'a> {
    pub(crate) fn collect(files: &'a [ParsedFile<'a>]) -> Self {
        let mut by_name = BTreeMap::new();
        for file in files {
            for block in file.body.get_blocks("data") {
                let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
                if let ["aws_iam_policy_document", name] = labels.as_slice() {
                    by_name.insert(*name, (file, block));
                }
            }
        }
        Documents { by_name }
    }

    /// The document a `data.aws_iam_policy_document.NAME.json` expression refers to.
    pub(crate) fn resolve(&self, expr: &Expression) -> Option<Val> {
        self.resolve_at(expr, 0)
    }

    fn resolve_at(&self, expr: &Expression, depth: usize) -> Option<Val> {
        let name = document_reference(expr)?;
        let loc = |file: FileId| Loc::new(file, expr.span().unwrap_or(0..0));
        match self.by_name.get(name) {
            Some((file, block)) if depth < MAX_DEPTH => Some(self.build(file, block, depth + 1)),
            Some((file, _)) => Some(Val::new(Data::Unknown, loc(file.id))),
            // A document of another module (or none): unknown, never guessed.
            None => None,
        }
    }

    fn build(&self, file: &ParsedFile<'_>, block: &Block, depth: usize) -> Val {
        let eval = Evaluator::new(file.id);
        let block_loc = Loc::new(file.id, block.span().unwrap_or(0..0));
        let mut statements: Vec<Val> = Vec::new();
        let mut unknown_loc = None;
        let merge = |docs: Option<Val>, statements: &mut Vec<Val>, unknown: &mut Option<Loc>| {
            let Some(docs) = docs else { return };
            match docs.data {
                Data::List(items) => {
                    for item in items {
                        let Data::Object(entries) = item.data else {
                            *unknown = Some(item.loc);
                            continue;
                        };
                        let found = entries
                            .into_iter()
                            .find(|(k, _)| k.data_str() == Some("Statement"));
                        if let Some((_, s)) = found {
                            match s.data {
                                Data::List(list) => {
                                    list.into_iter().for_each(|s| upsert(statements, s));
                                }
                                Data::Object(_) => upsert(statements, s),
                                _ => *unknown = Some(s.loc),
                            }
                        }
                    }
                }
                Data::Null => {}
                _ => *unknown = Some(docs.loc),
            }
        };
        let sources = self.documents(file, &eval, block, "source_policy_documents", depth);
        merge(sources, &mut statements, &mut unknown_loc);
        for s in block.body.get_blocks("statement") {
            upsert(&mut statements, statement(&eval, s, &block_loc));
        }
        for d in block.body.get_blocks("dynamic") {
            unknown_loc = Some(Loc::new(file.id, d.span().unwrap_or(0..0)));
        }
        let overrides = self.documents(file, &eval, block, "override_policy_documents", depth);
        merge(overrides, &mut statements, &mut unknown_loc);
        if let Some(loc) = unknown_loc {
            statements.push(Val::new(Data::Unknown, loc));
        }
        let mut entries = vec![(
            key("Statement", &block_loc),
            Val::new(Data::List(statements), block_loc.clone()),
        )];
        if let Some(attr) = block.body.get_attribute("version") {
            entries.push((
                key("Version", &block_loc),
                eval.eval(&attr.value, &block_loc),
            ));
        }
        if let Some(attr) = block.body.get_attribute("policy_id") {
            entries.push((key("Id", &block_loc), eval.eval(&attr.value, &block_loc)));
        }
        Val::new(Data::Object(entries), block_loc)
    }

    /// A `source_policy_documents`/`override_policy_documents` list, each element a document.
    fn documents(
        &self,
        file: &ParsedFile<'_>,
        eval: &Evaluator,
        block: &Block,
        name: &str,
        depth: usize,
    ) -> Option<Val> {
        let attr = block.body.get_attribute(name)?;
        let loc = Loc::new(file.id, attr.value.span().unwrap_or(0..0));
        let Expression::Array(items) = &attr.value else {
            let v = eval.eval(&attr.value, &loc);
            return Some(if v.is_null() {
                v
            } else {
                Val::new(Data::Unknown, loc)
            });
        };
        let docs = items
            .iter()
            .map(|item| {
                if let Some(doc) = self.resolve_at(item, depth) {
                    return doc;
                }
                let item_loc = Loc::new(file.id, item.span().unwrap_or(0..0));
                match json::string_json(item, file.id, file.source, eval) {
                    Some(Ok(doc)) => doc,
                    _ => match eval.eval(item, &item_loc).data {
                        Data::Json(doc) => *doc,
                        _ => Val::new(Data::Unknown, item_loc),
                    },
                }
            })
            .collect();
        Some(Val::new(Data::List(docs), loc))
    }
}

/// Replaces the statement with the same `Sid`, or appends.
fn upsert(statements: &mut Vec<Val>, statement: Val) {
    let sid = sid_of(&statement);
    if let Some(sid) = sid.filter(|s| !s.is_empty()) {
        if let Some(existing) = statements
            .iter_mut()
            .find(|s| sid_of(s) == Some(sid.clone()))
        {
            *existing = statement;
            return;
        }
    }
    statements.push(statement);
}

fn sid_of(statement: &Val) -> Option<String> {
    let Data::Object(entries) = &statement.data else {
        return None;
    };
    entries
        .iter()
        .find(|(k, _)| k.data_str() == Some("Sid"))
        .and_then(|(_, v)| v.data_str().map(str::to_string))
}

fn key(name: &str, loc: &Loc) -> Val {
    Val::new(Data::String(name.to_string()), loc.clone())
}

/// One `statement` block as a JSON statement object.
fn statement(eval: &Evaluator, block: &Block, doc_loc: &Loc) -> Val {
    let loc = Loc::new(doc_loc.file, block.span().unwrap_or(doc_loc.span.clone()));
    let header = Loc::new(doc_loc.file, block.ident.span().unwrap_or(loc.span.clone()));
    let mut entries = Vec::new();
    let attr = |name: &str| -> Option<(Loc, Val)> {
        let a = block.body.get_attribute(name)?;
        let key_loc = Loc::new(doc_loc.file, a.key.span().unwrap_or(loc.span.clone()));
        Some((key_loc, eval.eval(&a.value, &loc)))
    };
    for (hcl, json_name) in [
        ("sid", "Sid"),
        ("effect", "Effect"),
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        if let Some((key_loc, v)) = attr(hcl) {
            if !v.is_null() {
                entries.push((key(json_name, &key_loc), v));
            }
        }
    }
    if !entries.iter().any(|(k, _)| k.data_str() == Some("Effect")) {
        // The provider's default effect.
        entries.push((
            key("Effect", &header),
            Val::new(Data::String("Allow".into()), header.clone()),
        ));
    }
    for (hcl, json_name) in [
        ("principals", "Principal"),
        ("not_principals", "NotPrincipal"),
    ] {
        let blocks: Vec<&Block> = block.body.get_blocks(hcl).collect();
        if let Some(first) = blocks.first() {
            let key_loc = Loc::new(doc_loc.file, first.ident.span().unwrap_or(loc.span.clone()));
            entries.push((
                Val::new(Data::String(json_name.to_string()), key_loc.clone()),
                principals(eval, &blocks, &key_loc),
            ));
        }
    }
    let conditions: Vec<(Val, Val)> = block
        .body
        .get_blocks("condition")
        .map(|c| condition(eval, c, &loc))
        .collect();
    if !conditions.is_empty() {
        entries.push((
            key("Condition", &header),
            Val::new(Data::Object(conditions), loc.clone()),
        ));
    }
    Val::new(Data::Object(entries), loc)
}

/// `principals { type = "AWS" identifiers = [...] }` blocks as a `Principal` object; a `*`
/// type is the bare `"*"` principal, as the provider renders it.
fn principals(eval: &Evaluator, blocks: &[&Block], loc: &Loc) -> Val {
    let mut entries = Vec::new();
    for b in blocks {
        let b_loc = Loc::new(loc.file, b.span().unwrap_or(loc.span.clone()));
        let get = |name: &str| {
            b.body.get_attribute(name).map_or_else(
                || Val::new(Data::Unknown, b_loc.clone()),
                |a| eval.eval(&a.value, &b_loc),
            )
        };
        let (ty, ids) = (get("type"), get("identifiers"));
        if ty.data_str() == Some("*") {
            let star = match &ids.data {
                Data::List(items) => items.first().cloned().unwrap_or(ids.clone()),
                _ => ids.clone(),
            };
            return star;
        }
        entries.push((ty, ids));
    }
    Val::new(Data::Object(entries), loc.clone())
}

/// `condition { test variable values }` as `{ test: { variable: values } }`.
fn condition(eval: &Evaluator, block: &Block, loc: &Loc) -> (Val, Val) {
    let c_loc = Loc::new(loc.file, block.span().unwrap_or(loc.span.clone()));
    let get = |name: &str| {
        block.body.get_attribute(name).map_or_else(
            || Val::new(Data::Unknown, c_loc.clone()),
            |a| eval.eval(&a.value, &c_loc),
        )
    };
    let (test, variable, values) = (get("test"), get("variable"), get("values"));
    let inner = Val::new(Data::Object(vec![(variable, values)]), c_loc);
    (test, inner)
}

/// `data.aws_iam_policy_document.NAME.json` (or `.minified_json`) → `NAME`.
fn document_reference(expr: &Expression) -> Option<&str> {
    let Expression::Traversal(t) = expr else {
        return None;
    };
    match attribute_path(t)?.as_slice() {
        [
            "data",
            "aws_iam_policy_document",
            name,
            "json" | "minified_json",
        ] => Some(name),
        _ => None,
    }
}
