//! HCL source lines as `terraform fmt` sees them: which lines are assignments it aligns, where
//! their `=` and trailing comments sit, so that an edit keeps a formatted file formatted.
//!
//! The formatter splits the token stream at newlines (a heredoc belongs to the line that opens
//! it), treats a line as an aligned assignment when it has an `=` after its first token and the
//! brackets after that `=` balance, and aligns the `=` of consecutive such lines one column after
//! the longest name, and the trailing comments of consecutive commented lines one column after
//! the longest text before them. Widths count characters.

use std::ops::Range;

/// One line as the formatter sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line {
    /// First byte of the line.
    pub start: usize,
    /// End of its text, before the line terminator.
    pub end: usize,
    /// First byte of the next line (`end` plus the terminator).
    pub next: usize,
    /// Bracket depth at the start of the line.
    pub depth: i32,
    /// Start of the first token (`end` for a blank line).
    pub first: usize,
    /// End of the tokens before the `=`, when the line has one after its first token.
    pub lead_end: Option<usize>,
    /// The `=`, when the line is an assignment the formatter aligns (its brackets balance).
    pub eq: Option<usize>,
    /// The tokens after the `=` up to a trailing comment.
    pub value: Range<usize>,
    /// Start of a trailing comment that follows other tokens.
    pub comment: Option<usize>,
    /// Bracket depth change over the line.
    pub net: i32,
}

impl Line {
    pub(crate) fn is_blank(&self) -> bool {
        self.first >= self.end
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Word,
    Eq,
    Open,
    Close,
    Comment,
}

/// The lines of `text` as the formatter splits them.
pub(crate) fn lines(text: &str) -> Vec<Line> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut i = 0;
    let mut start = 0;
    let mut tokens: Vec<(usize, usize, Kind)> = Vec::new();
    loop {
        if i >= b.len() || b[i] == b'\n' {
            let end = if i > start && b.get(i - 1) == Some(&b'\r') {
                i - 1
            } else {
                i
            };
            let next = (i + 1).min(b.len());
            let line = finish(start, end, next, depth, &tokens);
            depth += line.net;
            out.push(line);
            tokens.clear();
            if i >= b.len() {
                break;
            }
            i += 1;
            start = i;
            continue;
        }
        let c = b[i];
        let rest = &b[i..];
        let (len, kind) = match c {
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'#' => (line_end(b, i) - i, Kind::Comment),
            b'/' if rest.starts_with(b"//") => (line_end(b, i) - i, Kind::Comment),
            b'/' if rest.starts_with(b"/*") => {
                let end = find(b, i + 2, b"*/").map_or(b.len(), |e| e + 2);
                (end - i, Kind::Comment)
            }
            b'"' => (string_end(b, i + 1) - i, Kind::Word),
            b'<' if rest.starts_with(b"<<") => match heredoc_end(b, i) {
                Some(end) => (end - i, Kind::Word),
                None => (2, Kind::Word),
            },
            b'=' if matches!(rest.get(1), Some(b'=' | b'>')) => (2, Kind::Word),
            b'!' | b'<' | b'>' if rest.get(1) == Some(&b'=') => (2, Kind::Word),
            b'=' => (1, Kind::Eq),
            b'{' | b'[' | b'(' => (1, Kind::Open),
            b'}' | b']' | b')' => (1, Kind::Close),
            b'%' | b'$' if rest.get(1) == Some(&b'{') => (2, Kind::Open),
            _ if is_word(c) => (rest.iter().take_while(|&&c| is_word(c)).count(), Kind::Word),
            _ => (utf8_len(c), Kind::Word),
        };
        tokens.push((i, i + len, kind));
        i += len.max(1);
    }
    out
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.') || c >= 0x80
}

fn utf8_len(c: u8) -> usize {
    match c {
        0xf0.. => 4,
        0xe0.. => 3,
        0xc0.. => 2,
        _ => 1,
    }
}

fn line_end(b: &[u8], i: usize) -> usize {
    let mut e = b[i..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |p| i + p);
    if e > i && b[e - 1] == b'\r' {
        e -= 1;
    }
    e
}

fn find(b: &[u8], from: usize, what: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(what.len())
        .position(|w| w == what)
        .map(|p| from + p)
}

/// The end (after the closing quote) of a quoted string whose body starts at `i`; a string left
/// open ends at the end of its line.
fn string_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            b'\n' => return i,
            b'$' | b'%' if b.get(i + 1) == Some(&b'{') => i = template_end(b, i + 2),
            _ => i += 1,
        }
    }
    b.len()
}

/// The end (after the closing brace) of a template interpolation whose body starts at `i`.
fn template_end(b: &[u8], mut i: usize) -> usize {
    let mut depth = 1;
    while i < b.len() {
        match b[i] {
            b'"' => i = string_end(b, i + 1),
            b'{' => {
                depth += 1;
                i += 1;
            }
            b'}' => {
                depth -= 1;
                i += 1;
                if depth == 0 {
                    return i;
                }
            }
            b'\n' => return i,
            _ => i += 1,
        }
    }
    b.len()
}

/// The end of a heredoc opened at `i` (`<<EOT` or `<<-EOT`): the end of its closing marker's
/// line, before the terminator. `None` when `<<` opens no heredoc.
fn heredoc_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 2;
    if b.get(j) == Some(&b'-') {
        j += 1;
    }
    let name_start = j;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
        j += 1;
    }
    let marker = b.get(name_start..j).filter(|m| !m.is_empty())?;
    let mut line = b[j..].iter().position(|&c| c == b'\n')? + j + 1;
    while line < b.len() {
        let nl = b[line..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(b.len(), |p| line + p);
        let end = if nl > line && b[nl - 1] == b'\r' {
            nl - 1
        } else {
            nl
        };
        if b[line..end].trim_ascii() == marker {
            return Some(end);
        }
        line = nl + 1;
    }
    Some(b.len())
}

/// Brackets opened less brackets closed in `tokens`.
fn balance(tokens: &[(usize, usize, Kind)]) -> i32 {
    tokens
        .iter()
        .map(|t| match t.2 {
            Kind::Open => 1,
            Kind::Close => -1,
            _ => 0,
        })
        .sum()
}

fn finish(
    start: usize,
    end: usize,
    next: usize,
    depth: i32,
    tokens: &[(usize, usize, Kind)],
) -> Line {
    let net = balance(tokens);
    let comment = match tokens {
        [_, .., last] if last.2 == Kind::Comment => Some(last.0),
        _ => None,
    };
    let body = match comment {
        Some(_) => &tokens[..tokens.len() - 1],
        None => tokens,
    };
    let eq_index = body
        .iter()
        .skip(1)
        .position(|t| t.2 == Kind::Eq)
        .map(|p| p + 1);
    let mut line = Line {
        start,
        end,
        next,
        depth,
        first: tokens.first().map_or(end, |t| t.0),
        lead_end: None,
        eq: None,
        value: end..end,
        comment,
        net,
    };
    if let Some(k) = eq_index {
        line.lead_end = Some(body[k - 1].1);
        if balance(&body[k..]) == 0 {
            line.eq = Some(body[k].0);
            let value_end = body.last().map_or(end, |t| t.1);
            let value_start = body.get(k + 1).map_or(value_end, |t| t.0);
            line.value = value_start..value_end;
        }
    }
    line
}

/// Character width of a piece of text.
pub(crate) fn width(text: &str) -> usize {
    text.chars().count()
}

/// The index of the line holding byte `offset`.
pub(crate) fn line_at(lines: &[Line], offset: usize) -> Option<usize> {
    let i = lines.partition_point(|l| l.next <= offset);
    (i < lines.len()).then_some(i)
}

/// The run of consecutive aligned assignments holding line `i` (empty when `i` is none).
pub(crate) fn chain(lines: &[Line], i: usize) -> Range<usize> {
    if lines.get(i).is_none_or(|l| l.eq.is_none()) {
        return i..i;
    }
    let mut a = i;
    while a > 0 && lines[a - 1].eq.is_some() {
        a -= 1;
    }
    let mut b = i + 1;
    while b < lines.len() && lines[b].eq.is_some() {
        b += 1;
    }
    a..b
}

/// One assignment of a chain as it will be: its parts' text.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// The line it was (`None` for an inserted line).
    pub line: Option<usize>,
    pub indent: String,
    pub lead: String,
    pub value: String,
    pub comment: bool,
}

impl Row {
    pub(crate) fn of(text: &str, lines: &[Line], i: usize) -> Option<Row> {
        let l = lines.get(i)?;
        Some(Row {
            line: Some(i),
            indent: text.get(l.start..l.first)?.to_string(),
            lead: text.get(l.first..l.lead_end?)?.to_string(),
            value: text.get(l.value.clone())?.to_string(),
            comment: l.comment.is_some(),
        })
    }
}

/// The padding the formatter puts before the `=` and before the trailing comment of each row.
pub(crate) fn padding(rows: &[Row]) -> Vec<(usize, Option<usize>)> {
    let lead = rows.iter().map(|r| width(&r.lead)).max().unwrap_or(0);
    let before_comment = |r: &Row| width(&r.indent) + lead + 3 + width(&r.value);
    let mut out: Vec<(usize, Option<usize>)> = rows
        .iter()
        .map(|r| (lead - width(&r.lead) + 1, None))
        .collect();
    let mut k = 0;
    while k < rows.len() {
        if !rows[k].comment {
            k += 1;
            continue;
        }
        let mut e = k;
        while e < rows.len() && rows[e].comment {
            e += 1;
        }
        let col = rows[k..e].iter().map(before_comment).max().unwrap_or(0);
        for j in k..e {
            out[j].1 = Some(col - before_comment(&rows[j]) + 1);
        }
        k = e;
    }
    out
}

/// Whether the lines of a chain are laid out as the formatter lays them out.
pub(crate) fn formatted(text: &str, lines: &[Line], chain: Range<usize>) -> bool {
    let Some(rows) = chain
        .clone()
        .map(|i| Row::of(text, lines, i))
        .collect::<Option<Vec<_>>>()
    else {
        return false;
    };
    let pads = padding(&rows);
    chain.zip(pads).all(|(i, (eq, comment))| {
        let l = &lines[i];
        let (Some(lead_end), Some(at)) = (l.lead_end, l.eq) else {
            return false;
        };
        let spaces = |r: Range<usize>, n: usize| {
            text.get(r)
                .is_some_and(|s| s.len() == n && s.bytes().all(|c| c == b' '))
        };
        let value_ok = if l.value.is_empty() {
            true
        } else {
            spaces(at + 1..l.value.start, 1)
        };
        let comment_ok = match (l.comment, comment) {
            (Some(c), Some(n)) => spaces(l.value.end..c, n),
            _ => true,
        };
        spaces(lead_end..at, eq) && value_ok && comment_ok
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heredocs_belong_to_their_line_and_brackets_break_chains() {
        let text = "x {\n  a = 1 # c\n  bb = <<EOT\n  q = 2\nEOT\n  c = {\n    d = 1\n  }\n  e = \"=${x}\" // z\n}\n";
        let ls = lines(text);
        let assign: Vec<bool> = ls.iter().map(|l| l.eq.is_some()).collect();
        assert_eq!(
            assign,
            vec![false, true, true, false, true, false, true, false, false]
        );
        assert_eq!(&text[ls[1].value.clone()], "1");
        assert!(ls[1].comment.is_some());
        assert_eq!(&text[ls[2].start..ls[2].end], "  bb = <<EOT\n  q = 2\nEOT");
        assert_eq!(ls[4].depth, 2);
        assert_eq!(&text[ls[6].value.clone()], "\"=${x}\"");
        assert_eq!(chain(&ls, 2), 1..3);
        assert_eq!(chain(&ls, 6), 6..7);
    }

    #[test]
    fn a_formatted_chain_is_recognised() {
        let good = "  a   = 1  # x\n  bbb = 22 # y\n";
        let ls = lines(good);
        assert!(formatted(good, &ls, chain(&ls, 0)));
        let bad = "  a = 1  # x\n  bbb = 22 # y\n";
        let ls = lines(bad);
        assert!(!formatted(bad, &ls, chain(&ls, 0)));
    }

    #[test]
    fn crlf_lines_end_before_the_carriage_return() {
        let text = "a = 1\r\nb = 2\r\n";
        let ls = lines(text);
        assert_eq!(&text[ls[0].start..ls[0].end], "a = 1");
        assert_eq!(ls[0].next, 7);
        assert_eq!(&text[ls[1].value.clone()], "2");
    }
}
