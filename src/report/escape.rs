//! Escaping of text that comes from the scanned tree, shared by every report format.
//!
//! The tree is hostile: a policy `Sid`, a `for_each` key or a file name may hold ESC sequences
//! that drive a terminal, or a line break followed by `::error ...`, which GitHub Actions runs as
//! a workflow command when it starts a line of a log. So text from the input never reaches a
//! report raw: C0 controls (tab excepted), DEL, C1 controls, the bidirectional formatting
//! characters (which reorder what a reviewer reads) and the Unicode line and paragraph
//! separators are written as `\u{1b}`, `\n`, `\r`. The pretty and github formats show this
//! escaped text; JSON and SARIF carry the same escaped text in their display fields (messages,
//! labels, resource addresses), and their writer also encodes any of these characters left in
//! an exact value (a path) as a JSON `\uXXXX` escape, so no raw control byte reaches any output.
//! The XML formats (junit, checkstyle) show this escaped text for every value, paths included,
//! with the XML escaping of `report::xml` on top.

use std::borrow::Cow;
use std::io;

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

/// Whether a character is shown escaped.
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// Appends the escaped form of one unsafe character.
fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        other => out.push_str(&format!("\\u{{{:x}}}", u32::from(other))),
    }
}

/// One-line text as every report shows it: unsafe characters, line breaks included, escaped.
pub fn text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Multi-line source text (a snippet): line feeds and CRLF line ends stay, every other unsafe
/// character is escaped. Also returns, for each escaped character, its original end offset and
/// how many bytes the text has grown by up to there, to move byte spans into the new text.
pub fn source(s: &str) -> Option<(String, Vec<(usize, usize)>)> {
    let keep = |i: usize, c: char| c == '\n' || (c == '\r' && s[i + 1..].starts_with('\n'));
    if !s.char_indices().any(|(i, c)| is_unsafe(c) && !keep(i, c)) {
        return None;
    }
    let mut out = String::with_capacity(s.len() + 64);
    let mut shifts = Vec::new();
    for (i, c) in s.char_indices() {
        if is_unsafe(c) && !keep(i, c) {
            push_escaped(&mut out, c);
            let end = i + c.len_utf8();
            shifts.push((end, out.len() - end));
        } else {
            out.push(c);
        }
    }
    Some((out, shifts))
}

/// Moves a byte offset of the original text into the text [`source`] escaped.
pub fn shift(shifts: &[(usize, usize)], offset: usize) -> usize {
    let i = shifts.partition_point(|&(end, _)| end <= offset);
    offset
        + i.checked_sub(1)
            .and_then(|i| shifts.get(i))
            .map_or(0, |s| s.1)
}

/// Pretty JSON in which no unsafe character is written raw: serde_json escapes C0 controls;
/// this also escapes DEL, C1 controls and the bidirectional and separator characters.
pub fn to_json_pretty<T: Serialize + ?Sized>(value: &T) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    write_json_pretty(&mut out, value)?;
    Ok(out)
}

/// [`to_json_pretty`] written straight to `out`, without holding the document.
pub fn write_json_pretty<T: Serialize + ?Sized>(
    out: &mut dyn io::Write,
    value: &T,
) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, SafeFormatter::default());
    value.serialize(&mut ser).map_err(io::Error::other)
}

#[derive(Default)]
struct SafeFormatter(PrettyFormatter<'static>);

impl Formatter for SafeFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if is_unsafe(c) {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                write!(writer, "\\u{:04x}", u32::from(c))?;
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_text_escapes_controls_and_line_breaks() {
        assert_eq!(text("plain\ttab"), "plain\ttab");
        assert_eq!(
            text("a\n::error x\u{1b}[2J\u{7}\u{0}\u{9b}\r\u{7f}"),
            "a\\n::error x\\u{1b}[2J\\u{7}\\u{0}\\u{9b}\\r\\u{7f}"
        );
        assert_eq!(text("\u{202e}cod\u{2028}"), "\\u{202e}cod\\u{2028}");
    }

    #[test]
    fn source_keeps_line_ends_and_maps_offsets() {
        assert!(source("a\nb\r\nc\t").is_none());
        let (out, shifts) = source("ab\u{1b}c\n\rd").unwrap_or_default();
        assert_eq!(out, "ab\\u{1b}c\n\\rd");
        // `c` at 3 moves past the 6-byte escape that replaced one byte.
        assert_eq!(shift(&shifts, 0), 0);
        assert_eq!(shift(&shifts, 2), 2);
        assert_eq!(shift(&shifts, 3), 8);
        assert_eq!(&out[shift(&shifts, 6)..], "d");
    }

    #[test]
    fn json_has_no_raw_control_character() {
        let json = to_json_pretty(&["a\u{1b}\u{9b}\u{7f}\u{202e}\n"]).unwrap_or_default();
        let s = String::from_utf8(json).unwrap_or_default();
        assert!(!s.chars().any(|c| is_unsafe(c) && c != '\n'), "{s:?}");
        assert!(s.contains(r"a\u001b\u009b\u007f\u202e\n"), "{s}");
        let back: Vec<String> = serde_json::from_str(&s).unwrap_or_default();
        assert_eq!(back, ["a\u{1b}\u{9b}\u{7f}\u{202e}\n"]);
    }
}
