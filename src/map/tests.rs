//! Escaping of hostile strings in every map format.

use super::markdown::{md, mermaid};

#[test]
fn markdown_text_cannot_open_markup() {
    assert_eq!(md("a|b"), "a\\|b");
    assert_eq!(md("[x](y)"), "\\[x\\]\\(y\\)");
    assert_eq!(md("<img>`*"), "\\<img\\>\\`\\*");
    assert_eq!(md("plain text 1"), "plain text 1");
}

#[test]
fn mermaid_labels_keep_only_safe_characters() {
    assert_eq!(mermaid("a\"]b"), "a#34;#93;b");
    assert_eq!(mermaid("x`;\n"), "x#96;#59;#10;");
    assert_eq!(mermaid("aws_kms_key.k[0]"), "aws_kms_key.k#91;0#93;");
}
