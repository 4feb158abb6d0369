//! Override files (`override.tf`, `x_override.tf`, and their `.tf.json`/`.tofu` forms): their
//! blocks are merged into the blocks they override, as Terraform merges them, in the order of
//! their names: each argument replaces the argument of that name; nested blocks of a type replace
//! every nested block of that type (a `dynamic` block counts as one of its label's type), except
//! `lifecycle`, merged argument by argument; each local value replaces the local of that name.
//!
//! A merged argument keeps the override file's place: each override file is parsed again with
//! its spans moved past the text of every file of the module, and the files it is merged into
//! are told which offsets stand for it ([`Borrowed`]), so the reports point at the override.

use hcl_edit::Span;
use hcl_edit::structure::{Attribute, Block, Body, Structure};

use crate::diagnostic::{InputError, InputErrorKind};
use crate::source::{Borrowed, SourceFile};
use crate::terraform::module::ParsedFile;
use crate::terraform::{hcl, layout, tfjson};

/// Merges the override files of `config` into its other files and removes them from it.
pub(super) fn apply(config: &mut Vec<ParsedFile>, errors: &mut Vec<InputError>) {
    if !config.iter().any(|f| layout::is_override(&f.source.path)) {
        return;
    }
    let (mut overrides, primary): (Vec<ParsedFile>, Vec<ParsedFile>) = std::mem::take(config)
        .into_iter()
        .partition(|f| layout::is_override(&f.source.path));
    *config = primary;
    overrides.sort_by(|a, b| a.source.path.cmp(&b.source.path));
    // Past every span of the module's files (a translated file's spans index its translation,
    // which can be longer than its text).
    let mut base = config
        .iter()
        .chain(&overrides)
        .flat_map(|f| f.body.iter().filter_map(|s| s.span()).map(|s| s.end))
        .chain(config.iter().map(|f| f.source.text.len()))
        .max()
        .unwrap_or(0)
        + 1;
    let mut borrowed = Vec::new();
    for file in &overrides {
        let Some((body, len)) = moved(file, base, errors) else {
            continue;
        };
        borrowed.push(Borrowed {
            base,
            len,
            id: file.id,
        });
        for block in body.blocks() {
            if let Some(what) = merge_top(config, block) {
                let span = block.span().unwrap_or(base..base);
                let start = span.start.saturating_sub(base);
                let end = block
                    .labels
                    .last()
                    .and_then(|l| l.span())
                    .map_or(start, |l| l.end.saturating_sub(base))
                    .max(start);
                errors.push(InputError::at(
                    InputErrorKind::Evaluation,
                    file.id,
                    &file.source,
                    start..end,
                    format!("{what} to override: Terraform rejects the module (an override file only changes what the other files declare)"),
                ));
            }
        }
        base += len + 1;
    }
    for file in config.iter() {
        file.source.set_borrowed(borrowed.clone());
    }
}

/// The override file parsed with every span moved `base` bytes on, and the length of the text
/// parsed (the file's, or its translation's).
fn moved(file: &ParsedFile, base: usize, errors: &mut Vec<InputError>) -> Option<(Body, usize)> {
    let text = match layout::syntax(&file.source.path) {
        Some(layout::Syntax::Json) => tfjson::translate(file.id, &file.source).ok()?,
        _ => file.source.text.clone(),
    };
    let len = text.len();
    let mut padded = String::with_capacity(base + len);
    padded.extend(std::iter::repeat_n(' ', base));
    padded.push_str(&text);
    let shifted = SourceFile::new(
        file.source.path.clone(),
        file.source.display.clone(),
        padded,
    );
    match hcl::parse(file.id, &shifted) {
        Ok(mut body) => {
            super::prune::prune(&mut body);
            Some((body, len))
        }
        // The file parsed once already: this cannot fail, but if it did, say so.
        Err(e) => {
            errors.push(*e);
            None
        }
    }
}

fn labels(block: &Block) -> Vec<&str> {
    block.labels.iter().map(|l| l.as_str()).collect()
}

/// The `alias` of a provider block, when written as a plain string.
fn alias(block: &Block) -> Option<String> {
    match &block.body.get_attribute("alias")?.value {
        hcl_edit::expr::Expression::String(s) => Some(s.value().to_string()),
        _ => None,
    }
}

/// Merges one top-level block of an override file into the block it overrides; says what is
/// missing when there is no such block.
fn merge_top(config: &mut [ParsedFile], over: &Block) -> Option<String> {
    let ident = over.ident.as_str();
    if ident == "locals" {
        let mut missing = Vec::new();
        for attr in over.body.attributes() {
            let key = attr.key.as_str();
            let target = config
                .iter_mut()
                .flat_map(|f| f.body.get_blocks_mut("locals"))
                .find(|b| b.body.has_attribute(key));
            match target {
                Some(target) => replace_attribute(&mut target.body, attr),
                None => missing.push(format!("`local.{key}`")),
            }
        }
        return (!missing.is_empty())
            .then(|| format!("no local value {} in the other files", missing.join(", ")));
    }
    if !matches!(
        ident,
        "resource" | "data" | "variable" | "output" | "module" | "provider"
    ) {
        return None;
    }
    let want = labels(over);
    let over_alias = alias(over);
    let target = config
        .iter_mut()
        .flat_map(|f| f.body.get_blocks_mut(ident))
        .find(|b| labels(b) == want && (ident != "provider" || alias(b) == over_alias));
    match target {
        Some(target) => {
            merge_block(target, over);
            None
        }
        // A provider's alias may be computed: no claim about those.
        None if ident == "provider" => None,
        None => {
            let quoted: Vec<String> = want.iter().map(|l| format!("\"{l}\"")).collect();
            Some(format!(
                "no `{ident} {}` block in the other files",
                quoted.join(" ")
            ))
        }
    }
}

fn replace_attribute(body: &mut Body, attr: &Attribute) {
    body.remove_attribute(attr.key.as_str());
    body.push(attr.clone());
}

/// The type of nested block a block stands for (`dynamic "x"` stands for `x` blocks).
fn nested_type(block: &Block) -> &str {
    match (block.ident.as_str(), block.labels.first()) {
        ("dynamic", Some(label)) => label.as_str(),
        (ident, _) => ident,
    }
}

/// Merges an override block into `base`.
fn merge_block(base: &mut Block, over: &Block) {
    let mut replaced: Vec<&str> = Vec::new();
    for structure in over.body.iter() {
        match structure {
            Structure::Attribute(attr) => replace_attribute(&mut base.body, attr),
            Structure::Block(b) if b.ident.as_str() == "lifecycle" => {
                if base.body.has_blocks("lifecycle") {
                    if let Some(target) = base.body.get_blocks_mut("lifecycle").next() {
                        for attr in b.body.attributes() {
                            replace_attribute(&mut target.body, attr);
                        }
                    }
                } else {
                    base.body.push(b.clone());
                }
            }
            Structure::Block(b) => {
                let ty = nested_type(b);
                if !replaced.contains(&ty) {
                    replaced.push(ty);
                    let kept: Vec<Structure> = std::mem::take(&mut base.body)
                        .into_iter()
                        .filter(|s| !matches!(s, Structure::Block(x) if nested_type(x) == ty))
                        .collect();
                    base.body = kept.into_iter().collect();
                }
                base.body.push(b.clone());
            }
        }
    }
}
