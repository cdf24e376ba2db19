//! The IAM of every golden tree, read back from the rendered files: no mutating Route 53
//! action on `*`; cert-manager limited to `TXT` records `_acme-challenge.*`; each IRSA role
//! trusts exactly one service account of one cluster; no literal `arn:aws:` where a template
//! must take the partition from where it is deployed; and, for every case with both formats,
//! CloudFormation and Terraform grant exactly the same actions on exactly the same resources
//! (and trust, attach and tag the same).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use platc::hcl::{self, Body, Expr};
use platc::source::SourceFile;
use platc::yaml::read::{self, ReadOptions};

use crate::support::{read_tree, root, yaml_files};

/// Route 53 actions that change nothing.
fn read_only(action: &str) -> bool {
    let name = action.rsplit(':').next().unwrap_or(action);
    ["Get", "List", "Describe", "Test"]
        .iter()
        .any(|p| name.starts_with(p))
}

fn yaml(path: &str, bytes: &[u8]) -> Value {
    let src = SourceFile::new(path, String::from_utf8(bytes.to_vec()).unwrap());
    let docs = read::read_stream(&src, &ReadOptions::kustomize()).unwrap();
    assert_eq!(docs.len(), 1, "{path}");
    docs[0].to_json()
}

fn list(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(items) => items.clone(),
        Value::Null => Vec::new(),
        other => vec![other.clone()],
    }
}

/// A blueprint with eks and kops clusters, which `platc render` refuses in this version:
/// rendered through the library's stages (resolve, generate, emit) without the refusal.
const ALL_PROVIDERS: &str = "tests/data/iam/all-providers.yaml";

fn render_unchecked(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let text = std::fs::read(path).unwrap();
    let loaded = platc::blueprint::load::load("all-providers.yaml", &text).unwrap();
    let resolved = platc::resolve::resolve(&loaded.blueprint, "all-providers.yaml");
    let output = platc::generate::generate(&resolved).unwrap();
    let tree = platc::emit::emit(&output, "all-providers.yaml").unwrap();
    tree.files()
        .map(|(p, b)| (p.to_string(), b.to_vec()))
        .collect()
}

/// Every golden case, and the all-providers blueprint: (name, tree, blueprint text).
fn cases() -> Vec<(String, BTreeMap<String, Vec<u8>>, String)> {
    let root = root();
    let mut out: Vec<_> = yaml_files(&root.join("blueprints"))
        .into_iter()
        .map(|b| {
            let name = b.file_stem().unwrap().to_string_lossy().into_owned();
            let tree = read_tree(&root.join("golden").join(&name));
            let text = std::fs::read_to_string(&b).unwrap();
            (name, tree, text)
        })
        .collect();
    let all = root.join(ALL_PROVIDERS);
    out.push((
        "all-providers".to_string(),
        render_unchecked(&all),
        std::fs::read_to_string(&all).unwrap(),
    ));
    out
}

fn templates(tree: &BTreeMap<String, Vec<u8>>) -> Vec<(String, Value)> {
    tree.iter()
        .filter(|(p, _)| p.starts_with("iam/cloudformation/") && p.ends_with(".yaml"))
        .map(|(p, b)| (p.clone(), yaml(p, b)))
        .collect()
}

/// A policy document, parsed when CloudFormation holds it as a JSON string under `Fn::Sub`.
fn document(v: &Value) -> Value {
    match v.get("Fn::Sub").and_then(Value::as_str) {
        Some(text) => serde_json::from_str(text).unwrap(),
        None => v.clone(),
    }
}

#[test]
fn no_mutating_route53_action_on_star_and_acme_only_on_challenges() {
    let mut policies = 0;
    for (case, tree, _) in cases() {
        for (path, t) in templates(&tree) {
            for (id, res) in t["Resources"].as_object().unwrap() {
                if res["Type"] != "AWS::IAM::ManagedPolicy" {
                    continue;
                }
                policies += 1;
                let doc = document(&res["Properties"]["PolicyDocument"]);
                for s in list(&doc["Statement"]) {
                    let actions: Vec<String> = list(&s["Action"])
                        .iter()
                        .map(|a| a.as_str().unwrap().to_string())
                        .collect();
                    let star = list(&s["Resource"]).iter().any(|r| r == "*");
                    if star {
                        assert!(
                            actions.iter().all(|a| read_only(a)),
                            "{case} {path} {id}: mutating action on *: {actions:?}"
                        );
                    }
                    assert!(
                        actions.iter().all(|a| !a.contains('*')),
                        "{case} {path}: wildcard action"
                    );
                    if path.ends_with("route53-cert-manager.yaml") {
                        assert!(
                            !actions.iter().any(|a| a == "route53:ListHostedZonesByName"),
                            "{case}: cert-manager never looks the zone up"
                        );
                        if actions.iter().any(|a| !read_only(a)) {
                            assert_eq!(actions, ["route53:ChangeResourceRecordSets"], "{case}");
                            let c = &s["Condition"];
                            assert_eq!(
                                list(
                                    &c["ForAllValues:StringEquals"]["route53:ChangeResourceRecordSetsRecordTypes"]
                                ),
                                ["TXT"],
                                "{case} {path}"
                            );
                            assert_eq!(
                                list(
                                    &c["ForAllValues:StringLike"]["route53:ChangeResourceRecordSetsNormalizedRecordNames"]
                                ),
                                ["_acme-challenge.*"],
                                "{case} {path}"
                            );
                            assert_eq!(c.as_object().unwrap().len(), 2, "{case} {path}");
                        }
                    }
                }
            }
        }
    }
    assert!(policies >= 3, "too few policies checked: {policies}");
}

#[test]
fn each_irsa_role_trusts_exactly_one_service_account_of_one_cluster() {
    let mut roles = 0;
    for (case, tree, _) in cases() {
        let mut trusted: BTreeSet<(String, String)> = BTreeSet::new();
        for (path, t) in templates(&tree) {
            let Some(cluster) = path
                .strip_prefix("iam/cloudformation/irsa-")
                .and_then(|p| p.strip_suffix(".yaml"))
            else {
                continue;
            };
            let resources = t["Resources"].as_object().unwrap();
            let provider_url = resources
                .values()
                .find(|r| r["Type"] == "AWS::IAM::OIDCProvider")
                .map(|r| r["Properties"]["Url"].as_str().unwrap().to_string());
            for (id, res) in resources {
                if res["Type"] != "AWS::IAM::Role" {
                    continue;
                }
                roles += 1;
                let doc = document(&res["Properties"]["AssumeRolePolicyDocument"]);
                let statements = list(&doc["Statement"]);
                assert_eq!(statements.len(), 1, "{case} {id}");
                let s = &statements[0];
                assert_eq!(s["Effect"], "Allow");
                assert_eq!(s["Action"], "sts:AssumeRoleWithWebIdentity", "{case} {id}");
                let principal = s["Principal"].as_object().unwrap();
                assert_eq!(principal.len(), 1, "{case} {id}");
                let federated = &principal["Federated"];
                let condition = s["Condition"].as_object().unwrap();
                assert_eq!(
                    condition.keys().collect::<Vec<_>>(),
                    ["StringEquals"],
                    "{case} {id}: only StringEquals"
                );
                let equals = condition["StringEquals"].as_object().unwrap();
                assert_eq!(equals.len(), 2, "{case} {id}: exactly sub and aud");
                let sub_key = equals.keys().find(|k| k.ends_with(":sub")).unwrap();
                let issuer = sub_key.strip_suffix(":sub").unwrap();
                assert_eq!(equals[&format!("{issuer}:aud")], "sts.amazonaws.com");
                let sub = equals[sub_key].as_str().unwrap();
                assert!(
                    sub.starts_with("system:serviceaccount:")
                        && sub.split(':').count() == 4
                        && !sub.contains('*')
                        && !sub.contains('?'),
                    "{case} {id}: {sub}"
                );
                // The issuer is this cluster's: its own provider, or its template parameter.
                match &provider_url {
                    Some(url) => {
                        assert_eq!(format!("https://{issuer}"), *url, "{case} {id}");
                        assert_eq!(federated["Ref"], "OIDCProvider", "{case} {id}");
                        assert!(issuer.contains(&format!("-{cluster}-oidc-")), "{case} {id}");
                    }
                    None => assert_eq!(issuer, "${OIDCIssuer}", "{case} {id}"),
                }
                assert!(
                    trusted.insert((format!("{cluster}/{issuer}"), sub.to_string())),
                    "{case}: two roles trust {sub} of {cluster}"
                );
            }
        }
    }
    assert!(roles >= 3, "too few roles checked: {roles}");
}

/// The partition of a case's blueprint (`aws` unless it says otherwise).
fn partition(blueprint: &str) -> &str {
    blueprint
        .lines()
        .find_map(|l| l.trim().strip_prefix("partition:"))
        .map_or("aws", |p| p.split('#').next().unwrap_or("aws").trim())
}

#[test]
fn no_literal_partition_in_templates_and_none_at_all_outside_aws() {
    let mut gov = 0;
    for (case, tree, blueprint) in cases() {
        let other = partition(&blueprint) != "aws";
        gov += usize::from(other);
        for (path, bytes) in &tree {
            let text = String::from_utf8_lossy(bytes);
            let template =
                path.starts_with("iam/cloudformation/") || path.starts_with("iam/terraform/");
            if template || other {
                assert!(
                    !text.contains("arn:aws:") && !text.contains("arn::"),
                    "{case}: {path} holds a literal partition"
                );
            }
            if template {
                for p in ["arn:aws-cn:", "arn:aws-us-gov:"] {
                    assert!(!text.contains(p), "{case}: {path} holds {p}");
                }
            }
        }
    }
    assert!(gov >= 1, "no golden case outside partition aws");
}

// ---- CloudFormation and Terraform grant the same ----------------------------------------

/// One statement in a form both formats reduce to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Grant {
    sid: String,
    effect: String,
    principal: Vec<String>,
    actions: BTreeSet<String>,
    resources: BTreeSet<String>,
    conditions: BTreeSet<(String, String, BTreeSet<String>)>,
}

/// Everything a set of IAM files creates, reduced.
#[derive(Debug, Default, PartialEq, Eq)]
struct Iam {
    policies: BTreeMap<String, BTreeSet<Grant>>,
    roles: BTreeMap<String, (BTreeSet<Grant>, BTreeSet<String>)>,
    buckets: BTreeMap<String, BTreeSet<Grant>>,
    oidc_providers: BTreeSet<(String, Vec<String>)>,
    /// (kind, name) → tags, for roles, buckets and OIDC providers (CloudFormation cannot
    /// tag a managed policy; Terraform does).
    tags: BTreeMap<(String, String), BTreeMap<String, String>>,
}

fn cfn_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other["Fn::Sub"]
            .as_str()
            .unwrap_or_else(|| panic!("not a string: {other}"))
            .replace("${AWS::Partition}", "<partition>")
            .replace("${AWS::AccountId}", "<account>")
            .replace("${OIDCIssuer}", "<issuer>"),
    }
}

fn cfn_grants(doc: &Value, provider_url: Option<&str>) -> BTreeSet<Grant> {
    let in_sub = doc.get("Fn::Sub").is_some();
    let doc = document(doc);
    let text = |v: &Value| {
        let t = cfn_text(v);
        if in_sub {
            cfn_text(&serde_json::json!({"Fn::Sub": t}))
        } else {
            t
        }
    };
    list(&doc["Statement"])
        .iter()
        .map(|s| {
            let principal = match &s["Principal"] {
                Value::Null => Vec::new(),
                Value::String(p) => vec![p.clone()],
                Value::Object(m) => m
                    .iter()
                    .flat_map(|(kind, ids)| {
                        list(ids)
                            .into_iter()
                            .map(|id| {
                                if id.get("Ref").is_some() || id == "${OIDCProvider}" {
                                    format!("{kind}:oidc-provider:{}", provider_url.unwrap())
                                } else {
                                    format!("{kind}:{}", text(&id))
                                }
                            })
                            .collect::<Vec<_>>()
                    })
                    .collect(),
                other => panic!("principal {other}"),
            };
            let conditions = s["Condition"]
                .as_object()
                .map(|ops| {
                    ops.iter()
                        .flat_map(|(op, keys)| {
                            keys.as_object().unwrap().iter().map(|(k, v)| {
                                (
                                    op.clone(),
                                    text(&Value::String(k.clone())),
                                    list(v)
                                        .iter()
                                        .map(|x| x.as_str().unwrap().to_string())
                                        .collect(),
                                )
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            Grant {
                sid: s["Sid"].as_str().unwrap_or_default().to_string(),
                effect: s["Effect"].as_str().unwrap().to_string(),
                principal,
                actions: list(&s["Action"])
                    .iter()
                    .map(|a| a.as_str().unwrap().to_string())
                    .collect(),
                resources: list(&s["Resource"]).iter().map(text).collect(),
                conditions,
            }
        })
        .collect()
}

fn cfn_tags(props: &Value) -> Option<BTreeMap<String, String>> {
    props.get("Tags").map(|t| {
        list(t)
            .iter()
            .map(|kv| {
                (
                    kv["Key"].as_str().unwrap().to_string(),
                    kv["Value"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    })
}

fn from_cloudformation(tree: &BTreeMap<String, Vec<u8>>) -> Iam {
    let mut iam = Iam::default();
    for (_, t) in templates(tree) {
        let resources = t["Resources"].as_object().unwrap();
        let provider_url = resources
            .values()
            .find(|r| r["Type"] == "AWS::IAM::OIDCProvider")
            .map(|r| r["Properties"]["Url"].as_str().unwrap().to_string());
        for res in resources.values() {
            let p = &res["Properties"];
            match res["Type"].as_str().unwrap() {
                "AWS::IAM::ManagedPolicy" => {
                    iam.policies.insert(
                        p["ManagedPolicyName"].as_str().unwrap().into(),
                        cfn_grants(&p["PolicyDocument"], None),
                    );
                }
                "AWS::IAM::Role" => {
                    let name = p["RoleName"].as_str().unwrap().to_string();
                    let attached = list(&p["ManagedPolicyArns"])
                        .iter()
                        .map(|a| cfn_text(a).rsplit('/').next().unwrap().to_string())
                        .collect();
                    iam.roles.insert(
                        name.clone(),
                        (
                            cfn_grants(&p["AssumeRolePolicyDocument"], provider_url.as_deref()),
                            attached,
                        ),
                    );
                    if let Some(tags) = cfn_tags(p) {
                        iam.tags.insert(("role".into(), name), tags);
                    }
                }
                "AWS::S3::Bucket" => {
                    if let Some(tags) = cfn_tags(p) {
                        iam.tags.insert(
                            ("bucket".into(), p["BucketName"].as_str().unwrap().into()),
                            tags,
                        );
                    }
                }
                "AWS::S3::BucketPolicy" => {
                    let bucket_id = p["Bucket"]["Ref"].as_str().unwrap();
                    let bucket = resources[bucket_id]["Properties"]["BucketName"]
                        .as_str()
                        .unwrap()
                        .to_string();
                    iam.buckets
                        .insert(bucket, cfn_grants(&p["PolicyDocument"], None));
                }
                "AWS::IAM::OIDCProvider" => {
                    let url = p["Url"].as_str().unwrap().to_string();
                    let clients = list(&p["ClientIdList"])
                        .iter()
                        .map(|c| c.as_str().unwrap().to_string())
                        .collect();
                    if let Some(tags) = cfn_tags(p) {
                        iam.tags.insert(("oidc-provider".into(), url.clone()), tags);
                    }
                    iam.oidc_providers.insert((url, clients));
                }
                other => panic!("unexpected resource type {other}"),
            }
        }
    }
    iam
}

fn tf_text(e: &Expr) -> String {
    let t = hcl::read::text(e).unwrap_or_else(|| panic!("not a string: {e:?}"));
    let t = t
        .replace("${data.aws_partition.current.partition}", "<partition>")
        .replace(
            "${data.aws_caller_identity.current.account_id}",
            "<account>",
        );
    // `${var.oidc_issuer_<cluster>}` or the bare reference.
    let mut out = String::new();
    let mut rest = t.as_str();
    while let Some(i) = rest.find("${var.oidc_issuer_") {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('}').unwrap();
        out.push_str("<issuer>");
        rest = &rest[i + end + 1..];
    }
    out.push_str(rest);
    if out.starts_with("var.oidc_issuer_") {
        return "<issuer>".into();
    }
    out
}

fn tf_strings(e: Option<&Expr>) -> Vec<String> {
    match e {
        Some(Expr::List(items)) => items.iter().map(tf_text).collect(),
        Some(other) => vec![tf_text(other)],
        None => Vec::new(),
    }
}

/// `<kind>.<name>.<attribute>` → name.
fn ref_name(e: &Expr, kind: &str) -> String {
    let Expr::Ref(r) = e else {
        panic!("not a reference: {e:?}")
    };
    let rest = r
        .strip_prefix(&format!("{kind}."))
        .unwrap_or_else(|| panic!("{r} is not a {kind}"));
    rest.split('.').next().unwrap().to_string()
}

fn from_terraform(tree: &BTreeMap<String, Vec<u8>>) -> Iam {
    let mut files = Body::new();
    for (path, bytes) in tree {
        if path.starts_with("iam/terraform/") && path.ends_with(".tf") {
            let body = hcl::read::parse(std::str::from_utf8(bytes).unwrap())
                .unwrap_or_else(|e| panic!("{path}: {e}"));
            files.items.extend(body.items);
        }
    }
    let blocks = |kind: &'static str, label: &'static str| {
        files
            .blocks(kind)
            .filter(move |b| b.labels[0] == label)
            .map(|b| (b.labels[1].clone(), &b.body))
            .collect::<BTreeMap<String, &Body>>()
    };
    let local_tags: BTreeMap<String, String> = files
        .blocks("locals")
        .find_map(|b| b.body.get("tags"))
        .map(|t| match t {
            Expr::Object(entries) => entries
                .iter()
                .map(|(k, v)| (k.clone(), tf_text(v)))
                .collect(),
            other => panic!("tags {other:?}"),
        })
        .unwrap_or_default();
    let tags_of = |b: &Body| {
        b.get("tags").map(|t| {
            assert_eq!(t, &Expr::Ref("local.tags".into()));
            local_tags.clone()
        })
    };
    let providers = blocks("resource", "aws_iam_openid_connect_provider");
    let provider_url = |name: &str| tf_text(providers[name].get("url").unwrap());
    let documents = blocks("data", "aws_iam_policy_document");
    let grants = |e: &Expr| -> BTreeSet<Grant> {
        let body = documents[&ref_name(e, "data.aws_iam_policy_document")];
        body.blocks("statement")
            .map(|s| {
                let s = &s.body;
                let principal = s
                    .blocks("principals")
                    .flat_map(|p| {
                        let kind = tf_text(p.body.get("type").unwrap());
                        let Some(Expr::List(ids)) = p.body.get("identifiers") else {
                            panic!("identifiers")
                        };
                        ids.iter()
                            .map(|id| match (kind.as_str(), id) {
                                ("*", _) => "*".to_string(),
                                (_, Expr::Ref(r))
                                    if r.starts_with("aws_iam_openid_connect_provider.") =>
                                {
                                    format!(
                                        "{kind}:oidc-provider:{}",
                                        provider_url(&ref_name(
                                            id,
                                            "aws_iam_openid_connect_provider"
                                        ))
                                    )
                                }
                                _ => format!("{kind}:{}", tf_text(id)),
                            })
                            .collect::<Vec<_>>()
                    })
                    .collect();
                Grant {
                    sid: tf_text(s.get("sid").unwrap()),
                    effect: tf_text(s.get("effect").unwrap()),
                    principal,
                    actions: tf_strings(s.get("actions")).into_iter().collect(),
                    resources: tf_strings(s.get("resources")).into_iter().collect(),
                    conditions: s
                        .blocks("condition")
                        .map(|c| {
                            (
                                tf_text(c.body.get("test").unwrap()),
                                tf_text(c.body.get("variable").unwrap()),
                                tf_strings(c.body.get("values")).into_iter().collect(),
                            )
                        })
                        .collect(),
                }
            })
            .collect()
    };
    let mut iam = Iam::default();
    let policies = blocks("resource", "aws_iam_policy");
    for body in policies.values() {
        iam.policies.insert(
            tf_text(body.get("name").unwrap()),
            grants(body.get("policy").unwrap()),
        );
    }
    let roles = blocks("resource", "aws_iam_role");
    let attachments = blocks("resource", "aws_iam_role_policy_attachment");
    for (id, body) in &roles {
        let name = tf_text(body.get("name").unwrap());
        let attached = attachments
            .values()
            .filter(|a| ref_name(a.get("role").unwrap(), "aws_iam_role") == *id)
            .map(|a| match a.get("policy_arn").unwrap() {
                // A policy of the tree, by reference.
                e @ Expr::Ref(_) => {
                    let p = ref_name(e, "aws_iam_policy");
                    tf_text(policies[&p].get("name").unwrap())
                }
                // An AWS managed policy, by ARN (its name is the ARN's last segment, as the
                // CloudFormation side reads it).
                other => tf_text(other).rsplit('/').next().unwrap().to_string(),
            })
            .collect();
        iam.roles.insert(
            name.clone(),
            (grants(body.get("assume_role_policy").unwrap()), attached),
        );
        if let Some(tags) = tags_of(body) {
            iam.tags.insert(("role".into(), name), tags);
        }
    }
    let buckets = blocks("resource", "aws_s3_bucket");
    for body in buckets.values() {
        if let Some(tags) = tags_of(body) {
            iam.tags.insert(
                ("bucket".into(), tf_text(body.get("bucket").unwrap())),
                tags,
            );
        }
    }
    for body in blocks("resource", "aws_s3_bucket_policy").values() {
        let bucket = ref_name(body.get("bucket").unwrap(), "aws_s3_bucket");
        iam.buckets.insert(
            tf_text(buckets[&bucket].get("bucket").unwrap()),
            grants(body.get("policy").unwrap()),
        );
    }
    for body in providers.values() {
        let url = tf_text(body.get("url").unwrap());
        if let Some(tags) = tags_of(body) {
            iam.tags.insert(("oidc-provider".into(), url.clone()), tags);
        }
        iam.oidc_providers
            .insert((url, tf_strings(body.get("client_id_list"))));
    }
    iam
}

#[test]
fn cloudformation_and_terraform_grant_exactly_the_same() {
    let mut compared = 0;
    for (case, tree, _) in cases() {
        let both = tree.keys().any(|p| p.starts_with("iam/cloudformation/"))
            && tree.keys().any(|p| p.starts_with("iam/terraform/"));
        if !both {
            continue;
        }
        compared += 1;
        let cfn = from_cloudformation(&tree);
        let tf = from_terraform(&tree);
        assert!(!cfn.policies.is_empty(), "{case}: nothing to compare");
        pretty_assertions::assert_eq!(cfn, tf, "{case}: the two formats differ");
    }
    let expected = cases()
        .iter()
        .filter(|(_, _, b)| b.contains("format: both"))
        .count();
    assert_eq!(
        compared, expected,
        "every case with format: both is compared"
    );
}

#[test]
fn templates_exist_where_expected() {
    // A guard against the tests above passing on empty trees.
    let root = root();
    assert!(Path::new(&root.join("golden")).exists());
    let with_iam = cases()
        .iter()
        .filter(|(_, t, _)| t.keys().any(|p| p.starts_with("iam/cloudformation/")))
        .count();
    assert!(
        with_iam >= 3,
        "only {with_iam} golden cases with CloudFormation"
    );
}
