//! Resources that encrypt with KMS, as data: for each resource type, where its key is written
//! and what "KMS encryption on, without a key" looks like (the service then uses its
//! AWS-managed key). Rule KMS011 reads the entries this table produces.

use crate::model::{Origin, Related, Value};
use crate::source::Loc;

/// When a resource without a key still encrypts with an AWS-managed key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    /// Only an explicitly named AWS-managed key counts (without a key there is no KMS at all).
    Explicit,
    /// Always encrypted: without a key, the AWS-managed key is used.
    Always,
    /// When this attribute (in the same block as the key) is `true`.
    WhenTrue(&'static str),
    /// When this attribute (in the same block as the key) has one of these values.
    WhenOneOf(&'static str, &'static [&'static str]),
    /// When this nested block is present (Lambda environment variables).
    WhenBlock(&'static str),
}

/// One resource type's KMS setting.
#[derive(Debug)]
pub struct Row {
    pub resource: &'static str,
    /// Nested blocks from the resource to the block that holds the key (empty: the resource).
    pub blocks: &'static [&'static str],
    /// The attribute that names the key.
    pub key: &'static str,
    pub on: On,
    /// The AWS-managed key the service falls back to.
    pub managed: &'static str,
}

const fn row(
    resource: &'static str,
    blocks: &'static [&'static str],
    key: &'static str,
    on: On,
    managed: &'static str,
) -> Row {
    Row {
        resource,
        blocks,
        key,
        on,
        managed,
    }
}

/// The resource types KMS011 knows, sorted by type.
pub const ROWS: &[Row] = &[
    row(
        "aws_backup_vault",
        &[],
        "kms_key_arn",
        On::Always,
        "aws/backup",
    ),
    row(
        "aws_cloudtrail",
        &[],
        "kms_key_id",
        On::Explicit,
        "aws/cloudtrail",
    ),
    row(
        "aws_cloudwatch_log_group",
        &[],
        "kms_key_id",
        On::Explicit,
        "aws/logs",
    ),
    row(
        "aws_codebuild_project",
        &[],
        "encryption_key",
        On::Always,
        "aws/s3",
    ),
    row(
        "aws_db_instance",
        &[],
        "kms_key_id",
        On::WhenTrue("storage_encrypted"),
        "aws/rds",
    ),
    row(
        "aws_db_instance",
        &[],
        "performance_insights_kms_key_id",
        On::WhenTrue("performance_insights_enabled"),
        "aws/rds",
    ),
    row(
        "aws_docdb_cluster",
        &[],
        "kms_key_id",
        On::WhenTrue("storage_encrypted"),
        "aws/rds",
    ),
    row(
        "aws_dynamodb_table",
        &["server_side_encryption"],
        "kms_key_arn",
        On::WhenTrue("enabled"),
        "aws/dynamodb",
    ),
    row(
        "aws_dynamodb_table",
        &["replica"],
        "kms_key_arn",
        On::Explicit,
        "aws/dynamodb",
    ),
    row(
        "aws_ebs_default_kms_key",
        &[],
        "key_arn",
        On::Explicit,
        "aws/ebs",
    ),
    row(
        "aws_ebs_volume",
        &[],
        "kms_key_id",
        On::WhenTrue("encrypted"),
        "aws/ebs",
    ),
    row(
        "aws_ecr_repository",
        &["encryption_configuration"],
        "kms_key",
        On::WhenOneOf("encryption_type", &["KMS", "KMS_DSSE"]),
        "aws/ecr",
    ),
    row(
        "aws_efs_file_system",
        &[],
        "kms_key_id",
        On::WhenTrue("encrypted"),
        "aws/elasticfilesystem",
    ),
    row(
        "aws_eks_cluster",
        &["encryption_config", "provider"],
        "key_arn",
        On::Explicit,
        "aws/eks",
    ),
    row(
        "aws_elasticache_replication_group",
        &[],
        "kms_key_id",
        On::WhenTrue("at_rest_encryption_enabled"),
        "aws/elasticache",
    ),
    row(
        "aws_elasticsearch_domain",
        &["encrypt_at_rest"],
        "kms_key_id",
        On::WhenTrue("enabled"),
        "aws/es",
    ),
    row(
        "aws_glue_data_catalog_encryption_settings",
        &["data_catalog_encryption_settings", "encryption_at_rest"],
        "sse_aws_kms_key_id",
        On::WhenOneOf(
            "catalog_encryption_mode",
            &["SSE-KMS", "SSE-KMS-WITH-SERVICE-ROLE"],
        ),
        "aws/glue",
    ),
    row(
        "aws_kinesis_firehose_delivery_stream",
        &["server_side_encryption"],
        "key_arn",
        On::WhenTrue("enabled"),
        "AWS-owned key",
    ),
    row(
        "aws_kinesis_stream",
        &[],
        "kms_key_id",
        On::Explicit,
        "aws/kinesis",
    ),
    row(
        "aws_lambda_function",
        &[],
        "kms_key_arn",
        On::WhenBlock("environment"),
        "aws/lambda",
    ),
    row(
        "aws_msk_cluster",
        &["encryption_info"],
        "encryption_at_rest_kms_key_arn",
        On::Always,
        "aws/kafka",
    ),
    row(
        "aws_neptune_cluster",
        &[],
        "kms_key_arn",
        On::WhenTrue("storage_encrypted"),
        "aws/rds",
    ),
    row(
        "aws_opensearch_domain",
        &["encrypt_at_rest"],
        "kms_key_id",
        On::WhenTrue("enabled"),
        "aws/es",
    ),
    row(
        "aws_rds_cluster",
        &[],
        "kms_key_id",
        On::WhenTrue("storage_encrypted"),
        "aws/rds",
    ),
    row(
        "aws_rds_cluster",
        &[],
        "performance_insights_kms_key_id",
        On::WhenTrue("performance_insights_enabled"),
        "aws/rds",
    ),
    row(
        "aws_redshift_cluster",
        &[],
        "kms_key_id",
        On::WhenTrue("encrypted"),
        "aws/redshift",
    ),
    row(
        "aws_s3_bucket",
        &[
            "server_side_encryption_configuration",
            "rule",
            "apply_server_side_encryption_by_default",
        ],
        "kms_master_key_id",
        On::WhenOneOf("sse_algorithm", &["aws:kms", "aws:kms:dsse"]),
        "aws/s3",
    ),
    row(
        "aws_s3_bucket_server_side_encryption_configuration",
        &["rule", "apply_server_side_encryption_by_default"],
        "kms_master_key_id",
        On::WhenOneOf("sse_algorithm", &["aws:kms", "aws:kms:dsse"]),
        "aws/s3",
    ),
    row(
        "aws_sagemaker_endpoint_configuration",
        &[],
        "kms_key_arn",
        On::Explicit,
        "aws/sagemaker",
    ),
    row(
        "aws_sagemaker_notebook_instance",
        &[],
        "kms_key_id",
        On::Explicit,
        "aws/sagemaker",
    ),
    row(
        "aws_secretsmanager_secret",
        &[],
        "kms_key_id",
        On::Always,
        "aws/secretsmanager",
    ),
    row(
        "aws_sns_topic",
        &[],
        "kms_master_key_id",
        On::Explicit,
        "aws/sns",
    ),
    row(
        "aws_sqs_queue",
        &[],
        "kms_master_key_id",
        On::Explicit,
        "aws/sqs",
    ),
    row(
        "aws_ssm_parameter",
        &[],
        "key_id",
        On::WhenOneOf("type", &["SecureString"]),
        "aws/ssm",
    ),
];

/// Whether a resource type is in the table.
pub fn known(resource: &str) -> bool {
    ROWS.iter().any(|r| r.resource == resource)
}

/// One place where a resource chooses (or does not choose) its KMS key.
#[derive(Debug, Clone)]
pub struct Encryption {
    pub address: String,
    pub row: &'static Row,
    pub header: Loc,
    /// The block holding the key (the resource block, or a nested block).
    pub block: Loc,
    pub calls: Vec<Related>,
    /// The key as written (absent: `Default(None)`).
    pub key: Value<Option<String>>,
    /// Whether KMS encryption is on; where that was said.
    pub on: Value<bool>,
}

/// Whether a key identifier names an AWS-managed key: `alias/aws/...` or its ARN.
pub fn aws_managed(key: &str) -> bool {
    key.starts_with("alias/aws/") || (key.starts_with("arn:") && key.contains(":alias/aws/"))
}

impl Encryption {
    /// Where KMS encryption was turned on, when it was written.
    pub fn on_origin(&self) -> Option<&Origin> {
        self.on.origin()
    }
}
