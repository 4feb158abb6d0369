//! What a principal string names: an account (its root), an IAM identity in an account, a
//! service, or something the scan cannot place; and IAM's action-pattern matching.

use crate::model::policy::{Effect, Policy, Principal, PrincipalKind, Statement};
use crate::terraform::eval::{OWNER_ACCOUNT, PRINCIPAL_REF, display_markers};

/// The account a principal belongs to, when it names one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Account {
    /// The account Terraform deploys to (`data.aws_caller_identity`).
    Owner,
    /// A literal 12-digit account id.
    Id(String),
    /// `*` or a pattern in the account field of an ARN.
    Any,
}

/// A principal, normalised so that `111122223333` and `arn:aws:iam::111122223333:root` compare equal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Identity {
    /// An account root principal: delegation to IAM in that account.
    Root(Account),
    /// A role, user, assumed-role session or other IAM ARN in an account.
    InAccount(Account, String),
    /// An AWS service principal (`logs.amazonaws.com`).
    Service(String),
    /// A federated or canonical-user principal, or an ARN the scan cannot place.
    Other(String),
}

impl Identity {
    pub fn of(p: &Principal) -> Option<Identity> {
        let id = p.id.value.as_deref()?;
        Some(match p.kind {
            PrincipalKind::Service => Identity::Service(id.to_string()),
            PrincipalKind::Federated | PrincipalKind::CanonicalUser => {
                Identity::Other(id.to_string())
            }
            PrincipalKind::Everyone | PrincipalKind::Aws => parse_aws(id),
        })
    }

    pub fn account(&self) -> Option<&Account> {
        match self {
            Identity::Root(a) | Identity::InAccount(a, _) => Some(a),
            _ => None,
        }
    }

    /// For messages.
    pub fn display(&self) -> String {
        match self {
            Identity::Root(a) => format!("the root of account {}", a.display()),
            Identity::InAccount(_, arn) | Identity::Service(arn) | Identity::Other(arn) => {
                display_markers(arn)
            }
        }
    }
}

impl Account {
    pub fn parse(s: &str) -> Account {
        if s == OWNER_ACCOUNT {
            Account::Owner
        } else if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
            Account::Id(s.to_string())
        } else {
            Account::Any
        }
    }

    pub fn display(&self) -> String {
        match self {
            Account::Owner => "of `data.aws_caller_identity` (the deploying account)".to_string(),
            Account::Id(id) => id.clone(),
            Account::Any => "`*`".to_string(),
        }
    }
}

fn parse_aws(id: &str) -> Identity {
    if id == "*" {
        return Identity::Root(Account::Any);
    }
    // The ARN of an IAM role or user created in the scan: an identity of the owner account.
    if id.starts_with(PRINCIPAL_REF) {
        return Identity::InAccount(Account::Owner, id.to_string());
    }
    if !id.starts_with("arn:") {
        let account = Account::parse(id);
        return match account {
            Account::Any => Identity::Other(id.to_string()),
            a => Identity::Root(a),
        };
    }
    // arn:partition:service:region:account:resource
    let parts: Vec<&str> = id.splitn(6, ':').collect();
    let (Some(service), Some(account), Some(resource)) = (parts.get(2), parts.get(4), parts.get(5))
    else {
        return Identity::Other(id.to_string());
    };
    let account = Account::parse(account);
    if matches!(*service, "iam" | "sts") {
        if *resource == "root" {
            return Identity::Root(account);
        }
        return Identity::InAccount(account, id.to_string());
    }
    Identity::Other(id.to_string())
}

/// IAM action matching: case-insensitive, `*` any run, `?` one character.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    // Iterative wildcard match with backtracking to the last `*`, on bytes (action names are
    // ASCII; a non-ASCII byte only ever matches itself or a wildcard).
    let (p, a) = (pattern.as_bytes(), action.as_bytes());
    let (mut pi, mut ai) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ai < a.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, ai));
                pi += 1;
            }
            Some(&c) if c == b'?' || c.eq_ignore_ascii_case(&a[ai]) => {
                pi += 1;
                ai += 1;
            }
            _ => match star {
                Some((sp, sa)) => {
                    pi = sp + 1;
                    ai = sa + 1;
                    star = Some((sp, sa + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// Whether a statement's `Action`/`NotAction` covers `action`; `None` when unknown.
pub fn statement_allows_action(s: &Statement, action: &str) -> Option<bool> {
    let actions = s.actions.as_ref()?;
    let known = actions.items.iter().filter_map(|i| i.value.as_deref());
    let hit = known.clone().any(|p| action_matches(p, action));
    if actions.not {
        // NotAction: everything except the listed patterns; an unknown item might exclude it.
        if hit {
            Some(false)
        } else if actions.unknown || actions.items.iter().any(|i| i.value.is_none()) {
            None
        } else {
            Some(true)
        }
    } else if hit {
        Some(true)
    } else if actions.unknown {
        None
    } else {
        Some(false)
    }
}

/// The owner accounts of a key policy: the configured accounts and the deploying account; when
/// none is configured, also the accounts granted key administration (`kms:PutKeyPolicy`, which
/// `kms:*` includes) — the account that can change the policy is the one that owns the key.
pub fn owner_accounts(policy: &Policy, configured: &[String]) -> Vec<Account> {
    let mut owners: Vec<Account> = configured.iter().map(|a| Account::Id(a.clone())).collect();
    owners.push(Account::Owner);
    if configured.is_empty() {
        for s in allow_statements(policy) {
            if statement_allows_action(s, "kms:PutKeyPolicy") == Some(true) {
                for p in s.principals.iter().flat_map(|p| &p.items) {
                    if let Some(Account::Id(id)) =
                        Identity::of(p).as_ref().and_then(Identity::account)
                    {
                        owners.push(Account::Id(id.clone()));
                    }
                }
            }
        }
    }
    owners.sort();
    owners.dedup();
    owners
}

/// The `Allow` statements with a `Principal` (not `NotPrincipal`) element.
pub fn allow_statements(policy: &Policy) -> impl Iterator<Item = &Statement> {
    policy.statements.iter().filter(|s| {
        s.effect == Some(Effect::Allow) && s.principals.as_ref().is_some_and(|p| !p.not)
    })
}

/// Whether an `Allow` statement of the policy names the deploying account
/// (`data.aws_caller_identity`), as a principal or in an account condition.
pub fn names_caller(policy: &Policy) -> bool {
    allow_statements(policy).any(|s| {
        let principal =
            s.principals.iter().flat_map(|p| &p.items).any(|p| {
                Identity::of(p).as_ref().and_then(Identity::account) == Some(&Account::Owner)
            });
        let condition = s.conditions.iter().any(|c| {
            c.key.value.as_deref().is_some_and(|k| {
                matches!(
                    k.to_ascii_lowercase().as_str(),
                    "kms:calleraccount" | "aws:principalaccount"
                )
            }) && c
                .values
                .iter()
                .any(|v| v.value.as_deref().map(Account::parse) == Some(Account::Owner))
        });
        principal || condition
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(action_matches("kms:*", "kms:Decrypt"));
        assert!(action_matches("*", "kms:Decrypt"));
        assert!(action_matches("KMS:Re*", "kms:ReEncryptFrom"));
        assert!(action_matches(
            "kms:GenerateDataKey*",
            "kms:GenerateDataKey"
        ));
        assert!(action_matches("kms:?ecrypt", "kms:Decrypt"));
        assert!(!action_matches("kms:Describe*", "kms:Decrypt"));
        assert!(!action_matches("kms:Decrypt", "kms:DecryptX"));
    }

    #[test]
    fn identities_normalise() {
        let root = parse_aws("arn:aws:iam::111122223333:root");
        assert_eq!(root, parse_aws("111122223333"));
        assert_eq!(root, Identity::Root(Account::Id("111122223333".into())));
        assert_eq!(
            parse_aws("arn:aws:iam::*:root"),
            Identity::Root(Account::Any)
        );
        assert!(matches!(
            parse_aws("arn:aws:iam::111122223333:role/admin"),
            Identity::InAccount(Account::Id(_), _)
        ));
        assert_eq!(
            parse_aws(&format!("arn:aws:iam::{OWNER_ACCOUNT}:root")),
            Identity::Root(Account::Owner)
        );
    }
}
