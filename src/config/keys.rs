//! Every configuration key, once: the commented file `kmslint init` writes and the reference in
//! docs/configuration.md are both generated from this table (a test keeps them current).

/// One key of `kmslint.toml`: its name, a TOML example line (commented out in `init`), and what
/// it does.
pub struct Key {
    pub name: &'static str,
    pub example: &'static str,
    pub doc: &'static str,
}

pub const KEYS: &[Key] = &[
    Key {
        name: "select",
        example: "select = [\"KMS001\", \"KMS002\"]",
        doc: "Run only these rules (ids or names). Default: all rules.",
    },
    Key {
        name: "ignore",
        example: "ignore = [\"KMS017\"]",
        doc: "Do not run these rules (ids or names).",
    },
    Key {
        name: "fail-level",
        example: "fail-level = \"note\"",
        doc: "Findings at or above this level make the exit code 1: `error`, `warning`, `note` or `none`. Default: `warning` (notes fail nothing unless asked).",
    },
    Key {
        name: "exclude",
        example: "exclude = [\"examples/**\", \"**/test/**\"]",
        doc: "Glob patterns of files and directories not to analyse, relative to the directory of this file (`**` crosses directories, `*` does not).",
    },
    Key {
        name: "accounts",
        example: "accounts = [\"482916305717\"]",
        doc: "The accounts this code deploys to (owner accounts, KMS006, KMS016). Default: the account of `data.aws_caller_identity`, and per key policy the account it lets administer the key.",
    },
    Key {
        name: "trusted-accounts",
        example: "trusted-accounts = [\"209873451106\"]",
        doc: "Other accounts allowed to use the keys (KMS006, KMS016).",
    },
    Key {
        name: "trusted-organizations",
        example: "trusted-organizations = [\"o-7k2m9x4p1q\"]",
        doc: "Organizations allowed through `aws:PrincipalOrgID` (KMS006).",
    },
    Key {
        name: "max-key-admins",
        example: "max-key-admins = 3",
        doc: "Most principals allowed to administer one key (KMS004). Default: 3.",
    },
    Key {
        name: "max-key-users",
        example: "max-key-users = 10",
        doc: "Most principals allowed to use one key for cryptography (KMS004). Default: 10.",
    },
    Key {
        name: "max-rotation-period-days",
        example: "max-rotation-period-days = 365",
        doc: "Longest accepted `rotation_period_in_days` (KMS002), 90 to 2560. Default: 365.",
    },
    Key {
        name: "min-deletion-window-days",
        example: "min-deletion-window-days = 30",
        doc: "Shortest accepted `deletion_window_in_days` (KMS014), 7 to 30. Default: 30.",
    },
    Key {
        name: "max-file-size",
        example: "max-file-size = 4194304",
        doc: "Configuration files larger than this many bytes are reported and skipped. Default: 4 MiB.",
    },
    Key {
        name: "max-plan-size",
        example: "max-plan-size = 536870912",
        doc: "Plan files larger than this many bytes are reported and skipped. Default: 512 MiB.",
    },
    Key {
        name: "max-instances",
        example: "max-instances = 10000",
        doc: "Most module and resource instances (`count`, `for_each`, module calls) one root module may create in all; past it each `count` and `for_each` is analysed once with an unknown index, and a warning says where. Default: 10000, ten times what the largest of the 358 root modules of ministryofjustice/modernisation-platform-environments creates (between 300 and 1000); three nested calls with a `count` of 100 each make a million.",
    },
    Key {
        name: "report-unused-suppressions",
        example: "report-unused-suppressions = false",
        doc: "Report `kmslint:ignore` comments that silence no finding (as input errors, exit code 2). Default: false.",
    },
    Key {
        name: "required-aliases",
        example: "required-aliases = [\"alias/payments-prod\", \"alias/audit-logs\"]",
        doc: "Aliases that must be created by an `aws_kms_alias` targeting a key of the scan (KMS010).",
    },
    Key {
        name: "tiers.app",
        example: "[tiers.app]\n# tag = \"Tier\"\n# value = \"app\"",
        doc: "The scan must contain an enabled customer-managed key tagged `tag` (with `value`, when given; tags match case-sensitively) (KMS007). Unset: KMS007 is inactive.",
    },
    Key {
        name: "tiers.database",
        example: "[tiers.database]\n# tag = \"Tier\"\n# value = \"database\"",
        doc: "As `tiers.app`, for the database tier (KMS008).",
    },
    Key {
        name: "tiers.web",
        example: "[tiers.web]\n# tag = \"Tier\"\n# value = \"web\"",
        doc: "As `tiers.app`, for the web tier (KMS009).",
    },
    Key {
        name: "rules.ID.level",
        example: "[rules.KMS014]\n# level = \"warning\"",
        doc: "Override one rule's level: `error`, `warning` or `note`.",
    },
];

/// The commented configuration file `kmslint init` writes: every key, commented out, at its
/// default or an example value.
pub fn init_file() -> String {
    let mut s = String::from(
        "# kmslint configuration. Every key is optional; remove the `#` to set one.\n\
         # Precedence: defaults < this file < --config FILE < command-line flags.\n",
    );
    for key in KEYS {
        s.push('\n');
        for line in textwrap(key.doc, 96) {
            s.push_str(&format!("# {line}\n"));
        }
        for line in key.example.lines() {
            if line.starts_with('#') {
                s.push_str(line);
            } else {
                s.push_str(&format!("# {line}"));
            }
            s.push('\n');
        }
    }
    s
}

/// The key reference of docs/configuration.md.
pub fn reference() -> String {
    let mut s = String::from("| Key | Example | Meaning |\n|---|---|---|\n");
    for key in KEYS {
        let example = key.example.replace('\n', "<br>").replace('|', "\\|");
        s.push_str(&format!(
            "| `{}` | `{}` | {} |\n",
            key.name,
            example.replace("<br>", "` `"),
            key.doc
        ));
    }
    s
}

fn textwrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut();
        match line {
            Some(l) if l.is_empty() => l.push_str(word),
            Some(l) if l.len() + 1 + word.len() <= width => {
                l.push(' ');
                l.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn the_init_file_is_a_valid_empty_configuration() {
        let text = init_file();
        let options =
            crate::config::file::parse(&text, Path::new("kmslint.toml"), "kmslint.toml").unwrap();
        assert!(options.select.is_none() && options.tiers.is_none());
        // Every key, uncommented, parses: the examples are valid.
        let uncommented: String = text
            .lines()
            .filter(|l| l.starts_with("# ") && (l.contains(" = ") || l.starts_with("# [")))
            .filter(|l| !l.starts_with("# Precedence"))
            .map(|l| format!("{}\n", &l[2..]))
            .collect();
        crate::config::file::parse(&uncommented, Path::new("kmslint.toml"), "kmslint.toml")
            .unwrap_or_else(|e| panic!("{e:?}\n{uncommented}"));
    }

    #[test]
    fn docs_configuration_is_current() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/configuration.md");
        let doc = std::fs::read_to_string(&path).unwrap_or_default();
        let start_marker = "<!-- keys:start (generated from src/config/keys.rs; do not edit) -->\n";
        let end_marker = "<!-- keys:end -->";
        let start = doc.find(start_marker).expect("keys:start marker") + start_marker.len();
        let end = doc.find(end_marker).expect("keys:end marker");
        let mut updated = doc.clone();
        updated.replace_range(start..end, &reference());
        if updated != doc {
            if std::env::var_os("UPDATE_DOCS").is_some() {
                std::fs::write(&path, updated).unwrap();
            } else {
                panic!("docs/configuration.md is stale: run `UPDATE_DOCS=1 cargo test`");
            }
        }
    }
}
