//! Resources that encrypt with KMS, as data: for each resource type, where its key is written
//! and what "KMS encryption on, without a key" looks like (the service then uses its
//! AWS-managed key). Rule KMS011 reads the entries this table produces.

use crate::model::{Origin, Related, Value};
use crate::source::Loc;
use crate::terraform::eval::Val;

/// When a resource without a key still encrypts with a key it does not control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    /// Only an explicitly named AWS-managed key counts (without a key there is no KMS at all,
    /// or the provider gives no way to know which key is used).
    Explicit,
    /// Always encrypted: without a key (or without the blocks that would hold it), the fallback
    /// key is used.
    Always,
    /// When this attribute (in the same block as the key) is `true`.
    WhenTrue(&'static str),
    /// When this attribute (in the same block as the key) has one of these values.
    WhenOneOf(&'static str, &'static [&'static str]),
    /// When this nested block is present (Lambda environment variables).
    WhenBlock(&'static str),
    /// As the inner condition, except when this attribute has one of these values: a setting
    /// that asks for a customer key, which the API rejects without one (nothing falls back).
    Unless(&'static On, &'static str, &'static [&'static str]),
}

/// The key a service uses when KMS encryption is on and no key is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// An AWS-managed key in the account (`aws/rds`).
    Managed(&'static str),
    /// A key the service owns, outside the account (no alias, no policy to read or change).
    Owned,
}

impl Fallback {
    /// How a message names the key.
    pub fn describe(self) -> String {
        match self {
            Fallback::Managed(alias) => format!("the AWS-managed key ({alias})"),
            Fallback::Owned => "a key the service owns, outside the account".to_string(),
        }
    }
}

/// One resource type's KMS setting.
#[derive(Debug)]
pub struct Row {
    pub resource: &'static str,
    /// Nested blocks from the resource to the block that holds the key (empty: the resource).
    pub blocks: &'static [&'static str],
    /// The attribute that names the key (empty: the resource cannot name one).
    pub key: &'static str,
    pub on: On,
    /// The key the service falls back to.
    pub fallback: Fallback,
    /// The provider documentation the row follows: its page, and what it says of the key.
    pub source: &'static str,
}

const fn row(
    resource: &'static str,
    blocks: &'static [&'static str],
    key: &'static str,
    on: On,
    fallback: Fallback,
    source: &'static str,
) -> Row {
    Row {
        resource,
        blocks,
        key,
        on,
        fallback,
        source,
    }
}

/// The resource types KMS011 knows, sorted by type. The provider treats `""` as unset for every
/// key attribute here (it reads them with `GetOk`), so an empty key is no key.
pub const ROWS: &[Row] = &[
    row(
        "aws_ami_copy",
        &[],
        "kms_key_id",
        On::WhenTrue("encrypted"),
        Fallback::Managed("aws/ebs"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ami_copy (kms_key_id: with encrypted = true and no key, the account's default EBS key (aws/ebs unless aws_ebs_default_kms_key changes it))",
    ),
    row(
        "aws_athena_database",
        &["encryption_configuration"],
        "kms_key",
        On::Explicit,
        Fallback::Managed("aws/s3"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/athena_database (encryption_configuration.kms_key: required for SSE_KMS/CSE_KMS)",
    ),
    row(
        "aws_athena_workgroup",
        &[
            "configuration",
            "result_configuration",
            "encryption_configuration",
        ],
        "kms_key_arn",
        On::Explicit,
        Fallback::Managed("aws/s3"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/athena_workgroup (encryption_configuration.kms_key_arn: required for SSE_KMS/CSE_KMS)",
    ),
    row(
        "aws_backup_vault",
        &[],
        "kms_key_arn",
        On::Always,
        Fallback::Managed("aws/backup"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/backup_vault (kms_key_arn: if not specified, the default aws/backup key)",
    ),
    row(
        "aws_cloudtrail",
        &[],
        "kms_key_id",
        On::Explicit,
        Fallback::Managed("aws/cloudtrail"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudtrail (kms_key_id: unset means SSE-S3, no KMS)",
    ),
    row(
        "aws_cloudwatch_event_bus",
        &[],
        "kms_key_identifier",
        On::Explicit,
        Fallback::Owned,
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudwatch_event_bus (kms_key_identifier: unset means an AWS-owned key)",
    ),
    row(
        "aws_cloudwatch_log_group",
        &[],
        "kms_key_id",
        On::Explicit,
        Fallback::Managed("aws/logs"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudwatch_log_group (kms_key_id: unset means service-side encryption without a KMS key)",
    ),
    row(
        "aws_codebuild_project",
        &[],
        "encryption_key",
        On::Always,
        Fallback::Managed("aws/s3"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/codebuild_project (encryption_key: if not specified, the AWS-managed key for Amazon S3)",
    ),
    row(
        "aws_codebuild_report_group",
        &["export_config", "s3_destination"],
        "encryption_key",
        On::Explicit,
        Fallback::Managed("aws/s3"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/codebuild_report_group (s3_destination.encryption_key: required unless encryption_disabled)",
    ),
    row(
        "aws_db_instance",
        &[],
        "kms_key_id",
        On::WhenTrue("storage_encrypted"),
        Fallback::Managed("aws/rds"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance (kms_key_id: with storage_encrypted and no key, the default aws/rds key)",
    ),
    row(
        "aws_db_instance",
        &[],
        "performance_insights_kms_key_id",
        On::WhenTrue("performance_insights_enabled"),
        Fallback::Managed("aws/rds"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance (performance_insights_kms_key_id: when unset, the default aws/rds key)",
    ),
    row(
        "aws_dms_endpoint",
        &[],
        "kms_key_arn",
        On::Explicit,
        Fallback::Managed("aws/dms"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/dms_endpoint (kms_key_arn: cannot be set for some engines, so its absence is not judged)",
    ),
    row(
        "aws_dms_endpoint",
        &["s3_settings"],
        "server_side_encryption_kms_key_id",
        On::Explicit,
        Fallback::Managed("aws/s3"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/dms_endpoint (s3_settings.server_side_encryption_kms_key_id)",
    ),
    row(
        "aws_dms_replication_instance",
        &[],
        "kms_key_arn",
        On::Always,
        Fallback::Managed("aws/dms"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/dms_replication_instance (kms_key_arn: if not specified, the account's default DMS key)",
    ),
    row(
        "aws_dms_s3_endpoint",
        &[],
        "kms_key_arn",
        On::Explicit,
        Fallback::Managed("aws/s3"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/dms_s3_endpoint (kms_key_arn)",
    ),
    row(
        "aws_docdb_cluster",
        &[],
        "kms_key_id",
        On::WhenTrue("storage_encrypted"),
        Fallback::Managed("aws/rds"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/docdb_cluster (kms_key_id: with storage_encrypted and no key, the default aws/rds key)",
    ),
    row(
        "aws_dynamodb_table",
        &["replica"],
        "kms_key_arn",
        On::Explicit,
        Fallback::Managed("aws/dynamodb"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/dynamodb_table (replica.kms_key_arn)",
    ),
    row(
        "aws_dynamodb_table",
        &["server_side_encryption"],
        "kms_key_arn",
        On::WhenTrue("enabled"),
        Fallback::Managed("aws/dynamodb"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/dynamodb_table (server_side_encryption: enabled without kms_key_arn uses alias/aws/dynamodb)",
    ),
    row(
        "aws_dynamodb_table_replica",
        &[],
        "kms_key_arn",
        On::Explicit,
        Fallback::Managed("aws/dynamodb"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/dynamodb_table_replica (kms_key_arn)",
    ),
    row(
        "aws_ebs_default_kms_key",
        &[],
        "key_arn",
        On::Explicit,
        Fallback::Managed("aws/ebs"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ebs_default_kms_key (key_arn)",
    ),
    row(
        "aws_ebs_snapshot_copy",
        &[],
        "kms_key_id",
        On::WhenTrue("encrypted"),
        Fallback::Managed("aws/ebs"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ebs_snapshot_copy (kms_key_id: with encrypted = true and no key, the account's default EBS key (aws/ebs unless aws_ebs_default_kms_key changes it))",
    ),
    row(
        "aws_ebs_volume",
        &[],
        "kms_key_id",
        On::WhenTrue("encrypted"),
        Fallback::Managed("aws/ebs"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ebs_volume (kms_key_id: with encrypted = true and no key, the account's default EBS key (aws/ebs unless aws_ebs_default_kms_key changes it))",
    ),
    row(
        "aws_ecr_repository",
        &["encryption_configuration"],
        "kms_key",
        On::WhenOneOf("encryption_type", &["KMS", "KMS_DSSE"]),
        Fallback::Managed("aws/ecr"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ecr_repository (encryption_configuration.kms_key: with KMS and no key, aws/ecr)",
    ),
    row(
        "aws_efs_file_system",
        &[],
        "kms_key_id",
        On::WhenTrue("encrypted"),
        Fallback::Managed("aws/elasticfilesystem"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/efs_file_system (kms_key_id: with encrypted = true and no key, aws/elasticfilesystem)",
    ),
    row(
        "aws_eks_cluster",
        &["encryption_config", "provider"],
        "key_arn",
        On::Explicit,
        Fallback::Managed("aws/eks"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/eks_cluster (encryption_config.provider.key_arn)",
    ),
    row(
        "aws_elasticache_replication_group",
        &[],
        "kms_key_id",
        On::WhenTrue("at_rest_encryption_enabled"),
        Fallback::Owned,
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/elasticache_replication_group (kms_key_id: at-rest encryption without a key uses ElastiCache's default service-owned key; there is no aws/elasticache key)",
    ),
    row(
        "aws_elasticsearch_domain",
        &["encrypt_at_rest"],
        "kms_key_id",
        On::WhenTrue("enabled"),
        Fallback::Managed("aws/es"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/elasticsearch_domain (encrypt_at_rest.kms_key_id: if not specified, the aws/es key)",
    ),
    row(
        "aws_fsx_lustre_file_system",
        &[],
        "kms_key_id",
        On::WhenOneOf("deployment_type", &["PERSISTENT_1", "PERSISTENT_2"]),
        Fallback::Managed("aws/fsx"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/fsx_lustre_file_system (kms_key_id: for PERSISTENT deployment types, defaults to an AWS-managed key; SCRATCH types always use the FSx service key and cannot name one, so nothing can be fixed there)",
    ),
    row(
        "aws_fsx_ontap_file_system",
        &[],
        "kms_key_id",
        On::Always,
        Fallback::Managed("aws/fsx"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/fsx_ontap_file_system (kms_key_id: defaults to an AWS-managed key)",
    ),
    row(
        "aws_fsx_openzfs_file_system",
        &[],
        "kms_key_id",
        On::Always,
        Fallback::Managed("aws/fsx"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/fsx_openzfs_file_system (kms_key_id: defaults to an AWS-managed key)",
    ),
    row(
        "aws_fsx_windows_file_system",
        &[],
        "kms_key_id",
        On::Always,
        Fallback::Managed("aws/fsx"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/fsx_windows_file_system (kms_key_id: defaults to an AWS-managed key)",
    ),
    row(
        "aws_glue_data_catalog_encryption_settings",
        &["data_catalog_encryption_settings", "encryption_at_rest"],
        "sse_aws_kms_key_id",
        On::WhenOneOf(
            "catalog_encryption_mode",
            &["SSE-KMS", "SSE-KMS-WITH-SERVICE-ROLE"],
        ),
        Fallback::Managed("aws/glue"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/glue_data_catalog_encryption_settings (encryption_at_rest.sse_aws_kms_key_id: with SSE-KMS and no key, aws/glue)",
    ),
    row(
        "aws_instance",
        &["ebs_block_device"],
        "kms_key_id",
        On::WhenTrue("encrypted"),
        Fallback::Managed("aws/ebs"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/instance (ebs_block_device.kms_key_id: with encrypted = true and no key, the account's default EBS key (aws/ebs unless aws_ebs_default_kms_key changes it))",
    ),
    row(
        "aws_instance",
        &["root_block_device"],
        "kms_key_id",
        On::WhenTrue("encrypted"),
        Fallback::Managed("aws/ebs"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/instance (root_block_device.kms_key_id: with encrypted = true and no key, the account's default EBS key (aws/ebs unless aws_ebs_default_kms_key changes it))",
    ),
    row(
        "aws_kinesis_firehose_delivery_stream",
        &["server_side_encryption"],
        "key_arn",
        On::Unless(
            &On::WhenTrue("enabled"),
            "key_type",
            &["CUSTOMER_MANAGED_CMK"],
        ),
        Fallback::Owned,
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kinesis_firehose_delivery_stream (server_side_encryption: key_type defaults to AWS_OWNED_CMK; CUSTOMER_MANAGED_CMK requires key_arn and is rejected without it)",
    ),
    row(
        "aws_kinesis_stream",
        &[],
        "kms_key_id",
        On::Explicit,
        Fallback::Managed("aws/kinesis"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kinesis_stream (kms_key_id)",
    ),
    row(
        "aws_lambda_function",
        &[],
        "kms_key_arn",
        On::WhenBlock("environment"),
        Fallback::Managed("aws/lambda"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lambda_function (kms_key_arn: environment variables without a key use aws/lambda)",
    ),
    row(
        "aws_launch_configuration",
        &["ebs_block_device"],
        "",
        On::WhenTrue("encrypted"),
        Fallback::Managed("aws/ebs"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/launch_configuration (ebs_block_device.encrypted: no key attribute; with encrypted = true and no key, the account's default EBS key (aws/ebs unless aws_ebs_default_kms_key changes it))",
    ),
    row(
        "aws_launch_configuration",
        &["root_block_device"],
        "",
        On::WhenTrue("encrypted"),
        Fallback::Managed("aws/ebs"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/launch_configuration (root_block_device.encrypted: no key attribute; with encrypted = true and no key, the account's default EBS key (aws/ebs unless aws_ebs_default_kms_key changes it))",
    ),
    row(
        "aws_launch_template",
        &["block_device_mappings", "ebs"],
        "kms_key_id",
        On::WhenTrue("encrypted"),
        Fallback::Managed("aws/ebs"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/launch_template (block_device_mappings.ebs.kms_key_id: with encrypted = true and no key, the account's default EBS key (aws/ebs unless aws_ebs_default_kms_key changes it))",
    ),
    row(
        "aws_memorydb_cluster",
        &[],
        "kms_key_arn",
        On::Explicit,
        Fallback::Owned,
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/memorydb_cluster (kms_key_arn: unset means a service-owned key)",
    ),
    row(
        "aws_msk_cluster",
        &["encryption_info"],
        "encryption_at_rest_kms_key_arn",
        On::Always,
        Fallback::Managed("aws/kafka"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/msk_cluster (encryption_info.encryption_at_rest_kms_key_arn: MSK always encrypts at rest; without a key, aws/kafka)",
    ),
    row(
        "aws_neptune_cluster",
        &[],
        "kms_key_arn",
        On::WhenTrue("storage_encrypted"),
        Fallback::Managed("aws/rds"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/neptune_cluster (kms_key_arn: with storage_encrypted and no key, the default aws/rds key)",
    ),
    row(
        "aws_opensearch_domain",
        &["encrypt_at_rest"],
        "kms_key_id",
        On::WhenTrue("enabled"),
        Fallback::Managed("aws/es"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/opensearch_domain (encrypt_at_rest.kms_key_id: if not specified, the aws/es key)",
    ),
    row(
        "aws_rds_cluster",
        &[],
        "kms_key_id",
        On::WhenTrue("storage_encrypted"),
        Fallback::Managed("aws/rds"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/rds_cluster (kms_key_id: with storage_encrypted and no key, the default aws/rds key)",
    ),
    row(
        "aws_rds_cluster",
        &[],
        "performance_insights_kms_key_id",
        On::WhenTrue("performance_insights_enabled"),
        Fallback::Managed("aws/rds"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/rds_cluster (performance_insights_kms_key_id: if not specified, the default aws/rds key)",
    ),
    row(
        "aws_rds_cluster_instance",
        &[],
        "performance_insights_kms_key_id",
        On::WhenTrue("performance_insights_enabled"),
        Fallback::Managed("aws/rds"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/rds_cluster_instance (performance_insights_kms_key_id: when unset, the default aws/rds key)",
    ),
    row(
        "aws_redshift_cluster",
        &[],
        "kms_key_id",
        On::WhenTrue("encrypted"),
        Fallback::Managed("aws/redshift"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/redshift_cluster (kms_key_id: with encrypted = true and no key, aws/redshift)",
    ),
    row(
        "aws_redshiftserverless_namespace",
        &[],
        "kms_key_id",
        On::Explicit,
        Fallback::Owned,
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/redshiftserverless_namespace (kms_key_id: unset means an AWS-owned key)",
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
        Fallback::Managed("aws/s3"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket (apply_server_side_encryption_by_default: aws:kms without kms_master_key_id uses aws/s3)",
    ),
    row(
        "aws_s3_bucket_object",
        &[],
        "kms_key_id",
        On::WhenOneOf("server_side_encryption", &["aws:kms", "aws:kms:dsse"]),
        Fallback::Managed("aws/s3"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_object (kms_key_id: aws:kms without a key uses aws/s3)",
    ),
    row(
        "aws_s3_bucket_server_side_encryption_configuration",
        &["rule", "apply_server_side_encryption_by_default"],
        "kms_master_key_id",
        On::WhenOneOf("sse_algorithm", &["aws:kms", "aws:kms:dsse"]),
        Fallback::Managed("aws/s3"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_server_side_encryption_configuration (kms_master_key_id: aws:kms without a key uses aws/s3)",
    ),
    row(
        "aws_s3_object",
        &[],
        "kms_key_id",
        On::WhenOneOf("server_side_encryption", &["aws:kms", "aws:kms:dsse"]),
        Fallback::Managed("aws/s3"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_object (kms_key_id: aws:kms without a key uses aws/s3)",
    ),
    row(
        "aws_s3_object_copy",
        &[],
        "kms_key_id",
        On::WhenOneOf("server_side_encryption", &["aws:kms", "aws:kms:dsse"]),
        Fallback::Managed("aws/s3"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_object_copy (kms_key_id: aws:kms without a key uses aws/s3)",
    ),
    row(
        "aws_sagemaker_endpoint_configuration",
        &[],
        "kms_key_arn",
        On::Explicit,
        Fallback::Managed("aws/sagemaker"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sagemaker_endpoint_configuration (kms_key_arn)",
    ),
    row(
        "aws_sagemaker_notebook_instance",
        &[],
        "kms_key_id",
        On::Explicit,
        Fallback::Managed("aws/sagemaker"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sagemaker_notebook_instance (kms_key_id)",
    ),
    row(
        "aws_secretsmanager_secret",
        &[],
        "kms_key_id",
        On::Always,
        Fallback::Managed("aws/secretsmanager"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/secretsmanager_secret (kms_key_id: if unset, aws/secretsmanager)",
    ),
    row(
        "aws_sns_topic",
        &[],
        "kms_master_key_id",
        On::Explicit,
        Fallback::Managed("aws/sns"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sns_topic (kms_master_key_id)",
    ),
    row(
        "aws_sqs_queue",
        &[],
        "kms_master_key_id",
        On::Explicit,
        Fallback::Managed("aws/sqs"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sqs_queue (kms_master_key_id)",
    ),
    row(
        "aws_ssm_parameter",
        &[],
        "key_id",
        On::WhenOneOf("type", &["SecureString"]),
        Fallback::Managed("aws/ssm"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ssm_parameter (key_id: a SecureString without a key uses alias/aws/ssm)",
    ),
    row(
        "aws_timestreamwrite_database",
        &[],
        "kms_key_id",
        On::Always,
        Fallback::Managed("aws/timestream"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/timestreamwrite_database (kms_key_id: if unset, the Timestream-managed key in the account)",
    ),
    row(
        "aws_workspaces_workspace",
        &[],
        "volume_encryption_key",
        On::Explicit,
        Fallback::Managed("aws/workspaces"),
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/workspaces_workspace (volume_encryption_key)",
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

/// Whether a key identifier names an AWS-managed key: `alias/aws/...` or its ARN
/// (`arn:PARTITION:kms:REGION:ACCOUNT:alias/aws/...`, any partition). Only a whole identifier
/// counts: text that merely mentions one (a description, a policy document) does not.
pub fn aws_managed(key: &str) -> bool {
    if key.bytes().any(|b| b.is_ascii_whitespace()) {
        return false;
    }
    if key.starts_with("alias/aws/") {
        return true;
    }
    let mut parts = key.splitn(6, ':');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("arn"), Some(_), Some("kms"), Some(_), Some(_), Some(resource))
            if resource.starts_with("alias/aws/")
    )
}

/// An attribute that names an AWS-managed key where the table has no row for it: any
/// attribute of any resource, or an input of a module the scan cannot read.
#[derive(Debug, Clone)]
pub struct NamedKey {
    /// The resource (or `module.NAME`) address.
    pub address: String,
    pub header: Loc,
    /// The block holding the attribute.
    pub block: Loc,
    pub calls: Vec<Related>,
    /// The attribute, with the nested blocks that lead to it (`root_block_device.kms_key_id`).
    pub attribute: String,
    /// Whether the attribute is a module input.
    pub module_input: bool,
    pub key: String,
    pub origin: Origin,
}

/// Reads an attribute of the block that holds the key through a test of its value.
pub type Flag<'a> = dyn Fn(&str, &dyn Fn(&Val) -> Option<bool>) -> Value<bool> + 'a;

impl On {
    /// Whether encryption is on. `flag(attribute, test)` reads an attribute of the block that
    /// holds the key (absent: `Default(false)`); `has_block` tells whether a nested block is there.
    pub fn eval(&self, flag: &Flag<'_>, has_block: &dyn Fn(&str) -> bool) -> Value<bool> {
        match *self {
            On::Explicit => Value::Default(false),
            On::Always => Value::Default(true),
            On::WhenTrue(a) => flag(a, &Val::to_bool),
            On::WhenOneOf(a, values) => flag(a, &|v| v.data_str().map(|s| values.contains(&s))),
            On::WhenBlock(b) => Value::Default(has_block(b)),
            On::Unless(inner, a, values) => {
                let on = inner.eval(flag, has_block);
                if !on.is_true() {
                    return on;
                }
                match flag(a, &|v| v.data_str().map(|s| values.contains(&s))) {
                    Value::Set(true, o) => Value::Set(false, o),
                    Value::Unknown(o) => Value::Unknown(o),
                    _ => on,
                }
            }
        }
    }
}

/// Attributes that hold policy documents or tags: text there that names an AWS-managed key
/// grants or describes access to it, it does not encrypt with it.
pub fn not_a_key_setting(attribute: &str) -> bool {
    attribute.ends_with("policy") || attribute.starts_with("tags")
}

/// Whether a resource type's attributes are scanned for AWS-managed keys: KMS and IAM resources
/// name keys to manage them or grant use of them, not to encrypt with them.
pub fn may_use_keys(resource: &str) -> bool {
    !resource.starts_with("aws_kms_") && !resource.starts_with("aws_iam_")
}

/// Whether the table reads this attribute (`blocks` from the resource) of a resource type: the
/// generic scan leaves those to the table.
pub fn read_by_table(resource: &str, blocks: &[&str], attribute: &str) -> bool {
    ROWS.iter()
        .any(|r| r.resource == resource && r.key == attribute && r.blocks == blocks)
}

impl Encryption {
    /// Where KMS encryption was turned on, when it was written.
    pub fn on_origin(&self) -> Option<&Origin> {
        self.on.origin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_managed_names_and_arns_in_every_partition() {
        for key in [
            "alias/aws/s3",
            "arn:aws:kms:us-east-1:111122223333:alias/aws/rds",
            "arn:aws-cn:kms:cn-north-1:111122223333:alias/aws/ebs",
            "arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/aws/ssm",
        ] {
            assert!(aws_managed(key), "{key}");
        }
        for key in [
            "alias/awsome",
            "alias/app/aws/s3",
            "xalias/aws/s3",
            "arn:aws:kms:us-east-1:111122223333:alias/app",
            "arn:aws:kms:us-east-1:111122223333:key/alias/aws/s3",
            "arn:aws:s3:::bucket/alias/aws/s3",
            "see alias/aws/s3",
            "alias/aws/s3 ",
            "",
        ] {
            assert!(!aws_managed(key), "{key}");
        }
    }

    #[test]
    fn rows_are_sorted_and_sourced() {
        for pair in ROWS.windows(2) {
            assert!(pair[0].resource <= pair[1].resource, "{}", pair[1].resource);
        }
        for row in ROWS {
            let page = row.resource.trim_start_matches("aws_");
            assert!(
                row.source.starts_with(&format!(
                    "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/{page} ("
                )),
                "{}",
                row.resource
            );
        }
    }
}
