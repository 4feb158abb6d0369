//! XML text for the JUnit and Checkstyle reports: input text escaped as every format escapes it,
//! then made safe for XML 1.0 character data and attribute values.

use std::borrow::Cow;

use crate::report::escape;

/// Text from the scanned tree as XML character data or a double- or single-quoted attribute
/// value: controls, bidirectional and separator characters as [`escape::text`] shows them (XML
/// 1.0 cannot carry most controls even as character references), the markup characters as
/// entities, a tab as a character reference (an attribute value would turn a raw one into a
/// space), and U+FFFE and U+FFFF, which XML 1.0 forbids, in the escaped form too.
pub(crate) fn text(s: &str) -> Cow<'_, str> {
    let shown = escape::text(s);
    if !shown.chars().any(needs_work) {
        return shown;
    }
    let mut out = String::with_capacity(shown.len() + 16);
    for c in shown.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            c if !allowed(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_work(c: char) -> bool {
    matches!(c, '&' | '<' | '>' | '"' | '\'' | '\t') || !allowed(c)
}

/// XML 1.0's `Char` production (surrogates cannot occur in a Rust string).
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{fffd}' | '\u{10000}'..)
}

/// The XML declaration every report starts with.
pub(crate) const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_controls_are_escaped() {
        assert_eq!(text("plain"), "plain");
        assert_eq!(
            text("a<b>&\"c\"'d' ]]>"),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos; ]]&gt;"
        );
        assert_eq!(text("x\ty\n\u{1b}[2J"), "x&#9;y\\n\\u{1b}[2J");
        assert_eq!(text("\u{202e}cod\u{0}"), "\\u{202e}cod\\u{0}");
        assert_eq!(
            text("\u{fffe}\u{ffff}\u{fffd}"),
            "\\u{fffe}\\u{ffff}\u{fffd}"
        );
    }

    #[test]
    fn nothing_illegal_in_xml_remains() {
        let all: String = (0u32..0x11_0000).filter_map(char::from_u32).collect();
        let out = text(&all);
        assert!(
            out.chars()
                .all(|c| allowed(c) && c != '\t' && !escape::is_unsafe(c))
        );
        assert!(!out.contains(['<', '>', '"', '\'']));
    }
}
