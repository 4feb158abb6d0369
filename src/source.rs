//! Source files held in memory, byte spans into them, and byte → line/column mapping.
//!
//! Every location kmslint reports is a byte range into one `SourceFile`. Line and column are
//! computed only when a report is written. Columns count Unicode code points (SARIF
//! `columnKind: unicodeCodePoints`), starting at 1; CRLF line endings and a leading UTF-8 BOM
//! do not shift them.

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::diagnostic::{InputError, InputErrorKind};

/// Index of a file in the [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub(crate) u32);

/// A byte range in one source file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Loc {
    pub file: FileId,
    pub span: Range<usize>,
}

impl Loc {
    pub(crate) fn new(file: FileId, span: Range<usize>) -> Self {
        Loc { file, span }
    }
}

/// A secondary location with a short explanation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Related {
    pub loc: Loc,
    pub message: String,
}

/// A 1-based line and column (in Unicode code points).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Default for Position {
    fn default() -> Self {
        Position { line: 1, column: 1 }
    }
}

/// One input file: its display path and its text with the BOM (if any) removed.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as shown to users: relative to the working directory when possible, `/`-separated.
    pub display: String,
    /// Path used to read the file.
    pub path: PathBuf,
    /// Text without a leading UTF-8 BOM; spans index into this text.
    pub text: String,
    /// Byte length of the BOM that was removed (0 or 3); added to offsets reported as bytes.
    pub bom_len: usize,
    /// Byte offset of each line's start; 4 bytes each, as a large pretty-printed plan has tens of
    /// millions of lines (files are capped far below 4 GiB).
    line_starts: Vec<u32>,
    /// For a file read through a translation (the JSON configuration syntax, parsed as the
    /// equivalent native text): where each offset of the translation is in `text`.
    parsed_as: std::sync::OnceLock<SpanMap>,
    /// Other files whose text spans of this file may point into, each past this file's text
    /// (the override files merged into its blocks).
    borrowed: std::sync::OnceLock<Vec<Borrowed>>,
}

/// Offsets `base..base + len` of spans of a file stand for offsets `0..len` of file `id`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Borrowed {
    pub base: usize,
    pub len: usize,
    pub id: FileId,
}

/// Offsets of a translated text → offsets of the file it was made from: pieces, sorted by their
/// start in the translation, each copied from the file (offsets inside map one to one) or made
/// up for it (every offset inside maps to the piece's place in the file).
#[derive(Debug, Default)]
pub struct SpanMap {
    pieces: Vec<(u32, u32, bool)>,
}

impl SpanMap {
    /// `pieces`: (start in the translation, place in the file, copied), by start.
    pub(crate) fn new(pieces: Vec<(u32, u32, bool)>) -> Self {
        SpanMap { pieces }
    }

    fn map(&self, offset: usize) -> usize {
        let at = u32::try_from(offset).unwrap_or(u32::MAX);
        let i = self.pieces.partition_point(|p| p.0 <= at);
        match i.checked_sub(1).and_then(|i| self.pieces.get(i)) {
            Some(&(start, place, true)) => place as usize + (at - start) as usize,
            Some(&(_, place, false)) => place as usize,
            None => offset,
        }
    }
}

impl SourceFile {
    pub(crate) fn new(path: PathBuf, display: String, mut text: String) -> Self {
        let bom_len = if text.starts_with('\u{feff}') {
            text.drain(..3);
            3
        } else {
            0
        };
        // Sized up front: a module's files are all held at once, and growing by doubling
        // leaves up to half of a large file's index unused.
        let mut line_starts = Vec::with_capacity(text.bytes().filter(|&b| b == b'\n').count() + 1);
        line_starts.push(0);
        line_starts.extend(
            text.match_indices('\n')
                .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        SourceFile {
            display,
            path,
            text,
            bom_len,
            line_starts,
            parsed_as: std::sync::OnceLock::new(),
            borrowed: std::sync::OnceLock::new(),
        }
    }

    /// Records the other files spans of this file may point into; the first record stays.
    pub(crate) fn set_borrowed(&self, borrowed: Vec<Borrowed>) {
        let _ = self.borrowed.set(borrowed);
    }

    /// The file and offset an offset past this file's text stands for.
    fn lender(&self, offset: usize) -> Option<Borrowed> {
        self.borrowed
            .get()?
            .iter()
            .find(|b| offset >= b.base && offset <= b.base + b.len)
            .copied()
    }

    /// Records that spans given for this file index a translation of its text (see
    /// [`SpanMap`]); the first map recorded stays (every translation of a text is the same).
    pub(crate) fn set_span_map(&self, map: SpanMap) {
        let _ = self.parsed_as.set(map);
    }

    /// The offset in `text` of an offset of a span.
    fn in_text(&self, offset: usize) -> usize {
        self.parsed_as.get().map_or(offset, |m| m.map(offset))
    }

    /// A span with its offsets in `text`; the end is taken from the last byte inside.
    pub fn text_span(&self, span: &Range<usize>) -> Range<usize> {
        let mapped = self.mapped(span);
        let len = self.text.len();
        let start = mapped.start.min(len);
        let mut end = mapped.end.min(len).max(start);
        while end < len && !self.text.is_char_boundary(end) {
            end += 1;
        }
        start..end
    }

    /// A span through the translation map, not clamped to the text (it may be borrowed).
    fn mapped(&self, span: &Range<usize>) -> Range<usize> {
        let Some(map) = self.parsed_as.get() else {
            return span.clone();
        };
        let start = map.map(span.start);
        let end = if span.end > span.start {
            map.map(span.end - 1) + 1
        } else {
            start
        };
        start..end.max(start)
    }

    /// Line and column of a byte offset; offsets past the end clamp to the end.
    pub fn position(&self, offset: usize) -> Position {
        self.position_in_text(self.in_text(offset))
    }

    /// [`position`](Self::position) of an offset already in `text`.
    pub(crate) fn position_in_text(&self, offset: usize) -> Position {
        let offset = self.floor_char_boundary(offset.min(self.text.len()));
        let line = self
            .line_starts
            .partition_point(|&s| s as usize <= offset)
            .saturating_sub(1);
        let start = self.line_start(line).unwrap_or(0);
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        Position {
            line: line + 1,
            column,
        }
    }

    /// Start and end positions of a span; the end column is the column after the last character.
    pub fn range(&self, span: &Range<usize>) -> (Position, Position) {
        let span = self.text_span(span);
        (
            self.position_in_text(span.start),
            self.position_in_text(span.end),
        )
    }

    /// The text of one line (1-based) without its line terminator.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_start(line.wrapping_sub(1)).unwrap_or(0);
        let end = self.line_start(line).unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    /// Byte range of a 1-based line, including its terminator.
    pub fn line_span(&self, line: usize) -> Option<Range<usize>> {
        let start = self.line_start(line.checked_sub(1)?)?;
        let end = self.line_start(line).unwrap_or(self.text.len());
        Some(start..end)
    }

    /// Byte offset of a 1-based line/column pair, as reported by a parser.
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let start = self
            .line_start(line.saturating_sub(1))
            .unwrap_or(self.text.len());
        let rest = self.text.get(start..).unwrap_or("");
        rest.char_indices()
            .nth(column.saturating_sub(1))
            .map_or(self.text.len(), |(i, _)| start + i)
    }

    /// The source text of a span (empty if the span is not valid for this file).
    pub fn slice(&self, span: &Range<usize>) -> &str {
        self.text.get(self.text_span(span)).unwrap_or("")
    }

    /// Byte offset of the start of a 0-based line.
    fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts.get(line).map(|&s| s as usize)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The start of the character that holds byte `offset`.
    pub(crate) fn floor_char_boundary(&self, mut offset: usize) -> usize {
        while offset > 0 && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

/// All files read during one run, addressed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<std::sync::Arc<SourceFile>>,
}

impl SourceMap {
    pub(crate) fn from_files(files: Vec<std::sync::Arc<SourceFile>>) -> Self {
        SourceMap { files }
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize).map(|f| &**f)
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), &**f))
    }

    /// Display path of a file, or an empty string for an unknown id.
    pub fn display(&self, id: FileId) -> &str {
        self.get(id).map_or("", |f| f.display.as_str())
    }

    /// Whether a file's spans index a translation of its text (see [`SpanMap`]).
    pub(crate) fn has_translations(&self) -> bool {
        self.files
            .iter()
            .any(|f| f.parsed_as.get().is_some() || f.borrowed.get().is_some())
    }

    /// A location as a place in a file's text: in the file a borrowed span came from, with
    /// offsets in that file's text.
    pub(crate) fn settle(&self, loc: &mut Loc) {
        let Some(file) = self.get(loc.file) else {
            return;
        };
        // Borrowed before translation (an override's spans), or after (a Terragrunt unit's
        // copy of an included file's expression).
        let span = match file.lender(loc.span.start) {
            Some(b) => Some((b, loc.span.clone())),
            None => {
                let mapped = file.mapped(&loc.span);
                file.lender(mapped.start).map(|b| (b, mapped))
            }
        };
        if let Some((b, span)) = span {
            loc.file = b.id;
            let start = span.start - b.base;
            let end = span.end.saturating_sub(b.base).min(b.len).max(start);
            loc.span = start..end;
        }
        if let Some(file) = self.get(loc.file) {
            loc.span = file.text_span(&loc.span);
        }
    }

    /// The error's place in a file's text (see [`settle`](Self::settle)).
    pub(crate) fn settle_error(&self, e: &mut InputError) {
        let (Some(id), Some(span)) = (e.file, e.span.clone()) else {
            return;
        };
        let mut loc = Loc::new(id, span);
        self.settle(&mut loc);
        if loc.file != id {
            if let Some(lender) = self.get(loc.file) {
                e.path = lender.display.clone();
                e.position = lender.position_in_text(loc.span.start);
            }
        }
        e.file = Some(loc.file);
        e.span = Some(loc.span);
    }

    /// The same files, each with its spans in its text: once every location was rewritten with
    /// [`text_span`](Self::text_span), reports read them as they read any file's.
    pub(crate) fn settled(self) -> SourceMap {
        let files = self
            .files
            .into_iter()
            .map(|f| {
                if f.parsed_as.get().is_none() {
                    return f;
                }
                std::sync::Arc::new(SourceFile {
                    display: f.display.clone(),
                    path: f.path.clone(),
                    text: f.text.clone(),
                    bom_len: f.bom_len,
                    line_starts: f.line_starts.clone(),
                    parsed_as: std::sync::OnceLock::new(),
                    borrowed: std::sync::OnceLock::new(),
                })
            })
            .collect();
        SourceMap { files }
    }
}

/// Turns a path into the `/`-separated form shown to users, relative to `base` when inside it.
pub(crate) fn display_path(path: &Path, base: &Path) -> String {
    // `..` is resolved as Terraform resolves module sources, so a file reached through a module
    // call (`root/../modules/kms`) shows as `modules/kms`, whichever way it was first read.
    let path = crate::files::normalize(path);
    let base = crate::files::normalize(base);
    // A file outside the working directory but beside it (`envs/prod` calling
    // `../../modules/kms`) is shown climbing out of it, as when the tree is named relatively,
    // so the report is the same whichever way the scan was invoked.
    let climbed = (path.is_absolute() && base.is_absolute())
        .then(|| {
            let shared = path
                .components()
                .zip(base.components())
                .take_while(|(a, b)| a == b)
                .filter(|(a, _)| matches!(a, std::path::Component::Normal(_)))
                .count();
            (shared > 0).then(|| crate::files::relative(&path, &base))?
        })
        .flatten();
    let rel = match &climbed {
        Some(rel) => rel.as_path(),
        None => path.strip_prefix(&base).unwrap_or(&path),
    };
    let mut parts: Vec<String> = Vec::new();
    for c in rel.components() {
        match c {
            std::path::Component::RootDir => parts.push(String::new()),
            other => parts.push(escape_component(other.as_os_str())),
        }
    }
    let joined = parts.join("/");
    if joined.is_empty() {
        ".".to_string()
    } else {
        joined
    }
}

/// One path component as text: a name that is not UTF-8 (Terraform loads such files too) keeps
/// its valid parts and shows each other byte as `\xHH`, so it is named, not silently dropped.
pub(crate) fn escape_component(name: &std::ffi::OsStr) -> String {
    if let Some(s) = name.to_str() {
        return s.to_string();
    }
    let mut out = String::new();
    for chunk in name.as_encoded_bytes().utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// A file's text from its bytes, which must be UTF-8 (the error says where they are not).
pub(crate) fn from_bytes(
    path: &Path,
    display: &str,
    bytes: Vec<u8>,
) -> Result<SourceFile, Box<InputError>> {
    let whole = |kind, message: String| InputError::whole(kind, display, message);
    let decoded = if path.extension().is_some_and(|e| e == "json") {
        utf16_text(&bytes)
    } else {
        None
    };
    if let Some(decoded) = decoded {
        return match decoded {
            Ok(text) => Ok(SourceFile::new(
                path.to_path_buf(),
                display.to_string(),
                text,
            )),
            Err(at) => Err(Box::new(
                whole(
                    InputErrorKind::NotUtf8,
                    format!("file is not valid UTF-16: unpaired surrogate at byte offset {at}"),
                )
                .with_help("re-encode the file as UTF-8"),
            )),
        };
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(
            path.to_path_buf(),
            display.to_string(),
            text,
        )),
        Err(e) => {
            // Everything before the first bad byte is valid text: use it to say where it is.
            let valid = e.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
            let prefix = SourceFile::new(PathBuf::new(), String::new(), prefix);
            let mut err = whole(
                InputErrorKind::NotUtf8,
                format!(
                    "file is not valid UTF-8: invalid byte 0x{:02x} at byte offset {valid}",
                    e.as_bytes().get(valid).copied().unwrap_or(0)
                ),
            )
            .with_help("Terraform reads configuration as UTF-8; re-encode the file");
            err.position = prefix.position(prefix.text.len());
            Err(Box::new(err))
        }
    }
}

/// JSON text that starts with a UTF-16 byte order mark (what Windows PowerShell's `>` writes),
/// transcoded to UTF-8 without the mark; `None` when there is no such mark, `Err` with the byte
/// offset of an unpaired surrogate or of a trailing odd byte.
///
/// Spans then index the transcoded text: line and column (in characters) are those of the
/// original file, byte offsets are not.
pub(crate) fn utf16_text(bytes: &[u8]) -> Option<Result<String, usize>> {
    let unit: fn([u8; 2]) -> u16 = match bytes {
        [0xff, 0xfe, ..] => u16::from_le_bytes,
        [0xfe, 0xff, ..] => u16::from_be_bytes,
        _ => return None,
    };
    let pairs = bytes.get(2..).unwrap_or_default().chunks_exact(2);
    let odd = !pairs.remainder().is_empty();
    let mut text = String::with_capacity(bytes.len() / 2);
    // The offset in `bytes` of the unit being decoded.
    let mut at = 2;
    for c in char::decode_utf16(pairs.map(|p| unit([p[0], p[1]]))) {
        let Ok(c) = c else {
            return Some(Err(at));
        };
        text.push(c);
        at += 2 * c.len_utf16();
    }
    if odd {
        return Some(Err(at));
    }
    Some(Ok(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_translated_file_reports_places_in_its_text() {
        let f = file("{\"a\": \"xy\",\n \"b\": 1}\n");
        // Translation `a = "xy"\nb = 1\n`: names made up at their keys, values copied.
        f.set_span_map(SpanMap::new(vec![
            (0, 1, false),
            (4, 6, true),
            (9, 13, false),
            (13, 18, true),
        ]));
        assert_eq!(f.position(4), Position { line: 1, column: 7 });
        assert_eq!(f.slice(&(4..8)), "\"xy\"");
        assert_eq!(f.slice(&(13..14)), "1");
        let (start, end) = f.range(&(13..14));
        assert_eq!((start.line, start.column, end.column), (2, 7, 8));
        // Made-up text (`b = `) maps to its one place, the key.
        assert_eq!(f.position(10), Position { line: 2, column: 2 });
        let map = SourceMap::from_files(vec![std::sync::Arc::new(f)]);
        let mut loc = Loc::new(FileId(0), 4..8);
        map.settle(&mut loc);
        assert_eq!(loc.span, 6..10);
        let settled = map.settled();
        assert_eq!(settled.get(FileId(0)).unwrap().slice(&loc.span), "\"xy\"");
    }

    #[test]
    fn borrowed_spans_settle_in_the_file_they_came_from() {
        let a = file("resource \"aws_kms_key\" \"a\" {}\n");
        let b = file("  x = false\n");
        a.set_borrowed(vec![Borrowed {
            base: 100,
            len: b.text.len(),
            id: FileId(1),
        }]);
        let map = SourceMap::from_files(vec![std::sync::Arc::new(a), std::sync::Arc::new(b)]);
        let mut loc = Loc::new(FileId(0), 106..111);
        map.settle(&mut loc);
        assert_eq!((loc.file, loc.span.clone()), (FileId(1), 6..11));
        assert_eq!(map.get(FileId(1)).unwrap().slice(&loc.span), "false");
        // A span of the file's own text stays.
        let mut own = Loc::new(FileId(0), 0..8);
        map.settle(&mut own);
        assert_eq!((own.file, own.span), (FileId(0), 0..8));
    }

    fn file(text: &str) -> SourceFile {
        SourceFile::new(PathBuf::from("a.tf"), "a.tf".into(), text.to_string())
    }

    #[test]
    fn positions_count_code_points_and_ignore_crlf() {
        let f = file("a = 1\r\nbé = \"x\"\r\n");
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        let x = f.text.find('"').unwrap();
        assert_eq!(f.position(x), Position { line: 2, column: 6 });
        assert_eq!(f.line_text(2), "bé = \"x\"");
        assert_eq!(f.offset_of(2, 6), x);
    }

    #[test]
    fn bom_is_stripped_and_columns_stay() {
        let f = file("\u{feff}a = 1\n");
        assert_eq!(f.bom_len, 3);
        assert_eq!(f.text, "a = 1\n");
        assert_eq!(f.position(4), Position { line: 1, column: 5 });
    }

    #[test]
    fn utf16_with_a_byte_order_mark_is_transcoded() {
        let text = "{\r\n \"é\": \"\u{1f511}\"\r\n}";
        let le: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xfe, 0xff]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(utf16_text(&le), Some(Ok(text.to_string())));
        assert_eq!(utf16_text(&be), Some(Ok(text.to_string())));
        assert_eq!(utf16_text(b"{}"), None);
        assert_eq!(utf16_text(b"\xef\xbb\xbf{}"), None);
        // A lone high surrogate, a lone low one, an odd trailing byte.
        assert_eq!(utf16_text(&[0xff, 0xfe, 0x7b, 0, 0x00, 0xd8]), Some(Err(4)));
        assert_eq!(utf16_text(&[0xff, 0xfe, 0x00, 0xdc]), Some(Err(2)));
        assert_eq!(utf16_text(&[0xff, 0xfe, 0x7b, 0, 0x7d]), Some(Err(4)));
        // Positions count characters of the original text.
        let f = file(&utf16_text(&le).unwrap().unwrap());
        let value = f.text.find('\u{1f511}').unwrap();
        assert_eq!(f.position(value), Position { line: 2, column: 8 });
    }

    #[test]
    fn offsets_past_the_end_clamp() {
        let f = file("ab");
        assert_eq!(f.position(99), Position { line: 1, column: 3 });
        assert_eq!(f.offset_of(7, 1), 2);
    }

    #[test]
    fn display_paths_are_relative_with_slashes() {
        let base = Path::new("/repo");
        assert_eq!(display_path(Path::new("/repo/m/a.tf"), base), "m/a.tf");
        assert_eq!(
            display_path(Path::new("./m/a.tf"), Path::new("/x")),
            "m/a.tf"
        );
        assert_eq!(display_path(Path::new("/other/a.tf"), base), "/other/a.tf");
    }
}
