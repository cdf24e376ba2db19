//! Encryption at rest (`spec.security.encryptionAtRest`): exactly one of `kmsKeyARN` and
//! `generate`; a key ARN (never an alias ARN) in the blueprint's partition, in the region of
//! every cluster it encrypts; and `generate`, which platc does not build, refused with the
//! reason (ARCHITECTURE.md, "Encryption at rest").

use super::Cx;
use crate::blueprint::model::Partition;
use crate::blueprint::path::BlueprintPath;
use crate::diag::{Code, Diagnostic};
use crate::naming::partition_name;

/// The parts of a KMS key ARN: `arn:<partition>:kms:<region>:<account>:key/<id>`.
pub struct KeyArn<'a> {
    pub partition: &'a str,
    pub region: &'a str,
}

/// Parses a KMS key ARN; `Err` says what is wrong with it. An alias ARN
/// (`...:alias/<name>`) is refused: EKS would resolve it, but CAPA compares the ARN it was
/// given with the key ARN EKS reports and then tries to change the encryption on every
/// reconcile ("You must use the ARN of the key and not the ARN of the alias",
/// kubernetes-sigs/cluster-api-provider-aws v2.11.1 docs/book/src/topics/eks/encryption.md;
/// issue kubernetes-sigs/cluster-api-provider-aws#3092).
pub fn parse_key_arn(arn: &str) -> Result<KeyArn<'_>, String> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, service, region, account, resource] = parts[..] else {
        return Err("is not an ARN (`arn:<partition>:kms:<region>:<account>:key/<id>`)".into());
    };
    if prefix != "arn" || service != "kms" {
        return Err("is not a KMS ARN (`arn:<partition>:kms:<region>:<account>:key/<id>`)".into());
    }
    if region.is_empty() {
        return Err("has no region".into());
    }
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("has account `{account}`, not 12 digits"));
    }
    if resource.starts_with("alias/") {
        return Err("is an alias ARN; EKS through CAPA needs the key's own ARN (`...:key/<id>`), and one key serves every cluster".into());
    }
    let Some(id) = resource.strip_prefix("key/") else {
        return Err("does not name a key (`key/<id>`)".into());
    };
    if id.is_empty()
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(format!("has key ID `{id}`, which is not a KMS key ID"));
    }
    Ok(KeyArn { partition, region })
}

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(enc) = cx
        .bp
        .spec
        .security
        .as_ref()
        .and_then(|s| s.encryption_at_rest.as_ref())
    else {
        return;
    };
    let path = cx.spec().field("security").field("encryptionAtRest");
    let generate = enc.generate == Some(true);
    match (&enc.kms_key_arn, generate) {
        (Some(_), true) => out.push(
            cx.key_error(Code::Security, &path.field("generate"), "`kmsKeyARN` and `generate: true` together: a cluster's Secrets are encrypted with one key")
                .help("keep `kmsKeyARN` to use an existing key, or remove it to have one generated"),
        ),
        (None, false) => out.push(
            cx.key_error(Code::Security, &path, "names no key: set `kmsKeyARN` or `generate: true`")
                .help("remove `encryptionAtRest` to leave Secrets unencrypted in etcd"),
        ),
        _ => {}
    }
    if generate && enc.kms_key_arn.is_none() {
        // The generated key's ARN carries an ID that AWS assigns when it creates the key, so
        // no file of the tree can name it; an alias ARN does not work with CAPA (see
        // `parse_key_arn`), and kOps documents `kmsKeyId` as the key's full ARN
        // (`docs/operations/etcd_backup_restore_encryption.md` v1.36.0).
        out.push(
            cx.error(Code::Security, &path.field("generate"), "`generate: true` is not built: the clusters need the key's ARN, which AWS assigns only when it creates the key")
                .help("create a symmetric KMS key whose alias starts with `cluster-api-provider-aws-` (CAPA's controller may use only those) and set `kmsKeyARN` to its key ARN"),
        );
    }
    if let Some(arn) = &enc.kms_key_arn {
        let arn_path = path.field("kmsKeyARN");
        match parse_key_arn(arn) {
            Err(problem) => out.push(
                cx.error(Code::Security, &arn_path, format!("`{arn}` {problem}"))
                    .help("write the key ARN, e.g. `arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab`"),
            ),
            Ok(key) => key_placement(cx, out, &key, &arn_path),
        }
    }
}

/// EKS wants the key "created in the same AWS Region as the cluster"
/// (awsdocs/amazon-eks-user-guide latest/ug/security/security-k8s.adoc, "Encrypt Kubernetes
/// secrets with AWS KMS on existing clusters"); an EBS volume's key (kOps' etcd volumes) is
/// regional as well, and an ARN's partition is the blueprint's.
fn key_placement(
    cx: &Cx<'_>,
    out: &mut Vec<Diagnostic>,
    key: &KeyArn<'_>,
    arn_path: &BlueprintPath,
) {
    let partition: Partition = cx.partition();
    if key.partition != partition_name(partition) {
        out.push(
            cx.error(
                Code::Security,
                arn_path,
                format!(
                    "the key is in partition `{}`, the blueprint in `{}`",
                    key.partition,
                    partition_name(partition)
                ),
            )
            .help("use a key of the blueprint's partition (`spec.aws.partition`)"),
        );
        return;
    }
    for (_, cluster, cpath) in cx.clusters() {
        if let Some(region) = cx.region_of(cluster)
            && region != key.region
        {
            out.push(
                cx.error(
                    Code::Security,
                    arn_path,
                    format!(
                        "the key is in region `{}`, cluster `{}` in `{region}`: KMS keys encrypt only in their own region",
                        key.region, cluster.name
                    ),
                )
                .help(format!(
                    "put every cluster in `{}`, or use a key of `{region}` (one key per blueprint)",
                    key.region
                ))
                .note(format!("cluster `{}` is {cpath}", cluster.name)),
            );
        }
    }
}
