//! Values of a root module's input variables, with Terraform's precedence (lowest first):
//! `default`, `TF_VAR_name`, `terraform.tfvars`, `terraform.tfvars.json`, `*.auto.tfvars` and
//! `*.auto.tfvars.json` in lexical order, `--var-file` in order, `--var` in order.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hcl_edit::Span;

use crate::diagnostic::{InputError, InputErrorKind};
use crate::files::Files;
use crate::source::{FileId, Loc, SourceFile};
use crate::terraform::eval::types::Type;
use crate::terraform::eval::{Data, Evaluator, Val};
use crate::terraform::module::{ModuleIndex, ParsedFile};
use crate::terraform::{hcl, json};

/// Variable values given outside the configuration.
#[derive(Debug, Clone, Default)]
pub struct VarInputs {
    /// `--var-file` paths, in order.
    pub files: Vec<PathBuf>,
    /// `--var NAME=VALUE`, in order.
    pub vars: Vec<(String, String)>,
    /// `TF_VAR_NAME` environment variables.
    pub env: Vec<(String, String)>,
}

/// The declared type of each variable and its default.
pub fn declared<'a>(index: &ModuleIndex<'a>) -> BTreeMap<&'a str, (Type, Option<Val>, Loc)> {
    let mut out = BTreeMap::new();
    for (name, decl) in &index.variables {
        let eval = Evaluator::new(decl.file.id);
        let loc = Loc::new(decl.file.id, decl.block.span().unwrap_or(0..0));
        let ty = decl
            .block
            .body
            .get_attribute("type")
            .map_or(Type::Any, |a| Type::parse(&a.value, &eval));
        let default = decl
            .block
            .body
            .get_attribute("default")
            .map(|a| eval.eval(&a.value, &loc));
        out.insert(*name, (ty, default, loc));
    }
    out
}

/// The values of a root module's variables; a variable with no value is absent (unknown).
pub fn root_values(
    index: &ModuleIndex<'_>,
    dir: &Path,
    files: &Files,
    inputs: &VarInputs,
    parsed: &[ParsedFile],
) -> BTreeMap<String, Val> {
    values_and_errors(index, dir, files, inputs, parsed).0
}

/// Where a value was given, for the error when it does not convert to the variable's type.
enum Given {
    Default,
    Env,
    File(Arc<SourceFile>),
    Flag(String),
}

/// [`root_values`], and the errors Terraform would stop at: a `--var-file` that is missing or
/// is not a variable definitions file, a broken `terraform.tfvars(.json)` or
/// `*.auto.tfvars(.json)`, a value that does not convert to its variable's type.
///
/// A `--var` naming a variable this root does not declare is not an error here: `--var`
/// applies to every root of the scan, and [`undeclared`] judges it over all of them.
pub fn values_and_errors(
    index: &ModuleIndex<'_>,
    dir: &Path,
    files: &Files,
    inputs: &VarInputs,
    parsed: &[ParsedFile],
) -> (BTreeMap<String, Val>, Vec<InputError>) {
    let declared = declared(index);
    let mut errors = Vec::new();
    let mut values: BTreeMap<String, (Val, Given)> = BTreeMap::new();
    for (name, (_, default, _)) in &declared {
        if let Some(d) = default {
            values.insert((*name).to_string(), (d.clone(), Given::Default));
        }
    }
    // As Terraform reads `-var` and `TF_VAR_`: the text itself for a variable of a primitive
    // type, converted to that type; an HCL expression of constants for the others (without a
    // type: the text when it is no such expression).
    let raw = |name: &str, text: &str, loc: &Loc| -> Val {
        let ty = declared.get(name).map_or(&Type::Any, |(ty, _, _)| ty);
        let literal = Val::new(Data::String(text.to_string()), loc.clone());
        if matches!(ty, Type::String | Type::Number | Type::Bool) {
            return literal;
        }
        match hcl_edit::parser::parse_expr(text) {
            Ok(expr) => {
                let mut v = Evaluator::new(loc.file).eval(&expr, loc);
                crate::terraform::eval::relocate(&mut v, loc);
                if matches!(ty, Type::Any) && has_unknown(&v) {
                    return literal;
                }
                v
            }
            // Not an expression: what cannot convert, so the conversion reports it.
            Err(_) => literal,
        }
    };
    for (name, text) in &inputs.env {
        if let Some((_, _, decl_loc)) = declared.get(name.as_str()) {
            values.insert(name.clone(), (raw(name, text, decl_loc), Given::Env));
        }
    }
    // Files Terraform loads by name when they exist, then the ones the user names.
    let mut var_files: Vec<(PathBuf, bool)> = Vec::new();
    for name in ["terraform.tfvars", "terraform.tfvars.json"] {
        var_files.push((dir.join(name), false));
    }
    let mut auto: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                        n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json")
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    auto.sort();
    var_files.extend(auto.into_iter().map(|p| (p, false)));
    var_files.extend(inputs.files.iter().map(|p| (p.clone(), true)));
    for (path, given) in var_files {
        if !given && !path.is_file() {
            continue;
        }
        if given && std::fs::metadata(&path).is_err() {
            errors.push(
                InputError::whole(
                    InputErrorKind::NotFound,
                    crate::source::display_path(&path, Path::new("")),
                    "the `--var-file` does not exist or cannot be read",
                )
                .with_help("check the path: it is relative to the directory kmslint runs in"),
            );
            continue;
        }
        let Some((id, source)) = files.load(&path) else {
            // The read error is recorded by `files`.
            continue;
        };
        let (assigned, file_errors) = file_values(id, &source, parsed);
        errors.extend(file_errors);
        for (name, v) in assigned {
            if declared.contains_key(name.as_str()) {
                values.insert(name, (v, Given::File(Arc::clone(&source))));
            }
        }
    }
    for (name, text) in &inputs.vars {
        if let Some((_, _, decl_loc)) = declared.get(name.as_str()) {
            let given = Given::Flag(format!("{name}={text}"));
            values.insert(name.clone(), (raw(name, text, decl_loc), given));
        }
    }
    let values = values
        .into_iter()
        .map(|(name, (v, given))| {
            let Some((ty, _, _)) = declared.get(name.as_str()) else {
                return (name, v);
            };
            // A `--var` or `TF_VAR_` expression may only hold constants: an unknown part is a
            // reference or a function Terraform refuses there.
            let flag = matches!(given, Given::Flag(_) | Given::Env);
            let known = flag || !has_unknown(&v);
            let loc = v.loc.clone();
            let converted = ty.convert(v);
            if known && has_unknown(&converted) {
                if let Some(e) = not_convertible(index, &name, &loc, &given) {
                    errors.push(e);
                }
            }
            (name, converted)
        })
        .collect();
    (values, errors)
}

/// Whether any part of a value is unknown.
fn has_unknown(v: &Val) -> bool {
    match &v.data {
        Data::Unknown => true,
        Data::List(items) => items.iter().any(has_unknown),
        Data::Object(entries) => entries
            .iter()
            .any(|(k, v)| has_unknown(k) || has_unknown(v)),
        Data::Json(inner) => has_unknown(inner),
        Data::Null | Data::Bool(_) | Data::Number(_) | Data::String(_) => false,
    }
}

/// The error for a value Terraform would refuse for `name`'s declared type, where it was given
/// (a `--var` or `TF_VAR_` value: at the declaration). A default that does not convert is the
/// configuration's own error, not an input's.
fn not_convertible(
    index: &ModuleIndex<'_>,
    name: &str,
    loc: &Loc,
    given: &Given,
) -> Option<InputError> {
    let decl = index.variables.get(name)?;
    let ty = decl
        .block
        .body
        .get_attribute("type")
        .and_then(|a| a.value.span())
        .map_or("any", |span| decl.file.source.slice(&span));
    // The declaration's header: `variable "name"`.
    let header = decl
        .block
        .ident
        .span()
        .zip(decl.block.labels.last().and_then(|l| l.span()));
    let decl_span = header.map_or(0..0, |(a, b)| a.start..b.end);
    let (file, span, how) = match given {
        Given::Default => return None,
        Given::File(source) => (source, loc.span.clone(), String::new()),
        Given::Env => (
            &decl.file.source,
            decl_span,
            format!(" given by the environment variable `TF_VAR_{name}`"),
        ),
        Given::Flag(flag) => (
            &decl.file.source,
            decl_span,
            format!(" given by `--var {}`", flag),
        ),
    };
    let id = if matches!(given, Given::File(_)) {
        loc.file
    } else {
        decl.file.id
    };
    Some(
        InputError::at(
            InputErrorKind::Configuration,
            id,
            file,
            span,
            format!(
                "invalid value for variable `{name}`{how}: it does not convert to its type `{ty}`"
            ),
        )
        .with_help("Terraform refuses this value; give one of the declared type"),
    )
}

/// The names given with `--var` that none of `declared` (the variable names of every root
/// module of the scan) declares: Terraform refuses a value for an undeclared variable.
pub fn undeclared<'a>(
    inputs: &'a VarInputs,
    declared: &std::collections::BTreeSet<String>,
) -> Vec<InputError> {
    let mut names: Vec<&'a str> = inputs
        .vars
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| !declared.contains(*n))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .map(|name| {
            InputError::whole(
                InputErrorKind::Configuration,
                "--var",
                format!(
                    "a value was given for the undeclared variable `{}`: no root module of the scan declares it",
                    name
                ),
            )
            .with_help("declare it with a `variable` block, or remove the `--var`")
        })
        .collect()
}

/// The assignments of one `.tfvars` or `.tfvars.json` file, each located where it is written,
/// and what makes the file unusable; `parsed` holds the module's `.tfvars` files already parsed
/// (their syntax errors are already reported).
fn file_values(
    id: FileId,
    source: &SourceFile,
    parsed: &[ParsedFile],
) -> (Vec<(String, Val)>, Vec<InputError>) {
    if let Some(p) = parsed.iter().find(|p| p.id == id) {
        return (attributes(id, &p.body), blocks_refused(id, source, &p.body));
    }
    if source.path.extension().is_some_and(|e| e == "json") {
        return match json::text_json(&source.text, id, 0) {
            Ok(Val {
                data: Data::Object(entries),
                ..
            }) => (
                entries
                    .into_iter()
                    .filter_map(|(k, v)| Some((k.data_str()?.to_string(), v)))
                    .collect(),
                Vec::new(),
            ),
            Ok(v) => (
                Vec::new(),
                vec![InputError::at(
                    InputErrorKind::Syntax,
                    id,
                    source,
                    v.loc.span,
                    "a variable definitions file in JSON must be one object of variable names and values",
                )],
            ),
            Err(p) => (
                Vec::new(),
                vec![InputError::at(
                    InputErrorKind::Syntax,
                    id,
                    source,
                    p.loc.span,
                    p.message,
                )],
            ),
        };
    }
    match hcl::parse(id, source) {
        Ok(body) => (attributes(id, &body), blocks_refused(id, source, &body)),
        Err(e) => (Vec::new(), vec![*e]),
    }
}

/// A variable definitions file holds only `name = value` (a `.tf` file given as `--var-file`
/// holds blocks): one error at the first block, as Terraform reports it.
fn blocks_refused(
    id: FileId,
    source: &SourceFile,
    body: &hcl_edit::structure::Body,
) -> Vec<InputError> {
    let Some(block) = body.blocks().next() else {
        return Vec::new();
    };
    let span = block.ident.span().unwrap_or(0..0);
    let mut e = InputError::at(
        InputErrorKind::Syntax,
        id,
        source,
        span,
        format!(
            "unexpected `{}` block: a variable definitions file holds only `name = value` assignments",
            block.ident.as_str()
        ),
    );
    if source.path.extension().is_some_and(|e| e == "tf") {
        e = e.with_help(
            "a `.tf` file is configuration, not a variable definitions file: give a `.tfvars` file",
        );
    }
    vec![e]
}
fn attributes(id: FileId, body: &hcl_edit::structure::Body) -> Vec<(String, Val)> {
    let eval = Evaluator::new(id);
    body.attributes()
        .map(|a| {
            let loc = Loc::new(id, a.span().unwrap_or(0..0));
            (a.key.as_str().to_string(), eval.eval(&a.value, &loc))
        })
        .collect()
}
