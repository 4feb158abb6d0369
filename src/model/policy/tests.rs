use super::*;
use crate::source::FileId;
use crate::terraform::eval::Evaluator;

fn policy(src: &str) -> (String, Policy) {
    let text = format!("p = {src}\n");
    let body = hcl_edit::parser::parse_body(&text).unwrap();
    let attr = body.get_attribute("p").unwrap();
    let v = Evaluator::new(FileId(0)).eval(&attr.value, &Loc::new(FileId(0), 0..0));
    (text.clone(), Policy::from_val(&v))
}

#[test]
fn principals_in_every_form() {
    let (text, p) = policy(
        r#"jsonencode({
  Version = "2012-10-17"
  Statement = [
    { Effect = "Allow", Principal = "*", Action = "kms:*", Resource = "*" },
    { Effect = "Allow", Principal = { AWS = ["arn:aws:iam::111122223333:root", "*"] }, Action = ["kms:Decrypt"], Resource = "*" },
    { Sid = "Svc", Effect = "Deny", NotPrincipal = { Service = "logs.amazonaws.com" }, NotAction = "kms:Decrypt", Resource = "*" },
  ]
})"#,
    );
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    assert_eq!(p.statements.len(), 3);
    let s0 = &p.statements[0];
    assert_eq!(s0.effect, Some(Effect::Allow));
    let pr = s0.principals.as_ref().unwrap();
    assert!(pr.items[0].is_wildcard());
    assert_eq!(&text[pr.items[0].id.loc.span.clone()], "\"*\"");
    let p1 = &p.statements[1].principals.as_ref().unwrap().items;
    assert_eq!(p1.len(), 2);
    assert!(!p1[0].is_wildcard() && p1[1].is_wildcard());
    let s2 = &p.statements[2];
    assert!(s2.principals.as_ref().unwrap().not);
    assert!(s2.actions.as_ref().unwrap().not);
    assert_eq!(s2.name(2), "statement `Svc`");
}

#[test]
fn conditions_are_flattened_with_spans() {
    let (text, p) = policy(
        r#"jsonencode({
  Statement = [{
    Effect = "Allow", Principal = "*", Action = "kms:Decrypt", Resource = "*"
    Condition = { StringEquals = { "kms:CallerAccount" = "111122223333", "kms:ViaService" = ["s3.us-east-1.amazonaws.com"] } }
  }]
})"#,
    );
    let c = &p.statements[0].conditions;
    assert_eq!(c.len(), 2);
    assert!(c[0].operator.is("StringEquals"));
    assert!(c[0].key.is("kms:CallerAccount"));
    assert_eq!(
        &text[c[1].values[0].loc.span.clone()],
        "\"s3.us-east-1.amazonaws.com\""
    );
}

#[test]
fn wrong_shapes_are_problems_at_the_element() {
    let (text, p) = policy(
        r#"jsonencode({
  Version = "2012-10-18"
  Statement = [{ Effect = "Permit", Principal = ["*"], Action = "kms:*", Resource = "*", Actions = "x" }, { Action = "kms:*" }]
})"#,
    );
    let msgs: Vec<(&str, &str)> = p
        .problems
        .iter()
        .map(|pr| (&text[pr.loc.span.clone()], pr.message.as_str()))
        .collect();
    assert!(
        msgs.iter()
            .any(|(t, m)| *t == "\"2012-10-18\"" && m.contains("Version")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|(t, m)| *t == "\"Permit\"" && m.contains("Effect")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|(t, m)| *t == "[\"*\"]" && m.contains("Principal")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|(t, m)| *t == "Actions" && m.contains("unknown statement element")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter().any(|(_, m)| m.contains("no `Effect`")),
        "{msgs:?}"
    );
}

#[test]
fn missing_statement_and_unknown_parts() {
    let (_, p) = policy(r#"jsonencode({ Version = "2012-10-17" })"#);
    assert_eq!(p.problems[0].message, "the policy has no `Statement`");
    let (_, p) = policy(r#"jsonencode({ Statement = var.statements })"#);
    assert!(p.unknown && p.problems.is_empty());
    let (_, p) = policy(
        r#"jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = var.admins }, Action = "kms:*", Resource = "*", Condition = var.c }] })"#,
    );
    let s = &p.statements[0];
    assert!(s.principals.as_ref().unwrap().unknown);
    assert!(s.conditions_unknown);
}
