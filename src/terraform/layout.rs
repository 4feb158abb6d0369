//! Which files of a directory make its configuration: `.tf` and `.tofu` in the native syntax,
//! `.tf.json` and `.tofu.json` in the JSON syntax, with OpenTofu's rule that `x.tofu` replaces
//! `x.tf` (and `x.tofu.json` replaces `x.tf.json`) of the same directory.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use hcl_edit::structure::Body;

use crate::diagnostic::InputError;
use crate::source::{FileId, SourceFile};

/// The two syntaxes of Terraform configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Native,
    Json,
}

/// The suffixes of configuration files, longest first so `.tf.json` is not taken for `.json`.
const SUFFIXES: [(&str, Syntax, bool); 4] = [
    (".tofu.json", Syntax::Json, true),
    (".tf.json", Syntax::Json, false),
    (".tofu", Syntax::Native, true),
    (".tf", Syntax::Native, false),
];

/// The syntax of a configuration file name, its stem, and whether it is an OpenTofu name;
/// `None` for other names.
fn split(name: &str) -> Option<(&str, Syntax, bool)> {
    SUFFIXES.iter().find_map(|&(suffix, syntax, tofu)| {
        name.strip_suffix(suffix)
            .filter(|stem| !stem.is_empty())
            .map(|stem| (stem, syntax, tofu))
    })
}

/// The syntax of a configuration file, by its name; `None` when it is not one.
pub fn syntax(path: &Path) -> Option<Syntax> {
    let name = path.file_name()?.to_string_lossy();
    split(&name).map(|(_, syntax, _)| syntax)
}

/// `override.tf`, `x_override.tf` (and the `.tf.json`, `.tofu`, `.tofu.json` forms): Terraform
/// merges their blocks into the blocks of the same address.
pub fn is_override(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    split(&name).is_some_and(|(stem, _, _)| stem == "override" || stem.ends_with("_override"))
}

/// The files OpenTofu would not load because a `.tofu` file of the same name (and syntax) is
/// beside them in the same directory.
pub fn shadowed(paths: &[PathBuf]) -> BTreeSet<PathBuf> {
    let tofu: BTreeSet<(Option<&Path>, String, bool)> = paths
        .iter()
        .filter_map(|p| {
            let name = p.file_name()?.to_string_lossy();
            let (stem, syntax, is_tofu) = split(&name)?;
            is_tofu.then(|| (p.parent(), stem.to_string(), syntax == Syntax::Json))
        })
        .collect();
    if tofu.is_empty() {
        return BTreeSet::new();
    }
    paths
        .iter()
        .filter(|p| {
            let Some(name) = p.file_name().map(|n| n.to_string_lossy()) else {
                return false;
            };
            split(&name).is_some_and(|(stem, syntax, is_tofu)| {
                !is_tofu && tofu.contains(&(p.parent(), stem.to_string(), syntax == Syntax::Json))
            })
        })
        .cloned()
        .collect()
}

/// Parses one configuration file in its syntax. Spans in the returned body index into
/// `file.text` (for the JSON syntax through the file's span map).
pub fn parse(id: FileId, file: &SourceFile) -> Result<Body, Box<InputError>> {
    match syntax(&file.path) {
        Some(Syntax::Json) => super::tfjson::parse(id, file),
        _ => super::hcl::parse(id, file),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_syntaxes() {
        let s = |n: &str| syntax(Path::new(n));
        assert_eq!(s("main.tf"), Some(Syntax::Native));
        assert_eq!(s("main.tofu"), Some(Syntax::Native));
        assert_eq!(s("cdk.tf.json"), Some(Syntax::Json));
        assert_eq!(s("main.tofu.json"), Some(Syntax::Json));
        assert_eq!(s("plan.json"), None);
        assert_eq!(s("x.tfvars"), None);
        assert_eq!(s(".tf"), None);
        for name in [
            "override.tf",
            "a_override.tf",
            "override.tf.json",
            "b_override.tofu",
        ] {
            assert!(is_override(Path::new(name)), "{name}");
        }
        for name in ["overrides.tf", "override_a.tf", "main.tf", "override.json"] {
            assert!(!is_override(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn a_tofu_file_replaces_the_tf_file_of_its_name_and_syntax_only() {
        let paths: Vec<PathBuf> = [
            "m/main.tf",
            "m/main.tofu",
            "m/keys.tf.json",
            "m/keys.tofu.json",
            "m/vars.tf",
            "m/vars.tofu.json",
            "n/main.tf",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let gone: Vec<_> = shadowed(&paths).into_iter().collect();
        assert_eq!(
            gone,
            [PathBuf::from("m/keys.tf.json"), PathBuf::from("m/main.tf")]
        );
    }
}
