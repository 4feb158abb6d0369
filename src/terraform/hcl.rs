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

/// Parses one file. Spans in the returned body index into `file.text`.
pub fn parse(id: FileId, file: &SourceFile) -> Result<Body, Box<InputError>> {
    hcl_edit::parser::parse_body(&file.text).map_err(|e| Box::new(syntax_error(id, file, &e)))
}

fn syntax_error(id: FileId, file: &SourceFile, e: &hcl_edit::parser::Error) -> InputError {
    let mut start = e.location().offset().min(file.text.len());
    // hcl-edit clamps an end-of-input error to the last byte; only whitespace follows it then.
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
