//! `data "aws_iam_policy_document"` blocks, turned into the same evaluated JSON shape that
//! `jsonencode` and policy strings produce, with every element at its place in the block.
//!
//! `source_policy_documents` statements come first, the block's own `statement`s replace those
//! with the same `sid`, and `override_policy_documents` statements replace (by `sid`) or append —
//! as the AWS provider merges them.

use hcl_edit::Span;
use hcl_edit::structure::Block;

use crate::source::Loc;
use crate::terraform::eval::{Data, Evaluator, Val, relocate};
use crate::terraform::json;

/// Builds the document of one `data "aws_iam_policy_document"` block. Documents it names in
/// `source_policy_documents`/`override_policy_documents` are built through the scope (which
/// memoises them and stops a document that includes itself).
pub fn build(eval: &Evaluator<'_>, block: &Block) -> Val {
    let block_loc = Loc::new(eval.file, block.span().unwrap_or(0..0));
    let mut statements: Vec<Val> = Vec::new();
    let mut unknown_loc = None;
    let merge = |docs: Option<Val>, statements: &mut Vec<Val>, unknown: &mut Option<Loc>| {
        let Some(docs) = docs else { return };
        match docs.data {
            Data::List(items) => {
                for item in items {
                    let item = match item.data {
                        Data::Json(inner) => *inner,
                        _ => item,
                    };
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
    merge(
        documents(eval, block, "source_policy_documents"),
        &mut statements,
        &mut unknown_loc,
    );
    for s in block.body.get_blocks("statement") {
        upsert(&mut statements, statement(eval, s, &block_loc));
    }
    for d in block.body.get_blocks("dynamic") {
        unknown_loc = Some(Loc::new(eval.file, d.span().unwrap_or(0..0)));
    }
    merge(
        documents(eval, block, "override_policy_documents"),
        &mut statements,
        &mut unknown_loc,
    );
    if let Some(loc) = unknown_loc {
        statements.push(Val::unknown(loc));
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
fn documents(eval: &Evaluator<'_>, block: &Block, name: &str) -> Option<Val> {
    let attr = block.body.get_attribute(name)?;
    let v = eval.eval(&attr.value, &Loc::new(eval.file, 0..0));
    let loc = v.loc.clone();
    Some(match v.data {
        Data::List(items) => Val::new(
            Data::List(items.into_iter().map(document_value).collect()),
            loc,
        ),
        Data::Null => Val::new(Data::Null, loc),
        _ => Val::unknown(loc),
    })
}

/// One element of a document list: a document (`.json`), JSON text, or unknown.
fn document_value(item: Val) -> Val {
    match &item.data {
        Data::Json(inner) => (**inner).clone(),
        Data::String(text) => match json::text_json(text, item.loc.file, 0) {
            Ok(mut v) => {
                relocate(&mut v, &item.loc);
                v
            }
            Err(_) => Val::unknown(item.loc),
        },
        _ => Val::unknown(item.loc),
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
fn statement(eval: &Evaluator<'_>, block: &Block, doc_loc: &Loc) -> Val {
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
fn principals(eval: &Evaluator<'_>, blocks: &[&Block], loc: &Loc) -> Val {
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
fn condition(eval: &Evaluator<'_>, block: &Block, loc: &Loc) -> (Val, Val) {
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
