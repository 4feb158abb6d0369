//! Terragrunt units: a directory whose `terragrunt.hcl` names a local module
//! (`terraform { source = "../modules//kms" }`) and its `inputs`, read as a root module that calls
//! that module with those inputs.
//!
//! The unit is written out as the native text it stands for (its `locals`, then
//! `module "terragrunt" { source = ..., <inputs> }`), every expression copied from the file it
//! is written in, and parsed like any module: the evaluator and the rules need nothing of their
//! own, and a finding reached through an input points at that input. The `inputs` of `include`d
//! files are merged under the unit's own (Terragrunt's shallow merge), and so are their `locals`;
//! their text is borrowed by the unit's file (see [`Borrowed`]) so positions stay theirs.
//! `dependency` outputs and Terragrunt's own functions are unknown, as any unknown reference or
//! function is. A remote source (`git::`, `tfr://`, a registry address) is not read, and says so.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hcl_edit::Span;
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Block, Body};

use crate::deps::Recorder;
use crate::diagnostic::{InputError, InputErrorKind};
use crate::files::{Files, normalize};
use crate::source::{Borrowed, FileId, Loc, SourceFile, SpanMap};
use crate::terraform::eval::{Data, Evaluator};
use crate::terraform::hcl;

/// The name of a unit's file.
pub const FILE_NAME: &str = "terragrunt.hcl";

/// Included files followed per unit: Terragrunt itself reads one level of `include`.
const MAX_INCLUDES: usize = 8;

/// Whether `path` is a Terragrunt unit file.
pub fn is_unit(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == FILE_NAME)
}

/// One file of a unit: the unit's own or an included one.
struct Part {
    id: FileId,
    source: Arc<SourceFile>,
    body: Body,
    /// Where its text sits in the unit's offsets (0 for the unit's own file).
    base: usize,
}

/// Parses a unit into the module it stands for: an empty body when it names no module (a
/// parent file that only others include) or a module kmslint does not read. Notes and errors
/// go to `errors`.
pub fn parse(
    files: &Files,
    reads: &Recorder,
    id: FileId,
    file: &Arc<SourceFile>,
    errors: &mut Vec<InputError>,
) -> Result<Body, Box<InputError>> {
    let body = hcl::parse(id, file)?;
    let dir = file
        .path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let mut parts = vec![Part {
        id,
        source: Arc::clone(file),
        body,
        base: 0,
    }];
    let includes: Vec<(PathBuf, Loc)> = parts[0]
        .body
        .get_blocks("include")
        .take(MAX_INCLUDES)
        .filter_map(|b| include_path(files, reads, id, file, &dir, b, errors))
        .collect();
    let mut loaded = Vec::new();
    for (path, at) in includes {
        if normalize(&path) == normalize(&file.path) {
            continue;
        }
        reads.file(&path);
        let Some((pid, psource)) = files.load(&path) else {
            errors.push(note(
                &at,
                file,
                format!(
                    "included file `{}` could not be read",
                    normalize(&path).display()
                ),
            ));
            continue;
        };
        match hcl::parse(pid, &psource) {
            Ok(pbody) => loaded.push((pid, psource, pbody)),
            Err(e) => errors.push(*e),
        }
    }
    // Past the unit's own text and past anything written for it (which is made of the files'
    // expressions and a few words for each).
    let total: usize = file.text.len() + loaded.iter().map(|(_, s, _)| s.text.len()).sum::<usize>();
    let mut base = total * 4 + 4096;
    // A later include overrides an earlier one, and the unit overrides them all: the first part
    // that sets a value wins.
    for (pid, psource, pbody) in loaded.into_iter().rev() {
        let len = psource.text.len();
        parts.push(Part {
            id: pid,
            source: psource,
            body: pbody,
            base,
        });
        base += len + 1;
    }
    let Some((source_expr, part)) = parts.iter().find_map(|p| {
        let tf = p.body.get_blocks("terraform").next()?;
        Some((&tf.body.get_attribute("source")?.value, p))
    }) else {
        return Ok(Body::new());
    };
    let at = Loc::new(part.id, source_expr.span().unwrap_or(0..0));
    let paths = Paths {
        files,
        reads,
        id: part.id,
        dir: &dir,
    };
    let Some(source) = paths.value(source_expr).map(|s| relative_to(&s, &dir)) else {
        errors.push(note(
            &at,
            &part.source,
            "the module source is not known: the unit was not analysed".into(),
        ));
        return Ok(Body::new());
    };
    let source = &source;
    let Some(module) = local_source(source) else {
        errors.push(note(
            &at,
            &part.source,
            format!("the module source `{source}` is not a local path: the unit was not analysed (run kmslint on the module itself)"),
        ));
        return Ok(Body::new());
    };
    let mut w = Writer::default();
    // The unit's own locals first: a local of the same name in an included file is shadowed.
    w.made("locals {\n", 0);
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for p in &parts {
        for locals in p.body.get_blocks("locals") {
            for attr in locals.body.attributes() {
                let key = attr.key.as_str();
                if seen.insert(key.to_string()) {
                    w.argument(p, key, attr.key.span(), &attr.value);
                }
            }
        }
    }
    w.out.push_str("}\n");
    let at_source = source_expr.span().map_or(0, |s| s.start + part.base);
    w.made("module \"terragrunt\" {\n", at_source);
    w.made(&format!("source = {}\n", quote(&module)), at_source);
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for p in &parts {
        let Some(inputs) = p.body.get_attribute("inputs") else {
            continue;
        };
        let Expression::Object(object) = &inputs.value else {
            // Inputs computed as a whole (`merge(...)`): none of them is known.
            let at = Loc::new(p.id, inputs.value.span().unwrap_or(0..0));
            errors.push(note(
                &at,
                &p.source,
                "these inputs are not an object written out: the unit was not analysed".into(),
            ));
            return Ok(Body::new());
        };
        for (key, value) in object.iter() {
            let name = match key {
                ObjectKey::Ident(i) => i.as_str().to_string(),
                ObjectKey::Expression(Expression::String(s)) => s.value().to_string(),
                ObjectKey::Expression(Expression::Variable(v)) => v.as_str().to_string(),
                _ => continue,
            };
            if !crate::terraform::tfjson::is_identifier(&name)
                || matches!(
                    name.as_str(),
                    "source" | "version" | "count" | "for_each" | "providers" | "depends_on"
                )
                || !seen.insert(name.clone())
            {
                continue;
            }
            w.argument(p, &name, key.span(), value.expr());
        }
    }
    w.made("}\n", at_source);
    // The module's outputs are the unit's: other units read them through `dependency` blocks,
    // as a root module's outputs are read (KMS021 counts what they expose as used).
    w.made(
        "output \"terragrunt\" {\nvalue = module.terragrunt\n}\n",
        at_source,
    );
    let Writer { out, pieces } = w;
    file.set_span_map(SpanMap::new(pieces));
    file.set_borrowed(
        parts
            .iter()
            .skip(1)
            .map(|p| Borrowed {
                base: p.base,
                len: p.source.text.len(),
                id: p.id,
            })
            .collect(),
    );
    let translation = SourceFile::new(file.path.clone(), file.display.clone(), out);
    hcl::parse(id, &translation).map_err(|mut e| {
        if let Some(span) = &e.span {
            e.position = file.position(span.start);
        }
        e
    })
}

/// A source that is an absolute path (built by `get_terragrunt_dir()` or
/// `find_in_parent_folders()`) as a path relative to the unit's directory.
fn relative_to(source: &str, dir: &Path) -> String {
    let path = Path::new(source);
    if !path.is_absolute() {
        return source.to_string();
    }
    let Ok(real) = std::fs::canonicalize(dir) else {
        return source.to_string();
    };
    // The `//` of a subdirectory must survive: only the part before it is a path to shorten.
    let (root, sub) = match source.split_once("//") {
        Some((root, sub)) => (root, Some(sub)),
        None => (source, None),
    };
    match crate::files::relative(Path::new(root), &real) {
        Some(rel) => {
            let rel = rel.to_string_lossy().replace('\\', "/");
            let rel = if rel.starts_with("..") {
                rel
            } else {
                format!("./{rel}")
            };
            match sub {
                Some(sub) => format!("{rel}//{sub}"),
                None => rel,
            }
        }
        None => source.to_string(),
    }
}

/// The module directory a local source names, relative to the unit (`../modules//kms` is
/// `../modules/kms`); `None` for a remote source.
fn local_source(source: &str) -> Option<String> {
    if !(source.starts_with("./") || source.starts_with("../")) {
        return None;
    }
    let joined = match source.split_once("//") {
        Some((root, sub)) => format!("{}/{}", root.trim_end_matches('/'), sub),
        None => source.to_string(),
    };
    // A query (`?ref=`) only makes sense for a remote source.
    (!joined.contains('?')).then_some(joined)
}

/// The file an `include` block names: `find_in_parent_folders()` (or with a file name) searched
/// from the unit's parent directory up to the repository's top, a path built from it
/// (`"${dirname(find_in_parent_folders("root.hcl"))}/_envcommon/x.hcl"`), or a path relative to
/// the unit.
fn include_path(
    files: &Files,
    reads: &Recorder,
    id: FileId,
    file: &SourceFile,
    dir: &Path,
    block: &Block,
    errors: &mut Vec<InputError>,
) -> Option<(PathBuf, Loc)> {
    let attr = block.body.get_attribute("path")?;
    let at = Loc::new(id, attr.value.span().unwrap_or(0..0));
    let ctx = Paths {
        files,
        reads,
        id,
        dir,
    };
    match ctx.value(&attr.value) {
        Some(path) if !path.is_empty() => Some((dir.join(path), at)),
        _ => {
            errors.push(note(
                &at,
                file,
                "this include path is not known (or names no file inside the repository): its inputs are not merged".into(),
            ));
            None
        }
    }
}

/// Evaluates the path expressions of a unit: strings, templates, and Terragrunt's path functions
/// `find_in_parent_folders`, `get_terragrunt_dir` and `dirname`.
struct Paths<'a> {
    files: &'a Files,
    /// Where the files looked for are recorded.
    reads: &'a Recorder,
    id: FileId,
    dir: &'a Path,
}

impl Paths<'_> {
    fn value(&self, expr: &Expression) -> Option<String> {
        match expr {
            Expression::String(s) => Some(s.value().to_string()),
            Expression::StringTemplate(t) => {
                let mut out = String::new();
                for element in t.iter() {
                    match element {
                        hcl_edit::template::Element::Literal(l) => out.push_str(l.value()),
                        hcl_edit::template::Element::Interpolation(i) => {
                            out.push_str(&self.value(&i.expr)?);
                        }
                        hcl_edit::template::Element::Directive(_) => return None,
                    }
                }
                Some(out)
            }
            Expression::FuncCall(call) => {
                let args: Vec<&Expression> = call.args.iter().collect();
                match (call.name.name.as_str(), args.as_slice()) {
                    ("find_in_parent_folders", []) => self.find(FILE_NAME),
                    ("find_in_parent_folders", [name, ..]) => self.find(&self.value(name)?),
                    ("get_terragrunt_dir", []) => Some(
                        std::fs::canonicalize(self.dir)
                            .ok()?
                            .to_string_lossy()
                            .into_owned(),
                    ),
                    ("dirname", [path]) => Some(
                        Path::new(&self.value(path)?)
                            .parent()?
                            .to_string_lossy()
                            .into_owned(),
                    ),
                    _ => None,
                }
            }
            other => {
                let at = Loc::new(self.id, other.span().unwrap_or(0..0));
                match Evaluator::new(self.id).eval(other, &at).data {
                    Data::String(s) => Some(s),
                    _ => None,
                }
            }
        }
    }

    fn find(&self, name: &str) -> Option<String> {
        find_in_parent_folders(self.files, self.reads, self.dir, name)
            .map(|p| p.to_string_lossy().into_owned())
    }
}

/// The nearest `name` in a folder above `dir`, not leaving the repository.
fn find_in_parent_folders(
    files: &Files,
    reads: &Recorder,
    dir: &Path,
    name: &str,
) -> Option<PathBuf> {
    // A name is a file name or a relative path below a parent folder, never one leading out.
    if Path::new(name).is_absolute() || name.split(['/', '\\']).any(|c| c == "..") {
        return None;
    }
    // Walked as a real path: a unit scanned as `.` still has parent folders in the repository.
    let mut at = std::fs::canonicalize(dir).ok()?;
    loop {
        if !at.pop() || !files.allowed(&at) {
            return None;
        }
        let candidate = at.join(name);
        // Looked for: one that appears in a nearer folder is found instead.
        reads.file(&candidate);
        if candidate.is_file() && files.allowed(&candidate) {
            return Some(candidate);
        }
    }
}

fn note(at: &Loc, file: &SourceFile, message: String) -> InputError {
    InputError::at(
        InputErrorKind::Skipped,
        at.file,
        file,
        at.span.clone(),
        message,
    )
}

#[derive(Default)]
struct Writer {
    out: String,
    pieces: Vec<(u32, u32, bool)>,
}

fn u32_of(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Writer {
    fn made(&mut self, s: &str, at: usize) {
        self.pieces
            .push((u32_of(self.out.len()), u32_of(at), false));
        self.out.push_str(s);
    }

    fn copy(&mut self, part: &Part, span: std::ops::Range<usize>) {
        let Some(text) = part.source.text.get(span.clone()) else {
            return;
        };
        self.pieces
            .push((u32_of(self.out.len()), u32_of(part.base + span.start), true));
        self.out.push_str(text);
    }

    /// `name = <expression as written in part>`.
    fn argument(
        &mut self,
        part: &Part,
        name: &str,
        key: Option<std::ops::Range<usize>>,
        value: &Expression,
    ) {
        let Some(span) = value.span() else {
            return;
        };
        let at = key.map_or(span.start, |k| k.start);
        self.made(name, part.base + at);
        self.made(" = ", part.base + span.start);
        self.copy(part, span);
        self.out.push('\n');
    }
}

fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '$' | '%' => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_sources_and_subdirectories() {
        assert_eq!(
            local_source("../modules//kms").as_deref(),
            Some("../modules/kms")
        );
        assert_eq!(local_source("./kms").as_deref(), Some("./kms"));
        assert_eq!(local_source("../m").as_deref(), Some("../m"));
        for remote in [
            "git::https://example.com/m.git//kms?ref=v1",
            "tfr:///terraform-aws-modules/kms/aws?version=2.0.0",
            "github.com/org/repo//kms",
            "/abs/path",
        ] {
            assert_eq!(local_source(remote), None, "{remote}");
        }
    }

    #[test]
    fn generated_strings_are_literal() {
        assert_eq!(quote("../m/${x}\"\\"), "\"../m/$${x}\\\"\\\\\"");
    }
}
