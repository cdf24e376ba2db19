//! The IAM output (`spec.iam`): Terraform's S3 backend, required when the format writes
//! Terraform. The state bucket follows S3's bucket naming rules, the lock table DynamoDB's
//! table naming rules, the state key is a relative object key, and the backend's region is a
//! known region of the blueprint's partition.

use super::Cx;
use super::syntax::{looks_like_placeholder, show_char};
use crate::blueprint::model::IamFormat;
use crate::diag::{Code, Diagnostic};
use crate::facts::aws;
use crate::naming::partition_name;

/// DynamoDB table names: 3–255 characters of `a-z A-Z 0-9 _ - .` (DynamoDB "Naming rules").
pub const TABLE_MIN: usize = 3;
pub const TABLE_MAX: usize = 255;
/// S3 object keys are at most 1024 bytes (S3 "Naming objects").
pub const KEY_MAX: usize = 1024;

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(iam) = &cx.bp.spec.iam else {
        return;
    };
    let path = cx.spec().field("iam");
    let format = iam.format.unwrap_or_default();
    if format == IamFormat::Cloudformation {
        if iam.terraform.is_some() {
            out.push(cx.key_warning(
                Code::Warning,
                &path.field("terraform"),
                "iam.terraform is only used with `format: terraform` or `both`; it is ignored",
            ));
        }
        return;
    }
    let tf_path = path.field("terraform");
    let Some(tf) = &iam.terraform else {
        out.push(
            cx.key_error(
                Code::MissingField,
                &tf_path,
                "missing, and required: Terraform's state lives in an S3 bucket with a DynamoDB lock table",
            )
            .help("add `terraform: {stateBucket: <bucket>, lockTable: <table>}` under spec.iam"),
        );
        return;
    };
    match &tf.state_bucket {
        None => out.push(
            cx.key_error(
                Code::MissingField,
                &tf_path.field("stateBucket"),
                "missing, and required: the S3 bucket that holds Terraform's state",
            )
            .help("add `stateBucket: <bucket>` (the bucket must exist)"),
        ),
        Some(bucket) => {
            let problem = if looks_like_placeholder(bucket) {
                Some(format!("`{bucket}` is a placeholder, not a bucket name"))
            } else if bucket.contains('/') || bucket.contains(':') {
                Some(format!(
                    "`{bucket}` is not a bucket name; write the name alone, without `s3://` or a path"
                ))
            } else {
                super::clusters::state_store(&format!("s3://{bucket}"))
                    .err()
                    .map(|p| format!("stateBucket `{bucket}` {p}"))
            };
            if let Some(message) = problem {
                out.push(
                    cx.error(Code::Aws, &tf_path.field("stateBucket"), message)
                        .help("S3 bucket names are 3 to 63 lowercase letters, digits, `.` and `-`, starting and ending with a letter or digit"),
                );
            }
        }
    }
    match &tf.lock_table {
        None => out.push(
            cx.key_error(
                Code::MissingField,
                &tf_path.field("lockTable"),
                "missing, and required: the DynamoDB table that locks Terraform's state",
            )
            .help("add `lockTable: <table>` (a table with the string partition key `LockID`)"),
        ),
        Some(table) => {
            let len = table.chars().count();
            let problem = if looks_like_placeholder(table) {
                Some(format!("`{table}` is a placeholder, not a table name"))
            } else if !(TABLE_MIN..=TABLE_MAX).contains(&len) {
                Some(format!(
                    "lockTable `{table}` is {len} characters; DynamoDB table names have {TABLE_MIN} to {TABLE_MAX}"
                ))
            } else {
                table
                    .chars()
                    .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
                    .map(|c| {
                        format!(
                            "lockTable has {}; DynamoDB table names have letters, digits, `_`, `-` and `.`",
                            show_char(c)
                        )
                    })
            };
            if let Some(message) = problem {
                out.push(cx.error(Code::Aws, &tf_path.field("lockTable"), message));
            }
        }
    }
    if let Some(key) = &tf.state_key {
        let problem = if key.is_empty() {
            Some("stateKey is empty".to_string())
        } else if key.len() > KEY_MAX {
            Some(format!(
                "stateKey is {} bytes; S3 keys are at most {KEY_MAX}",
                key.len()
            ))
        } else if key.starts_with('/') || key.ends_with('/') {
            Some(format!(
                "stateKey `{key}` starts or ends with `/`; Terraform's S3 backend refuses that"
            ))
        } else if key
            .split('/')
            .any(|p| p.is_empty() || p == "." || p == "..")
        {
            Some(format!("stateKey `{key}` has empty, `.` or `..` parts"))
        } else {
            key.chars()
                .find(|c| c.is_control() || *c == '\\')
                .map(|c| format!("stateKey has {}", show_char(c)))
        };
        if let Some(message) = problem {
            out.push(cx.error(Code::Aws, &tf_path.field("stateKey"), message));
        }
    }
    let region_path = tf_path.field("region");
    match &tf.region {
        Some(region) => match aws::partition_of(region) {
            None => out.push(
                cx.error(
                    Code::Region,
                    &region_path,
                    format!("`{region}` is not an AWS region"),
                )
                .help("the region of the state bucket, e.g. `us-west-2`"),
            ),
            Some(p) if p != cx.partition() => out.push(cx.error(
                Code::Partition,
                &region_path,
                format!(
                    "region `{region}` is in the partition `{}`, but spec.aws.partition is `{}`",
                    partition_name(p),
                    partition_name(cx.partition())
                ),
            )),
            Some(_) => {}
        },
        None => {
            let aws_region = cx.bp.spec.aws.as_ref().and_then(|a| a.region.as_ref());
            if aws_region.is_none() {
                out.push(
                    cx.key_error(
                        Code::MissingField,
                        &tf_path,
                        "has no `region`, and spec.aws.region is not set: the S3 backend needs the state bucket's region",
                    )
                    .help("add `region: <the state bucket's region>`"),
                );
            }
        }
    }
}
