//! Strict JSON inside Terraform strings, with every key and value located in the `.tf` file.
//!
//! Key policies are often JSON written in a heredoc or a quoted string. Rules need each JSON key
//! and value as a [`Val`] whose [`Loc`] is its exact byte range in the `.tf` source, so that a
//! finding on `"Principal": "*"` points at that line and column even though the JSON went through
//! HCL escapes, heredoc indentation and interpolations. The template is rendered to text while
//! recording which source bytes produced each rendered byte; the text is parsed by jsonc-parser
//! with every extension turned off (plus the two checks it lacks: raw control characters inside
//! strings and non-JSON whitespace), so a policy is accepted exactly when the AWS provider's JSON
//! validation would accept it; then every node's rendered range is mapped back through that record.
//! Interpolations the scan cannot know render as placeholders that keep the document parseable and
//! come back as `Data::Unknown`.
//!
//! Duplicate object keys are a problem at the repeated key: Go's `encoding/json`, which the
//! provider uses, keeps the last one, but AWS documents no rule for them, and a repeated
//! `"Principal"` can hide a public `"*"` from a reviewer. Terraform's own JSON readers (`.tfvars.json`,
//! `jsondecode`) refuse them too.

use std::collections::HashSet;
use std::ops::Range;

use hcl_edit::Span;
use hcl_edit::expr::Expression;
use hcl_edit::template::{Element, Interpolation, Template};
use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::common::Ranged;
use jsonc_parser::errors::{ParseError, ParseErrorKind};
use jsonc_parser::{CollectOptions, ParseOptions, ParseStringErrorKind};

use crate::source::{FileId, Loc, SourceFile};
use crate::terraform::eval::{Data, Evaluator, Val};

/// Invalid or empty JSON, located at the offending character in the source file.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonProblem {
    pub loc: Loc,
    pub message: String,
}

/// Rendered inside a JSON string for a value the scan cannot know. It is a valid JSON escape, and
/// after a dangling backslash it still lexes (as `\\` then text), so the string stays well formed.
const HOLE_IN_STRING: &str = "\\u0002";
/// Rendered outside JSON strings for an unknown value: a complete JSON value.
const HOLE_VALUE: &str = "\"\\u0002\"";

/// Parses the JSON held by a quoted string, quoted template or heredoc.
///
/// Returns `None` when `expr` is none of those. A template with an `%{if}`/`%{for}` directive is
/// `Ok(Unknown)`. The root value's loc is the whole expression; every nested key and value has its
/// own source span (keys and strings include their quotes, as written in the `.tf` file). A string
/// that contains an unknown interpolation is `Unknown` at that string's span; an object key that
/// does is an `Unknown` key. A value interpolated outside any JSON string as
/// `${jsonencode(x)}` is `x` itself, with the spans it has in HCL. A known interpolated value is
/// inserted as Terraform inserts it, as is, except that control characters (the owner-account and
/// partition markers) inside a JSON string become `\u00XX` escapes; outside a JSON string a value
/// holding a marker is unknown (the account id would be a bare number there).
pub fn string_json(
    expr: &Expression,
    file_id: FileId,
    file: &SourceFile,
    eval: &Evaluator<'_>,
) -> Option<Result<Val, JsonProblem>> {
    let whole = expr.span().unwrap_or(0..0);
    let whole_loc = Loc::new(file_id, whole.clone());
    let source = file.text.get(file.text_span(&whole)).unwrap_or("");
    let (text, map) = match expr {
        Expression::String(s) => {
            let quoted = source.len() >= 2 && source.starts_with('"') && source.ends_with('"');
            // The span includes the quotes; the literal is what lies between them.
            let inner = if quoted {
                whole.start + 1..whole.end - 1
            } else {
                whole.clone()
            };
            let mut r = Renderer::new(
                file,
                file_id,
                eval,
                Syntax::Quoted,
                closing(&whole, source, "\""),
            );
            r.literal(s.value(), Some(inner), &whole, false, (false, false));
            r.finish()
        }
        Expression::StringTemplate(t) => {
            if has_directive(t) {
                return Some(Ok(Val::new(Data::Unknown, whole_loc)));
            }
            let mut r = Renderer::new(
                file,
                file_id,
                eval,
                Syntax::Quoted,
                closing(&whole, source, "\""),
            );
            r.template(t, &whole);
            r.finish()
        }
        Expression::HeredocTemplate(h) => {
            if has_directive(&h.template) {
                return Some(Ok(Val::new(Data::Unknown, whole_loc)));
            }
            let end = closing(&whole, source, h.delimiter.as_str());
            let syntax = Syntax::Heredoc { indent: h.indent() };
            let mut r = Renderer::new(file, file_id, eval, syntax, end);
            r.template(&h.template, &whole);
            r.finish()
        }
        _ => return None,
    };
    let wording = Wording {
        invalid: "invalid JSON in policy",
        empty: "policy is empty",
    };
    Some(
        parse(&text, map, file_id, &wording, whole_loc.clone()).map(|mut v| {
            v.loc = whole_loc;
            v
        }),
    )
}

/// Renders a template file (`templatefile`) whose whole text is `file`, and parses the result
/// like [`string_json`]: every JSON element is located in the template file.
pub fn template_json(
    template: &Template,
    file_id: FileId,
    file: &SourceFile,
    eval: &Evaluator<'_>,
) -> Result<Val, JsonProblem> {
    let whole = 0..file.text.len();
    let whole_loc = Loc::new(file_id, whole.clone());
    if has_directive(template) {
        return Ok(Val::new(Data::Unknown, whole_loc));
    }
    let end = file.text.len()..file.text.len();
    let mut r = Renderer::new(file, file_id, eval, Syntax::Heredoc { indent: None }, end);
    r.template(template, &whole);
    let (text, map) = r.finish();
    let wording = Wording {
        invalid: "invalid JSON in policy template",
        empty: "policy template is empty",
    };
    parse(&text, map, file_id, &wording, whole_loc)
}

/// Parses plain JSON text that starts at byte `offset` of file `file_id` (a plan file, say), with
/// the same strictness as [`string_json`]. The root value's loc is the value itself, without the
/// surrounding whitespace.
pub fn text_json(text: &str, file_id: FileId, offset: usize) -> Result<Val, JsonProblem> {
    let end = offset.saturating_add(text.len());
    let mut map = Mapping {
        segs: Vec::new(),
        holes: Vec::new(),
        end: end..end,
    };
    push_seg(
        &mut map.segs,
        Seg {
            rendered: 0..text.len(),
            source: offset..end,
            exact: true,
        },
    );
    let wording = Wording {
        invalid: "invalid JSON",
        empty: "JSON text is empty",
    };
    parse(text, map, file_id, &wording, Loc::new(file_id, offset..end))
}

/// Parses the JSON document held in a JSON string literal (a policy in a plan file): `literal` is
/// the literal as written, quotes included, at byte `offset` of file `file_id`. Every element is
/// located in the file, through the string's escapes.
pub fn embedded_json(literal: &str, file_id: FileId, offset: usize) -> Result<Val, JsonProblem> {
    let end = offset.saturating_add(literal.len());
    let inner_start = offset + usize::from(literal.starts_with('"'));
    let inner = literal
        .strip_prefix('"')
        .and_then(|l| l.strip_suffix('"'))
        .unwrap_or(literal);
    let mut map = Mapping {
        segs: Vec::new(),
        holes: Vec::new(),
        end: end.saturating_sub(1)..end,
    };
    let mut text = String::with_capacity(inner.len());
    let mut i = 0;
    while let Some(rest) = inner.get(i..).filter(|r| !r.is_empty()) {
        let at = inner_start + i;
        if let Some(escaped) = rest.strip_prefix('\\') {
            // A JSON escape: one rendered character for the whole sequence.
            let (c, n) = match escaped.chars().next() {
                Some('u') => {
                    let hex = escaped.get(1..5).unwrap_or("");
                    let code = u32::from_str_radix(hex, 16).ok();
                    // A surrogate pair is two escapes for one character.
                    let pair = code
                        .filter(|c| (0xD800..0xDC00).contains(c))
                        .and_then(|hi| {
                            let lo = escaped.get(5..11)?.strip_prefix("\\u")?;
                            let lo = u32::from_str_radix(lo, 16).ok()?;
                            char::from_u32(
                                0x10000 + ((hi - 0xD800) << 10) + (lo.checked_sub(0xDC00)?),
                            )
                        });
                    match pair {
                        Some(c) => (c, 12),
                        None => (code.and_then(char::from_u32).unwrap_or('\u{fffd}'), 6),
                    }
                }
                Some('n') => ('\n', 2),
                Some('t') => ('\t', 2),
                Some('r') => ('\r', 2),
                Some('b') => ('\u{8}', 2),
                Some('f') => ('\u{c}', 2),
                Some(c) => (c, 1 + c.len_utf8()),
                None => ('\\', 1),
            };
            let start = text.len();
            text.push(c);
            push_seg(
                &mut map.segs,
                Seg {
                    rendered: start..text.len(),
                    source: at..at + n,
                    exact: false,
                },
            );
            i += n;
            continue;
        }
        let n = rest.find('\\').unwrap_or(rest.len());
        let start = text.len();
        text.push_str(rest.get(..n).unwrap_or(""));
        push_seg(
            &mut map.segs,
            Seg {
                rendered: start..text.len(),
                source: at..at + n,
                exact: true,
            },
        );
        i += n;
    }
    let wording = Wording {
        invalid: "invalid JSON in policy",
        empty: "policy is empty",
    };
    parse(
        &text,
        map,
        file_id,
        &wording,
        Loc::new(file_id, offset..end),
    )
}

/// The source range shown for "the JSON ends here": the closing quote or heredoc delimiter.
fn closing(whole: &Range<usize>, source: &str, delimiter: &str) -> Range<usize> {
    if !delimiter.is_empty() && source.len() > delimiter.len() && source.ends_with(delimiter) {
        whole.end - delimiter.len()..whole.end
    } else {
        whole.end..whole.end
    }
}

fn has_directive(template: &Template) -> bool {
    template.iter().any(|e| matches!(e, Element::Directive(_)))
}

// ---------------------------------------------------------------------------------------------
// Rendering with a byte map
// ---------------------------------------------------------------------------------------------

/// A run of rendered bytes and the source bytes that produced them.
#[derive(Debug, Clone, PartialEq)]
struct Seg {
    rendered: Range<usize>,
    source: Range<usize>,
    /// The rendered bytes are the source bytes, one for one, so an offset inside maps exactly;
    /// otherwise (an escape sequence, an interpolation) every offset maps to the whole source run.
    exact: bool,
}

/// Appends a segment, merging it into the previous one when both are exact and contiguous, so a
/// long literal costs one segment per line rather than one per character.
fn push_seg(segs: &mut Vec<Seg>, seg: Seg) {
    if seg.rendered.is_empty() {
        return;
    }
    if let Some(last) = segs.last_mut()
        && seg.exact
        && last.exact
        && last.rendered.end == seg.rendered.start
        && last.source.end == seg.source.start
    {
        last.rendered.end = seg.rendered.end;
        last.source.end = seg.source.end;
        return;
    }
    segs.push(seg);
}

/// A placeholder in the rendered text.
#[derive(Debug)]
struct Hole {
    rendered: Range<usize>,
    /// The value to put in the tree instead of the placeholder string (`${jsonencode(x)}` outside a
    /// JSON string); `None` for an unknown value.
    splice: Option<Val>,
    /// Outside a JSON string, an unknown value could be any JSON text (a number, several list
    /// elements), so a syntax error right at it proves nothing.
    outside_string: bool,
}

/// How rendered offsets map back to the source file.
#[derive(Debug)]
struct Mapping {
    /// Contiguous, in rendered order, covering the whole rendered text.
    segs: Vec<Seg>,
    /// In rendered order.
    holes: Vec<Hole>,
    /// Source range reported when the JSON ends too early.
    end: Range<usize>,
}

impl Mapping {
    fn seg_containing(&self, p: usize) -> Option<&Seg> {
        let i = self.segs.partition_point(|s| s.rendered.end <= p);
        self.segs.get(i)
    }

    fn map_start(&self, p: usize) -> usize {
        match self.seg_containing(p) {
            Some(s) if s.exact => s.source.start + p.saturating_sub(s.rendered.start),
            Some(s) => s.source.start,
            None => self.end.start,
        }
    }

    fn map_end(&self, p: usize) -> usize {
        let Some(last) = p.checked_sub(1) else {
            return self.map_start(0);
        };
        match self.seg_containing(last) {
            Some(s) if s.exact => s.source.start + p.saturating_sub(s.rendered.start),
            Some(s) => s.source.end,
            None => self.end.start,
        }
    }

    fn span(&self, r: Range<usize>) -> Range<usize> {
        let start = self.map_start(r.start);
        let end = self.map_end(r.end).max(start);
        start..end
    }

    fn hole_overlapping(&self, r: &Range<usize>) -> Option<usize> {
        let i = self.holes.partition_point(|h| h.rendered.end <= r.start);
        self.holes
            .get(i)
            .is_some_and(|h| h.rendered.start < r.end)
            .then_some(i)
    }

    /// Whether a syntax error at rendered offset `pos` sits at, or right after, an unknown value
    /// rendered outside a string.
    fn error_at_unknown(&self, text: &str, pos: usize) -> bool {
        let next = pos
            + text
                .get(pos..)
                .map_or(0, |t| t.len() - t.trim_start_matches(is_json_ws).len());
        self.holes
            .iter()
            .filter(|h| h.outside_string && h.splice.is_none())
            .any(|h| {
                let within = h.rendered.start <= next && next <= h.rendered.end;
                let after = pos >= h.rendered.end
                    && text
                        .get(h.rendered.end..pos)
                        .is_some_and(|t| t.chars().all(is_json_ws));
                within || after
            })
    }
}

/// Rendered text of one literal before it is appended: trimming for `~` strip markers happens
/// here, where it cannot reach into neighbouring elements.
#[derive(Debug, Default)]
struct Piece {
    text: String,
    segs: Vec<Seg>,
}

impl Piece {
    fn push(&mut self, s: &str, source: Range<usize>, exact: bool) {
        let start = self.text.len();
        self.text.push_str(s);
        let rendered = start..self.text.len();
        push_seg(
            &mut self.segs,
            Seg {
                rendered,
                source,
                exact,
            },
        );
    }

    /// A literal whose source text could not be matched with its value: every character maps to
    /// the whole literal.
    fn coarse(value: &str, source: Range<usize>) -> Piece {
        let mut p = Piece::default();
        p.push(value, source, false);
        p
    }

    fn trim_end(&mut self) {
        let new_len = self.text.trim_end().len();
        self.text.truncate(new_len);
        self.segs.retain(|s| s.rendered.start < new_len);
        if let Some(last) = self.segs.last_mut()
            && last.rendered.end > new_len
        {
            let cut = last.rendered.end - new_len;
            last.rendered.end = new_len;
            if last.exact {
                last.source.end -= cut;
            }
        }
    }

    fn trim_start(&mut self) {
        let cut = self.text.len() - self.text.trim_start().len();
        if cut == 0 {
            return;
        }
        self.text.drain(..cut);
        self.segs.retain(|s| s.rendered.end > cut);
        for s in &mut self.segs {
            if s.rendered.start < cut {
                if s.exact {
                    s.source.start += cut - s.rendered.start;
                }
                s.rendered.start = cut;
            }
            s.rendered.start -= cut;
            s.rendered.end -= cut;
        }
    }
}

/// JSON string state of the text rendered so far; only ASCII `"` and `\` matter, so bytes do.
#[derive(Debug, Default, Clone, Copy)]
struct Lexer {
    in_string: bool,
    escape: bool,
}

impl Lexer {
    fn feed(&mut self, b: u8) {
        if !self.in_string {
            self.in_string = b == b'"';
        } else if self.escape {
            self.escape = false;
        } else if b == b'\\' {
            self.escape = true;
        } else if b == b'"' {
            self.in_string = false;
        }
    }
}

/// Which escapes a literal's source text uses.
#[derive(Debug, Clone, Copy)]
enum Syntax {
    /// `"..."`: backslash escapes and `$${`/`%%{`.
    Quoted,
    /// `<<EOT`/`<<-EOT`: only `$${`/`%%{`; `indent` is what hcl-edit stripped from each line.
    Heredoc { indent: Option<usize> },
}

struct Renderer<'a> {
    file: &'a SourceFile,
    file_id: FileId,
    eval: &'a Evaluator<'a>,
    syntax: Syntax,
    text: String,
    map: Mapping,
    lexer: Lexer,
    lexed: usize,
}

impl<'a> Renderer<'a> {
    fn new(
        file: &'a SourceFile,
        file_id: FileId,
        eval: &'a Evaluator<'a>,
        syntax: Syntax,
        end: Range<usize>,
    ) -> Self {
        Renderer {
            file,
            file_id,
            eval,
            syntax,
            text: String::new(),
            map: Mapping {
                segs: Vec::new(),
                holes: Vec::new(),
                end,
            },
            lexer: Lexer::default(),
            lexed: 0,
        }
    }

    fn finish(self) -> (String, Mapping) {
        (self.text, self.map)
    }

    fn template(&mut self, template: &Template, whole: &Range<usize>) {
        let elements: Vec<&Element> = template.iter().collect();
        let strips = |e: Option<&&Element>, start: bool| match e {
            Some(Element::Interpolation(i)) if start => i.strip.strip_start(),
            Some(Element::Interpolation(i)) => i.strip.strip_end(),
            _ => false,
        };
        for (i, element) in elements.iter().enumerate() {
            match element {
                Element::Literal(lit) => {
                    // `${~` strips the whitespace before it, `~}` the whitespace after it.
                    let trim = (
                        i.checked_sub(1)
                            .is_some_and(|p| strips(elements.get(p), false)),
                        strips(elements.get(i + 1), true),
                    );
                    self.literal(lit.value(), lit.span(), whole, i > 0, trim);
                }
                Element::Interpolation(interp) => self.interpolate(interp, whole),
                // Callers turn templates with directives into Unknown before rendering.
                Element::Directive(_) => {}
            }
        }
    }

    /// Appends one literal, mapping each rendered character to the source bytes it was written
    /// as. `after_element` says the literal follows an interpolation (its first line is then not
    /// at a line start, so heredoc indentation was not stripped from it).
    fn literal(
        &mut self,
        value: &str,
        span: Option<Range<usize>>,
        whole: &Range<usize>,
        after_element: bool,
        (trim_start, trim_end): (bool, bool),
    ) {
        let raw = span
            .as_ref()
            .and_then(|s| self.file.text.get(self.file.text_span(s)));
        let mut piece = match (raw, &span) {
            (Some(raw), Some(span)) => {
                let decoded = match self.syntax {
                    Syntax::Quoted => quoted_piece(raw, span.start),
                    Syntax::Heredoc { indent } => {
                        heredoc_piece(raw, span.start, indent, after_element)
                    }
                };
                // The decoder mirrors hcl-edit; should they ever disagree, the value (what
                // Terraform sees) wins and positions fall back to the whole literal.
                if decoded.text == value {
                    decoded
                } else {
                    Piece::coarse(value, span.clone())
                }
            }
            _ => Piece::coarse(value, span.unwrap_or_else(|| whole.clone())),
        };
        if trim_start {
            piece.trim_start();
        }
        if trim_end {
            piece.trim_end();
        }
        let base = self.text.len();
        self.text.push_str(&piece.text);
        for s in piece.segs {
            push_seg(
                &mut self.map.segs,
                Seg {
                    rendered: s.rendered.start + base..s.rendered.end + base,
                    source: s.source,
                    exact: s.exact,
                },
            );
        }
    }

    fn in_string(&mut self) -> bool {
        for &b in self.text.as_bytes().get(self.lexed..).unwrap_or(&[]) {
            self.lexer.feed(b);
        }
        self.lexed = self.text.len();
        self.lexer.in_string
    }

    fn insert(&mut self, s: &str, source: Range<usize>) {
        let start = self.text.len();
        self.text.push_str(s);
        push_seg(
            &mut self.map.segs,
            Seg {
                rendered: start..self.text.len(),
                source,
                exact: false,
            },
        );
    }

    fn hole(
        &mut self,
        placeholder: &str,
        source: Range<usize>,
        splice: Option<Val>,
        outside: bool,
    ) {
        let start = self.text.len();
        self.insert(placeholder, source);
        self.map.holes.push(Hole {
            rendered: start..self.text.len(),
            splice,
            outside_string: outside,
        });
    }

    fn interpolate(&mut self, interp: &Interpolation, whole: &Range<usize>) {
        let span = interp.span().unwrap_or_else(|| whole.clone());
        let val = self
            .eval
            .eval(&interp.expr, &Loc::new(self.file_id, span.clone()));
        let in_string = self.in_string();
        let known = val.to_string_value();
        match (val.data, known) {
            (Data::Json(inner), _) if !in_string => self.hole(HOLE_VALUE, span, Some(*inner), true),
            // Terraform inserts the text as is; only control characters (the account and
            // partition markers) are escaped, since JSON strings cannot hold them raw.
            (_, Some(s)) if in_string => self.insert(&escape_controls(&s), span),
            // Outside a string the text is JSON syntax itself (`1`, `true`, a fragment); a marker
            // there stands for a number or a word the scan cannot spell, so it is unknown.
            (_, Some(s)) if !s.chars().any(|c| c.is_control() && !is_json_ws(c)) => {
                self.insert(&s, span);
            }
            _ if in_string => self.hole(HOLE_IN_STRING, span, None, false),
            _ => self.hole(HOLE_VALUE, span, None, true),
        }
    }
}

fn escape_controls(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if u32::from(c) < 0x20 {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// `$${` and `%%{` render as `${` and `%{`: the first character stands for the doubled bytes.
fn template_escape(p: &mut Piece, rest: &str, at: usize) -> Option<usize> {
    let marker = rest.get(..3)?;
    if marker != "$${" && marker != "%%{" {
        return None;
    }
    p.push(marker.get(1..2)?, at..at + 2, false);
    p.push("{", at + 2..at + 3, true);
    Some(3)
}

/// Decodes the raw source of a quoted-string literal (without its quotes) at source offset `base`.
fn quoted_piece(raw: &str, base: usize) -> Piece {
    let mut p = Piece::default();
    let mut i = 0;
    while let Some(rest) = raw.get(i..) {
        let Some(c) = rest.chars().next() else { break };
        if let Some(n) = template_escape(&mut p, rest, base + i) {
            i += n;
            continue;
        }
        if c == '\\'
            && let Some((decoded, n)) = hcl_escape(rest)
        {
            let mut buf = [0; 4];
            p.push(decoded.encode_utf8(&mut buf), base + i..base + i + n, false);
            i += n;
            continue;
        }
        let n = c.len_utf8();
        p.push(rest.get(..n).unwrap_or(""), base + i..base + i + n, true);
        i += n;
    }
    p
}

/// One HCL backslash escape at the start of `rest`: the character and the source length.
fn hcl_escape(rest: &str) -> Option<(char, usize)> {
    let hex = |digits: &str| -> Option<char> {
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        char::from_u32(u32::from_str_radix(digits, 16).ok()?)
    };
    match rest.as_bytes().get(1)? {
        b'n' => Some(('\n', 2)),
        b'r' => Some(('\r', 2)),
        b't' => Some(('\t', 2)),
        b'\\' => Some(('\\', 2)),
        b'"' => Some(('"', 2)),
        b'u' => Some((hex(rest.get(2..6)?)?, 6)),
        b'U' => Some((hex(rest.get(2..10)?)?, 10)),
        _ => None,
    }
}

/// Decodes the raw source of a heredoc literal at source offset `base`, mirroring hcl-edit:
/// with `indent`, `<<-` removed that many characters from the start of each non-empty line
/// (except the literal's first line when it follows an interpolation) and normalised line
/// endings to `\n`; without it the text is kept as written.
fn heredoc_piece(raw: &str, base: usize, indent: Option<usize>, after_element: bool) -> Piece {
    let mut p = Piece::default();
    let mut line_start = 0;
    for (n, line) in raw.split_inclusive('\n').enumerate() {
        let at = base + line_start;
        line_start += line.len();
        let Some(indent) = indent else {
            template_chars(&mut p, line, 0, at);
            continue;
        };
        let body = line
            .strip_suffix("\r\n")
            .or_else(|| line.strip_suffix('\n'))
            .unwrap_or(line);
        let skip = if (n == 0 && after_element) || body.is_empty() {
            0
        } else {
            body.char_indices()
                .nth(indent)
                .map_or(body.len(), |(k, _)| k)
        };
        template_chars(&mut p, body, skip, at);
        if body.len() < line.len() {
            // hcl-edit writes every line ending as `\n`.
            p.push(
                "\n",
                at + body.len()..at + line.len(),
                line.len() - body.len() == 1,
            );
        }
    }
    p
}

/// Appends `text[from..]` (at source offset `at`) with only the template escapes decoded.
fn template_chars(p: &mut Piece, text: &str, from: usize, at: usize) {
    let mut i = from;
    while let Some(rest) = text.get(i..).filter(|r| !r.is_empty()) {
        if let Some(n) = template_escape(p, rest, at + i) {
            i += n;
            continue;
        }
        // Everything up to the next possible escape (`$${`, `%%{`) maps one for one: one piece.
        let n = rest
            .char_indices()
            .skip(1)
            .find(|(_, c)| matches!(c, '$' | '%'))
            .map_or(rest.len(), |(k, _)| k);
        p.push(rest.get(..n).unwrap_or(""), at + i..at + i + n, true);
        i += n;
    }
}

// ---------------------------------------------------------------------------------------------
// Strict parsing and conversion
// ---------------------------------------------------------------------------------------------

struct Wording {
    invalid: &'static str,
    empty: &'static str,
}

fn is_json_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

pub(crate) fn strict_options() -> ParseOptions {
    ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

/// A problem found at a rendered offset (used to report whichever comes first).
struct Found {
    pos: usize,
    span: Range<usize>,
    detail: String,
}

fn parse(
    text: &str,
    map: Mapping,
    file_id: FileId,
    wording: &Wording,
    whole: Loc,
) -> Result<Val, JsonProblem> {
    if text.trim().is_empty() {
        return Err(JsonProblem {
            loc: whole,
            message: wording.empty.to_string(),
        });
    }
    let problem = |found: Found| JsonProblem {
        loc: Loc::new(file_id, found.span),
        message: format!("{}: {}", wording.invalid, found.detail),
    };
    let lexical = strict_scan(text, &map);
    let parsed = jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &strict_options());
    match parsed {
        Err(e) => {
            let found = describe(&e, text, &map);
            match lexical {
                Some(l) if l.pos < found.pos => Err(problem(l)),
                _ if map.error_at_unknown(text, found.pos) => Ok(Val::new(Data::Unknown, whole)),
                _ => Err(problem(found)),
            }
        }
        Ok(result) => {
            if let Some(l) = lexical {
                return Err(problem(l));
            }
            match result.value {
                Some(value) => {
                    let mut converter = Converter {
                        file_id,
                        map,
                        duplicate: None,
                    };
                    let val = converter.value(&value);
                    match converter.duplicate {
                        Some(found) => Err(problem(found)),
                        None => Ok(val),
                    }
                }
                None => Err(JsonProblem {
                    loc: whole,
                    message: wording.empty.to_string(),
                }),
            }
        }
    }
}

/// What jsonc-parser does not check: raw control characters inside strings and whitespace other
/// than space, tab, line feed and carriage return. Go's `encoding/json` rejects both.
fn strict_scan(text: &str, map: &Mapping) -> Option<Found> {
    let mut lexer = Lexer::default();
    for (i, c) in text.char_indices() {
        let n = c.len_utf8();
        if lexer.in_string && u32::from(c) < 0x20 {
            let detail = match c {
                '\n' | '\r' => {
                    "line break inside a string (is a closing quote missing?)".to_string()
                }
                '\t' => "tab character inside a string; write it as \\t".to_string(),
                _ => format!(
                    "control character U+{0:04X} inside a string; write it as \\u{0:04x}",
                    u32::from(c)
                ),
            };
            return Some(Found {
                pos: i,
                span: map.span(i..i + n),
                detail,
            });
        }
        if !lexer.in_string && c.is_whitespace() && !is_json_ws(c) {
            return Some(Found {
                pos: i,
                span: map.span(i..i + n),
                detail: format!(
                    "U+{:04X} is not JSON whitespace (only space, tab, line feed and carriage return are)",
                    u32::from(c)
                ),
            });
        }
        let mut buf = [0; 4];
        for &b in c.encode_utf8(&mut buf).as_bytes() {
            lexer.feed(b);
        }
    }
    None
}

fn describe(e: &ParseError, text: &str, map: &Mapping) -> Found {
    let range = e.range();
    let kind = e.kind();
    let word = text
        .get(range.start..range.end)
        .filter(|w| w.starts_with(|c: char| c.is_alphabetic()))
        .is_some_and(|w| {
            w.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '$'))
        });
    // jsonc-parser calls a bare word followed by punctuation (`True}`) an unexpected token.
    let detail = if word && matches!(kind, ParseErrorKind::UnexpectedToken) {
        kind_message(&ParseErrorKind::UnexpectedWord)
    } else {
        kind_message(kind)
    };
    let unterminated = matches!(
        kind,
        ParseErrorKind::UnterminatedArray
            | ParseErrorKind::UnterminatedObject
            | ParseErrorKind::UnterminatedCommentBlock
            | ParseErrorKind::String(ParseStringErrorKind::UnterminatedStringLiteral)
    );
    if unterminated || range.start >= text.len() {
        return Found {
            pos: text.len(),
            span: map.end.clone(),
            detail,
        };
    }
    let span = if matches!(kind, ParseErrorKind::NestingDepthExceeded) {
        // The range covers the whole innermost value; its first character is where it goes wrong.
        let n = text
            .get(range.start..)
            .and_then(|t| t.chars().next())
            .map_or(1, char::len_utf8);
        map.span(range.start..range.start + n)
    } else if range.end <= range.start {
        // A missing comma is reported right after the value that lacks it.
        let at = map.map_end(range.start);
        at..at
    } else {
        map.span(range.start..range.end)
    };
    Found {
        pos: range.start,
        span,
        detail,
    }
}

fn kind_message(kind: &ParseErrorKind) -> String {
    use ParseErrorKind as K;
    let text = match kind {
        K::BareDecimalPointNumbersNotAllowed => {
            "a number needs digits on both sides of its decimal point"
        }
        K::CommentsNotAllowed | K::UnterminatedCommentBlock => "comments are not allowed",
        K::ExpectedColonAfterObjectKey => "expected `:` after the object key",
        K::ExpectedObjectValue => "expected a value after `:`",
        K::ExpectedDigit
        | K::ExpectedDigitFollowingNegativeSign
        | K::ExpectedPlusMinusOrDigitInNumberLiteral => "malformed number",
        K::ExpectedStringObjectProperty | K::UnexpectedTokenInObject => {
            "expected an object key in double quotes"
        }
        K::HexadecimalNumbersNotAllowed => "hexadecimal numbers are not allowed",
        K::ExpectedComma => "missing comma",
        K::MultipleRootJsonValues => "unexpected text after the end of the JSON value",
        K::NonFiniteNumbersNotAllowed => "NaN and Infinity are not allowed",
        K::SingleQuotedStringsNotAllowed => "strings must be in double quotes",
        K::String(s) => match s {
            ParseStringErrorKind::InvalidEscapeInSingleQuoteString
            | ParseStringErrorKind::InvalidEscapeInDoubleQuoteString
            | ParseStringErrorKind::InvalidEscape => "invalid escape sequence in a string",
            ParseStringErrorKind::ExpectedFourHexDigits
            | ParseStringErrorKind::ExpectedTwoHexDigits => {
                "`\\u` must be followed by four hex digits"
            }
            ParseStringErrorKind::InvalidUnicodeEscapeSequence(_) => "invalid `\\u` escape",
            ParseStringErrorKind::UnterminatedStringLiteral => "unterminated string",
        },
        K::TrailingCommasNotAllowed => "trailing comma",
        K::UnaryPlusNumbersNotAllowed => "numbers cannot start with `+`",
        K::UnexpectedCloseBrace => "unexpected `}`",
        K::UnexpectedCloseBracket => "unexpected `]`",
        K::UnexpectedColon => "unexpected `:`",
        K::UnexpectedComma => "unexpected `,`",
        K::UnexpectedToken => "unexpected character",
        K::UnexpectedWord => {
            "unexpected word (strings need double quotes; literals are `true`, `false` and `null`)"
        }
        K::UnterminatedArray => "unterminated array: `]` is missing",
        K::UnterminatedObject => "unterminated object: `}` is missing",
        K::NestingDepthExceeded => "nested too deeply",
        // Variants behind jsonc-parser features another crate might enable.
        #[allow(unreachable_patterns)]
        _ => return kind.to_string().to_lowercase(),
    };
    text.to_string()
}

/// Turns the AST into values. Recursion is bounded by jsonc-parser's nesting limit (512 open
/// ranges, so at most 512 nested arrays), far below what a 2 MiB stack holds.
struct Converter {
    file_id: FileId,
    map: Mapping,
    /// The first repeated object key in the text.
    duplicate: Option<Found>,
}

impl Converter {
    fn loc(&self, r: jsonc_parser::common::Range) -> Loc {
        Loc::new(self.file_id, self.map.span(r.start..r.end))
    }

    fn value(&mut self, v: &Value<'_>) -> Val {
        let loc = self.loc(v.range());
        let data = match v {
            Value::StringLit(s) => return self.string(s.range, &s.value),
            // Numbers beyond f64 do not occur in policies; they stay unknown rather than ±inf.
            Value::NumberLit(n) => n
                .value
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map_or(Data::Unknown, Data::Number),
            Value::BooleanLit(b) => Data::Bool(b.value),
            Value::NullKeyword(_) => Data::Null,
            Value::Array(a) => Data::List(a.elements.iter().map(|e| self.value(e)).collect()),
            Value::Object(o) => {
                self.find_duplicate(o);
                let entries = o
                    .properties
                    .iter()
                    .map(|p| {
                        let key = match &p.name {
                            ObjectPropName::String(s) => self.string(s.range, &s.value),
                            ObjectPropName::Word(w) => {
                                Val::new(Data::String(w.value.to_string()), self.loc(w.range))
                            }
                        };
                        (key, self.value(&p.value))
                    })
                    .collect();
                Data::Object(last_key_wins(entries))
            }
        };
        Val::new(data, loc)
    }

    /// Records the object's first repeated key if it comes before any other found so far.
    fn find_duplicate(&mut self, o: &jsonc_parser::ast::Object<'_>) {
        if o.properties.len() < 2 {
            return;
        }
        let mut seen: HashSet<&str> = HashSet::new();
        for p in &o.properties {
            let (name, range) = match &p.name {
                ObjectPropName::String(s) => (s.value.as_ref(), s.range),
                ObjectPropName::Word(w) => (w.value, w.range),
            };
            // A key with an unknown part may or may not repeat another: it is not judged.
            if self
                .map
                .hole_overlapping(&(range.start..range.end))
                .is_some()
            {
                continue;
            }
            if !seen.insert(name) {
                if self.duplicate.as_ref().is_none_or(|d| range.start < d.pos) {
                    self.duplicate = Some(Found {
                        pos: range.start,
                        span: self.map.span(range.start..range.end),
                        detail: format!(
                            "duplicate key `{}` in one object; which value AWS uses is not documented, keep one",
                            escape_controls(name)
                        ),
                    });
                }
                return;
            }
        }
    }

    fn string(&mut self, r: jsonc_parser::common::Range, value: &str) -> Val {
        let loc = self.loc(r);
        let rendered = r.start..r.end;
        match self.map.hole_overlapping(&rendered) {
            None => Val::new(Data::String(value.to_string()), loc),
            Some(i) => match self.map.holes.get_mut(i) {
                Some(h) if h.rendered == rendered && h.splice.is_some() => {
                    h.splice.take().unwrap_or(Val::new(Data::Unknown, loc))
                }
                _ => Val::new(Data::Unknown, loc),
            },
        }
    }
}

/// Keeps the last entry of each key, as Go's `encoding/json` does.
fn last_key_wins(entries: Vec<(Val, Val)>) -> Vec<(Val, Val)> {
    if entries.len() < 2 {
        return entries;
    }
    let keep: Vec<bool> = {
        let mut seen = HashSet::new();
        let mut keep: Vec<bool> = entries
            .iter()
            .rev()
            .map(|(k, _)| match &k.data {
                Data::String(s) => seen.insert(s.as_str()),
                _ => true,
            })
            .collect();
        keep.reverse();
        keep
    };
    entries
        .into_iter()
        .zip(keep)
        .filter_map(|(e, k)| k.then_some(e))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Position;
    use crate::terraform::eval::OWNER_ACCOUNT;
    use std::path::PathBuf;

    const F: FileId = FileId(0);

    fn file(text: &str) -> SourceFile {
        SourceFile::new(PathBuf::from("m.tf"), "m.tf".into(), text.to_string())
    }

    /// Parses the `policy` attribute of a snippet.
    fn policy(src: &str) -> (SourceFile, Result<Val, JsonProblem>) {
        let f = file(src);
        let body = hcl_edit::parser::parse_body(&f.text).unwrap();
        let attr = body.get_attribute("policy").unwrap();
        let r = string_json(&attr.value, F, &f, &Evaluator::new(F)).unwrap();
        (f, r)
    }

    fn ok(src: &str) -> (SourceFile, Val) {
        let (f, r) = policy(src);
        (f, r.unwrap())
    }

    fn err(src: &str) -> (SourceFile, JsonProblem) {
        let (f, r) = policy(src);
        (f, r.unwrap_err())
    }

    fn slice<'a>(f: &'a SourceFile, loc: &Loc) -> &'a str {
        f.slice(&loc.span)
    }

    fn entry<'a>(v: &'a Val, key: &str) -> &'a (Val, Val) {
        let Data::Object(entries) = &v.data else {
            panic!("not an object: {v:?}")
        };
        entries
            .iter()
            .find(|(k, _)| k.data == Data::String(key.into()))
            .unwrap_or_else(|| panic!("no key {key} in {v:?}"))
    }

    fn get<'a>(v: &'a Val, key: &str) -> &'a Val {
        &entry(v, key).1
    }

    fn at(v: &Val, i: usize) -> &Val {
        let Data::List(items) = &v.data else {
            panic!("not a list: {v:?}")
        };
        &items[i]
    }

    const HEREDOC: &str = r#"policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "Admin-${var.x}",
          "Effect": "Allow",
          "Principal": "*",
          "Action": ["kms:*"],
          "Resource": "*"
        }
      ]
    }
  EOT
"#;

    #[test]
    fn heredoc_keys_and_values_slice_to_their_source() {
        let (f, v) = ok(HEREDOC);
        assert!(slice(&f, &v.loc).starts_with("<<-EOT"));
        assert!(slice(&f, &v.loc).ends_with("EOT"));
        let statement = at(get(&v, "Statement"), 0);
        let (key, value) = entry(statement, "Principal");
        assert_eq!(slice(&f, &key.loc), "\"Principal\"");
        assert_eq!(slice(&f, &value.loc), "\"*\"");
        assert_eq!(value.data, Data::String("*".into()));
        assert_eq!(
            f.position(key.loc.span.start),
            Position {
                line: 8,
                column: 11
            }
        );
        let sid = get(statement, "Sid");
        assert_eq!(sid.data, Data::Unknown);
        assert_eq!(slice(&f, &sid.loc), "\"Admin-${var.x}\"");
        let action = get(statement, "Action");
        assert_eq!(slice(&f, &action.loc), "[\"kms:*\"]");
        assert_eq!(slice(&f, &at(action, 0).loc), "\"kms:*\"");
        assert_eq!(get(&v, "Version").data, Data::String("2012-10-17".into()));
    }

    #[test]
    fn quoted_policy_with_escapes_slices_to_the_escaped_source() {
        let (f, v) = ok(
            r#"policy = "{\"Statement\":[{\"Principal\":\"*\",\"Sid\":\"a\\nb\\u00e9\"}]}"
"#,
        );
        let statement = at(get(&v, "Statement"), 0);
        let (key, value) = entry(statement, "Principal");
        assert_eq!(slice(&f, &key.loc), r#"\"Principal\""#);
        assert_eq!(slice(&f, &value.loc), r#"\"*\""#);
        let sid = get(statement, "Sid");
        assert_eq!(sid.data, Data::String("a\nbé".into()));
        assert_eq!(slice(&f, &sid.loc), r#"\"a\\nb\\u00e9\""#);
    }

    #[test]
    fn quoted_template_policy_maps_literals_and_interpolations() {
        let (f, v) = ok(
            r#"policy = "{\"Sid\": \"${"a"}-${"b"}\", \"Principal\": \"*\"}"
"#,
        );
        let sid = get(&v, "Sid");
        assert_eq!(sid.data, Data::String("a-b".into()));
        assert_eq!(slice(&f, &sid.loc), r#"\"${"a"}-${"b"}\""#);
        assert_eq!(slice(&f, &get(&v, "Principal").loc), r#"\"*\""#);
    }

    #[test]
    fn trailing_comma_points_at_the_comma() {
        let (f, p) = err("policy = <<EOT\n{\"Action\": [\"kms:*\",]}\nEOT\n");
        assert_eq!(slice(&f, &p.loc), ",");
        assert_eq!(p.message, "invalid JSON in policy: trailing comma");
        assert_eq!(
            f.position(p.loc.span.start),
            Position {
                line: 2,
                column: 20
            }
        );

        let (f, p) = err("policy = \"{\\\"a\\\": 1, }\"\n");
        assert_eq!(slice(&f, &p.loc), ",");
    }

    #[test]
    fn unterminated_json_points_at_the_end_of_the_literal() {
        let (f, p) = err("policy = <<EOT\n{\"a\": [1]\nEOT\n");
        assert_eq!(slice(&f, &p.loc), "EOT");
        assert!(p.message.contains("unterminated object"), "{}", p.message);
        let (f, p) = err("policy = \"{\\\"a\\\": [1\"\n");
        assert_eq!(slice(&f, &p.loc), "\"");
        assert_eq!(p.loc.span.end, f.text.len() - 1);
    }

    #[test]
    fn embedded_json_is_located_through_escapes() {
        let text = r#"{"policy":"{\"Statement\":[{\"Principal\":\"*\",\"Sid\":\"caf\u00e9\"}]}"}"#;
        let start = text.find("\"{").unwrap();
        let end = text.rfind('"').unwrap() + 1;
        let v = embedded_json(&text[start..end], F, start).unwrap();
        let stmt = at(get(&v, "Statement"), 0);
        assert_eq!(&text[get(stmt, "Principal").loc.span.clone()], r#"\"*\""#);
        assert_eq!(get(stmt, "Sid").data, Data::String("café".into()));
        let broken = r#""{\"Statement\": [1,]}""#;
        let p = embedded_json(broken, F, 0).unwrap_err();
        assert_eq!(&broken[p.loc.span.clone()], ",");
    }

    #[test]
    fn caller_account_becomes_the_owner_marker() {
        let (f, v) = ok(r#"policy = <<EOT
{"Principal": {"AWS": "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"}}
EOT
"#);
        let aws = get(get(&v, "Principal"), "AWS");
        assert_eq!(
            aws.data,
            Data::String(format!("arn:aws:iam::{OWNER_ACCOUNT}:root"))
        );
        assert_eq!(
            slice(&f, &aws.loc),
            "\"arn:aws:iam::${data.aws_caller_identity.current.account_id}:root\""
        );
    }

    #[test]
    fn unknown_values_outside_strings_still_parse() {
        let (f, v) = ok(r#"policy = <<EOT
{"Principal": ${jsonencode(var.p)}, "Resource": ${var.r}, "Action": ["kms:Decrypt", ${var.a}], "Effect": "Allow"}
EOT
"#);
        let principal = get(&v, "Principal");
        assert_eq!(principal.data, Data::Unknown);
        assert_eq!(slice(&f, &principal.loc), "var.p");
        let resource = get(&v, "Resource");
        assert_eq!(resource.data, Data::Unknown);
        assert_eq!(slice(&f, &resource.loc), "${var.r}");
        assert_eq!(at(get(&v, "Action"), 1).data, Data::Unknown);
        assert_eq!(get(&v, "Effect").data, Data::String("Allow".into()));
    }

    #[test]
    fn markers_outside_strings_are_unknown() {
        let (_, v) = ok(r#"policy = <<EOT
{"Account": ${data.aws_caller_identity.current.account_id}, "N": ${1}}
EOT
"#);
        assert_eq!(get(&v, "Account").data, Data::Unknown);
        assert_eq!(get(&v, "N").data, Data::Number(1.0));
    }

    #[test]
    fn a_whole_jsonencode_interpolation_is_its_value() {
        let (f, v) = ok(r#"policy = "${jsonencode({ Version = "2012-10-17" })}"
"#);
        assert!(slice(&f, &v.loc).starts_with("\"${jsonencode"));
        let version = get(&v, "Version");
        assert_eq!(version.data, Data::String("2012-10-17".into()));
        assert_eq!(slice(&f, &version.loc), "\"2012-10-17\"");
    }

    #[test]
    fn unicode_escapes_and_odd_inputs_map_without_panicking() {
        let (f, v) = ok(r#"policy = "{\"a\": \"\U0001F600é\"}"
"#);
        let a = get(&v, "a");
        assert_eq!(a.data, Data::String("\u{1F600}é".into()));
        assert_eq!(slice(&f, &a.loc), r#"\"\U0001F600é\""#);
        for src in [
            r#"policy = "\\${var.x}""#,
            r#"policy = "\"${var.x}""#,
            r#"policy = "{\"a\": \"\\${var.x}\"}""#,
            r#"policy = "${"\u0001"}""#,
            "policy = <<-EOT\n\t{\"a\":\n\t  1}\n\tEOT\n",
            "policy = <<-EOT\n  ${var.x}\n    {}\n  EOT\n",
            "policy = <<EOT\nEOT\n",
            "policy = \"é${var.x}é\"\n",
        ] {
            let _ = policy(&format!("{}\n", src.trim_end()));
        }
    }

    #[test]
    fn jsonencode_outside_strings_keeps_hcl_spans() {
        let (f, v) = ok(r#"policy = <<EOT
{"Principal": ${jsonencode({ AWS = "*" })}}
EOT
"#);
        let aws = get(get(&v, "Principal"), "AWS");
        assert_eq!(aws.data, Data::String("*".into()));
        assert_eq!(slice(&f, &aws.loc), "\"*\"");
    }

    #[test]
    fn syntax_errors_at_an_unknown_value_are_unknown() {
        // `${var.v}` could be `7`, making `17`: the scan cannot say the JSON is wrong.
        let (f, v) = ok("policy = <<EOT\n{\"Version\": 1${var.v}}\nEOT\n");
        assert_eq!(v.data, Data::Unknown);
        assert!(slice(&f, &v.loc).starts_with("<<EOT"));
        // An error elsewhere is still reported.
        let (f, p) = err("policy = <<EOT\n{\"a\": ${var.v}, \"b\": 1,}\nEOT\n");
        assert_eq!(slice(&f, &p.loc), ",");
    }

    #[test]
    fn crlf_heredocs_map_exactly() {
        for src in [
            "policy = <<-EOT\r\n    {\r\n      \"Principal\": \"*\"\r\n    }\r\n  EOT\r\n",
            "policy = <<EOT\r\n{\r\n  \"Principal\": \"*\"\r\n}\r\nEOT\r\n",
        ] {
            let (f, v) = ok(src);
            let (key, value) = entry(&v, "Principal");
            assert_eq!(slice(&f, &key.loc), "\"Principal\"", "{src:?}");
            assert_eq!(slice(&f, &value.loc), "\"*\"", "{src:?}");
            assert_eq!(f.position(key.loc.span.start).line, 3);
        }
        let (f, p) = err("policy = <<-EOT\r\n  {\"a\": 1,}\r\n  EOT\r\n");
        assert_eq!(slice(&f, &p.loc), ",");
    }

    #[test]
    fn escaped_policy_variables_render_as_written_for_aws() {
        let (f, v) = ok(r#"policy = <<-EOT
  {"Resource": "arn:aws:s3:::b/$${aws:username}/*"}
  EOT
"#);
        let r = get(&v, "Resource");
        assert_eq!(
            r.data,
            Data::String("arn:aws:s3:::b/${aws:username}/*".into())
        );
        assert_eq!(slice(&f, &r.loc), "\"arn:aws:s3:::b/$${aws:username}/*\"");

        let (f, v) = ok(
            r#"policy = "{\"Resource\": \"$${aws:username}\", \"Sid\": \"%%{x}\"}"
"#,
        );
        let r = get(&v, "Resource");
        assert_eq!(r.data, Data::String("${aws:username}".into()));
        assert_eq!(slice(&f, &r.loc), r#"\"$${aws:username}\""#);
        assert_eq!(get(&v, "Sid").data, Data::String("%{x}".into()));
    }

    #[test]
    fn directives_make_the_policy_unknown() {
        let (f, v) = ok(r#"policy = <<EOT
{"Statement": [%{ if var.x }{"Effect": "Allow"}%{ endif }]}
EOT
"#);
        assert_eq!(v.data, Data::Unknown);
        assert!(slice(&f, &v.loc).starts_with("<<EOT"));
        let (_, v) = ok("policy = \"%{ for s in var.x }${s}%{ endfor }\"\n");
        assert_eq!(v.data, Data::Unknown);
    }

    #[test]
    fn strip_markers_trim_whitespace_like_terraform() {
        let (f, v) = ok("policy = <<EOT\n{\"Sid\": \"a   ${~ \"b\" ~}   c\"}\nEOT\n");
        let sid = get(&v, "Sid");
        assert_eq!(sid.data, Data::String("abc".into()));
        assert_eq!(slice(&f, &sid.loc), "\"a   ${~ \"b\" ~}   c\"");
    }

    #[test]
    fn non_templates_are_not_json_strings() {
        let f = file("policy = jsonencode({})\n");
        let body = hcl_edit::parser::parse_body(&f.text).unwrap();
        let attr = body.get_attribute("policy").unwrap();
        assert!(string_json(&attr.value, F, &f, &Evaluator::new(F)).is_none());
    }

    #[test]
    fn empty_policies_are_problems() {
        for src in [
            "policy = \"\"\n",
            "policy = \"  \"\n",
            "policy = <<EOT\n\nEOT\n",
        ] {
            let (f, p) = err(src);
            assert_eq!(p.message, "policy is empty", "{src}");
            assert!(!slice(&f, &p.loc).is_empty());
        }
    }

    #[test]
    fn lenient_json_is_rejected() {
        let cases = [
            ("{\"a\": 1} // c", "// c", "comments"),
            ("{\"a\": 'b'}", "'", "double quotes"),
            ("{a: 1}", "a", "object key"),
            ("{\"a\": 0x1F}", "0", "hexadecimal"),
            ("{\"a\": +1}", "+", "`+`"),
            ("{\"a\": .5}", ".", "decimal point"),
            ("{\"a\": NaN}", "NaN", "unexpected word"),
            ("{\"a\": \"\\x41\"}", "\\x", "escape"),
            ("{\"a\": 1 \"b\": 2}", "", "missing comma"),
            ("{\"a\": \"b\tc\"}", "\t", "tab"),
            ("{\"a\":\u{a0}1}", "\u{a0}", "U+00A0"),
            ("{\"a\": 1} {}", "{", "after the end"),
            ("{\"a\": True}", "True", "unexpected word"),
        ];
        for (json, at, message) in cases {
            let src = format!("policy = <<EOT\n{json}\nEOT\n");
            let (f, p) = err(&src);
            assert!(
                slice(&f, &p.loc).starts_with(at),
                "{json}: {:?} {p:?}",
                slice(&f, &p.loc)
            );
            assert!(p.message.contains(message), "{json}: {}", p.message);
        }
        // A missing comma is reported right after the value that lacks one.
        let (f, p) = err("policy = <<EOT\n{\"a\": 1\n \"b\": 2}\nEOT\n");
        assert_eq!(
            f.position(p.loc.span.start),
            Position { line: 2, column: 8 }
        );
        // A missing closing quote shows as a line break inside the string.
        let (f, p) = err("policy = <<EOT\n{\"a\": \"b,\n \"c\": 2}\nEOT\n");
        assert_eq!(slice(&f, &p.loc), "\n");
        assert!(p.message.contains("line break"), "{}", p.message);
    }

    #[test]
    fn duplicate_keys_are_a_problem_at_the_repeated_key() {
        let (f, p) = err("policy = <<EOT\n{\"a\": 1, \"b\": 2, \"a\": 3}\nEOT\n");
        assert_eq!(p.loc.span.start, f.text.rfind("\"a\"").unwrap());
        assert_eq!(slice(&f, &p.loc), "\"a\"");
        assert!(p.message.contains("duplicate key `a`"), "{}", p.message);
        // Written differently, the same key after JSON escapes; the first repeat in the text wins.
        let (f, p) = err("policy = <<EOT\n{\"S\": [{\"E\": 1, \"\\u0045\": 2}], \"S\": []}\nEOT\n");
        assert_eq!(slice(&f, &p.loc), "\"\\u0045\"");
        // Keys of different objects, or differing in case, do not repeat each other.
        ok("policy = <<EOT\n{\"a\": {\"a\": 1}, \"b\": [{\"a\": 1}, {\"a\": 2}], \"A\": 0}\nEOT\n");
        // A key with an unknown part is not judged.
        ok("policy = <<EOT\n{\"a${var.x}\": 1, \"a${var.x}\": 2}\nEOT\n");
        let p = text_json("{\"x\": {\"k\": 1, \"k\": 2}}", F, 10).unwrap_err();
        assert_eq!(p.loc.span, 25..28);
    }

    #[test]
    fn text_json_maps_offsets_identically() {
        let text = " {\"a\": [1, true, null, \"é\"], \"b\": {}}\n";
        let v = text_json(text, F, 100).unwrap();
        assert_eq!(v.loc.span, 101..100 + text.len() - 1);
        let (key, value) = entry(&v, "a");
        assert_eq!(key.loc.span, 102..105);
        assert_eq!(value.loc.span, 107..128);
        assert_eq!(
            &text[value.loc.span.start - 100..value.loc.span.end - 100],
            "[1, true, null, \"é\"]"
        );
        assert_eq!(at(value, 0).data, Data::Number(1.0));
        assert_eq!(at(value, 1).data, Data::Bool(true));
        assert_eq!(at(value, 2).data, Data::Null);
        assert_eq!(at(value, 3).loc.span, 123..127);

        let p = text_json("[1,]", F, 10).unwrap_err();
        assert_eq!(p.loc.span, 12..13);
        assert_eq!(p.message, "invalid JSON: trailing comma");
        let p = text_json("[1", F, 10).unwrap_err();
        assert_eq!(p.loc.span, 12..12);
        assert_eq!(
            text_json(" ", F, 0).unwrap_err().message,
            "JSON text is empty"
        );
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let deep = format!("{}{}", "[".repeat(500), "]".repeat(500));
        assert!(text_json(&deep, F, 0).is_ok());
        let hostile = "[".repeat(100_000);
        let p = text_json(&hostile, F, 0).unwrap_err();
        assert!(p.message.contains("nested too deeply"), "{}", p.message);
    }
}
