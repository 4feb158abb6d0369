//! Parses `.tf`/`.tfvars` text with hcl-edit, which keeps a byte span on every node.
//!
//! hcl-edit has no error recovery: a syntax error yields no tree for that file, so the error
//! becomes an [`InputError`] pointing at the exact line and column, and the other files of the
//! module are still analysed. Three constructs Terraform accepts are rejected by hcl-edit
//! (a repeated object key, a line break inside a `for` object expression, a heredoc line that
//! only starts with the delimiter): a file that fails to parse is parsed again after a
//! byte-preserving [`rewrite`] of those, and only if that fails too is it an input error.
//! Every tree is [`compact`]ed: the module's files are held together during evaluation.

mod compact;
mod rewrite;

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
    if let Some(body) = parse_in_pieces(&file.text) {
        return Ok(body);
    }
    let (mut body, restore) = match hcl_edit::parser::parse_body(&file.text) {
        Ok(body) => (body, compact::Restore::default()),
        Err(e) => {
            let error = Box::new(syntax_error(id, file, &e));
            // The rewrite keeps every offset, so the tree's spans index `file.text` and the
            // positions of findings come from the text as written.
            let Some(fixed) = rewrite::rewrite(&file.text) else {
                return Err(error);
            };
            let body = match hcl_edit::parser::parse_body(&fixed.text) {
                Ok(body) => body,
                // The first error Terraform would also report is past the rewritten
                // constructs; an earlier one would be the rewrite's own doing.
                Err(e) if e.location().offset() >= error_offset(&error) => {
                    return Err(Box::new(syntax_error(id, file, &e)));
                }
                Err(_) => return Err(error),
            };
            let restore = compact::Restore {
                dropped_keys: fixed.dropped_keys,
                heredocs: fixed.heredocs,
            };
            (body, restore)
        }
    };
    compact::compact(&mut body, &restore);
    Ok(body)
}

/// Files larger than this are parsed in pieces of about this size.
const PIECE_BYTES: usize = 256 * 1024;

/// Parses a large file piece by piece (each piece a run of whole top-level blocks), compacting
/// each piece before the next is parsed, so the uncompacted tree of a whole file (about 30
/// bytes per byte) never exists at once. A piece is parsed as the text before it blanked to
/// spaces followed by the piece: spans keep their offsets in the file. `None` when the file is
/// small or a piece does not parse (the whole file is then parsed, for its first error).
fn parse_in_pieces(text: &str) -> Option<Body> {
    if text.len() <= PIECE_BYTES {
        return None;
    }
    let breaks = rewrite::pieces(text, PIECE_BYTES);
    if breaks.is_empty() {
        return None;
    }
    let mut pieces = Vec::with_capacity(breaks.len() + 1);
    let mut attributes = std::collections::BTreeSet::new();
    let mut buffer = String::with_capacity(text.len());
    let mut start = 0;
    for end in breaks.into_iter().chain([text.len()]) {
        buffer.clear();
        buffer.extend(std::iter::repeat_n(' ', start));
        buffer.push_str(text.get(start..end)?);
        let mut piece = hcl_edit::parser::parse_body(&buffer).ok()?;
        compact::compact(&mut piece, &compact::Restore::default());
        // An attribute set twice at the top level is an error the whole parse reports.
        for attr in piece.attributes() {
            if !attributes.insert(attr.key.as_str().to_string()) {
                return None;
            }
        }
        pieces.push(piece);
        start = end;
    }
    // One allocation of the exact size: the top-level vector of a large file is megabytes.
    let mut body = Body::with_capacity(pieces.iter().map(Body::len).sum());
    for piece in pieces {
        body.extend(piece);
    }
    Some(body)
}

fn error_offset(error: &InputError) -> usize {
    error.span.as_ref().map_or(0, |s| s.start)
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
    use hcl_edit::Span;

    #[test]
    fn large_files_parse_in_pieces_with_the_same_tree() {
        let mut text = String::new();
        let mut n = 0;
        while text.len() < 3 * PIECE_BYTES {
            text.push_str(&format!(
                "resource \"aws_s3_bucket\" \"b{n}\" {{\n  bucket = \"x{n}\" # c\n  policy = <<EOF\nresource \"a\" \"b\" {{\nEOF\n  tags = {{\n    a = \"b\"\n  }}\n}}\nlocals {{\n  v{n} = 1\n}}\n"
            ));
            n += 1;
        }
        assert!(rewrite::pieces(&text, PIECE_BYTES).len() >= 2);
        let pieces = parse_in_pieces(&text).unwrap();
        let mut whole = hcl_edit::parser::parse_body(&text).unwrap();
        compact::compact(&mut whole, &compact::Restore::default());
        assert_eq!(pieces.len(), whole.len());
        assert_eq!(Nodes::of(&pieces).0, Nodes::of(&whole).0);
        // Every break is at the start of a top-level block.
        for b in rewrite::pieces(&text, PIECE_BYTES) {
            assert!(text[b..].starts_with("resource ") || text[b..].starts_with("locals "));
        }
    }

    #[test]
    fn a_large_file_with_an_error_reports_its_first_error() {
        let block = "locals {\n  a = 1\n}\n";
        let mut text = block.repeat(PIECE_BYTES / block.len() * 3);
        let at = text.len() / 2;
        text.insert_str(at - at % block.len(), "x = = 1\n");
        let f = file(&text);
        let e = parse(FileId(0), &f).unwrap_err();
        assert!(e.message.contains("syntax"), "{e:?}");
        assert_eq!(f.text[e.span.clone().unwrap()].chars().next(), Some('='));
        // A top-level attribute set in two pieces is the error the whole parse reports.
        let twice = format!(
            "x = 1\n{}x = 2\n",
            block.repeat(PIECE_BYTES / block.len() * 2)
        );
        let e = parse(FileId(0), &file(&twice)).unwrap_err();
        assert!(e.message.contains("redefined attribute"), "{e:?}");
    }
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
    fn duplicate_keys_the_rewrite_cannot_rename_get_an_explanation() {
        // Keys that are expressions are compared by hcl-edit but not renamed.
        let f = file("x = { (var.a) = 1, (var.a) = 2 }\n");
        let e = parse(FileId(0), &f).unwrap_err();
        assert!(e.help.unwrap().contains("duplicate"));
    }

    #[test]
    fn for_object_errors_get_an_explanation() {
        // A real error in a `for` object: the rewrite cannot save it, the hint stays.
        let f = file("x = { for k in [] : k => true ?\n 1 : }\n");
        let e = parse(FileId(0), &f).unwrap_err();
        assert!(e.help.clone().unwrap().contains("for"), "{e:?}");
        assert_eq!(e.position.line, 2, "{e:?}");
    }

    /// The annotated fixtures of `testdata/parse/`: each folder is scanned with the rules its
    /// `.rules` names, and findings and input errors must match the markers.
    #[test]
    fn parse_fixtures() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/parse");
        assert!(std::fs::read_dir(&root).unwrap().count() >= 4);
        let failures = crate::fixtures::run_cases("parse");
        assert!(failures.is_empty(), "\n{}\n", failures.join("\n"));
    }

    /// The value of `x` in the first attribute of `body`.
    fn value_of(body: &Body, name: &str) -> crate::terraform::eval::Val {
        let attr = body.get_attribute(name).unwrap();
        let loc = crate::source::Loc::new(FileId(0), 0..0);
        crate::terraform::eval::Evaluator::new(FileId(0)).eval(&attr.value, &loc)
    }

    fn position_of(f: &SourceFile, needle: &str, nth: usize) -> Position {
        let offset = f.text.match_indices(needle).nth(nth).unwrap().0;
        f.position(offset)
    }

    #[test]
    fn a_repeated_object_key_keeps_the_last_value() {
        let text = "x = {\n  a = 1\n  b = 2\n  a = 3\n  \"q\" = 4, \"q\" = 5\n  a = 6\n}\n";
        let f = file(text);
        let body = parse(FileId(0), &f).unwrap();
        let x = value_of(&body, "x");
        let crate::terraform::eval::Data::Object(entries) = &x.data else {
            panic!("{x:?}")
        };
        let keys: Vec<_> = entries
            .iter()
            .map(|(k, _)| k.data_str().unwrap().to_string())
            .collect();
        assert_eq!(keys, ["b", "q", "a"]);
        let a = x.get("a").unwrap();
        assert_eq!(a.data, crate::terraform::eval::Data::Number(6.0));
        // The value is located where it is written: line 6, column 7.
        assert_eq!(
            f.position(a.loc.span.start),
            Position { line: 6, column: 7 }
        );
        let q = x.get("q").unwrap();
        assert_eq!(q.data, crate::terraform::eval::Data::Number(5.0));
        assert_eq!(f.position(q.loc.span.start), position_of(&f, "5", 0));
    }

    #[test]
    fn nested_objects_keep_their_own_keys() {
        // Equal keys in different objects are not repeats.
        let f = file("x = {\n  a = { a = 1 }\n  b = { a = 2, a = 3 }\n}\n");
        let body = parse(FileId(0), &f).unwrap();
        let x = value_of(&body, "x");
        let inner = |k: &str| x.get(k).unwrap().get("a").unwrap().data.clone();
        assert_eq!(inner("a"), crate::terraform::eval::Data::Number(1.0));
        assert_eq!(inner("b"), crate::terraform::eval::Data::Number(3.0));
    }

    #[test]
    fn a_repeated_attribute_in_a_block_stays_an_error() {
        // Terraform rejects two `x =` in one body.
        let f = file("resource \"aws_kms_key\" \"k\" {\n  x = { a = 1, a = 2 }\n  x = 2\n}\n");
        let e = parse(FileId(0), &f).unwrap_err();
        assert!(e.message.contains("redefined attribute"), "{e:?}");
        assert_eq!(e.position, Position { line: 3, column: 3 });
    }

    #[test]
    fn a_line_break_inside_a_for_object_value_is_accepted() {
        let text = "locals {\n  m = { for k in [\"a\", \"b\"] : k => k == \"a\" ? false : # why\n    true\n  }\n}\n";
        let f = file(text);
        let body = parse(FileId(0), &f).unwrap();
        let locals = body.get_blocks("locals").next().unwrap();
        let attr = locals.body.get_attribute("m").unwrap();
        let hcl_edit::expr::Expression::ForExpr(for_expr) = &attr.value else {
            panic!("{attr:?}")
        };
        // Spans index the text as written; positions come from it.
        let value = for_expr.value_expr.span().unwrap();
        assert_eq!(f.position(value.start), position_of(&f, "k == ", 0));
        assert_eq!(f.position(value.end), Position { line: 3, column: 9 });
        assert_eq!(&f.text[value], "k == \"a\" ? false : # why\n    true");
    }

    #[test]
    fn a_heredoc_line_that_starts_with_the_delimiter_is_content() {
        let text = "x = <<EOF\nsqlplus << EOF\nEOF\"\nEOF-x\nEOF\ny = \"after\"\n";
        let f = file(text);
        let body = parse(FileId(0), &f).unwrap();
        let x = value_of(&body, "x");
        assert_eq!(x.data_str(), Some("sqlplus << EOF\nEOF\"\nEOF-x\n"));
        let attr = body.get_attribute("x").unwrap();
        let heredoc = attr.value.as_heredoc_template().unwrap();
        assert_eq!(heredoc.delimiter.as_str(), "EOF");
        let y = body.get_attribute("y").unwrap();
        assert_eq!(
            f.position(y.value.span().unwrap().start),
            Position { line: 6, column: 5 }
        );
    }

    #[test]
    fn compaction_keeps_every_value_and_span() {
        let text = "# c\nresource \"aws_kms_key\" \"k\" { # c\n  policy = jsonencode({ a = [1, \"${var.x}\"], b = f(1, 2) }) # c\n  x = <<-EOT\n    y\n  EOT\n  z = { for k, v in var.m : k => v if v != null }\n  dynamic \"d\" {\n    for_each = var.l[*].a\n  }\n}\n";
        let f = file(text);
        let compacted = parse(FileId(0), &f).unwrap();
        let full = hcl_edit::parser::parse_body(text).unwrap();
        let (a, b) = (Nodes::of(&compacted), Nodes::of(&full));
        assert!(a.0.len() > 40, "{:?}", a.0);
        assert_eq!(a.0, b.0);
        // Decor is gone.
        assert!(!format!("{compacted:?}").contains("# c"));
    }

    /// Every expression, identifier and structure with its span, and the values of literals.
    struct Nodes(Vec<String>);

    impl Nodes {
        fn of(body: &Body) -> Self {
            let mut nodes = Nodes(Vec::new());
            hcl_edit::visit::Visit::visit_body(&mut nodes, body);
            nodes
        }
    }

    impl hcl_edit::visit::Visit for Nodes {
        fn visit_structure(&mut self, node: &hcl_edit::structure::Structure) {
            self.0.push(format!("structure {:?}", node.span()));
            hcl_edit::visit::visit_structure(self, node);
        }
        fn visit_ident(&mut self, node: &hcl_edit::Decorated<hcl_edit::Ident>) {
            self.0
                .push(format!("ident {} {:?}", node.as_str(), node.span()));
        }
        fn visit_expr(&mut self, node: &hcl_edit::expr::Expression) {
            use hcl_edit::expr::Expression as E;
            let literal = match node {
                E::Null(_) => "null".to_string(),
                E::Bool(b) => b.to_string(),
                E::Number(n) => n.to_string(),
                E::String(s) => s.to_string(),
                _ => String::new(),
            };
            self.0.push(format!("expr {literal} {:?}", node.span()));
            hcl_edit::visit::visit_expr(self, node);
        }
        fn visit_literal(&mut self, node: &hcl_edit::Spanned<String>) {
            self.0
                .push(format!("literal {:?} {:?}", node.as_str(), node.span()));
        }
    }
}
