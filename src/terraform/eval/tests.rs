use super::*;
use crate::files::Files;
use crate::terraform::module::{ModuleIndex, ParsedFile};

/// Evaluates `x = SRC` with `prelude` (locals, variables...) in the same module.
fn eval_in(prelude: &str, src: &str) -> Val {
    let dir = std::env::temp_dir();
    let files = Files::new(&dir, std::slice::from_ref(&dir), 1 << 20);
    let text = format!("{prelude}\nlocals {{\n  x = {src}\n}}\n");
    let (id, source) = files.add_text("main.tf", text);
    let body = hcl_edit::parser::parse_body(&source.text).unwrap();
    let parsed = vec![ParsedFile { id, source, body }];
    let index = ModuleIndex::new(&parsed);
    let mut scope = Scope::new(&index, &dir, &files);
    scope.schema = TEST_SCHEMA;
    scope.vars =
        crate::terraform::vars::root_values(&index, &dir, &files, &Default::default(), &[]);
    scope.local("x", &Loc::new(id, 0..0))
}

/// A schema as a caller gives one: keys and roles stand for themselves; two data sources
/// look keys up, answered as they are when looked up by a name that starts with `alias/aws/`;
/// one resource type names keys.
const TEST_SCHEMA: Schema = Schema {
    marker: |ty| match ty {
        "aws_kms_key" => Some((Marker::Key, &["arn", "key_id", "id"])),
        "aws_iam_role" => Some((Marker::Principal, &["arn"])),
        _ => None,
    },
    lookup: |ty| match ty {
        "aws_kms_alias" => Some(Lookup {
            by: "name",
            key: &["target_key_id", "target_key_arn"],
        }),
        "aws_kms_key" => Some(Lookup {
            by: "key_id",
            key: &["arn", "id", "key_id"],
        }),
        _ => None,
    },
    answer: |v| v.starts_with("alias/aws/"),
    aliases: Some(Aliases {
        ty: "aws_kms_alias",
        name: "name",
        target: "target_key_id",
        key: &["target_key_id", "target_key_arn"],
        parse: |t| match t.find(":alias/") {
            Some(i) if t.starts_with("arn:") => t.get(i + 1..),
            _ => t.starts_with("alias/").then_some(t),
        },
    }),
};

fn eval(src: &str) -> Val {
    eval_in("", src)
}

fn s(v: &str) -> Data {
    Data::String(v.to_string())
}

fn strings(v: &Val) -> Vec<String> {
    match &v.data {
        Data::List(items) => items.iter().map(|i| i.to_string_value().unwrap()).collect(),
        other => panic!("not a list: {other:?}"),
    }
}

#[test]
fn literals_and_templates() {
    assert_eq!(eval("false").data, Data::Bool(false));
    assert_eq!(eval("730").data, Data::Number(730.0));
    assert_eq!(eval("(true)").data, Data::Bool(true));
    assert_eq!(eval("null").data, Data::Null);
    assert_eq!(eval("<<EOT\nab\nEOT").data, s("ab\n"));
    assert_eq!(eval("\"a$${b}\"").data, s("a${b}"));
    assert_eq!(eval("\"a-${1}-${true}\"").data, s("a-1-true"));
    assert_eq!(
        eval("\"%{ if true }yes%{ else }no%{ endif }\"").data,
        s("yes")
    );
    assert_eq!(
        eval("\"%{ for x in [1, 2] }${x},%{ endfor }\"").data,
        s("1,2,")
    );
    assert_eq!(eval("\"a ${~ \"b\" ~} c\"").data, s("abc"));
}

#[test]
fn a_lone_interpolation_keeps_its_value() {
    let v = eval("\"${jsonencode({ a = 1 })}\"");
    assert!(matches!(v.data, Data::Json(_)), "{v:?}");
    assert!(matches!(&eval("\"${[1]}\"").data, Data::List(items) if items.len() == 1));
}

#[test]
fn unknown_propagates() {
    for src in [
        "var.missing",
        "upper(var.missing)",
        "var.missing + 1",
        "\"${var.missing}\"",
        "var.missing ? 1 : 2",
        "aws_s3_bucket.b.arn",
        "data.aws_iam_role.r.arn",
        "unknown_function(1)",
        "merge({ a = 1 }, var.missing)",
        "[for x in var.missing : x]",
        "try(var.missing, 1)",
        "can(var.missing)",
    ] {
        assert!(eval(src).has_unknown(), "{src} should be unknown");
    }
}

#[test]
fn operators() {
    assert_eq!(eval("1 + 2 * 3").data, Data::Number(7.0));
    assert_eq!(eval("7 % 4 == 3").data, Data::Bool(true));
    assert_eq!(eval("!true || 2 >= 2").data, Data::Bool(true));
    assert_eq!(eval("false && var.missing").data, Data::Bool(false));
    assert_eq!(eval("true || var.missing").data, Data::Bool(true));
    assert_eq!(eval("-(3)").data, Data::Number(-3.0));
    assert_eq!(eval("\"a\" != \"b\"").data, Data::Bool(true));
    assert_eq!(eval("1 / 0").data, Data::Unknown);
}

#[test]
fn collections_for_expressions_and_splats() {
    assert_eq!(
        strings(&eval("[for s in [\"a\", \"b\"] : upper(s)]")),
        ["A", "B"]
    );
    assert_eq!(
        strings(&eval(
            "[for i, s in [\"a\", \"b\"] : \"${i}${s}\" if s != \"a\"]"
        )),
        ["1b"]
    );
    let m = eval("{ for k, v in { a = 1, b = 2 } : v => k }");
    assert_eq!(m.get("2").unwrap().data, s("b"));
    let g = eval("{ for s in [\"x\", \"y\", \"x\"] : s => s... }");
    assert_eq!(strings(g.get("x").unwrap()).len(), 2);
    assert_eq!(
        strings(&eval("[{ n = \"a\" }, { n = \"b\" }][*].n")),
        ["a", "b"]
    );
    assert_eq!(
        eval("{ a = { b = [10, 20] } }.a.b[1]").data,
        Data::Number(20.0)
    );
    assert_eq!(eval("[\"x\"].0").data, s("x"));
}

#[test]
fn functions() {
    let cases = [
        ("lower(\"AbC\")", s("abc")),
        ("upper(\"abc\")", s("ABC")),
        ("format(\"%s-%d-%q\", \"a\", 4.7, \"q\")", s("a-4-\"q\"")),
        ("join(\",\", [\"a\", \"b\"], [\"c\"])", s("a,b,c")),
        ("replace(\"a-b-c\", \"-\", \"_\")", s("a_b_c")),
        ("replace(\"a1b22\", \"/[0-9]+/\", \"#\")", s("a#b#")),
        ("substr(\"hello\", 1, 3)", s("ell")),
        ("substr(\"hello\", -3, -1)", s("llo")),
        ("trimprefix(\"alias/app\", \"alias/\")", s("app")),
        ("trimsuffix(\"a.json\", \".json\")", s("a")),
        ("tostring(5)", s("5")),
        ("tonumber(\"12\")", Data::Number(12.0)),
        ("tobool(\"true\")", Data::Bool(true)),
        ("length([1, 2, 3])", Data::Number(3.0)),
        ("length({ a = 1 })", Data::Number(1.0)),
        ("length(\"héllo\")", Data::Number(5.0)),
        ("contains([\"a\", \"b\"], \"b\")", Data::Bool(true)),
        ("startswith(\"arn:aws\", \"arn:\")", Data::Bool(true)),
        ("endswith(\"key.json\", \".tf\")", Data::Bool(false)),
        ("lookup({ a = 1 }, \"b\", 9)", Data::Number(9.0)),
        ("lookup({ a = 1 }, \"a\")", Data::Number(1.0)),
        ("element([\"a\", \"b\"], 3)", s("b")),
        ("coalesce(\"\", null, \"x\")", s("x")),
        (
            "regex(\"^arn:aws:iam::([0-9]+):\", \"arn:aws:iam::123456789012:root\")[0]",
            s("123456789012"),
        ),
        (
            "provider::aws::arn_parse(\"arn:aws:kms:us-east-1:111122223333:key/abc\").account_id",
            s("111122223333"),
        ),
        (
            "provider::aws::arn_build(\"aws\", \"iam\", \"\", \"111122223333\", \"root\")",
            s("arn:aws:iam::111122223333:root"),
        ),
        ("try(\"first\", \"second\")", s("first")),
        ("can(1)", Data::Bool(true)),
        ("keys({ b = 1, a = 2 })[0]", s("a")),
        ("values({ b = 1, a = 2 })[0]", Data::Number(2.0)),
        ("merge({ a = 1, b = 1 }, { b = 2 }).b", Data::Number(2.0)),
        (
            "jsondecode(\"{\\\"a\\\": [1, 2]}\").a[1]",
            Data::Number(2.0),
        ),
        ("jsondecode(jsonencode({ a = \"x\" })).a", s("x")),
    ];
    for (src, want) in cases {
        assert_eq!(eval(src).data, want, "{src}");
    }
    assert_eq!(
        strings(&eval("concat([\"a\"], [\"b\", \"c\"])")),
        ["a", "b", "c"]
    );
    assert_eq!(
        strings(&eval("flatten([[\"a\"], [[\"b\"]], \"c\"])")),
        ["a", "b", "c"]
    );
    assert_eq!(
        strings(&eval("distinct([\"a\", \"b\", \"a\"])")),
        ["a", "b"]
    );
    assert_eq!(
        strings(&eval("compact([\"a\", \"\", null, \"b\"])")),
        ["a", "b"]
    );
    assert_eq!(strings(&eval("split(\",\", \"a,b\")")), ["a", "b"]);
    assert_eq!(strings(&eval("toset([\"a\", \"a\"])")), ["a"]);
    assert_eq!(strings(&eval("regexall(\"[a-z]\", \"a1b\")")), ["a", "b"]);
    assert!(
        eval("concat(var.l...)").is_unknown(),
        "expansion of an unknown list"
    );
}

#[test]
fn markers_for_what_terraform_knows_only_at_apply() {
    let prelude = "resource \"aws_kms_key\" \"k\" {}\nresource \"aws_iam_role\" \"r\" {}\n";
    assert_eq!(
        eval_in(prelude, "aws_kms_key.k.arn").data,
        s(&key_ref("aws_kms_key.k"))
    );
    assert_eq!(
        eval_in(prelude, "aws_kms_key.k[0].key_id").data,
        s(&key_ref("aws_kms_key.k"))
    );
    assert_eq!(
        eval_in(prelude, "aws_iam_role.r.arn").data,
        s(&principal_ref("aws_iam_role.r"))
    );
    assert!(eval_in(prelude, "aws_iam_role.r.name").is_unknown());
    assert_eq!(
        eval("\"arn:${data.aws_partition.p.partition}:iam::${data.aws_caller_identity.current.account_id}:root\"").data,
        s(&format!("arn:{PARTITION}:iam::{OWNER_ACCOUNT}:root"))
    );
}

#[test]
fn references_name_the_instance_they_index() {
    let prelude = r#"resource "aws_kms_key" "c" {
  count = 2
}
resource "aws_kms_key" "e" {
  for_each = toset(["a", "b"])
}
variable "n" {}
"#;
    let k = |src: &str| eval_in(prelude, src).data;
    assert_eq!(k("aws_kms_key.c[1].arn"), s(&key_ref("aws_kms_key.c[1]")));
    assert_eq!(
        k("aws_kms_key.e[\"b\"].id"),
        s(&key_ref("aws_kms_key.e[\"b\"]"))
    );
    assert_eq!(
        k("aws_kms_key.e.a.key_id"),
        s(&key_ref("aws_kms_key.e[\"a\"]"))
    );
    assert_eq!(
        k("element(aws_kms_key.c[*].arn, 3)"),
        s(&key_ref("aws_kms_key.c[1]"))
    );
    assert_eq!(
        k("one(values(aws_kms_key.e)[*].arn)"),
        Data::Unknown,
        "one() of two values is an error"
    );
    // An index the scan cannot know still names the block.
    assert_eq!(k("aws_kms_key.c[var.n].arn"), s(&key_ref("aws_kms_key.c")));
    assert_eq!(k("one([])"), Data::Null);
    assert_eq!(k("one([\"x\"])"), s("x"));
    assert_eq!(
        k("one(aws_kms_key.c[*].arn)"),
        Data::Unknown,
        "two instances"
    );
}

#[test]
fn kms_data_sources_resolve_keys_of_the_module() {
    let prelude = r#"resource "aws_kms_key" "k" {}
resource "aws_kms_alias" "a" {
  name          = "alias/app"
  target_key_id = aws_kms_key.k.key_id
}
data "aws_kms_alias" "by_name" {
  name = "alias/app"
}
data "aws_kms_key" "by_arn" {
  key_id = "arn:aws:kms:us-east-1:111122223333:alias/app"
}
data "aws_kms_key" "by_ref" {
  key_id = aws_kms_key.k.arn
}
data "aws_kms_alias" "other" {
  name = "alias/other"
}
data "aws_kms_key" "by_alias_resource" {
  key_id = aws_kms_alias.a.name
}
"#;
    let k = |src: &str| eval_in(prelude, src).data;
    let key = s(&key_ref("aws_kms_key.k"));
    assert_eq!(k("data.aws_kms_alias.by_name.target_key_arn"), key);
    assert_eq!(k("data.aws_kms_key.by_arn.id"), key);
    assert_eq!(k("data.aws_kms_key.by_ref.arn"), key);
    assert_eq!(k("data.aws_kms_alias.by_name.arn"), Data::Unknown);
    // An alias the module does not create: a marker the adapter resolves with the root's aliases.
    assert_eq!(
        k("data.aws_kms_alias.other.target_key_id"),
        s(&alias_ref("alias/other"))
    );
    assert_eq!(k("data.aws_kms_key.by_alias_resource.arn"), key);
    assert_eq!(k("aws_kms_alias.a.target_key_arn"), key);
    assert_eq!(k("aws_kms_alias.a.name"), s("alias/app"));
    assert_eq!(k("aws_kms_alias.a.arn"), Data::Unknown);
}

#[test]
fn variables_are_converted_to_their_type() {
    let prelude = r#"variable "n" {
  type    = number
  default = "5"
}
variable "cfg" {
  type = object({
    name   = string
    rotate = optional(bool, true)
    tags   = optional(map(string))
  })
  default = { name = "app" }
}
variable "ids" {
  type    = list(string)
  default = [111122223333]
}
"#;
    assert_eq!(eval_in(prelude, "var.n + 1").data, Data::Number(6.0));
    assert_eq!(eval_in(prelude, "var.cfg.rotate").data, Data::Bool(true));
    assert_eq!(eval_in(prelude, "var.cfg.tags").data, Data::Null);
    assert_eq!(eval_in(prelude, "var.ids[0]").data, s("111122223333"));
}

#[test]
fn local_chains_and_cycles() {
    let v = eval_in(
        "locals {\n  a = \"x\"\n  b = \"${local.a}y\"\n}\n",
        "local.b",
    );
    assert_eq!(v.data, s("xy"));
    let v = eval_in("locals {\n  a = local.b\n  b = local.a\n}\n", "local.a");
    assert!(v.is_unknown());
}

#[test]
fn values_past_the_evaluation_budget_are_unknown() {
    let doubling = |n: usize| {
        let mut prelude = String::from("locals {\n  l0 = \"xx\"\n");
        for i in 1..=n {
            prelude += &format!("  l{i} = \"${{local.l{0}}}${{local.l{0}}}\"\n", i - 1);
        }
        eval_in(&format!("{prelude}}}"), &format!("local.l{n}"))
    };
    assert!(matches!(&doubling(10).data, Data::String(s) if s.len() == 2048));
    // 2 TiB of text, were it built.
    assert!(doubling(40).is_unknown());
    // 10^8 values from a few hundred bytes of loops.
    let list = format!("[{}]", vec!["1"; 100].join(", "));
    let nested = format!(
        "[for a in {list} : [for b in {list} : [for c in {list} : [for d in {list} : d]]]]"
    );
    assert!(eval(&nested).has_unknown());
}

#[test]
fn without_a_schema_resources_and_data_sources_are_unknown() {
    let prelude = "resource \"aws_kms_key\" \"k\" {}\ndata \"aws_kms_alias\" \"a\" {\n  name = \"alias/aws/s3\"\n}\n";
    let dir = std::env::temp_dir();
    let files = Files::new(&dir, std::slice::from_ref(&dir), 1 << 20);
    let text = format!(
        "{prelude}\nlocals {{\n  k = aws_kms_key.k.arn\n  a = data.aws_kms_alias.a.arn\n}}\n"
    );
    let (id, source) = files.add_text("main.tf", text);
    let body = hcl_edit::parser::parse_body(&source.text).unwrap();
    let parsed = vec![ParsedFile { id, source, body }];
    let index = ModuleIndex::new(&parsed);
    let scope = Scope::new(&index, &dir, &files);
    assert!(scope.local("k", &Loc::new(id, 0..0)).is_unknown());
    assert!(scope.local("a", &Loc::new(id, 0..0)).is_unknown());
    // The same configuration with a schema: the key is a marker, the alias is answered.
    assert_eq!(
        eval_in(prelude, "aws_kms_key.k.arn").data,
        s(&key_ref("aws_kms_key.k"))
    );
    assert_eq!(
        eval_in(prelude, "data.aws_kms_alias.a.arn").data,
        s("alias/aws/s3")
    );
    // A value the schema does not keep stays unknown.
    let other = "data \"aws_kms_alias\" \"a\" {\n  name = \"alias/app\"\n}\n";
    assert!(eval_in(other, "data.aws_kms_alias.a.arn").is_unknown());
}

#[test]
fn a_spent_budget_is_one_warning() {
    let dir = std::env::temp_dir();
    let files = Files::new(&dir, std::slice::from_ref(&dir), 1 << 20);
    let mut text = String::from("locals {\n  l0 = \"xx\"\n");
    for i in 1..=40 {
        text += &format!("  l{i} = \"${{local.l{0}}}${{local.l{0}}}\"\n", i - 1);
    }
    text += "}\n";
    let (id, source) = files.add_text("main.tf", text);
    let body = hcl_edit::parser::parse_body(&source.text).unwrap();
    let parsed = vec![ParsedFile { id, source, body }];
    let index = ModuleIndex::new(&parsed);
    let scope = Scope::new(&index, &dir, &files);
    assert!(scope.local("l40", &Loc::new(id, 0..0)).is_unknown());
    assert!(scope.local("l39", &Loc::new(id, 0..0)).is_unknown());
    let errors = scope.take_errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].kind, InputErrorKind::Limit);
    assert_eq!(errors[0].level(), crate::rules::Level::Warning);
    assert!(errors[0].message.contains("MiB of values"));
}

#[test]
fn reading_one_setting_of_a_large_local_copies_that_setting_only() {
    // A decoded settings file of 3000 entries (about 1 MiB of values), read 100 times one
    // setting at a time: 100 copies of the whole would pass the budget.
    let entries: Vec<String> = (0..3000)
        .map(|i| {
            format!(
                "\"k{i}\": {{\"id\": \"{i:012}\", \"name\": \"{}\"}}",
                "n".repeat(200)
            )
        })
        .collect();
    let prelude = format!(
        "locals {{\n  big = jsondecode(<<EOT\n{{{}}}\nEOT\n  )\n}}\n",
        entries.join(", ")
    );
    let reads: Vec<String> = (0..100)
        .map(|i| format!("local.big[\"k{i}\"].id"))
        .collect();
    let v = eval_in(&prelude, &format!("[{}]", reads.join(", ")));
    assert!(!v.has_unknown(), "{:?}", v.data);
    assert_eq!(strings(&v)[7], "000000000007");
    // Past the selection, a splat applies to the copy.
    let v = eval_in(
        "locals {\n  m = { a = [{ id = \"x\" }, { id = \"y\" }] }\n}\n",
        "local.m.a[*].id",
    );
    assert_eq!(strings(&v), ["x", "y"]);
    let v = eval_in("locals {\n  m = { a = 1 }\n}\n", "local.m.b");
    assert!(v.is_unknown());
}
