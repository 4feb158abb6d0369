//! Values of a root module's input variables, with Terraform's precedence (lowest first):
//! `default`, `TF_VAR_name`, `terraform.tfvars`, `terraform.tfvars.json`, `*.auto.tfvars` and
//! `*.auto.tfvars.json` in lexical order, `--var-file` in order, `--var` in order.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hcl_edit::Span;

use crate::files::Files;
use crate::source::{FileId, Loc};
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
    let declared = declared(index);
    let mut values: BTreeMap<String, Val> = BTreeMap::new();
    for (name, (_, default, _)) in &declared {
        if let Some(d) = default {
            values.insert((*name).to_string(), d.clone());
        }
    }
    let raw = |name: &str, text: &str, loc: &Loc| -> Val {
        let is_string = matches!(declared.get(name), Some((Type::String, _, _)));
        if is_string {
            return Val::new(Data::String(text.to_string()), loc.clone());
        }
        // Non-string values on the command line or in the environment are HCL expressions.
        match hcl_edit::parser::parse_expr(text) {
            Ok(expr) => {
                let mut v = Evaluator::new(loc.file).eval(&expr, loc);
                crate::terraform::eval::relocate(&mut v, loc);
                v
            }
            Err(_) => Val::new(Data::String(text.to_string()), loc.clone()),
        }
    };
    for (name, text) in &inputs.env {
        if let Some((_, _, decl_loc)) = declared.get(name.as_str()) {
            values.insert(name.clone(), raw(name, text, decl_loc));
        }
    }
    let mut var_files: Vec<PathBuf> = Vec::new();
    for name in ["terraform.tfvars", "terraform.tfvars.json"] {
        var_files.push(dir.join(name));
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
    var_files.extend(auto);
    var_files.extend(inputs.files.iter().cloned());
    for path in var_files {
        if !path.is_file() {
            continue;
        }
        for (name, v) in file_values(files, &path, parsed) {
            if declared.contains_key(name.as_str()) {
                values.insert(name, v);
            }
        }
    }
    for (name, text) in &inputs.vars {
        if let Some((_, _, decl_loc)) = declared.get(name.as_str()) {
            values.insert(name.clone(), raw(name, text, decl_loc));
        }
    }
    values
        .into_iter()
        .map(|(name, v)| {
            let v = match declared.get(name.as_str()) {
                Some((ty, _, _)) => ty.convert(v),
                None => v,
            };
            (name, v)
        })
        .collect()
}

/// The assignments of one `.tfvars` or `.tfvars.json` file, each located where it is written;
/// `parsed` holds the module's `.tfvars` files already parsed.
fn file_values(files: &Files, path: &Path, parsed: &[ParsedFile]) -> Vec<(String, Val)> {
    let Some((id, source)) = files.load(path) else {
        return Vec::new();
    };
    if let Some(p) = parsed.iter().find(|p| p.id == id) {
        return attributes(id, &p.body);
    }
    if path.extension().is_some_and(|e| e == "json") {
        return match json::text_json(&source.text, id, 0) {
            Ok(Val {
                data: Data::Object(entries),
                ..
            }) => entries
                .into_iter()
                .filter_map(|(k, v)| Some((k.data_str()?.to_string(), v)))
                .collect(),
            _ => Vec::new(),
        };
    }
    let Ok(body) = hcl::parse(id, &source) else {
        return Vec::new();
    };
    attributes(id, &body)
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
