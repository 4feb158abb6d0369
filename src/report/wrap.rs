//! Word wrapping of report text to the terminal's width (80 columns when not a terminal).

use unicode_width::UnicodeWidthStr;

/// The width used when the output is not a terminal or the terminal does not say.
pub const DEFAULT_WIDTH: usize = 80;

/// The narrowest width honoured: below it every word would stand on a line of its own.
const MIN_WIDTH: usize = 40;

/// Breaks `text` at spaces into lines of at most `width` columns, the first of which starts
/// after `first` columns already used on the line and the others after `indent` spaces (which
/// are written). A word longer than a line (a URL, an ARN) stays whole on a line of its own
/// rather than being cut. Existing line breaks are kept.
pub fn fill(text: &str, width: usize, first: usize, indent: usize) -> String {
    let width = width.max(MIN_WIDTH);
    let pad = " ".repeat(indent);
    let mut out = String::with_capacity(text.len() + 16);
    let mut used = first;
    let mut line_start = true;
    for (n, paragraph) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
            out.push_str(&pad);
            used = indent;
            line_start = true;
        }
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let w = word.width();
            if !line_start && used + 1 + w > width {
                out.push('\n');
                out.push_str(&pad);
                used = indent;
                line_start = true;
            }
            if !line_start {
                out.push(' ');
                used += 1;
            }
            out.push_str(word);
            used += w;
            line_start = false;
        }
    }
    out
}

/// The width of the terminal on standard output, or [`DEFAULT_WIDTH`] when it is not one.
/// `COLUMNS`, when set to a number, wins, as it does for other command-line tools.
pub fn terminal_width(stdout_is_terminal: bool) -> usize {
    if let Some(cols) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
    {
        return cols;
    }
    if !stdout_is_terminal {
        return DEFAULT_WIDTH;
    }
    terminal_size::terminal_size()
        .map(|(w, _)| usize::from(w.0))
        .filter(|&w| w > 0)
        .unwrap_or(DEFAULT_WIDTH)
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    fn widest(s: &str) -> usize {
        s.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
    }

    #[test]
    fn breaks_at_word_boundaries_within_the_width() {
        let text = "KMS key `aws_kms_key.payments` has automatic rotation disabled \
                    (`enable_key_rotation = false`); enable it so that key material is rotated yearly";
        let out = fill(text, 50, 0, 4);
        assert!(widest(&out) <= 50, "{out}");
        assert_eq!(out.split_whitespace().collect::<Vec<_>>().join(" "), text);
        for line in out.lines().skip(1) {
            assert!(
                line.starts_with("    ") && !line.starts_with("     "),
                "{line:?}"
            );
        }
    }

    #[test]
    fn the_first_line_accounts_for_what_precedes_it() {
        let out = fill("aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii", 40, 30, 2);
        let first = out.lines().next().unwrap_or_default();
        assert!(30 + first.width() <= 40, "{out}");
    }

    #[test]
    fn long_words_are_never_cut() {
        let arn = "arn:aws:iam::111122223333:role/a-very-long-role-name-that-does-not-fit-anywhere-at-all";
        let out = fill(&format!("principal {arn} may decrypt"), 40, 0, 0);
        assert!(out.lines().any(|l| l == arn), "{out}");
    }

    #[test]
    fn short_text_is_unchanged_and_line_breaks_are_kept() {
        assert_eq!(fill("one two", 80, 0, 0), "one two");
        assert_eq!(fill("one\ntwo", 80, 0, 2), "one\n  two");
    }

    #[test]
    fn a_tiny_width_is_raised_to_the_minimum() {
        let out = fill("aaa bbb ccc ddd eee fff ggg hhh iii jjj kkk lll", 1, 0, 0);
        assert!(
            widest(&out) <= MIN_WIDTH && out.lines().count() > 1,
            "{out}"
        );
    }

    #[test]
    fn wide_characters_count_twice() {
        let out = fill("鍵鍵鍵鍵鍵鍵鍵鍵鍵鍵 鍵鍵鍵鍵鍵鍵鍵鍵鍵鍵 鍵", 40, 0, 0);
        assert_eq!(out.lines().count(), 2, "{out}");
    }
}
