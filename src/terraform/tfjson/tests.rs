use std::path::PathBuf;

use hcl_edit::Span;
use hcl_edit::expr::Expression;

use super::*;
use crate::source::Position;

fn file(text: &str) -> SourceFile {
    SourceFile::new(
        PathBuf::from("main.tf.json"),
        "main.tf.json".into(),
        text.to_string(),
    )
}

fn pos(f: &SourceFile, span: Option<std::ops::Range<usize>>) -> (usize, usize) {
    let Position { line, column } = f.position(span.unwrap().start);
    (line, column)
}

const KEY: &str = r#"{
  "//": "generated",
  "resource": {
    "aws_kms_key": {
      "app": {
        "//": {"metadata": 1},
        "description": "app key",
        "enable_key_rotation": false,
        "policy": "${data.aws_iam_policy_document.p.json}",
        "tags": {"team": "a-${var.x}"}
      }
    }
  },
  "data": {
    "aws_iam_policy_document": {
      "p": {
        "statement": [
          {"sid": "One", "actions": ["kms:*"]},
          {"sid": "Two", "actions": ["kms:Decrypt"]}
        ]
      }
    }
  },
  "variable": {"x": {"type": "string", "default": "b"}},
  "locals": {"statement": {"a": 1}}
}
"#;

#[test]
fn blocks_arguments_and_positions_come_from_the_json() {
    let f = file(KEY);
    let body = parse(crate::source::FileId(0), &f).unwrap();
    let key = body.get_blocks("resource").next().unwrap();
    let labels: Vec<&str> = key.labels.iter().map(|l| l.as_str()).collect();
    assert_eq!(labels, ["aws_kms_key", "app"]);
    // The block starts at its name.
    assert_eq!(pos(&f, key.span()), (5, 7));
    assert_eq!(pos(&f, key.labels[1].span()), (5, 7));
    let rotation = key.body.get_attribute("enable_key_rotation").unwrap();
    assert_eq!(pos(&f, rotation.span()), (8, 10));
    assert_eq!(pos(&f, rotation.value.span()), (8, 32));
    assert_eq!(f.slice(&rotation.value.span().unwrap()), "false");
    // `"//"` is a comment; `tags` is a map, an argument.
    assert!(key.body.get_attribute("//").is_none());
    let tags = key.body.get_attribute("tags").unwrap();
    assert!(matches!(tags.value, Expression::Object(_)));
    // A string that is one interpolation is that expression.
    let policy = &key.body.get_attribute("policy").unwrap().value;
    let Expression::StringTemplate(t) = policy else {
        panic!("{policy:?}")
    };
    assert_eq!(t.iter().count(), 1);
    assert_eq!(
        f.slice(&policy.span().unwrap()),
        "\"${data.aws_iam_policy_document.p.json}\""
    );
    // An array of objects under a nested block name is one block each, at its object.
    let doc = body.get_blocks("data").next().unwrap();
    let statements: Vec<_> = doc.body.get_blocks("statement").collect();
    assert_eq!(statements.len(), 2);
    assert_eq!(pos(&f, statements[1].span()), (19, 11));
    let sid = statements[1].body.get_attribute("sid").unwrap();
    assert_eq!(f.slice(&sid.value.span().unwrap()), "\"Two\"");
    // A variable's type is an expression, not a string.
    let var = body.get_blocks("variable").next().unwrap();
    let ty = &var.body.get_attribute("type").unwrap().value;
    assert!(matches!(ty, Expression::Variable(_)), "{ty:?}");
    // Every local is a value, whatever its name.
    let locals = body.get_blocks("locals").next().unwrap();
    assert!(locals.body.get_attribute("statement").is_some());
}

#[test]
fn escapes_are_decoded_before_the_template_is_read() {
    let f = file(
        r#"{"locals": {"a": "${jsonencode({\"k\" = \"v\"})}", "b": "x\/y\b", "c": "$${lit} \"q\""}}"#,
    );
    let body = parse(crate::source::FileId(0), &f).unwrap();
    let locals = body.get_blocks("locals").next().unwrap();
    let a = &locals.body.get_attribute("a").unwrap().value;
    assert!(matches!(a, Expression::StringTemplate(_)), "{a:?}");
    let b = &locals.body.get_attribute("b").unwrap().value;
    let Expression::String(b) = b else {
        panic!("{b:?}")
    };
    assert_eq!(b.value(), "x/y\u{8}");
    let c = &locals.body.get_attribute("c").unwrap().value;
    // `$${` is a literal `${`.
    let Expression::String(c) = c else {
        panic!("{c:?}")
    };
    assert_eq!(c.value(), "${lit} \"q\"");
}

#[test]
fn an_expression_string_cannot_change_the_structure() {
    let f = file(
        "{\"variable\": {\"x\": {\"type\": \"string\\n}\\nresource \\\"aws_kms_key\\\" \\\"evil\\\" {\"}}}",
    );
    let body = parse(crate::source::FileId(0), &f).unwrap();
    assert_eq!(body.get_blocks("resource").count(), 0);
    let var = body.get_blocks("variable").next().unwrap();
    assert!(matches!(
        var.body.get_attribute("type").unwrap().value,
        Expression::Null(_)
    ));
}

#[test]
fn hostile_files_are_input_errors_at_the_json() {
    // An unterminated interpolation: Terraform rejects the file too.
    let f = file("{\n  \"locals\": {\n    \"a\": \"${var.x\"\n  }\n}\n");
    let e = parse(crate::source::FileId(0), &f).unwrap_err();
    assert_eq!(e.kind, InputErrorKind::Syntax);
    assert_eq!(e.position.line, 3, "{e:?}");
    // Nesting deeper than the JSON parser allows.
    let deep = format!(
        "{{\"locals\": {{\"a\": {}{}}}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let e = parse(crate::source::FileId(0), &file(&deep)).unwrap_err();
    assert_eq!(e.kind, InputErrorKind::Syntax);
    // As deep as the JSON parser allows: the translation is parsed (or refused), not a crash.
    let deep = format!(
        "{{\"locals\": {{\"a\": {}{}}}}}",
        "[".repeat(500),
        "]".repeat(500)
    );
    let _ = parse(crate::source::FileId(0), &file(&deep));
    // Not an object, and not JSON.
    assert!(parse(crate::source::FileId(0), &file("[1]")).is_err());
    assert!(parse(crate::source::FileId(0), &file("{\"locals\": ")).is_err());
    assert!(parse(crate::source::FileId(0), &file("")).is_err());
    // A huge string is copied, not parsed in pieces of its own.
    let huge = format!("{{\"locals\": {{\"a\": \"{}\"}}}}", "x".repeat(4 << 20));
    let body = parse(crate::source::FileId(0), &file(&huge)).unwrap();
    assert_eq!(body.get_blocks("locals").count(), 1);
}

#[test]
fn every_block_of_the_encryption_table_is_a_nested_block() {
    for row in crate::model::encryption::ROWS {
        for block in row.blocks {
            assert!(NESTED_BLOCKS.contains(block), "{block}");
        }
    }
    assert!(NESTED_BLOCKS.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn made_up_strings_are_quoted_for_the_native_syntax() {
    assert_eq!(quote("a\"b\\c\n${x}", true), "\"a\\\"b\\\\c\\n${x}\"");
    assert_eq!(quote("${ \"}\" } $${y}", true), "\"${ \"}\" } $${y}\"");
    assert_eq!(quote("l${x}", false), "\"l$${x}\"");
    assert!(same_in_native(r#"a \"b\" \u00e9"#));
    assert!(!same_in_native(r#"\ud83d\ude00"#));
    assert!(!same_in_native(r#"${\"a\"}"#));
    assert!(same_in_native("${var.x}"));
}
