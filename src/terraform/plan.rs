//! `terraform show -json` plans: which files are plans, and the resource changes kmslint reads.
//!
//! A plan is often one line of many megabytes. It is parsed once with serde, which keeps each
//! resource change as a slice of the file (`RawValue`) instead of a tree; only the changes of the
//! resource types the rules look at are then parsed into located values (every key and value with
//! its byte range in the plan), so memory stays near the size of the file and positions are exact.

use std::borrow::Cow;

use rayon::prelude::*;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::diagnostic::{InputError, InputErrorKind};
use crate::source::{FileId, Loc, SourceFile};
use crate::terraform::eval::Val;
use crate::terraform::json;

/// How much of a `.json` file is read to decide whether it may be a plan.
pub const SNIFF_BYTES: usize = 4096;

/// Whether the start of a JSON file looks like `terraform show -json` output.
pub fn looks_like_plan(head: &[u8]) -> bool {
    let head = String::from_utf8_lossy(head);
    head.trim_start().starts_with('{') && head.contains("\"format_version\"")
}

#[derive(Deserialize)]
struct Document<'a> {
    format_version: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    resource_changes: Option<Vec<RawChange<'a>>>,
    #[serde(borrow, default)]
    planned_values: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawChange<'a> {
    address: Cow<'a, str>,
    #[serde(default)]
    mode: Option<Cow<'a, str>>,
    #[serde(rename = "type")]
    ty: Cow<'a, str>,
    #[serde(borrow)]
    change: &'a RawValue,
}

/// One resource change of a type the rules read.
#[derive(Debug)]
pub struct ResourceChange {
    /// `module.kms["a"].aws_kms_key.this`.
    pub address: String,
    pub ty: String,
    /// `create`, `update`, `delete`, ... in plan order.
    pub actions: Vec<String>,
    /// The located `change` object: `before`, `after`, `after_unknown`, `after_sensitive`, ...
    pub change: Val,
}

/// Reads a plan and turns each resource change that is `wanted` (given its type and the JSON text
/// of its `change`) into what `each` makes of it,
/// in plan order; `Ok(None)` when the JSON is valid but not a plan (no `format_version`, or
/// neither `resource_changes` nor `planned_values`).
///
/// Changes are located and handed to `each` on every core, and each one's values are dropped
/// as soon as `each` returns: a large plan never holds all of its values at once.
pub fn parse<T: Send>(
    id: FileId,
    file: &SourceFile,
    wanted: impl Fn(&str, &str) -> bool,
    each: impl Fn(ResourceChange) -> T + Sync,
) -> Result<Option<Vec<T>>, Box<InputError>> {
    let text = file.text.as_str();
    let doc: Document<'_> = serde_json::from_str(text).map_err(|e| {
        let offset = file.offset_of(e.line(), e.column());
        let end = (offset + 1).min(text.len()).max(offset);
        let message = format!("invalid plan JSON: {e}");
        Box::new(
            InputError::at(InputErrorKind::Syntax, id, file, offset..end, message)
                .with_help("produce the plan with `terraform show -json PLANFILE > plan.json`"),
        )
    })?;
    if doc.format_version.is_none()
        || (doc.resource_changes.is_none() && doc.planned_values.is_none())
    {
        return Ok(None);
    }
    let base = text.as_ptr() as usize;
    let raws: Vec<RawChange<'_>> = doc
        .resource_changes
        .unwrap_or_default()
        .into_iter()
        .filter(|raw| {
            raw.mode.as_deref().is_none_or(|m| m == "managed") && wanted(&raw.ty, raw.change.get())
        })
        .collect();
    let results: Vec<Result<T, Box<InputError>>> = raws
        .into_par_iter()
        .map(|raw| locate(raw, id, file, base).map(&each))
        .collect();
    // The first error in plan order, whichever thread met it first.
    results.into_iter().collect::<Result<Vec<T>, _>>().map(Some)
}

/// Locates one change's values in the plan file.
fn locate(
    raw: RawChange<'_>,
    id: FileId,
    file: &SourceFile,
    base: usize,
) -> Result<ResourceChange, Box<InputError>> {
    let slice = raw.change.get();
    let offset = (slice.as_ptr() as usize).saturating_sub(base);
    let change = json::text_json(slice, id, offset).map_err(|p| {
        Box::new(InputError::at(
            InputErrorKind::Syntax,
            id,
            file,
            p.loc.span,
            p.message,
        ))
    })?;
    let actions = change
        .get("actions")
        .map(|a| match &a.data {
            crate::terraform::eval::Data::List(items) => items
                .iter()
                .filter_map(|i| i.data_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        })
        .unwrap_or_default();
    Ok(ResourceChange {
        address: raw.address.into_owned(),
        ty: raw.ty.into_owned(),
        actions,
        change,
    })
}

/// The location of a whole resource change, for findings about the change itself.
pub fn change_loc(change: &ResourceChange) -> Loc {
    change
        .change
        .get("actions")
        .map_or_else(|| change.change.loc.clone(), |a| a.loc.clone())
}
