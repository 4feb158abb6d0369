//! Turns a fix's plan into byte edits, only where the value is a literal written in a `.tf` or
//! `.tfvars` file of the repository, and keeps `terraform fmt` alignment where it held.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::rc::Rc;

use super::layout::{self, Line, Row};
use super::{Applicability, Edit, Plan};
use crate::model::Origin;
use crate::source::{FileId, Loc, SourceFile, SourceMap};

/// The edits of one fix, the lines they touch and the least applicability they allow.
pub(super) struct Made {
    pub edits: Vec<Edit>,
    pub claims: Vec<Range<usize>>,
    pub floor: Applicability,
}

pub(super) struct Resolver<'a> {
    sources: &'a SourceMap,
    lines: HashMap<FileId, Rc<Vec<Line>>>,
    /// How often each module directory's `.tf` files read `var.NAME`.
    uses: HashMap<(std::path::PathBuf, String), usize>,
}

impl<'a> Resolver<'a> {
    pub(super) fn new(sources: &'a SourceMap) -> Self {
        Resolver {
            sources,
            lines: HashMap::new(),
            uses: HashMap::new(),
        }
    }

    /// The file and its lines, when the file may be edited at all.
    fn file(&mut self, id: FileId) -> Option<(&'a SourceFile, Rc<Vec<Line>>)> {
        let file = self.sources.get(id)?;
        if !editable(file) {
            return None;
        }
        let lines = self
            .lines
            .entry(id)
            .or_insert_with(|| Rc::new(layout::lines(&file.text)));
        Some((file, Rc::clone(lines)))
    }

    pub(super) fn edits(&mut self, plan: &Plan) -> Option<Made> {
        match plan {
            Plan::Set {
                origin,
                attribute,
                block,
                old,
                new,
            } => self.set(origin, attribute, block, old, new),
            Plan::Remove {
                origin,
                attribute,
                block,
            } => self.remove(origin, attribute, block),
            Plan::Insert {
                block,
                attribute,
                value,
                needs,
            } => self.insert(block, attribute, value, *needs),
        }
    }

    /// The line that holds the literal `old` as the whole value of an assignment, and whether
    /// changing it is safe: written in the resource itself under its own name, or in a variable
    /// that only this resource reads.
    fn literal(
        &mut self,
        origin: &Origin,
        attribute: &str,
        block: &Loc,
        old: &str,
    ) -> Option<(&'a SourceFile, Rc<Vec<Line>>, usize, Applicability)> {
        let at = &origin.at;
        let floor = if origin.via.is_empty() || self.single_use(origin) {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        };
        let (file, lines) = self.file(at.file)?;
        let text = &file.text;
        let i = layout::line_at(&lines, at.span.start)?;
        let l = &lines[i];
        if l.eq.is_none() || l.value != at.span || text.get(at.span.clone())? != old {
            return None;
        }
        let lead = text.get(l.first..l.lead_end?)?;
        if origin.via.is_empty() {
            // Straight in the resource: the attribute itself, nothing computed around it.
            let inside = block.file == at.file
                && block.span.start <= at.span.start
                && at.span.end <= block.span.end;
            // Merged from an override file's block of the same resource, which sets it there.
            let overridden =
                block.file != at.file && crate::terraform::layout::is_override(&file.path);
            if !(inside || overridden) || lead != attribute {
                return None;
            }
        } else if !is_name(lead) {
            return None;
        }
        Some((file, lines, i, floor))
    }

    fn set(
        &mut self,
        origin: &Origin,
        attribute: &str,
        block: &Loc,
        old: &str,
        new: &str,
    ) -> Option<Made> {
        let (file, lines, i, floor) = self.literal(origin, attribute, block, old)?;
        let text = &file.text;
        let chain = layout::chain(&lines, i);
        let mut edits = vec![(origin.at.span.clone(), new.to_string())];
        let mut group = None;
        if layout::formatted(text, &lines, chain.clone()) {
            let mut rows = rows(text, &lines, chain.clone())?;
            if let Some(row) = rows.iter_mut().find(|r| r.line == Some(i)) {
                row.value = new.to_string();
            }
            edits.extend(realign(text, &lines, &rows).0);
            // A new value width moves only trailing comments.
            if rows.iter().any(|r| r.comment) {
                group = Some(chain);
            }
        }
        Some(made(origin.at.file, &lines, group, edits, floor))
    }

    fn remove(&mut self, origin: &Origin, attribute: &str, block: &Loc) -> Option<Made> {
        if !origin.via.is_empty() {
            return None;
        }
        let (file, lines, i, floor) = self.literal(origin, attribute, block, "true")?;
        let text = &file.text;
        let l = &lines[i];
        let chain = layout::chain(&lines, i);
        let mut edits = vec![(l.start..l.next, String::new())];
        let mut group = None;
        if layout::formatted(text, &lines, chain.clone()) {
            let rows: Vec<Row> = rows(text, &lines, chain.clone())?
                .into_iter()
                .filter(|r| r.line != Some(i))
                .collect();
            edits.extend(realign(text, &lines, &rows).0);
            group = Some(chain);
        }
        Some(made(origin.at.file, &lines, group, edits, floor))
    }

    /// Adds `attribute = value` after the block's last attribute; `needs` is an attribute the
    /// block must have (the kind of object it is).
    fn insert(
        &mut self,
        block: &Loc,
        attribute: &str,
        value: &str,
        needs: Option<&str>,
    ) -> Option<Made> {
        let (file, lines) = self.file(block.file)?;
        let text = &file.text;
        let close = block.span.end.checked_sub(1)?;
        if text.get(close..block.span.end)? != "}" {
            return None;
        }
        let h = layout::line_at(&lines, block.span.start)?;
        let c = layout::line_at(&lines, close)?;
        let header = &lines[h];
        let indent = text.get(header.start..header.first)?;
        let newline = line_ending(text);
        if h == c {
            // `resource "aws_kms_key" "k" {}`: the block opens onto its own lines.
            let open = text.get(block.span.clone())?.rfind('{')? + block.span.start;
            if !text.get(open + 1..close)?.trim().is_empty() {
                return None;
            }
            let inner = format!("{newline}{indent}  {attribute} = {value}{newline}{indent}");
            if needs.is_some() {
                return None;
            }
            let edits = vec![(open + 1..close, inner)];
            return Some(made(block.file, &lines, None, edits, Applicability::Safe));
        }
        // The block opens with the last bracket of its header line (`resource ... {`, or a
        // policy statement's `[{`), and nothing follows it there.
        let opening = text.get(header.start..header.end)?.rfind('{')? + header.start;
        let after = text.get(opening + 1..header.end)?.trim();
        if opening < block.span.start || !(after.is_empty() || after.starts_with('#')) {
            return None;
        }
        let body = header.depth + header.net;
        if header.net < 1 {
            return None;
        }
        let top: Vec<usize> = (h + 1..c).filter(|&j| lines[j].depth == body).collect();
        let name_of = |j: usize| {
            let l = &lines[j];
            l.lead_end.and_then(|e| text.get(l.first..e))
        };
        if top.iter().any(|&j| name_of(j) == Some(attribute)) {
            return None;
        }
        if let Some(sibling) = needs {
            if !top.iter().any(|&j| name_of(j) == Some(sibling)) {
                return None;
            }
        }
        let last = top.iter().rev().copied().find(|&j| name_of(j).is_some());
        let (offset, indent, chain) = match last {
            Some(a) => {
                let mut end = a;
                while end + 1 < c && lines[end + 1].depth > body {
                    end += 1;
                }
                let chain = if end == a {
                    layout::chain(&lines, a)
                } else {
                    a..a
                };
                let indent = text.get(lines[a].start..lines[a].first)?.to_string();
                (lines[end].next, indent, chain)
            }
            None => {
                let indent = top
                    .iter()
                    .find(|&&j| !lines[j].is_blank())
                    .and_then(|&j| text.get(lines[j].start..lines[j].first))
                    .map_or_else(
                        || {
                            let closing = &lines[c];
                            format!("{}  ", text.get(closing.start..closing.first).unwrap_or(""))
                        },
                        str::to_string,
                    );
                (header.next, indent, h..h)
            }
        };
        let new_row = Row {
            line: None,
            indent: indent.clone(),
            lead: attribute.to_string(),
            value: value.to_string(),
            comment: false,
        };
        let mut edits = Vec::new();
        let mut group = None;
        let pad = if chain.is_empty() {
            1
        } else if layout::formatted(text, &lines, chain.clone()) {
            let mut rows = rows(text, &lines, chain.clone())?;
            rows.push(new_row);
            let (realigned, pads) = realign(text, &lines, &rows);
            edits.extend(realigned);
            group = Some(chain.clone());
            pads.last().map_or(1, |p| p.0)
        } else {
            // Not formatted: line up with the first assignment when the name fits.
            let first = &lines[chain.start];
            let column = first
                .eq
                .and_then(|e| text.get(first.start..e))
                .map_or(0, layout::width);
            column
                .checked_sub(layout::width(&indent) + layout::width(attribute))
                .filter(|p| *p >= 1)
                .unwrap_or(1)
        };
        let line = format!("{indent}{attribute}{}= {value}{newline}", " ".repeat(pad));
        edits.push((offset..offset, line));
        Some(made(block.file, &lines, group, edits, Applicability::Safe))
    }

    /// Whether the value came from a variable of the module that holds the resource, set in
    /// that module's directory and read nowhere else in it.
    fn single_use(&mut self, origin: &Origin) -> bool {
        let [through] = origin.via.as_slice() else {
            return false;
        };
        let Some(name) = through
            .message
            .strip_prefix("used through `var.")
            .and_then(|m| m.strip_suffix('`'))
        else {
            return false;
        };
        let dir = |id: FileId| {
            self.sources
                .get(id)
                .and_then(|f| f.path.parent().map(Path::to_path_buf))
        };
        let Some(module) = dir(through.loc.file) else {
            return false;
        };
        if dir(origin.at.file).as_ref() != Some(&module) {
            return false;
        }
        let key = (module.clone(), name.to_string());
        if let Some(n) = self.uses.get(&key) {
            return *n == 1;
        }
        let reference = format!("var.{name}");
        let uses: usize = self
            .sources
            .iter()
            .filter(|(_, f)| {
                f.path.parent() == Some(module.as_path())
                    && f.path.extension().is_some_and(|e| e == "tf")
            })
            .map(|(_, f)| {
                f.text
                    .match_indices(&reference)
                    .filter(|(i, _)| {
                        let after = f.text[i + reference.len()..].chars().next();
                        let before = f.text[..*i].chars().next_back();
                        !after.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-')
                            && !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
                    })
                    .count()
            })
            .sum();
        self.uses.insert(key, uses);
        uses == 1
    }
}

/// A `.tf` or `.tfvars` file (not JSON, not a plan) outside `.terraform`, where `terraform init`
/// puts modules from elsewhere.
fn editable(file: &SourceFile) -> bool {
    let ext = file.path.extension().and_then(|e| e.to_str());
    let vendored = file
        .path
        .components()
        .any(|c| c.as_os_str() == ".terraform")
        || file.display.split('/').any(|c| c == ".terraform");
    matches!(ext, Some("tf" | "tfvars")) && !vendored
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The line ending the file uses (CRLF when its first line ends so).
fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// A byte range and the text that replaces it.
type Replace = (Range<usize>, String);

fn rows(text: &str, lines: &[Line], chain: Range<usize>) -> Option<Vec<Row>> {
    chain.map(|i| Row::of(text, lines, i)).collect()
}

/// The whitespace edits that lay `rows` out as the formatter would, and each row's padding.
fn realign(
    text: &str,
    lines: &[Line],
    rows: &[Row],
) -> (Vec<Replace>, Vec<(usize, Option<usize>)>) {
    let pads = layout::padding(rows);
    let mut edits = Vec::new();
    for (row, (eq, comment)) in rows.iter().zip(&pads) {
        let Some(l) = row.line.and_then(|i| lines.get(i)) else {
            continue;
        };
        let (Some(lead_end), Some(at)) = (l.lead_end, l.eq) else {
            continue;
        };
        let want = " ".repeat(*eq);
        if text.get(lead_end..at) != Some(want.as_str()) {
            edits.push((lead_end..at, want));
        }
        if let (Some(c), Some(n)) = (l.comment, comment) {
            let want = " ".repeat(*n);
            if text.get(l.value.end..c) != Some(want.as_str()) {
                edits.push((l.value.end..c, want));
            }
        }
    }
    (edits, pads)
}

/// The edits of a fix; `group` is the aligned group it lays out again, if it does.
fn made(
    file: FileId,
    lines: &[Line],
    group: Option<Range<usize>>,
    mut edits: Vec<(Range<usize>, String)>,
    floor: Applicability,
) -> Made {
    edits.sort_by_key(|(s, _)| (s.start, s.end));
    let mut claims: Vec<Range<usize>> = edits.iter().map(|(s, _)| s.clone()).collect();
    if let Some(group) = group {
        if let (Some(first), Some(last)) = (
            lines.get(group.start),
            group.end.checked_sub(1).and_then(|i| lines.get(i)),
        ) {
            claims.push(first.start..last.next);
        }
    }
    Made {
        edits: edits
            .into_iter()
            .map(|(span, text)| Edit { file, span, text })
            .collect(),
        claims,
        floor,
    }
}
