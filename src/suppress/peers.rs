//! The peers' check ids that kmslint honours in their own suppression comments, as data.
//!
//! A team moving from Checkov, tfsec or Trivy already has reviewed exceptions written as
//! `#checkov:skip=...`, `#tfsec:ignore:...` or `#trivy:ignore:...`; when the peer's check reports
//! the same problem as a kmslint rule, the comment silences that rule too. Each row names the
//! peer check it was taken from, so the mapping can be reviewed; docs/suppressions.md renders
//! this table. A peer id missing here silences nothing in kmslint: it is for the peer tool.
//!
//! "The same problem" is read strictly: a peer check belongs here only when it reports the
//! situation the kmslint rule reports. Checks that only ask for encryption at all (a log group
//! without `kms_key_id` is not KMS-encrypted, which KMS011 leaves alone) or that pass on an
//! AWS-managed key are left out, because their comments were written about something else.

/// Which comment form a row's ids are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tool {
    /// `#checkov:skip=ID:reason`.
    Checkov,
    /// `#tfsec:ignore:ID` and `#trivy:ignore:ID`: one id space, Trivy took over tfsec's checks.
    Aqua,
}

impl Tool {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Tool::Checkov => "Checkov",
            Tool::Aqua => "tfsec / Trivy",
        }
    }
}

/// One peer check and the kmslint rule that reports the same problem.
#[derive(Debug)]
pub(crate) struct PeerCheck {
    pub(crate) tool: Tool,
    /// Every id the peer accepts for the check (AVD id, long id, legacy tfsec id). Trivy's newer
    /// ids drop the `AVD-` prefix (`AWS-0065`); both spellings match.
    pub(crate) ids: &'static [&'static str],
    pub(crate) rule: &'static str,
    /// What the peer's check reports, in its own words (its title) where they are precise enough.
    pub(crate) evidence: &'static str,
    /// Where the peer defines the check: repository and path.
    pub(crate) defined: &'static str,
}

/// Looks a peer id up (case-insensitively, with or without `AVD-`): the rules it silences.
pub(crate) fn rules_for(tool: Tool, id: &str) -> Vec<&'static str> {
    let wanted = normalize(id);
    PEER_CHECKS
        .iter()
        .filter(|p| p.tool == tool && p.ids.iter().any(|i| normalize(i) == wanted))
        .map(|p| p.rule)
        .collect()
}

fn normalize(id: &str) -> String {
    let upper = id.to_ascii_uppercase();
    match upper.strip_prefix("AVD-") {
        Some(rest) => rest.to_string(),
        None => upper,
    }
}

/// Every mapped peer check, sorted by kmslint rule.
pub(crate) static PEER_CHECKS: &[PeerCheck] = &[
    // KMS001 key-policy-public
    PeerCheck {
        tool: Tool::Checkov,
        ids: &["CKV_AWS_33"],
        rule: "KMS001",
        evidence: "Ensure KMS key policy does not contain wildcard (`*`) principal",
        defined: "bridgecrewio/checkov `checkov/terraform/checks/resource/aws/KMSKeyWildcardPrincipal.py`, bridgecrewio/checkov `checkov/terraform/checks/graph_checks/aws/KmsKeyWildcardPrincipal.yaml`",
    },
    // KMS002 key-rotation-disabled
    PeerCheck {
        tool: Tool::Checkov,
        ids: &["CKV_AWS_7"],
        rule: "KMS002",
        evidence: "Ensure rotation for customer created CMKs is enabled",
        defined: "bridgecrewio/checkov `checkov/terraform/checks/resource/aws/KMSRotation.py`",
    },
    PeerCheck {
        tool: Tool::Aqua,
        ids: &["AVD-AWS-0065", "aws-kms-auto-rotate-keys", "AWS019"],
        rule: "KMS002",
        evidence: "A KMS key is not configured to auto-rotate",
        defined: "aquasecurity/trivy-checks `checks/cloud/aws/kms/auto_rotate_keys.rego`, aquasecurity/tfsec `internal/app/tfsec/rules/aws/kms/auto_rotate_keys_rule.go` (legacy id AWS019)",
    },
    // KMS003 key-disabled
    PeerCheck {
        tool: Tool::Checkov,
        ids: &["CKV_AWS_227"],
        rule: "KMS003",
        evidence: "Ensure KMS key is enabled",
        defined: "bridgecrewio/checkov `checkov/terraform/checks/resource/aws/KMSKeyIsEnabled.py`",
    },
    // KMS011 aws-managed-key-in-use: checks that fail where the resource falls back to, or names,
    // an AWS-managed key.
    PeerCheck {
        tool: Tool::Checkov,
        ids: &["CKV_AWS_119"],
        rule: "KMS011",
        evidence: "Ensure DynamoDB Tables are encrypted using a KMS Customer Managed CMK",
        defined: "bridgecrewio/checkov `checkov/terraform/checks/resource/aws/DynamoDBTablesEncrypted.py`",
    },
    PeerCheck {
        tool: Tool::Checkov,
        ids: &["CKV_AWS_142"],
        rule: "KMS011",
        evidence: "Ensure that Redshift cluster is encrypted by KMS: `kms_key_id` set",
        defined: "bridgecrewio/checkov `checkov/terraform/checks/resource/aws/RedshiftClusterKMSKey.py`",
    },
    PeerCheck {
        tool: Tool::Checkov,
        ids: &["CKV_AWS_149"],
        rule: "KMS011",
        evidence: "Ensure that Secrets Manager secret is encrypted using KMS CMK: fails without a key or with an `aws/` alias",
        defined: "bridgecrewio/checkov `checkov/terraform/checks/resource/aws/SecretManagerSecretEncrypted.py`",
    },
    PeerCheck {
        tool: Tool::Checkov,
        ids: &["CKV_AWS_166"],
        rule: "KMS011",
        evidence: "Ensure Backup Vault is encrypted at rest using KMS CMK",
        defined: "bridgecrewio/checkov `checkov/terraform/checks/resource/aws/BackupVaultEncrypted.py` (the id as in `docs/5.Policy Index/terraform.md`; an older revision of the file said CKV_AWS_165)",
    },
    PeerCheck {
        tool: Tool::Checkov,
        ids: &["CKV_AWS_173"],
        rule: "KMS011",
        evidence: "Check encryption settings for Lambda environmental variable: environment variables without `kms_key_arn`",
        defined: "bridgecrewio/checkov `checkov/terraform/checks/resource/aws/LambdaEnvironmentEncryptionSettings.py`",
    },
    PeerCheck {
        tool: Tool::Checkov,
        ids: &["CKV_AWS_182"],
        rule: "KMS011",
        evidence: "Ensure Doc DB is encrypted by KMS using a customer managed Key (CMK)",
        defined: "bridgecrewio/checkov `checkov/terraform/checks/resource/aws/DocDBEncryptedWithCMK.py`",
    },
    PeerCheck {
        tool: Tool::Checkov,
        ids: &["CKV_AWS_184"],
        rule: "KMS011",
        evidence: "Ensure resource is encrypted by KMS using a customer managed Key (CMK): EFS `kms_key_id`",
        defined: "bridgecrewio/checkov `checkov/terraform/checks/resource/aws/EFSFileSystemEncryptedWithCMK.py`",
    },
    PeerCheck {
        tool: Tool::Checkov,
        ids: &["CKV_AWS_189"],
        rule: "KMS011",
        evidence: "Ensure EBS Volume is encrypted by KMS using a customer managed Key (CMK)",
        defined: "bridgecrewio/checkov `checkov/terraform/checks/resource/aws/EBSVolumeEncryptedWithCMK.py`",
    },
    PeerCheck {
        tool: Tool::Checkov,
        ids: &["CKV_AWS_247"],
        rule: "KMS011",
        evidence: "Ensure all data stored in the Elasticsearch is encrypted with a CMK: Elasticsearch and OpenSearch `encrypt_at_rest.kms_key_id`",
        defined: "bridgecrewio/checkov `checkov/terraform/checks/resource/aws/ElasticsearchEncryptionWithCMK.py`",
    },
    PeerCheck {
        tool: Tool::Checkov,
        ids: &["CKV_AWS_271"],
        rule: "KMS011",
        evidence: "Ensure DynamoDB table replica KMS encryption uses CMK",
        defined: "bridgecrewio/checkov `checkov/terraform/checks/resource/aws/DynamoDBTableReplicaKMSUsesCMK.py`",
    },
    PeerCheck {
        tool: Tool::Checkov,
        ids: &["CKV_AWS_327"],
        rule: "KMS011",
        evidence: "Ensure RDS Clusters are encrypted using KMS CMKs",
        defined: "bridgecrewio/checkov `checkov/terraform/checks/resource/aws/RDSClusterEncryptedWithCMK.py`",
    },
    PeerCheck {
        tool: Tool::Checkov,
        ids: &["CKV_AWS_337"],
        rule: "KMS011",
        evidence: "Ensure SSM parameters are using KMS CMK",
        defined: "bridgecrewio/checkov `checkov/terraform/checks/resource/aws/SSMParameterUsesCMK.py`",
    },
    PeerCheck {
        tool: Tool::Checkov,
        ids: &["CKV_AWS_354"],
        rule: "KMS011",
        evidence: "Ensure RDS Performance Insights are encrypted using KMS CMKs",
        defined: "bridgecrewio/checkov `checkov/terraform/checks/resource/aws/RDSInstancePerfInsightsEncryptionWithCMK.py`",
    },
    PeerCheck {
        tool: Tool::Checkov,
        ids: &["CKV2_AWS_73"],
        rule: "KMS011",
        evidence: "Ensure AWS SQS uses CMK not AWS default keys for encryption: fails on `alias/aws/sqs`",
        defined: "bridgecrewio/checkov `checkov/terraform/checks/graph_checks/aws/SQSEncryptionCMK.yaml`",
    },
    PeerCheck {
        tool: Tool::Aqua,
        ids: &["AVD-AWS-0022", "aws-documentdb-encryption-customer-key"],
        rule: "KMS011",
        evidence: "DocumentDB encryption should use Customer Managed Keys",
        defined: "aquasecurity/trivy-checks `checks/cloud/aws/documentdb/encryption_customer_key.rego`",
    },
    PeerCheck {
        tool: Tool::Aqua,
        ids: &["AVD-AWS-0025", "aws-dynamodb-table-customer-key"],
        rule: "KMS011",
        evidence: "DynamoDB tables should use at rest encryption with a Customer Managed Key: fails without a key or on `alias/aws/dynamodb`",
        defined: "aquasecurity/trivy-checks `checks/cloud/aws/dynamodb/table_customer_key.rego`",
    },
    PeerCheck {
        tool: Tool::Aqua,
        ids: &["AVD-AWS-0027", "aws-ec2-volume-encryption-customer-key"],
        rule: "KMS011",
        evidence: "EBS volume encryption should use Customer Managed Keys",
        defined: "aquasecurity/trivy-checks `checks/cloud/aws/ec2/encryption_customer_key.rego`",
    },
    PeerCheck {
        tool: Tool::Aqua,
        ids: &["AVD-AWS-0033", "aws-ecr-repository-customer-key"],
        rule: "KMS011",
        evidence: "ECR Repository should use customer managed keys: KMS encryption without a key",
        defined: "aquasecurity/trivy-checks `checks/cloud/aws/ecr/repository_customer_key.rego`",
    },
    PeerCheck {
        tool: Tool::Aqua,
        ids: &[
            "AVD-AWS-0078",
            "aws-rds-performance-insights-encryption-customer-key",
        ],
        rule: "KMS011",
        evidence: "Performance Insights encryption should use Customer Managed Keys",
        defined: "aquasecurity/trivy-checks `checks/cloud/aws/rds/performance_insights_encryption_customer_key.rego`",
    },
    PeerCheck {
        tool: Tool::Aqua,
        ids: &["AVD-AWS-0084", "aws-redshift-encryption-customer-key"],
        rule: "KMS011",
        evidence: "Redshift clusters should use at rest encryption: encrypted without a customer managed key",
        defined: "aquasecurity/trivy-checks `checks/cloud/aws/redshift/encryption_customer_key.rego`",
    },
    PeerCheck {
        tool: Tool::Aqua,
        ids: &["AVD-AWS-0098", "aws-ssm-secret-use-customer-key"],
        rule: "KMS011",
        evidence: "Secrets Manager should use customer managed keys: no key or `alias/aws/secretsmanager`",
        defined: "aquasecurity/trivy-checks `checks/cloud/aws/ssm/secret_use_customer_key.rego`",
    },
    PeerCheck {
        tool: Tool::Aqua,
        ids: &["AVD-AWS-0128", "aws-neptune-encryption-customer-key"],
        rule: "KMS011",
        evidence: "Neptune encryption should use Customer Managed Keys",
        defined: "aquasecurity/trivy-checks `checks/cloud/aws/neptune/encryption_customer_key.rego`",
    },
    PeerCheck {
        tool: Tool::Aqua,
        ids: &["AVD-AWS-0132", "aws-s3-encryption-customer-key"],
        rule: "KMS011",
        evidence: "S3 encryption should use Customer Managed Keys",
        defined: "aquasecurity/trivy-checks `checks/cloud/aws/s3/encryption_customer_key.rego`",
    },
    PeerCheck {
        tool: Tool::Aqua,
        ids: &["AVD-AWS-0135", "aws-sqs-queue-encryption-use-cmk"],
        rule: "KMS011",
        evidence: "SQS queue should be encrypted with a CMK: fails on `alias/aws/sqs`",
        defined: "aquasecurity/trivy-checks `checks/cloud/aws/sqs/queue_encryption_with_cmk.rego`",
    },
    PeerCheck {
        tool: Tool::Aqua,
        ids: &["AVD-AWS-0136", "aws-sns-topic-encryption-use-cmk"],
        rule: "KMS011",
        evidence: "SNS topic not encrypted with CMK: fails on `alias/aws/sns`",
        defined: "aquasecurity/trivy-checks `checks/cloud/aws/sns/topic_encryption_with_cmk.rego`",
    },
    // KMS012 key-policy-not-defined
    PeerCheck {
        tool: Tool::Checkov,
        ids: &["CKV2_AWS_64"],
        rule: "KMS012",
        evidence: "Ensure KMS key Policy is defined",
        defined: "bridgecrewio/checkov `checkov/terraform/checks/graph_checks/aws/KmsKeyPolicyIsDefined.yaml`",
    },
    // KMS015 iam-policy-allows-decrypt-on-all-keys
    PeerCheck {
        tool: Tool::Aqua,
        ids: &["aws-iam-block-kms-policy-wildcard", "AWS097"],
        rule: "KMS015",
        evidence: "IAM customer managed policies should not allow decryption actions on all KMS keys",
        defined: "aquasecurity/tfsec `internal/app/tfsec/rules/aws/iam/block_kms_policy_wildcard_rule.go`",
    },
];
