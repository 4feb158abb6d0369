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

/// Whether the start of a JSON file looks like `terraform show -json` output, in UTF-8 with or
/// without a byte order mark, or in UTF-16 with one (Windows PowerShell's `>`).
pub fn looks_like_plan(head: &[u8]) -> bool {
    let head = match head {
        [0xff, 0xfe, rest @ ..] => utf16_lossy(rest, u16::from_le_bytes),
        [0xfe, 0xff, rest @ ..] => utf16_lossy(rest, u16::from_be_bytes),
        [0xef, 0xbb, 0xbf, rest @ ..] => String::from_utf8_lossy(rest).into_owned(),
        _ => String::from_utf8_lossy(head).into_owned(),
    };
    head.trim_start().starts_with('{') && head.contains("\"format_version\"")
}

/// The start of a UTF-16 text; a unit cut off by the end of the sniffed bytes is dropped.
fn utf16_lossy(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|p| unit([p[0], p[1]]));
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

#[derive(Deserialize)]
struct Document<'a> {
    format_version: Option<Cow<'a, str>>,
    /// Each entry is checked on its own: one malformed entry does not hide the others.
    #[serde(borrow, default)]
    resource_changes: Option<Vec<&'a RawValue>>,
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

/// How many resource changes are located at once: enough to keep every core busy, few enough
/// that their values never add up to much.
const BATCH: usize = 1024;

/// Reads a plan and turns each resource change that is `wanted` (given its type and the JSON text
/// of its `change`) into what `each` makes of it,
/// added to `acc` by `sink` in plan order; returns one error per malformed resource change (the other
/// changes are still read), or `Ok(None)` when the JSON is valid but not a plan (no
/// `format_version`, or neither `resource_changes` nor `planned_values`).
///
/// `prepare` is first given the type of every change that will be read, so the caller can size
/// what it collects once instead of growing it. Changes are located and handed to `each` a
/// batch at a time on every core, and each one's values are dropped as soon as `each` returns:
/// a large plan never holds more than a batch of changes' values, and never a tree of itself.
pub fn parse<T: Send, A>(
    id: FileId,
    file: &SourceFile,
    wanted: impl Fn(&str, &str) -> bool + Sync,
    each: impl Fn(ResourceChange) -> T + Sync,
    acc: &mut A,
    prepare: impl FnOnce(&mut A, &[&str]),
    sink: impl Fn(&mut A, T),
) -> Result<Option<Vec<InputError>>, Box<InputError>> {
    let text = file.text.as_str();
    let doc: Document<'_> = serde_json::from_str(text).map_err(|e| {
        let offset = file.offset_of(e.line(), e.column());
        let end = (offset + 1).min(text.len()).max(offset);
        let message = format!("invalid plan JSON: {e}");
        Box::new(
            InputError::at(InputErrorKind::Syntax, id, file, offset..end, message)
                .with_help("produce the plan with `terraform show -json PLANFILE > plan.json` (or `tofu show -json`)"),
        )
    })?;
    if doc.format_version.is_none()
        || (doc.resource_changes.is_none() && doc.planned_values.is_none())
    {
        return Ok(None);
    }
    let base = text.as_ptr() as usize;
    let mut errors = Vec::new();
    // Slices of the plan: a few words per change.
    let mut read: Vec<RawChange<'_>> = Vec::new();
    let entries: Vec<Result<RawChange<'_>, Box<InputError>>> = doc
        .resource_changes
        .unwrap_or_default()
        .into_par_iter()
        .map(|entry| entry_of(entry, id, file, base))
        .collect();
    for entry in entries {
        match entry {
            Ok(raw) => {
                let managed = raw.mode.as_deref().is_none_or(|m| m == "managed");
                if managed && wanted(&raw.ty, raw.change.get()) {
                    read.push(raw);
                }
            }
            Err(e) => errors.push(*e),
        }
    }
    prepare(acc, &read.iter().map(|r| r.ty.as_ref()).collect::<Vec<_>>());
    let mut rest = read.into_iter();
    loop {
        let batch: Vec<RawChange<'_>> = rest.by_ref().take(BATCH).collect();
        if batch.is_empty() {
            break;
        }
        let located: Vec<Result<T, Box<InputError>>> = batch
            .into_par_iter()
            .map(|raw| locate(raw, id, file, base).map(&each))
            .collect();
        for one in located {
            match one {
                Ok(t) => sink(acc, t),
                Err(e) => errors.push(*e),
            }
        }
    }
    // Plan order: the entries' own errors came first above.
    errors.sort_by_key(|e| e.span.as_ref().map_or(0, |s| s.start));
    Ok(Some(errors))
}

/// One entry of `resource_changes`, or an error at it when it is not a resource change.
fn entry_of<'a>(
    entry: &'a RawValue,
    id: FileId,
    file: &SourceFile,
    base: usize,
) -> Result<RawChange<'a>, Box<InputError>> {
    let slice = entry.get();
    let offset = (slice.as_ptr() as usize).saturating_sub(base);
    serde_json::from_str::<RawChange<'a>>(slice).map_err(|e| {
        let what = e.to_string();
        // serde's position is inside the entry: the entry's own position is the one that helps.
        let what = what
            .rsplit_once(" at line ")
            .map_or(what.as_str(), |(w, _)| w)
            .replace("struct RawChange", "an object");
        let end = offset + slice.chars().next().map_or(0, char::len_utf8);
        Box::new(
            InputError::at(
                InputErrorKind::Syntax,
                id,
                file,
                offset..end,
                format!(
                    "malformed resource change, not analysed: {what} (an entry of `resource_changes` is an object with a string `address` and `type` and a `change` object)"
                ),
            )
            .with_help("produce the plan with `terraform show -json PLANFILE > plan.json` (or `tofu show -json`)"),
        )
    })
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
    let actions = match change.get("actions").map(|a| (a, &a.data)) {
        Some((_, crate::terraform::eval::Data::List(items)))
            if items.iter().all(|i| i.data_str().is_some()) =>
        {
            items
                .iter()
                .filter_map(|i| i.data_str().map(str::to_string))
                .collect()
        }
        found => {
            let span = found.map_or_else(|| change.loc.span.clone(), |(a, _)| a.loc.span.clone());
            return Err(Box::new(
                InputError::at(
                    InputErrorKind::Syntax,
                    id,
                    file,
                    span,
                    format!(
                        "malformed resource change `{}`, not analysed: {}",
                        raw.address,
                        if matches!(change.data, crate::terraform::eval::Data::Object(_)) {
                            "`change.actions` must be a list of strings such as [\"delete\"]"
                        } else {
                            "`change` must be an object with `actions`, `before` and `after`"
                        }
                    ),
                )
                .with_help("produce the plan with `terraform show -json PLANFILE > plan.json` (or `tofu show -json`)"),
            ));
        }
    };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_are_recognised_in_every_encoding_windows_writes() {
        let text = "\r\n{\"format_version\":\"1.2\",\"resource_changes\":[]}";
        let utf16 = |unit: fn(u16) -> [u8; 2], bom: [u8; 2]| -> Vec<u8> {
            bom.into_iter()
                .chain(text.encode_utf16().flat_map(unit))
                .collect()
        };
        assert!(looks_like_plan(text.as_bytes()));
        assert!(looks_like_plan(
            &[b"\xef\xbb\xbf".as_slice(), text.as_bytes()].concat()
        ));
        assert!(looks_like_plan(&utf16(u16::to_le_bytes, [0xff, 0xfe])));
        assert!(looks_like_plan(&utf16(u16::to_be_bytes, [0xfe, 0xff])));
        // Cut in the middle of a code unit, as the sniffed head may be.
        let le = utf16(u16::to_le_bytes, [0xff, 0xfe]);
        assert!(looks_like_plan(&le[..le.len() - 1]));
        // Not plans: other JSON, and UTF-16 read with the wrong byte order.
        assert!(!looks_like_plan(b"{\"name\": \"x\"}"));
        let mut swapped = utf16(u16::to_be_bytes, [0xfe, 0xff]);
        swapped[..2].copy_from_slice(&[0xff, 0xfe]);
        assert!(!looks_like_plan(&swapped));
    }
}
