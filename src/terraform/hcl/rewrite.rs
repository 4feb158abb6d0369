//! Byte-preserving rewrites of three constructs Terraform accepts and hcl-edit rejects.
//!
//! - An object constructor that repeats a key (`{ a = 1, a = 2 }`): Terraform keeps the last
//!   value; hcl-edit refuses the file. Every earlier occurrence is renamed to a placeholder of
//!   the same length, and the parser layer removes those entries from the tree after parsing.
//! - A line break inside a `{ for ... : k => v }` expression (after `?`, `:`, `&&`...): HCL ignores
//!   line breaks inside a `for` expression; hcl-edit does not in an object `for`. Those line
//!   breaks (and comments ending at them) become spaces.
//! - A heredoc line that only starts with the delimiter (`EOF"` inside `<<EOF`): Terraform ends a
//!   heredoc only on a line that is exactly the delimiter; hcl-edit ends it early. The delimiter
//!   is renamed (opening and closing) to one of the same length that no line of the text holds,
//!   and restored in the tree after parsing.
//!
//! Every rewrite keeps each byte at its offset, so spans from the rewritten text index the
//! original text, and line/column come from the original. Only string values never change:
//! replaced bytes are whitespace, comments, delimiters and keys that are dropped.

use std::collections::{BTreeMap, BTreeSet};

/// The rewritten text and what the tree needs restored.
pub(super) struct Rewrite {
    /// Same length as the original, every byte at its offset.
    pub(super) text: String,
    /// Span starts of object keys that a later equal key overrides.
    pub(super) dropped_keys: BTreeSet<usize>,
    /// Offset of each renamed heredoc's `<<`, and its delimiter as written.
    pub(super) heredocs: BTreeMap<usize, String>,
}

/// The rewrite of `text`, or `None` when none of the three constructs occurs.
pub(super) fn rewrite(text: &str) -> Option<Rewrite> {
    let mut lexer = Lexer {
        text,
        bytes: text.as_bytes(),
        out: text.as_bytes().to_vec(),
        i: 0,
        stack: vec![Ctx::Body { value: false }],
        changed: false,
        dropped_keys: BTreeSet::new(),
        heredocs: BTreeMap::new(),
    };
    lexer.run();
    if !lexer.changed {
        return None;
    }
    // Only ASCII bytes replaced ASCII bytes, or whole comments became spaces.
    let text = String::from_utf8(lexer.out).ok()?;
    Some(Rewrite {
        text,
        dropped_keys: lexer.dropped_keys,
        heredocs: lexer.heredocs,
    })
}

/// Offsets, about `size` bytes apart, where a top-level block or attribute starts at the
/// beginning of a line: the file can be parsed piece by piece from them.
pub(super) fn pieces(text: &str, size: usize) -> Vec<usize> {
    let mut lexer = Lexer {
        text,
        bytes: text.as_bytes(),
        out: Vec::new(),
        i: 0,
        stack: vec![Ctx::Body { value: false }],
        changed: false,
        dropped_keys: BTreeSet::new(),
        heredocs: BTreeMap::new(),
    };
    let mut breaks = Vec::new();
    let mut last = 0;
    while lexer.i < lexer.bytes.len() {
        let i = lexer.i;
        if i >= last + size
            && lexer.at(i.wrapping_sub(1)) == b'\n'
            && lexer.char_at(i).is_some_and(is_id_start)
            && matches!(lexer.stack.as_slice(), [Ctx::Body { value: false }])
        {
            breaks.push(i);
            last = i;
        }
        if matches!(lexer.stack.last(), Some(Ctx::Quoted)) {
            lexer.quoted();
        } else {
            lexer.code();
        }
    }
    breaks
}

/// Where the lexer is.
enum Ctx {
    /// A file or block body; `value` while inside an attribute's expression.
    Body {
        value: bool,
    },
    Object(ObjectItems),
    /// `{ for ... }`: line breaks at this depth are insignificant to HCL.
    ForObject,
    /// `(` or `[`.
    Group,
    /// A quoted template.
    Quoted,
    /// `${ ... }` or `%{ ... }` inside a quoted template.
    Interp,
}

#[derive(Default)]
struct ObjectItems {
    expect_key: bool,
    keys: Vec<Key>,
}

/// A literal object key: an identifier or a quoted string without interpolation.
struct Key {
    /// The identifier, or the raw content between the quotes.
    text: String,
    quoted: bool,
    /// Offset of the key's first byte (the quote for a string).
    start: usize,
}

struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    out: Vec<u8>,
    i: usize,
    stack: Vec<Ctx>,
    changed: bool,
    dropped_keys: BTreeSet<usize>,
    heredocs: BTreeMap<usize, String>,
}

fn is_id_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_id_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

impl Lexer<'_> {
    fn at(&self, i: usize) -> u8 {
        self.bytes.get(i).copied().unwrap_or(0)
    }

    fn char_at(&self, i: usize) -> Option<char> {
        self.text.get(i..).and_then(|r| r.chars().next())
    }

    fn line_end(&self, from: usize) -> usize {
        self.text
            .get(from..)
            .and_then(|r| r.find('\n'))
            .map_or(self.bytes.len(), |n| from + n)
    }

    fn blank(&mut self, range: std::ops::Range<usize>) {
        for b in self.out.get_mut(range).into_iter().flatten() {
            if *b != b' ' {
                *b = b' ';
                self.changed = true;
            }
        }
    }

    fn ident_end(&self, from: usize) -> usize {
        let rest = self.text.get(from..).unwrap_or("");
        rest.char_indices()
            .find(|&(_, c)| !is_id_continue(c))
            .map_or(self.bytes.len(), |(n, _)| from + n)
    }

    fn run(&mut self) {
        while self.i < self.bytes.len() {
            if matches!(self.stack.last(), Some(Ctx::Quoted)) {
                self.quoted();
            } else {
                self.code();
            }
        }
        // Objects left open at the end of the file still report their repeated keys: the
        // parser's error is then about the missing brace.
        while let Some(ctx) = self.stack.pop() {
            if let Ctx::Object(items) = ctx {
                self.rename_repeated(items);
            }
        }
    }

    fn quoted(&mut self) {
        let i = self.i;
        match self.at(i) {
            b'\\' => self.i += 2,
            b'"' => {
                self.stack.pop();
                self.i += 1;
            }
            b'\n' => {
                // An unterminated string: the parser reports it.
                self.stack.pop();
                self.i += 1;
            }
            b'$' | b'%' if self.at(i + 1) == self.at(i) && self.at(i + 2) == b'{' => self.i += 3,
            b'$' | b'%' if self.at(i + 1) == b'{' => {
                self.stack.push(Ctx::Interp);
                self.i += 2;
            }
            _ => self.i += 1,
        }
    }

    fn code(&mut self) {
        let i = self.i;
        let b = self.at(i);
        match b {
            b' ' | b'\t' | b'\r' => self.i += 1,
            b'\n' => {
                match self.stack.last_mut() {
                    Some(Ctx::Body { value }) => *value = false,
                    Some(Ctx::Object(items)) => items.expect_key = true,
                    Some(Ctx::ForObject) => {
                        let from = if i > 0 && self.at(i - 1) == b'\r' {
                            i - 1
                        } else {
                            i
                        };
                        self.blank(from..i + 1);
                    }
                    _ => {}
                }
                self.i += 1;
            }
            b'#' => self.line_comment(),
            b'/' if self.at(i + 1) == b'/' => self.line_comment(),
            b'/' if self.at(i + 1) == b'*' => {
                let end = self
                    .text
                    .get(i + 2..)
                    .and_then(|r| r.find("*/"))
                    .map_or(self.bytes.len(), |n| i + 2 + n + 2);
                if matches!(self.stack.last(), Some(Ctx::ForObject)) {
                    self.blank(i..end);
                }
                self.i = end;
            }
            _ if self.object_key() => {}
            b'"' => {
                self.stack.push(Ctx::Quoted);
                self.i += 1;
            }
            b'<' if self.at(i + 1) == b'<' => self.heredoc(),
            b'{' => {
                let ctx = match self.stack.last() {
                    Some(Ctx::Body { value: false }) => Ctx::Body { value: false },
                    _ if self.opens_for(i + 1) => Ctx::ForObject,
                    _ => Ctx::Object(ObjectItems {
                        expect_key: true,
                        keys: Vec::new(),
                    }),
                };
                self.stack.push(ctx);
                self.i += 1;
            }
            b'[' | b'(' => {
                self.stack.push(Ctx::Group);
                self.i += 1;
            }
            b'}' => {
                if self.stack.len() > 1 {
                    if let Some(Ctx::Object(items)) = self.stack.pop() {
                        self.rename_repeated(items);
                    }
                }
                self.i += 1;
            }
            b']' | b')' => {
                if matches!(self.stack.last(), Some(Ctx::Group)) {
                    self.stack.pop();
                }
                self.i += 1;
            }
            b'=' => {
                if let Some(Ctx::Body { value }) = self.stack.last_mut() {
                    *value = true;
                }
                self.i += 1;
            }
            b',' => {
                if let Some(Ctx::Object(items)) = self.stack.last_mut() {
                    items.expect_key = true;
                }
                self.i += 1;
            }
            _ => self.i += 1,
        }
    }

    fn line_comment(&mut self) {
        let end = self.line_end(self.i);
        if matches!(self.stack.last(), Some(Ctx::ForObject)) {
            // The line break after it becomes a space: the comment must not swallow the rest.
            self.blank(self.i..end);
        }
        self.i = end;
    }

    /// Whether `{` at `from - 1` opens a `for` expression.
    fn opens_for(&self, from: usize) -> bool {
        let mut j = from;
        loop {
            match self.at(j) {
                b' ' | b'\t' | b'\r' | b'\n' => j += 1,
                b'#' => j = self.line_end(j),
                b'/' if self.at(j + 1) == b'/' => j = self.line_end(j),
                _ => break,
            }
        }
        self.text.get(j..).is_some_and(|r| r.starts_with("for"))
            && self.char_at(j + 3).is_none_or(|c| !is_id_continue(c))
    }

    /// At the start of an object item: records a literal key and moves past it. Returns
    /// whether the byte was consumed.
    fn object_key(&mut self) -> bool {
        let i = self.i;
        let Some(Ctx::Object(items)) = self.stack.last() else {
            return false;
        };
        if !items.expect_key {
            return false;
        }
        let key = match self.char_at(i) {
            Some(c) if is_id_start(c) => {
                let end = self.ident_end(i);
                Some((self.text.get(i..end).unwrap_or("").to_string(), false, end))
            }
            Some('"') => self.simple_string(i).map(|end| {
                let content = self.text.get(i + 1..end - 1).unwrap_or("").to_string();
                (content, true, end)
            }),
            _ => None,
        }
        .filter(|&(_, _, end)| self.assigns(end));
        let Some(Ctx::Object(items)) = self.stack.last_mut() else {
            return false;
        };
        items.expect_key = false;
        match key {
            Some((text, quoted, end)) => {
                items.keys.push(Key {
                    text,
                    quoted,
                    start: i,
                });
                self.i = end;
                true
            }
            None => false,
        }
    }

    /// Whether `=` or `:` (an item's assignment) follows `from` on the same line: `a.b = 1`
    /// has no literal key.
    fn assigns(&self, from: usize) -> bool {
        let rest = self.text.get(from..).unwrap_or("");
        let rest = rest.trim_start_matches([' ', '\t']);
        (rest.starts_with('=') && !rest.starts_with("==")) || rest.starts_with(':')
    }

    /// The end (after the closing quote) of a one-line quoted string at `start` without
    /// interpolations or directives.
    fn simple_string(&self, start: usize) -> Option<usize> {
        let mut j = start + 1;
        loop {
            match self.at(j) {
                b'\\' => j += 2,
                b'"' => return Some(j + 1),
                b'\n' | 0 => return None,
                b'$' | b'%' if self.at(j + 1) == b'{' => return None,
                _ => j += 1,
            }
        }
    }

    fn heredoc(&mut self) {
        let start = self.i;
        let mut j = start + 2;
        if self.at(j) == b'-' {
            j += 1;
        }
        let name_start = j;
        let name_end = match self.char_at(j) {
            Some(c) if is_id_start(c) => self.ident_end(j),
            _ => {
                self.i = start + 2;
                return;
            }
        };
        let mut k = name_end;
        if self.at(k) == b'\r' {
            k += 1;
        }
        if self.at(k) != b'\n' {
            self.i = start + 2;
            return;
        }
        let delim = self.text.get(name_start..name_end).unwrap_or("");
        let mut pos = k + 1;
        let mut conflict = false;
        let mut close = None;
        while pos < self.bytes.len() {
            let end = self.line_end(pos);
            let line = self.text.get(pos..end).unwrap_or("");
            let lead = line.len() - line.trim_start_matches([' ', '\t']).len();
            let rest = &line[lead..];
            if rest.trim_end_matches([' ', '\t', '\r']) == delim {
                close = Some(pos + lead);
                break;
            }
            // hcl-edit ends the heredoc here; Terraform does not.
            if rest
                .strip_prefix(delim)
                .is_some_and(|after| after.chars().next().is_none_or(|c| !is_id_continue(c)))
            {
                conflict = true;
            }
            pos = end + 1;
        }
        let Some(close) = close else {
            // Unterminated: the parser reports it.
            self.i = self.bytes.len();
            return;
        };
        if conflict {
            if let Some(name) = self.fresh_delimiter(delim.len()) {
                self.heredocs.insert(start, delim.to_string());
                let len = delim.len();
                for at in [name_start, close] {
                    if let Some(slot) = self.out.get_mut(at..at + len) {
                        slot.copy_from_slice(name.as_bytes());
                    }
                }
                self.changed = true;
            }
        }
        self.i = close + delim.len();
    }

    /// An ASCII identifier of `len` bytes that occurs nowhere in the text.
    fn fresh_delimiter(&self, len: usize) -> Option<String> {
        (0..100_000)
            .map(|n| placeholder(n, len))
            .take_while(Option::is_some)
            .flatten()
            .find(|c| !self.text.contains(c.as_str()))
    }

    /// Renames every key of a finished object that a later equal key overrides.
    fn rename_repeated(&mut self, items: ObjectItems) {
        let mut last: BTreeMap<(bool, &str), usize> = BTreeMap::new();
        let mut repeated = Vec::new();
        for (n, key) in items.keys.iter().enumerate() {
            if let Some(earlier) = last.insert((key.quoted, key.text.as_str()), n) {
                repeated.push(earlier);
            }
        }
        if repeated.is_empty() {
            return;
        }
        let mut taken: BTreeSet<String> = items.keys.iter().map(|k| k.text.clone()).collect();
        for n in repeated {
            let Some(key) = items.keys.get(n) else {
                continue;
            };
            let Some(name) = (0..100_000)
                .map(|m| placeholder(m, key.text.len()))
                .take_while(Option::is_some)
                .flatten()
                .find(|c| !taken.contains(c))
            else {
                continue;
            };
            let at = key.start + usize::from(key.quoted);
            if let Some(slot) = self.out.get_mut(at..at + name.len()) {
                slot.copy_from_slice(name.as_bytes());
                self.changed = true;
                self.dropped_keys.insert(key.start);
            }
            taken.insert(name);
        }
    }
}

/// The `n`-th ASCII identifier of `len` bytes (`_`, `_0`, `_1`...; single letters for length 1),
/// or `None` past the last one.
fn placeholder(n: usize, len: usize) -> Option<String> {
    const FIRST: &[u8] = b"_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    const REST: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_";
    if len == 0 {
        return None;
    }
    if len == 1 {
        return FIRST.get(n).map(|&c| char::from(c).to_string());
    }
    let mut out = vec![b'_'; len];
    let mut rest = n;
    for slot in out.iter_mut().skip(1).rev() {
        *slot = REST[rest % REST.len()];
        rest /= REST.len();
    }
    (rest == 0).then(|| String::from_utf8(out).ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rewritten text, checked to keep every byte's offset.
    fn rewritten(text: &str) -> Rewrite {
        let r = rewrite(text).expect("a rewrite");
        assert_eq!(r.text.len(), text.len());
        assert_eq!(
            r.text.lines().count(),
            text.lines().count().min(r.text.lines().count())
        );
        r
    }

    #[test]
    fn valid_constructs_are_left_alone() {
        for text in [
            "x = { a = 1, b = { a = 2 } }\n",
            "x = { for k in y : k => k }\n",
            "x = [for k in y : k\n  if k != null]\n",
            "x = <<EOF\nEOFX\n EOF-1\nEOF\n",
            "block \"a\" {\n  a = 1\n}\nblock \"b\" {\n  a = 1\n}\n",
            "x = \"${ { a = 1 }.a }, { a = 1, a = 2 }\"\n",
            "x = { a.b = 1, a = 2 }\n",
        ] {
            assert!(rewrite(text).is_none(), "{text}");
        }
    }

    #[test]
    fn repeated_keys_are_renamed_in_place() {
        let r = rewritten("x = {\n  ab = 1\n  \"q\" = 2\n  ab = 3\n  q = 4, \"q\" = 5\n}\n");
        assert_eq!(
            r.text,
            "x = {\n  _0 = 1\n  \"_\" = 2\n  ab = 3\n  q = 4, \"q\" = 5\n}\n"
        );
        assert_eq!(r.dropped_keys.into_iter().collect::<Vec<_>>(), [8, 17]);
    }

    #[test]
    fn placeholders_do_not_collide_with_other_keys() {
        let r = rewritten("x = { _0 = 1, ab = 2, ab = 3, ab = 4 }\n");
        assert_eq!(r.text, "x = { _0 = 1, _1 = 2, _2 = 3, ab = 4 }\n");
    }

    #[test]
    fn for_object_line_breaks_become_spaces() {
        let text = "x = { for k in y : k => a ? b : # note\r\n  c ? d : [\n e,\n ]\n}\nz = 1\n";
        let r = rewritten(text);
        assert_eq!(
            r.text,
            "x = { for k in y : k => a ? b :           c ? d : [\n e,\n ] }\nz = 1\n"
        );
    }

    #[test]
    fn objects_inside_a_for_object_keep_their_line_breaks() {
        let text = "x = { for k in y : k => {\n  a = 1\n  b = k ? 1 :\n 2 }\n}\n";
        let r = rewritten(text);
        assert_eq!(
            r.text,
            "x = { for k in y : k => {\n  a = 1\n  b = k ? 1 :\n 2 } }\n"
        );
    }

    #[test]
    fn a_heredoc_delimiter_that_content_starts_with_is_renamed() {
        let text = "x = <<-EOF\n  EOF\"\n  EOF \n y = 1\n";
        let r = rewritten(text);
        assert_eq!(r.text, "x = <<-_00\n  EOF\"\n  _00 \n y = 1\n");
        assert_eq!(r.heredocs.get(&4).map(String::as_str), Some("EOF"));
    }

    #[test]
    fn strings_and_comments_are_not_code() {
        // Braces, keys and `<<` inside strings and comments do not count.
        let text =
            "# { a = 1, a = 2 }\nx = \"{ a = 1, a = 2 } <<EOF\"\n/* { for k in y : k =>\n k } */\n";
        assert!(rewrite(text).is_none());
    }
}
