//! Terraform's built-in functions, natively: unknown in, unknown out, spans kept where a value
//! passes through unchanged. A function kmslint does not implement yields unknown.

use std::path::{Path, PathBuf};

use hcl_edit::expr::{Expression, FuncCall};

use crate::diagnostic::InputErrorKind;
use crate::source::Loc;
use crate::terraform::eval::{Data, Evaluator, NODE, Val, format_number, template};
use crate::terraform::json;

/// Values a function builds are located at the call; values it passes through keep their own.
pub(super) fn call(eval: &Evaluator<'_>, call: &FuncCall, loc: &Loc) -> Val {
    let namespace: Vec<&str> = call.name.namespace.iter().map(|n| n.as_str()).collect();
    let name = call.name.name.as_str();
    let unknown = || Val::unknown(loc.clone());
    // `try` and `can` see their arguments unevaluated.
    match name {
        "try" if namespace.is_empty() => {
            // A known first argument is the result. An unknown one may be an error (then a later
            // argument would be used) or a value known only at apply time: unknown either way.
            return match call.args.iter().next().map(|arg| eval.eval(arg, loc)) {
                Some(v) if !v.has_unknown() => v,
                _ => unknown(),
            };
        }
        "can" if namespace.is_empty() => {
            let all_known = call.args.iter().all(|a| !eval.eval(a, loc).has_unknown());
            return if all_known {
                val(Data::Bool(true), loc)
            } else {
                unknown()
            };
        }
        _ => {}
    }
    let mut args: Vec<Val> = call.args.iter().map(|a| eval.eval(a, loc)).collect();
    if call.args.expand_final() {
        match args.pop().map(|v| v.data) {
            Some(Data::List(items)) => args.extend(items),
            _ => return unknown(),
        }
    }
    let result = match (namespace.as_slice(), name) {
        ([], _) => builtin(eval, name, args, loc),
        (["provider", "aws"], "arn_parse") => arn_parse(&args, loc),
        (["provider", "aws"], "arn_build") => {
            strings(&args).map(|p| val(Data::String(format!("arn:{}", p.join(":"))), loc))
        }
        _ => None,
    };
    result.unwrap_or_else(unknown)
}

fn val(data: Data, loc: &Loc) -> Val {
    Val::new(data, loc.clone())
}

fn string(v: &Val) -> Option<String> {
    v.to_string_value()
}

fn strings(args: &[Val]) -> Option<Vec<String>> {
    args.iter().map(string).collect()
}

fn list(v: &Val) -> Option<&Vec<Val>> {
    match &v.data {
        Data::List(items) => Some(items),
        _ => None,
    }
}

fn object(v: &Val) -> Option<&Vec<(Val, Val)>> {
    match &v.data {
        Data::Object(entries) => Some(entries),
        _ => None,
    }
}

fn known(args: &[Val]) -> bool {
    args.iter().all(|a| !a.is_unknown())
}

fn builtin(eval: &Evaluator<'_>, name: &str, args: Vec<Val>, loc: &Loc) -> Option<Val> {
    let str_fn =
        |f: &dyn Fn(&str) -> String| Some(val(Data::String(f(&string(args.first()?)?)), loc));
    match name {
        "jsonencode" => Some(val(Data::Json(Box::new(args.into_iter().next()?)), loc)),
        "jsondecode" => jsondecode(eval, args.first()?, loc),
        "tostring" => {
            let a = args.first()?;
            if a.is_null() {
                Some(a.clone())
            } else {
                Some(Val {
                    data: Data::String(string(a)?),
                    ..a.clone()
                })
            }
        }
        "tonumber" => {
            let a = args.first()?;
            Some(Val {
                data: Data::Number(a.to_number()?),
                ..a.clone()
            })
        }
        "tobool" => {
            let a = args.first()?;
            Some(Val {
                data: Data::Bool(a.to_bool()?),
                ..a.clone()
            })
        }
        "tolist" | "toset" => {
            let a = args.into_iter().next()?;
            let items = match a.data {
                Data::List(items) => items,
                _ => return None,
            };
            let items = if name == "toset" {
                distinct(eval, items, loc)?
            } else {
                items
            };
            Some(Val {
                data: Data::List(items),
                ..a
            })
        }
        "tomap" => args
            .into_iter()
            .next()
            .filter(|a| matches!(a.data, Data::Object(_))),
        "lower" => str_fn(&|s| s.to_lowercase()),
        "upper" => str_fn(&|s| s.to_uppercase()),
        "trimspace" => str_fn(&|s| s.trim().to_string()),
        "title" => str_fn(&title),
        "format" => format(&args, loc),
        "join" => {
            let sep = string(args.first()?)?;
            let mut parts = Vec::new();
            for l in args.get(1..)? {
                for item in list(l)? {
                    parts.push(string(item)?);
                }
            }
            // The separator is repeated between every two parts: paid for before it is.
            let len = parts.iter().map(|p| p.len() as u64).sum::<u64>()
                + (sep.len() as u64).saturating_mul(parts.len() as u64);
            if !eval.charge(len, loc) {
                return None;
            }
            Some(val(Data::String(parts.join(&sep)), loc))
        }
        "split" => {
            let (sep, s) = (string(args.first()?)?, string(args.get(1)?)?);
            // Each part is a value of its own: paid for before they are built.
            let count = s.split(sep.as_str()).count() as u64;
            if !eval.charge(count.saturating_mul(NODE), loc) {
                return None;
            }
            let parts = if s.is_empty() {
                Vec::new()
            } else {
                s.split(sep.as_str())
                    .map(|p| val(Data::String(p.into()), loc))
                    .collect()
            };
            Some(val(Data::List(parts), loc))
        }
        "replace" => {
            let [s, from, to] = [
                string(args.first()?)?,
                string(args.get(1)?)?,
                string(args.get(2)?)?,
            ];
            let re = match from.strip_prefix('/').and_then(|f| f.strip_suffix('/')) {
                Some(pattern) if !pattern.is_empty() => Some(regex::Regex::new(pattern).ok()?),
                _ => None,
            };
            // Every match becomes `to`, so the result can be far longer than both: paid for
            // before it is built. An empty `from` matches at every character boundary.
            let matches = match &re {
                Some(re) => re.find_iter(&s).count(),
                None if from.is_empty() => s.chars().count() + 1,
                None => s.matches(from.as_str()).count(),
            };
            let len = (matches as u64).saturating_mul(to.len() as u64) + s.len() as u64;
            if !eval.charge(len, loc) {
                return None;
            }
            let out = match re {
                Some(re) => re
                    .replace_all(&s, to.replace("$", "$$").as_str())
                    .into_owned(),
                None => s.replace(&from, &to),
            };
            Some(val(Data::String(out), loc))
        }
        "substr" => {
            let s = string(args.first()?)?;
            let (off, len) = (args.get(1)?.to_int()?, args.get(2)?.to_int()?);
            let chars: Vec<char> = s.chars().collect();
            let n = chars.len() as i64;
            let start = if off < 0 {
                (n + off).max(0)
            } else {
                off.min(n)
            };
            let end = if len < 0 { n } else { (start + len).min(n) };
            let out: String = chars
                .get(start as usize..end.max(start) as usize)?
                .iter()
                .collect();
            Some(val(Data::String(out), loc))
        }
        "trimprefix" | "trimsuffix" => {
            let (s, affix) = (string(args.first()?)?, string(args.get(1)?)?);
            let out = if name == "trimprefix" {
                s.strip_prefix(affix.as_str())
            } else {
                s.strip_suffix(affix.as_str())
            };
            Some(val(
                Data::String(out.map_or(s.clone(), str::to_string)),
                loc,
            ))
        }
        "startswith" | "endswith" => {
            let (s, affix) = (string(args.first()?)?, string(args.get(1)?)?);
            let b = if name == "startswith" {
                s.starts_with(&affix)
            } else {
                s.ends_with(&affix)
            };
            Some(val(Data::Bool(b), loc))
        }
        "regex" | "regexall" => regex_fn(eval, name, &args, loc),
        "length" => {
            let a = args.first()?;
            let n = match &a.data {
                Data::List(items) => items.len(),
                Data::Object(entries) => entries.len(),
                Data::String(s) => s.chars().count(),
                _ => return None,
            };
            Some(val(Data::Number(n as f64), loc))
        }
        "contains" => {
            let (l, v) = (list(args.first()?)?, args.get(1)?);
            let mut unknown = false;
            for item in l {
                match item.same(v) {
                    Some(true) => return Some(val(Data::Bool(true), loc)),
                    Some(false) => {}
                    None => unknown = true,
                }
            }
            (!unknown).then(|| val(Data::Bool(false), loc))
        }
        "keys" | "values" => {
            let entries = object(args.first()?)?;
            let mut entries = entries.clone();
            entries.sort_by_key(|e| string(&e.0));
            let items = entries
                .into_iter()
                .map(|(k, v)| if name == "keys" { k } else { v })
                .collect();
            Some(val(Data::List(items), loc))
        }
        "lookup" => {
            let (map, key) = (args.first()?, string(args.get(1)?)?);
            object(map)?;
            match map.get(&key) {
                Some(v) => Some(v.clone()),
                None => args.get(2).cloned(),
            }
        }
        "one" => {
            let l = list(args.first()?)?;
            match l.as_slice() {
                [] => Some(val(Data::Null, loc)),
                [item] => Some(item.clone()),
                _ => None,
            }
        }
        "element" => {
            let (l, i) = (list(args.first()?)?, args.get(1)?.to_int()?);
            if l.is_empty() {
                return None;
            }
            l.get(usize::try_from(i.rem_euclid(l.len() as i64)).ok()?)
                .cloned()
        }
        "merge" => {
            if !known(&args) {
                return None;
            }
            let mut out: Vec<(Val, Val)> = Vec::new();
            for a in &args {
                if a.is_null() {
                    continue;
                }
                for (k, v) in object(a)? {
                    let key = string(k)?;
                    if !eval.charge_key_compares(out.len(), &key, loc) {
                        return None;
                    }
                    out.retain(|(k2, _)| k2.data_str() != Some(key.as_str()));
                    out.push((k.clone(), v.clone()));
                }
            }
            Some(val(Data::Object(out), loc))
        }
        "concat" => {
            let mut out = Vec::new();
            for a in &args {
                out.extend(list(a)?.iter().cloned());
            }
            Some(val(Data::List(out), loc))
        }
        "flatten" => Some(val(Data::List(flatten(args.first()?)?), loc)),
        "distinct" => Some(val(
            Data::List(distinct(eval, list(args.first()?)?.clone(), loc)?),
            loc,
        )),
        "compact" => {
            let mut out = Vec::new();
            for item in list(args.first()?)? {
                match &item.data {
                    Data::Null => {}
                    Data::String(s) if s.is_empty() => {}
                    Data::Unknown => return None,
                    _ => out.push(item.clone()),
                }
            }
            Some(val(Data::List(out), loc))
        }
        "coalesce" => {
            for a in &args {
                match &a.data {
                    Data::Unknown => return None,
                    Data::Null => {}
                    Data::String(s) if s.is_empty() => {}
                    _ => return Some(a.clone()),
                }
            }
            None
        }
        "coalescelist" => {
            for a in &args {
                match &a.data {
                    Data::Unknown => return None,
                    Data::List(items) if !items.is_empty() => return Some(a.clone()),
                    _ => {}
                }
            }
            None
        }
        "zipmap" => {
            let (ks, vs) = (list(args.first()?)?, list(args.get(1)?)?);
            let entries = ks
                .iter()
                .zip(vs)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            Some(val(Data::Object(entries), loc))
        }
        "reverse" => {
            let mut items = list(args.first()?)?.clone();
            items.reverse();
            Some(val(Data::List(items), loc))
        }
        "file" => {
            let (_, text_val) = read_file(eval, args.first()?)?;
            Some(text_val)
        }
        "fileexists" => {
            let path = resolve(eval, &string(args.first()?)?)?;
            confined(eval, &path, loc)?;
            record(eval, &path);
            Some(val(Data::Bool(path.is_file()), loc))
        }
        "fileset" => fileset(eval, &args, loc),
        "templatefile" => templatefile(eval, &args, loc),
        _ => None,
    }
}

fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = !c.is_alphanumeric();
    }
    out
}

fn flatten(v: &Val) -> Option<Vec<Val>> {
    let mut out = Vec::new();
    for item in list(v)? {
        match &item.data {
            Data::List(_) => out.extend(flatten(item)?),
            Data::Unknown => return None,
            _ => out.push(item.clone()),
        }
    }
    Some(out)
}

fn distinct(eval: &Evaluator<'_>, items: Vec<Val>, loc: &Loc) -> Option<Vec<Val>> {
    let mut out: Vec<Val> = Vec::new();
    // Each item is compared with every one kept: the budget pays for the values walked, at a
    // sixteenth of what building them costs.
    let mut kept = 0u64;
    for item in items {
        let weight = item.weight();
        let walked = (out.len() as u64)
            .saturating_mul(weight)
            .saturating_add(kept);
        if !eval.charge(walked / 16, loc) {
            return None;
        }
        let mut seen = false;
        for o in &out {
            if o.same(&item)? {
                seen = true;
                break;
            }
        }
        if !seen {
            kept += weight;
            out.push(item);
        }
    }
    Some(out)
}

/// `format` with the verbs configuration uses: `%s`, `%d`, `%v`, `%q`, `%%`.
fn format(args: &[Val], loc: &Loc) -> Option<Val> {
    let spec = string(args.first()?)?;
    let mut rest = args.get(1..)?.iter();
    let mut out = String::new();
    let mut chars = spec.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '%' => out.push('%'),
            's' | 'v' => out.push_str(&string(rest.next()?)?),
            'd' => out.push_str(&format_number(rest.next()?.to_number()?.trunc())),
            'q' => out.push_str(&serde_json::to_string(&string(rest.next()?)?).ok()?),
            _ => return None,
        }
    }
    Some(val(Data::String(out), loc))
}

fn regex_fn(eval: &Evaluator<'_>, name: &str, args: &[Val], loc: &Loc) -> Option<Val> {
    let (pattern, s) = (string(args.first()?)?, string(args.get(1)?)?);
    let re = regex::Regex::new(&pattern).ok()?;
    // Every match of `regexall` is a value with one per group: paid for before they are built.
    if name == "regexall" {
        let values =
            (re.find_iter(&s).count() as u64).saturating_mul(2 * re.captures_len() as u64 + 1);
        if !eval.charge(values.saturating_mul(NODE), loc) {
            return None;
        }
    }
    let one = |caps: regex::Captures<'_>| -> Val {
        let named: Vec<(String, Val)> = re
            .capture_names()
            .flatten()
            .map(|n| {
                (
                    n.to_string(),
                    val(
                        Data::String(caps.name(n).map_or("", |m| m.as_str()).into()),
                        loc,
                    ),
                )
            })
            .collect();
        if !named.is_empty() {
            let entries = named
                .into_iter()
                .map(|(k, v)| (val(Data::String(k), loc), v))
                .collect();
            val(Data::Object(entries), loc)
        } else if caps.len() > 1 {
            let items = caps
                .iter()
                .skip(1)
                .map(|m| val(Data::String(m.map_or("", |m| m.as_str()).into()), loc))
                .collect();
            val(Data::List(items), loc)
        } else {
            val(
                Data::String(caps.get(0).map_or("", |m| m.as_str()).into()),
                loc,
            )
        }
    };
    if name == "regex" {
        re.captures(&s).map(one)
    } else {
        Some(val(
            Data::List(re.captures_iter(&s).map(one).collect()),
            loc,
        ))
    }
}

fn arn_parse(args: &[Val], loc: &Loc) -> Option<Val> {
    let arn = string(args.first()?)?;
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let ["arn", partition, service, region, account, resource] = parts.as_slice() else {
        return None;
    };
    let entries = [
        ("partition", *partition),
        ("service", *service),
        ("region", *region),
        ("account_id", *account),
        ("resource", *resource),
    ]
    .into_iter()
    .map(|(k, v)| {
        (
            val(Data::String(k.into()), loc),
            val(Data::String(v.into()), loc),
        )
    })
    .collect();
    Some(val(Data::Object(entries), loc))
}

fn jsondecode(eval: &Evaluator<'_>, arg: &Val, loc: &Loc) -> Option<Val> {
    if let Data::Json(inner) = &arg.data {
        return Some((**inner).clone());
    }
    let text = arg.data_str()?;
    // JSON text holds at most a value per two bytes (`1,`): paid for before they are built.
    if !eval.charge((text.len() as u64 / 2 + 1).saturating_mul(NODE), loc) {
        return None;
    }
    // Text read by `file()` is located at the whole file: its JSON keeps exact positions.
    let verbatim = arg.loc.span.len() == text.len();
    let offset = if verbatim { arg.loc.span.start } else { 0 };
    let mut v = json::text_json(text, arg.loc.file, offset).ok()?;
    if !verbatim {
        relocate(&mut v, loc);
    }
    Some(v)
}

/// Gives every node of a value one location (its positions inside a computed string are not
/// positions in any file).
pub(crate) fn relocate(v: &mut Val, loc: &Loc) {
    v.loc = loc.clone();
    match &mut v.data {
        Data::List(items) => items.iter_mut().for_each(|i| relocate(i, loc)),
        Data::Object(entries) => entries.iter_mut().for_each(|(k, v)| {
            relocate(k, loc);
            relocate(v, loc);
        }),
        Data::Json(inner) => relocate(inner, loc),
        _ => {}
    }
}

/// A path argument of `file`/`templatefile`/`fileexists`/`fileset`, resolved as Terraform does:
/// relative to the working directory, which is the root module's directory, wherever the call
/// is written (`path.module` makes it module-relative, since it is root-relative itself).
fn resolve(eval: &Evaluator<'_>, path: &str) -> Option<PathBuf> {
    let scope = eval.scope()?;
    let p = PathBuf::from(path);
    Some(if p.is_absolute() {
        p
    } else {
        scope.root.join(p)
    })
}

/// Records a path an expression reads or looks for, as a dependency of the root.
fn record(eval: &Evaluator<'_>, path: &Path) {
    if let Some(reads) = eval.scope().and_then(|s| s.reads) {
        reads.file(path);
    }
}

/// `Some(())` when `path` (after symbolic links) is inside the repository; else one diagnostic at
/// the call and `None`, so the value is unknown.
fn confined(eval: &Evaluator<'_>, path: &Path, loc: &Loc) -> Option<()> {
    let scope = eval.scope()?;
    if scope.files.allowed(path) {
        return Some(());
    }
    scope.error(
        InputErrorKind::Skipped,
        loc,
        format!(
            "`{}` leads outside the repository; it was not read and the value is unknown",
            scope.files.display(path)
        ),
    );
    None
}

/// Reads a file inside the repository; its text is located at the whole file. One that leads
/// out of it (through a link), is not a regular file or is too large is reported by the registry
/// (naming the path, never what it holds) and gives unknown.
fn read_file(eval: &Evaluator<'_>, arg: &Val) -> Option<(crate::source::FileId, Val)> {
    let path = resolve(eval, &string(arg)?)?;
    record(eval, &path);
    let (id, file) = eval.scope()?.files.load_if_exists(&path)?;
    let loc = Loc::new(id, 0..file.text.len());
    Some((id, Val::new(Data::String(file.text.clone()), loc)))
}

/// Entries `fileset` looks at, at most: a pattern over a huge tree gives unknown instead.
const FILESET_MAX_ENTRIES: usize = 10_000;

/// `fileset(path, pattern)`: the regular files under `path` whose path relative to it matches
/// `pattern` (`*`, `**`, `?`, `{a,b}`, `[...]`), sorted. Directories reached through a link that
/// leaves the repository are not listed.
fn fileset(eval: &Evaluator<'_>, args: &[Val], loc: &Loc) -> Option<Val> {
    let dir = resolve(eval, &string(args.first()?)?)?;
    let pattern = string(args.get(1)?)?;
    confined(eval, &dir, loc)?;
    if let Some(reads) = eval.scope().and_then(|s| s.reads) {
        reads.tree(&dir);
    }
    let glob = globset::GlobBuilder::new(&pattern)
        .literal_separator(true)
        .build()
        .ok()?
        .compile_matcher();
    let files = eval.scope()?.files;
    let mut found = Vec::new();
    let mut pending = vec![(dir.clone(), String::new(), 0usize)];
    let mut seen = 0usize;
    while let Some((at, rel, depth)) = pending.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&at).ok()?.flatten().collect();
        seen += entries.len();
        if seen > FILESET_MAX_ENTRIES || depth > 32 {
            return None;
        }
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = crate::source::escape_component(&entry.file_name());
            let path = entry.path();
            let rel = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            if !files.allowed(&path) {
                continue;
            }
            if meta.is_dir() {
                pending.push((path, rel, depth + 1));
            } else if meta.is_file() && glob.is_match(&rel) {
                found.push(rel);
            }
        }
    }
    found.sort();
    Some(val(
        Data::List(
            found
                .into_iter()
                .map(|f| val(Data::String(f), loc))
                .collect(),
        ),
        loc,
    ))
}

/// `templatefile(path, vars)` written directly as a policy: the rendered JSON located in the
/// template file. `None` when `expr` is not such a call or the template cannot be read.
pub(super) fn templatefile_json(
    eval: &Evaluator<'_>,
    expr: &Expression,
) -> Option<Result<Val, json::JsonProblem>> {
    let Expression::FuncCall(call) = expr else {
        return None;
    };
    if !call.name.namespace.is_empty() || call.name.name.as_str() != "templatefile" {
        return None;
    }
    let loc = Loc::new(eval.file, 0..0);
    let args: Vec<Val> = call.args.iter().map(|a| eval.eval(a, &loc)).collect();
    let path = resolve(eval, &string(args.first()?)?)?;
    record(eval, &path);
    let (id, file) = eval.scope()?.files.load_if_exists(&path)?;
    let names = bindings(args.get(1)?)?;
    let parsed = hcl_edit::parser::parse_template(&file.text).ok()?;
    let inner = eval.for_file(id).isolated_with(names);
    Some(json::template_json(&parsed, id, &file, &inner))
}

fn bindings(vars: &Val) -> Option<Vec<(String, Val)>> {
    object(vars)?
        .iter()
        .map(|(k, v)| Some((string(k)?, v.clone())))
        .collect()
}

/// `templatefile(path, vars)`: the template rendered with only `vars` in scope.
fn templatefile(eval: &Evaluator<'_>, args: &[Val], loc: &Loc) -> Option<Val> {
    let (id, text) = read_file(eval, args.first()?)?;
    let names = bindings(args.get(1)?)?;
    let source = text.data_str()?;
    let parsed = hcl_edit::parser::parse_template(source).ok()?;
    let inner = eval.for_file(id).isolated_with(names);
    let mut v = template::render(&inner, &parsed, &text.loc);
    if v.is_unknown() {
        v.loc = loc.clone();
    }
    Some(v)
}
