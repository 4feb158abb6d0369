//! Parses `.tf`/`.tfvars` text with hcl-edit, which keeps a byte span on every node.
//!
//! hcl-edit has no error recovery: a syntax error yields no tree for that file, so the error
//! becomes an [`InputError`] pointing at the exact line and column, and the other files of the
//! module are still analysed. Two constructs Terraform accepts are rejected by hcl-edit
//! (duplicate object keys, a line break after an operator inside a `for` object expression);
//! those get a message that says so instead of a bare "unexpected token".

use hcl_edit::structure::Body;

use crate::diagnostic::{InputError, InputErrorKind};
use crate::source::{FileId, SourceFile};

/// Objects wider than this are not parsed: hcl-edit's time grows with the square of an object's
/// keys (100,000 keys take minutes), and no real configuration comes near it.
pub const MAX_OBJECT_ITEMS: usize = 10_000;

/// Parses one file. Spans in the returned body index into `file.text`.
pub fn parse(id: FileId, file: &SourceFile) -> Result<Body, Box<InputError>> {
    if let Some(start) = too_wide(&file.text) {
        let end = (start + 1).min(file.text.len());
        let message = format!(
            "an object here has more than {MAX_OBJECT_ITEMS} items; the file was not analysed"
        );
        return Err(Box::new(
            InputError::at(InputErrorKind::TooLarge, id, file, start..end, message)
                .with_help("split the object, or move the data to a JSON file read with `jsondecode(file(...))`"),
        ));
    }
    hcl_edit::parser::parse_body(&file.text).map_err(|e| Box::new(syntax_error(id, file, &e)))
}

/// The offset of the first `{` whose object has more than [`MAX_OBJECT_ITEMS`] items (counted
/// as `=`, `:`, `,` or line breaks at its own depth), skipping strings, heredocs and comments.
/// Operators are not items: `==`, `!=`, `<=`, `>=`, `=>`, and the `:` of a `? :` conditional.
/// A cheap scan, so one odd file cannot stall a worker.
fn too_wide(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut stack: Vec<Open> = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    match c {
                        b'\\' => i += 1,
                        b'"' | b'\n' => break,
                        _ => {}
                    }
                    i += 1;
                }
            }
            b'#' => {
                while bytes.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while bytes.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'<' if bytes.get(i + 1) == Some(&b'<') => {
                // A heredoc: skip to the line that is only its delimiter.
                let rest = text.get(i + 2..).unwrap_or("");
                let rest = rest.strip_prefix('-').unwrap_or(rest);
                let delim: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !delim.is_empty() {
                    let body_start = text
                        .get(i..)
                        .and_then(|r| r.find('\n'))
                        .map_or(bytes.len(), |n| i + n + 1);
                    let mut pos = body_start;
                    let mut closed = bytes.len();
                    while pos < bytes.len() {
                        let line_end = text
                            .get(pos..)
                            .and_then(|r| r.find('\n'))
                            .map_or(bytes.len(), |n| pos + n);
                        if text.get(pos..line_end).is_some_and(|l| l.trim() == delim) {
                            closed = line_end;
                            break;
                        }
                        pos = line_end + 1;
                    }
                    i = closed;
                }
            }
            b'{' | b'[' | b'(' => stack.push(Open {
                at: i,
                items: 0,
                object: b == b'{',
                conditionals: 0,
            }),
            b'}' | b']' | b')' => {
                stack.pop();
            }
            b'?' => {
                if let Some(top) = stack.last_mut() {
                    top.conditionals += 1;
                }
            }
            b'=' if matches!(bytes.get(i + 1), Some(b'=' | b'>'))
                || matches!(
                    i.checked_sub(1).and_then(|p| bytes.get(p)),
                    Some(b'=' | b'!' | b'<' | b'>')
                ) => {}
            b':' if stack.last().is_some_and(|t| t.conditionals > 0) => {
                if let Some(top) = stack.last_mut() {
                    top.conditionals -= 1;
                }
            }
            b'=' | b':' | b',' | b'\n' => {
                // Lists parse in linear time; only objects are limited. An item is usually an `=`
                // and a line break (or a comma).
                if let Some(top) = stack.last_mut().filter(|t| t.object) {
                    top.items += 1;
                    if top.items > 2 * MAX_OBJECT_ITEMS {
                        return Some(top.at);
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// An open bracket seen by [`too_wide`].
struct Open {
    at: usize,
    items: usize,
    /// `{`: an object or a block body (lists and parentheses parse in linear time).
    object: bool,
    /// `?` not yet matched by the `:` of their conditional.
    conditionals: usize,
}

fn syntax_error(id: FileId, file: &SourceFile, e: &hcl_edit::parser::Error) -> InputError {
    // hcl-edit clamps an end-of-input error to the last byte; only whitespace follows it then.
    // That byte can be inside a multi-byte character: point at the character.
    let mut start = file.floor_char_boundary(e.location().offset().min(file.text.len()));
    let at_end = file.text[start..].trim().is_empty();
    if at_end {
        start = file.text.len();
    }
    let end = match file.text[start..].chars().next() {
        Some(c) if c != '\n' && c != '\r' => start + c.len_utf8(),
        _ => start,
    };
    let raw = e.message();
    let raw = if at_end {
        format!("unexpected end of file; {raw}")
    } else {
        raw.to_string()
    };
    let raw = raw.as_str();
    let (message, help) = if raw.contains("redefined object key") {
        (
            format!("HCL syntax: {raw}"),
            Some(
                "Terraform keeps the last of two equal keys in an object, but kmslint's parser \
                 rejects them; remove the duplicate key"
                    .to_string(),
            ),
        )
    } else if raw.contains("nesting depth") || raw.contains("chained binary operators") {
        (
            format!("HCL syntax: {raw}"),
            Some("the expression is nested too deeply to analyse".to_string()),
        )
    } else {
        (
            format!("HCL syntax error: {raw}"),
            for_object_hint(file, start),
        )
    };
    let mut err = InputError::at(InputErrorKind::Syntax, id, file, start..end, message);
    err.help = help;
    err
}

/// hcl-edit rejects a line break after `?`, `:` or `&&` inside a `{ for ... : k => v }` value,
/// which Terraform accepts; say so when the error sits in such an expression.
fn for_object_hint(file: &SourceFile, offset: usize) -> Option<String> {
    let before = &file.text[..offset];
    let open = before.rfind('{')?;
    let head = before[open + 1..].trim_start();
    if head.starts_with("for ") && before[open..].contains("=>") {
        Some(
            "Terraform accepts a line break inside the value of a `for` object expression, but \
             kmslint's parser does not; wrap the value in parentheses or keep it on one line"
                .to_string(),
        )
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Position;
    use std::path::PathBuf;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(PathBuf::from("m.tf"), "m.tf".into(), text.to_string())
    }

    #[test]
    fn syntax_errors_point_at_the_offending_character() {
        let f = file("resource \"aws_kms_key\" \"a\" {\n  is_enabled = = true\n}\n");
        let e = parse(FileId(0), &f).unwrap_err();
        assert_eq!(
            e.position,
            Position {
                line: 2,
                column: 16
            }
        );
        assert!(e.message.starts_with("HCL syntax error: "), "{}", e.message);
        assert!(e.message.contains("expected"), "{}", e.message);
    }

    #[test]
    fn an_error_offset_inside_a_character_points_at_the_character() {
        // hcl-edit reports the end of this input at the last byte, inside the `Ț`.
        let f = file("policyum \u{21a}");
        let e = parse(FileId(0), &f).unwrap_err();
        assert_eq!(
            e.position,
            Position {
                line: 1,
                column: 10
            }
        );
    }

    #[test]
    fn end_of_file_errors_point_at_the_end() {
        let f = file("locals {\n  x = [\n");
        let e = parse(FileId(0), &f).unwrap_err();
        assert_eq!(e.position, Position { line: 3, column: 1 });
        assert!(
            e.message.contains("unexpected end of file; expected `]`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn bom_files_parse_with_unshifted_positions() {
        let f = file("\u{feff}x = 1\ny = = 2\n");
        let e = parse(FileId(0), &f).unwrap_err();
        assert_eq!(e.position, Position { line: 2, column: 5 });
    }

    #[test]
    fn very_wide_objects_are_refused_quickly() {
        let mut text = String::from("locals {\n  big = {\n");
        for i in 0..100_000 {
            text.push_str(&format!("    k{i} = {i}\n"));
        }
        text.push_str("  }\n}\n");
        let e = parse(FileId(0), &file(&text)).unwrap_err();
        assert_eq!(e.kind, InputErrorKind::TooLarge);
        assert_eq!(e.position, Position { line: 2, column: 9 });
        // Wide lists, strings and heredocs full of `=` are fine.
        let list: String = (0..30_000).map(|i| format!("\"{i}\",\n")).collect();
        let ok = format!(
            "x = [\n{list}]\ny = \"{}\"\nz = <<EOT\n{}EOT\n",
            "=".repeat(50_000),
            "a = 1\n".repeat(30_000)
        );
        assert!(parse(FileId(0), &file(&ok)).is_ok());
    }

    #[test]
    fn operators_in_an_object_are_not_items() {
        // One item: a chain of conditionals and comparisons, and a call with many arguments.
        let chain: String = (0..30_000)
            .map(|i| format!("var.x == {i} ? \"a{i}\" : var.y != {i} && var.z >= {i} ? "))
            .collect();
        let args = vec!["1"; 30_000].join(", ");
        let text =
            format!("locals {{\n  o = {{\n    c = {chain} \"z\"\n    m = max({args})\n  }}\n}}\n");
        assert_eq!(too_wide(&text), None);
        // Still counted: items separated by commas on one line.
        let wide: String = (0..30_000).map(|i| format!("k{i} = {i}, ")).collect();
        assert_eq!(too_wide(&format!("x = {{ {wide} }}\n")), Some(4));
    }

    #[test]
    fn duplicate_keys_get_an_explanation() {
        let f = file("x = { a = 1, a = 2 }\n");
        let e = parse(FileId(0), &f).unwrap_err();
        assert!(e.help.unwrap().contains("duplicate"));
    }

    #[test]
    fn for_object_line_breaks_get_an_explanation() {
        let f = file("x = { for k in [] : k => true ?\n 1 : 2 }\n");
        let e = parse(FileId(0), &f).unwrap_err();
        assert!(e.help.clone().unwrap().contains("for"), "{e:?}");
    }
}
