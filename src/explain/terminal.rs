//! Renders a rule page's Markdown for a terminal: headings set off, paragraphs and list items
//! wrapped to the width, code blocks indented and left as written, Markdown marks removed.

use crate::report::wrap;

const BOLD: &str = "\x1b[1m";
const CODE: &str = "\x1b[36m";
const RESET: &str = "\x1b[0m";

/// The terminal text of `markdown` (the subset rule pages use: ATX headings, paragraphs, `-`
/// lists, fenced code, `**strong**`, `` `code` `` and `<autolinks>`), fitted to `width`
/// columns, with ANSI styles when `color`.
pub fn render(markdown: &str, width: usize, color: bool) -> String {
    let mut out = String::with_capacity(markdown.len() + markdown.len() / 8);
    let mut paragraph: Vec<&str> = Vec::new();
    let mut fence: Option<()> = None;
    let flush = |paragraph: &mut Vec<&str>, out: &mut String| {
        if !paragraph.is_empty() {
            let text = inline(&paragraph.join(" "), color);
            out.push_str(&wrap::fill(&text, width, 0, 0));
            out.push_str("\n\n");
            paragraph.clear();
        }
    };
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            flush(&mut paragraph, &mut out);
            fence = match fence {
                Some(()) => {
                    out.push('\n');
                    None
                }
                None => Some(()),
            };
            continue;
        }
        if fence.is_some() {
            if color {
                out.push_str(&format!("    {CODE}{line}{RESET}\n"));
            } else {
                out.push_str(&format!("    {line}\n"));
            }
            continue;
        }
        let trimmed = line.trim();
        if trimmed.is_empty() {
            flush(&mut paragraph, &mut out);
        } else if let Some((level, title)) = heading(trimmed) {
            flush(&mut paragraph, &mut out);
            let title = strip_marks(title);
            if color {
                out.push_str(&format!("{BOLD}{title}{RESET}\n"));
            } else {
                let rule = if level == 1 { '=' } else { '-' };
                let underline: String = std::iter::repeat_n(rule, title.chars().count()).collect();
                out.push_str(&format!("{title}\n{underline}\n"));
            }
            out.push('\n');
        } else if let Some(item) = trimmed.strip_prefix("- ") {
            flush(&mut paragraph, &mut out);
            out.push_str("  - ");
            out.push_str(&wrap::fill(&inline(item, color), width, 4, 4));
            out.push('\n');
        } else {
            paragraph.push(trimmed);
        }
    }
    flush(&mut paragraph, &mut out);
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// `(level, text)` of an ATX heading.
fn heading(line: &str) -> Option<(usize, &str)> {
    let level = line.chars().take_while(|&c| c == '#').count();
    if (1..=6).contains(&level) {
        line[level..].strip_prefix(' ').map(|t| (level, t.trim()))
    } else {
        None
    }
}

/// The text without `**` and backticks, and autolinks without their angle brackets.
fn strip_marks(text: &str) -> String {
    inline(text, false).replace('`', "")
}

/// Inline Markdown for the terminal: strong text and code styled when `color` (code keeps its
/// backticks otherwise, as it is how a reader tells code from prose), autolinks unwrapped.
fn inline(text: &str, color: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut strong = false;
    while let Some(i) = rest.find(['*', '`', '<']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix("**") {
            strong = !strong;
            if color {
                out.push_str(if strong { BOLD } else { RESET });
            }
            rest = after;
        } else if let Some((code, after)) =
            tail[1..].split_once('`').filter(|_| tail.starts_with('`'))
        {
            if color {
                out.push_str(&format!("{CODE}{code}{RESET}"));
            } else {
                out.push('`');
                out.push_str(code);
                out.push('`');
            }
            rest = after;
        } else if let Some((url, after)) = tail[1..]
            .split_once('>')
            .filter(|(u, _)| tail.starts_with('<') && u.contains("://") && !u.contains(' '))
        {
            out.push_str(url);
            rest = after;
        } else {
            out.push_str(&tail[..1]);
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules;

    #[test]
    fn every_rule_page_fits_80_columns_outside_code_blocks_and_keeps_its_words() {
        for rule in rules::ALL {
            let page = crate::explain::page(rule);
            let text = render(&page, 80, false);
            let code: Vec<&str> = rule.bad.lines().chain(rule.good.lines()).collect();
            for line in text.lines() {
                let is_code = line.strip_prefix("    ").is_some_and(|l| code.contains(&l));
                // A URL longer than the line is never cut.
                let one_word = !line.trim().contains(' ') || line.trim_start().starts_with("- ");
                assert!(
                    is_code || one_word || line.chars().count() <= 80,
                    "{}: {line:?}",
                    rule.id
                );
            }
            assert!(!text.contains("**") && !text.contains("```"), "{text}");
            assert!(!text.contains("\n# ") && !text.starts_with("# "), "{text}");
            for r in rule.references {
                assert!(text.contains(r) && !text.contains(&format!("<{r}>")), "{r}");
            }
            for line in rule.bad.lines() {
                assert!(text.contains(&format!("    {line}")), "{line}");
            }
        }
    }

    #[test]
    fn headings_are_underlined_and_styles_are_ansi_only_with_color() {
        let md = "# KMS002 key-rotation-disabled\n\nDefault level: **warning** with `code`.\n\n## How to fix\n\nSet it.\n";
        let plain = render(md, 80, false);
        assert!(plain.starts_with(
            "KMS002 key-rotation-disabled\n============================\n\nDefault level: warning with `code`.\n\nHow to fix\n----------\n\nSet it."
        ), "{plain}");
        assert!(!plain.contains('\x1b'));
        let colored = render(md, 80, true);
        assert!(
            colored.contains(&format!("{BOLD}warning{RESET}")),
            "{colored:?}"
        );
        assert!(
            colored.contains(&format!("{CODE}code{RESET}")),
            "{colored:?}"
        );
    }

    #[test]
    fn paragraphs_wrap_to_the_width_and_lists_hang() {
        let words = "word ".repeat(40);
        let text = render(&format!("{words}\n\n- {words}\n"), 40, false);
        for line in text.lines() {
            assert!(line.len() <= 40, "{line:?}");
        }
        let item = text
            .lines()
            .position(|l| l.starts_with("  - "))
            .unwrap_or(0);
        assert!(
            item > 0
                && text
                    .lines()
                    .nth(item + 1)
                    .is_some_and(|l| l.starts_with("    word"))
        );
    }

    #[test]
    fn unmatched_marks_are_kept_as_text() {
        assert_eq!(
            inline("a < b and `x and 2*3", false),
            "a < b and `x and 2*3"
        );
    }
}
