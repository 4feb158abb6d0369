//! A small lexer for HCL native syntax that finds comments and block extents, nothing else.
//!
//! Suppressions live in comments, so the lexer must know exactly what is a comment: `#` or `//`
//! to the end of the line and `/* ... */`, but never inside a quoted string (with its escapes and
//! nested `${...}` / `%{...}` sequences, which may hold strings of their own) or a heredoc body
//! (`<<EOT` / `<<-EOT` up to the line holding only the delimiter). A key policy written as a
//! heredoc may well contain `#` characters, and they must never count.
//!
//! It also records every block whose header (`resource "aws_kms_key" "k" {`) is on one line, so
//! a comment above a header can cover the whole block. The lexer never fails: broken input (an
//! unterminated string or comment) ends the construct at the end of the line or of the file.

use std::ops::Range;

/// How deeply `${...}` sequences may nest inside strings before the lexer stops descending:
/// keeps adversarial input from exhausting the stack.
const MAX_NESTING: usize = 64;

/// One comment: `#...`, `//...` or `/*...*/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Comment {
    /// The whole comment, markers included.
    pub(crate) span: Range<usize>,
    /// The text between the markers (a trailing `\r` excluded).
    pub(crate) body: Range<usize>,
    /// 1-based line of the first character.
    pub(crate) line: usize,
    /// 1-based line of the last character.
    pub(crate) end_line: usize,
    /// Nothing but whitespace and other comments precede it on its line.
    pub(crate) own_line: bool,
}

/// A block whose header is on one line: `type "label" ... {`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Block {
    /// 1-based line of the header.
    pub(crate) header_line: usize,
    /// From the start of the header line to just after the closing brace.
    pub(crate) span: Range<usize>,
    /// Not nested in another block.
    pub(crate) top_level: bool,
}

/// What the lexer found in one file.
#[derive(Debug, Default)]
pub(crate) struct Lexed {
    pub(crate) comments: Vec<Comment>,
    pub(crate) blocks: Vec<Block>,
    /// Per line (index 0 is line 1): the line holds something other than whitespace and comments.
    code_lines: Vec<bool>,
    /// Per line: some comment covers part of the line.
    comment_lines: Vec<bool>,
}

impl Lexed {
    /// Whether a 1-based line holds code (anything but whitespace and comments).
    pub(crate) fn has_code(&self, line: usize) -> bool {
        line.checked_sub(1)
            .and_then(|i| self.code_lines.get(i))
            .copied()
            .unwrap_or(false)
    }

    /// Whether a 1-based line holds a comment and nothing else.
    pub(crate) fn comment_only(&self, line: usize) -> bool {
        !self.has_code(line)
            && line
                .checked_sub(1)
                .and_then(|i| self.comment_lines.get(i))
                .copied()
                .unwrap_or(false)
    }

    pub(crate) fn line_count(&self) -> usize {
        self.code_lines.len()
    }

    /// Start of the first top-level block, if any.
    pub(crate) fn first_block_start(&self) -> Option<usize> {
        self.blocks
            .iter()
            .filter(|b| b.top_level)
            .map(|b| b.span.start)
            .min()
    }
}

/// Byte offset → 1-based line.
struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).max(1)
    }

    fn start_of(&self, line: usize) -> usize {
        self.starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0)
    }
}

/// Lexes one file's text.
pub(crate) fn lex(text: &str) -> Lexed {
    let lines = Lines::new(text);
    let mut lexer = Lexer {
        t: text.as_bytes(),
        text,
        i: 0,
        lines: &lines,
        comments: Vec::new(),
        blocks: Vec::new(),
        open: Vec::new(),
    };
    lexer.code(0, false);
    // Blocks still open at the end of a truncated file end there.
    while let Some(open) = lexer.open.pop() {
        if let Some(at) = open {
            let top_level = lexer.open.is_empty();
            lexer.close(at, text.len(), top_level);
        }
    }
    let Lexer {
        comments,
        mut blocks,
        ..
    } = lexer;
    blocks.sort_by_key(|b| b.span.start);
    let (code_lines, comments) = classify_lines(text, &lines, comments);
    let mut comment_lines = vec![false; code_lines.len()];
    for c in &comments {
        for line in c.line..=c.end_line {
            if let Some(slot) = comment_lines.get_mut(line - 1) {
                *slot = true;
            }
        }
    }
    Lexed {
        comments,
        blocks,
        code_lines,
        comment_lines,
    }
}

struct Lexer<'a> {
    t: &'a [u8],
    text: &'a str,
    i: usize,
    lines: &'a Lines,
    comments: Vec<Comment>,
    blocks: Vec<Block>,
    /// Open braces of the top-level code: the offset of the brace when it opens a block.
    open: Vec<Option<usize>>,
}

impl Lexer<'_> {
    fn at(&self, i: usize) -> u8 {
        self.t.get(i).copied().unwrap_or(0)
    }

    /// Lexes code up to the end of the file, or, inside a template sequence, up to the `}` that
    /// closes it (consumed).
    fn code(&mut self, depth: usize, sequence: bool) {
        // Braces of object literals inside a template sequence.
        let mut inner = 0usize;
        while self.i < self.t.len() {
            let c = self.t[self.i];
            let next = self.at(self.i + 1);
            match c {
                b'#' => self.line_comment(1),
                b'/' if next == b'/' => self.line_comment(2),
                b'/' if next == b'*' => self.block_comment(),
                b'"' => {
                    self.i += 1;
                    self.string(depth);
                }
                b'<' if next == b'<' && self.heredoc() => {}
                b'{' => {
                    if sequence {
                        inner += 1;
                    } else {
                        let opens_block = self.is_header(self.i);
                        self.open.push(opens_block.then_some(self.i));
                    }
                    self.i += 1;
                }
                b'}' => {
                    self.i += 1;
                    if sequence {
                        if inner == 0 {
                            return;
                        }
                        inner -= 1;
                    } else if let Some(Some(at)) = self.open.pop() {
                        let top_level = self.open.is_empty();
                        self.close(at, self.i, top_level);
                    }
                }
                _ => self.i += 1,
            }
        }
    }

    fn close(&mut self, brace: usize, end: usize, top_level: bool) {
        let header_line = self.lines.line(brace);
        self.blocks.push(Block {
            header_line,
            span: self.lines.start_of(header_line)..end,
            top_level,
        });
    }

    /// Whether the text before a `{` on its line is a block header: an identifier followed by
    /// labels (quoted strings or identifiers). `name = {` (an object) and `[{` are not.
    fn is_header(&self, brace: usize) -> bool {
        let start = self.lines.start_of(self.lines.line(brace));
        let prefix = self.text.get(start..brace).unwrap_or("").trim();
        let mut rest = prefix;
        let mut first = true;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('"') {
                if first {
                    return false;
                }
                let Some(close) = after.find('"') else {
                    return false;
                };
                rest = after[close + 1..].trim_start();
            } else {
                let len = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                    .unwrap_or(rest.len());
                let starts_well = rest
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
                if len == 0 || !starts_well {
                    return false;
                }
                rest = rest[len..].trim_start();
            }
            first = false;
        }
        !first
    }

    fn line_comment(&mut self, marker: usize) {
        let start = self.i;
        let end = self.t[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.t.len(), |p| start + p);
        let mut body_end = end;
        if body_end > start + marker && self.t[body_end - 1] == b'\r' {
            body_end -= 1;
        }
        self.push_comment(start..end, start + marker..body_end.max(start + marker));
        self.i = end;
    }

    fn block_comment(&mut self) {
        let start = self.i;
        let close = self.t[start + 2..]
            .windows(2)
            .position(|w| w == b"*/")
            .map(|p| start + 2 + p);
        let (body_end, end) = match close {
            Some(c) => (c, c + 2),
            None => (self.t.len(), self.t.len()),
        };
        self.push_comment(start..end, start + 2..body_end);
        self.i = end;
    }

    fn push_comment(&mut self, span: Range<usize>, body: Range<usize>) {
        let line = self.lines.line(span.start);
        let end_line = self.lines.line(span.end.saturating_sub(1).max(span.start));
        self.comments.push(Comment {
            span,
            body,
            line,
            end_line,
            // Decided once every comment of the file is known.
            own_line: false,
        });
    }

    /// Lexes a quoted string after its opening quote. A newline ends an unterminated string, so
    /// one missing quote does not swallow the rest of the file.
    fn string(&mut self, depth: usize) {
        while self.i < self.t.len() {
            let c = self.t[self.i];
            let next = self.at(self.i + 1);
            match c {
                b'"' => {
                    self.i += 1;
                    return;
                }
                b'\n' => return,
                b'\\' => {
                    self.i += 1;
                    if self.at(self.i) != b'\n' {
                        self.i += 1;
                    }
                }
                // `$${` and `%%{` are literal `${` and `%{`.
                b'$' | b'%' if next == c && self.at(self.i + 2) == b'{' => self.i += 3,
                b'$' | b'%' if next == b'{' => {
                    self.i += 2;
                    if depth < MAX_NESTING {
                        self.code(depth + 1, true);
                    }
                }
                _ => self.i += 1,
            }
        }
    }

    /// At `<<`: when a heredoc starts here (`<<EOT` or `<<-EOT` then the end of the line), skips
    /// it up to and including its delimiter line and returns true.
    fn heredoc(&mut self) -> bool {
        let mut j = self.i + 2;
        if self.at(j) == b'-' {
            j += 1;
        }
        let name_start = j;
        if !(self.at(j).is_ascii_alphabetic() || self.at(j) == b'_') {
            return false;
        }
        while self.at(j).is_ascii_alphanumeric() || self.at(j) == b'_' || self.at(j) == b'-' {
            j += 1;
        }
        let name = &self.t[name_start..j];
        if self.at(j) == b'\r' {
            j += 1;
        }
        if self.at(j) != b'\n' {
            return false;
        }
        let mut line_start = j + 1;
        while line_start < self.t.len() {
            let line_end = self.t[line_start..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(self.t.len(), |p| line_start + p);
            let line = self.t[line_start..line_end].trim_ascii();
            if line == name {
                self.i = line_end;
                return true;
            }
            line_start = line_end + 1;
        }
        self.i = self.t.len();
        true
    }
}

/// Marks the lines that hold code and decides which comments stand on their own line.
fn classify_lines(
    text: &str,
    lines: &Lines,
    mut comments: Vec<Comment>,
) -> (Vec<bool>, Vec<Comment>) {
    let bytes = text.as_bytes();
    let mut code = vec![false; lines.starts.len()];
    // The first code byte of each line, to tell an end-of-line comment from one on its own line.
    let mut first_code: Vec<Option<usize>> = vec![None; lines.starts.len()];
    let mut next_comment = 0;
    let mut i = 0;
    let mut line = 1;
    while i < bytes.len() {
        if let Some(c) = comments.get(next_comment)
            && c.span.start == i
        {
            i = c.span.end;
            // A comment may span lines; a line comment stops before its newline.
            line = lines.line(i);
            next_comment += 1;
            continue;
        }
        match bytes[i] {
            b'\n' => line += 1,
            b' ' | b'\t' | b'\r' => {}
            _ => {
                if let Some(slot) = code.get_mut(line - 1) {
                    *slot = true;
                }
                if let Some(slot) = first_code.get_mut(line - 1) {
                    slot.get_or_insert(i);
                }
            }
        }
        i += 1;
    }
    for c in &mut comments {
        c.own_line = first_code
            .get(c.line - 1)
            .copied()
            .flatten()
            .is_none_or(|first| first > c.span.start);
    }
    (code, comments)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bodies(text: &str) -> Vec<&str> {
        lex(text)
            .comments
            .iter()
            .map(|c| &text[c.body.clone()])
            .collect()
    }

    #[test]
    fn three_comment_styles() {
        let text = "# a\n// b\n/* c\n d */ x = 1 # e\r\n";
        assert_eq!(bodies(text), [" a", " b", " c\n d ", " e"]);
        let lexed = lex(text);
        let own: Vec<bool> = lexed.comments.iter().map(|c| c.own_line).collect();
        assert_eq!(own, [true, true, true, false]);
        assert_eq!(lexed.comments[2].end_line, 4);
        assert!(lexed.comment_only(1) && lexed.comment_only(3));
        assert!(lexed.has_code(4));
    }

    #[test]
    fn hash_in_strings_and_heredocs_is_not_a_comment() {
        let text = r##"a = "# no ${"#" + "}"} // no"
b = <<-EOT
  # no
  /* no */
  EOT
c = "$${ # no" # yes
d = "%{ if true }#%{ endif }" // yes
"##;
        assert_eq!(bodies(text), [" yes", " yes"]);
    }

    #[test]
    fn heredoc_without_delimiter_runs_to_the_end() {
        assert!(bodies("p = <<EOT\n# no\n").is_empty());
        // `<<` not followed by a name and a newline is not a heredoc.
        assert_eq!(bodies("x = a << b # yes\n"), [" yes"]);
    }

    #[test]
    fn unterminated_string_ends_at_the_line_end() {
        assert_eq!(bodies("a = \"oops\n# yes\n"), [" yes"]);
    }

    #[test]
    fn blocks_and_headers() {
        let text = "resource \"aws_kms_key\" \"k\" {\n  tags = {\n    a = \"}\"\n  }\n  dynamic \"x\" {\n  }\n}\nlocals {\n}\n";
        let lexed = lex(text);
        let found: Vec<(usize, bool)> = lexed
            .blocks
            .iter()
            .map(|b| (b.header_line, b.top_level))
            .collect();
        assert_eq!(found, [(1, true), (5, false), (8, true)]);
        assert_eq!(lexed.blocks[0].span, 0..text.find("\nlocals").unwrap());
        assert_eq!(lexed.first_block_start(), Some(0));
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let text = "a = \"".to_string() + &"${\"".repeat(100_000) + "\n# yes\n";
        assert_eq!(bodies(&text).last(), Some(&" yes"));
    }

    #[test]
    fn unterminated_block_comment_and_braces() {
        let lexed = lex("resource \"a\" \"b\" {\n/* open");
        assert_eq!(lexed.blocks.len(), 1);
        assert_eq!(lexed.comments.len(), 1);
        assert_eq!(lexed.line_count(), 2);
    }
}
