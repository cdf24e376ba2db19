//! CloudFormation building blocks. Templates go through the same canonical YAML writer as
//! everything else, which writes plain YAML, so intrinsic functions are always in their long
//! form (`{"Fn::Sub": …}`, `{"Ref": …}`), never `!Sub` tags. Deployment-time values
//! ([`Text`]) become `Fn::Sub` over `AWS::Partition`, `AWS::AccountId` and the issuer
//! parameter.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::json::json;

use super::model::{Principal, Statement};
use super::text::{Piece, Text};
use crate::resolve::Resolved;

/// The only template format version CloudFormation has.
pub const TEMPLATE_FORMAT_VERSION: &str = "2010-09-09";
/// The current IAM policy language version.
pub const POLICY_VERSION: &str = "2012-10-17";
/// The template parameter holding an issuer known only after the cluster exists (EKS): host
/// and path without `https://`, as IAM OIDC providers are named.
pub const ISSUER_PARAMETER: &str = "OIDCIssuer";
/// The logical ID of the IAM OIDC provider a template creates.
pub const OIDC_PROVIDER_ID: &str = "OIDCProvider";

/// A [`Text`] as `Fn::Sub` source: pieces as `${…}` references, a literal `${` escaped as
/// `${!` (CloudFormation's escape).
pub fn sub_source(t: &Text) -> String {
    t.0.iter()
        .map(|p| match p {
            Piece::Lit(s) => s.replace("${", "${!"),
            Piece::Partition => "${AWS::Partition}".to_string(),
            Piece::Account => "${AWS::AccountId}".to_string(),
            Piece::Issuer => format!("${{{ISSUER_PARAMETER}}}"),
        })
        .collect()
}

/// A [`Text`] as a template value: a plain string when it is literal, `Fn::Sub` otherwise.
pub fn text(t: &Text) -> Value {
    match t.literal() {
        Some(s) => json!(s),
        None => json!({"Fn::Sub": sub_source(t)}),
    }
}

pub fn reference(logical_id: &str) -> Value {
    json!({"Ref": logical_id})
}

/// One value or a list: IAM accepts both, and one value reads better alone.
fn one_or_many(values: Vec<Value>) -> Value {
    if values.len() == 1 {
        values.into_iter().next().unwrap_or(Value::Null)
    } else {
        Value::Array(values)
    }
}

/// A policy document. Where a condition key holds a deployment-time piece (the EKS issuer
/// parameter: `<issuer>:sub`), a key cannot be an intrinsic function, so the whole document
/// is one JSON string under `Fn::Sub` (CloudFormation accepts a policy document as a JSON
/// string).
pub fn policy_document(statements: &[Statement]) -> Value {
    let dynamic_keys = statements
        .iter()
        .flat_map(|s| &s.conditions)
        .any(|c| c.key.literal().is_none());
    if dynamic_keys {
        json!({"Fn::Sub": document(statements, true).to_string()})
    } else {
        document(statements, false)
    }
}

/// The document as a value; `in_sub` when it becomes the source of one `Fn::Sub`, where every
/// deployment-time value is a `${…}` reference inside plain strings.
fn document(statements: &[Statement], in_sub: bool) -> Value {
    let statements: Vec<Value> = statements.iter().map(|s| statement(s, in_sub)).collect();
    json!({"Version": POLICY_VERSION, "Statement": statements})
}

fn statement(s: &Statement, in_sub: bool) -> Value {
    let render = |t: &Text| {
        if in_sub {
            json!(sub_source(t))
        } else {
            text(t)
        }
    };
    let mut m = Map::new();
    m.insert("Sid".into(), json!(s.sid));
    m.insert("Effect".into(), json!(s.effect.name()));
    if let Some(principal) = &s.principal {
        let p = match principal {
            Principal::Everyone => json!("*"),
            Principal::CreatedOidcProvider if in_sub => {
                json!({"Federated": format!("${{{OIDC_PROVIDER_ID}}}")})
            }
            Principal::CreatedOidcProvider => {
                json!({"Federated": reference(OIDC_PROVIDER_ID)})
            }
            Principal::OidcProvider(arn) => json!({"Federated": render(arn)}),
        };
        m.insert("Principal".into(), p);
    }
    m.insert(
        "Action".into(),
        one_or_many(s.actions.iter().map(|a| json!(a)).collect()),
    );
    if !s.resources.is_empty() {
        m.insert(
            "Resource".into(),
            one_or_many(s.resources.iter().map(render).collect()),
        );
    }
    if !s.conditions.is_empty() {
        // Operators in the statement's order; keys under one operator likewise.
        let mut by_operator: Vec<(&str, Map<String, Value>)> = Vec::new();
        for c in &s.conditions {
            let key = match render(&c.key) {
                Value::String(k) => k,
                other => other.to_string(),
            };
            // Set operators (`ForAllValues:`, `ForAnyValue:`) compare sets: always a list.
            let value = if c.operator.contains(':') || c.values.len() != 1 {
                json!(c.values)
            } else {
                json!(c.values[0])
            };
            match by_operator.iter_mut().find(|(op, _)| *op == c.operator) {
                Some((_, keys)) => {
                    keys.insert(key, value);
                }
                None => {
                    let mut keys = Map::new();
                    keys.insert(key, value);
                    by_operator.push((c.operator, keys));
                }
            }
        }
        let condition: Map<String, Value> = by_operator
            .into_iter()
            .map(|(op, keys)| (op.to_string(), Value::Object(keys)))
            .collect();
        m.insert("Condition".into(), Value::Object(condition));
    }
    Value::Object(m)
}

/// `spec.tags` as a CloudFormation `Tags` list (sorted by key), or nothing without tags.
pub fn tags(tags: &BTreeMap<String, String>) -> Option<Value> {
    (!tags.is_empty()).then(|| {
        Value::Array(
            tags.iter()
                .map(|(k, v)| json!({"Key": k, "Value": v}))
                .collect(),
        )
    })
}

/// Adds `Tags` to a resource's properties when the blueprint has tags.
pub fn tag(r: &Resolved, properties: &mut Map<String, Value>) {
    if let Some(tags) = tags(&r.tags) {
        properties.insert("Tags".into(), tags);
    }
}

/// One resource.
pub fn resource(kind: &str, properties: Map<String, Value>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("Type".into(), json!(kind));
    m.insert("Properties".into(), Value::Object(properties));
    m
}

/// The sections of a template; empty ones are left out.
#[derive(Default)]
pub struct Template {
    pub description: String,
    pub parameters: Map<String, Value>,
    pub rules: Map<String, Value>,
    pub resources: Map<String, Value>,
    pub outputs: Map<String, Value>,
}

impl Template {
    pub fn into_value(self) -> Value {
        let mut t = Map::new();
        t.insert(
            "AWSTemplateFormatVersion".into(),
            json!(TEMPLATE_FORMAT_VERSION),
        );
        t.insert("Description".into(), json!(self.description));
        for (section, body) in [
            ("Parameters", self.parameters),
            ("Rules", self.rules),
            ("Resources", self.resources),
            ("Outputs", self.outputs),
        ] {
            if !body.is_empty() {
                t.insert(section.into(), Value::Object(body));
            }
        }
        Value::Object(t)
    }

    /// A rule that refuses to deploy unless `pseudo` (`AWS::AccountId`, `AWS::Region`) is
    /// `expected`: a stack in the wrong account or region fails before it creates anything.
    pub fn require(&mut self, rule: &str, pseudo: &str, expected: &str, why: &str) {
        self.rules.insert(
            rule.into(),
            json!({"Assertions": [{
                "Assert": {"Fn::Equals": [reference(pseudo), expected]},
                "AssertDescription": why,
            }]}),
        );
    }

    pub fn output(&mut self, id: &str, description: &str, value: Value) {
        self.outputs.insert(
            id.into(),
            json!({"Description": description, "Value": value}),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::iam::model::{Condition, Effect};

    #[test]
    fn issuer_in_a_condition_key_makes_the_document_a_sub_string() {
        let mut key = Text(vec![Piece::Issuer]);
        key.push_lit(":sub");
        let s = Statement {
            sid: "S",
            effect: Effect::Allow,
            principal: Some(Principal::OidcProvider(
                Text::lit("arn:").then(Text(vec![Piece::Partition])),
            )),
            actions: vec!["sts:AssumeRoleWithWebIdentity"],
            resources: Vec::new(),
            conditions: vec![Condition {
                operator: "StringEquals",
                key,
                values: vec!["system:serviceaccount:a:b".into()],
            }],
        };
        let doc = policy_document(&[s]);
        let source = doc["Fn::Sub"].as_str().unwrap();
        let parsed: Value = serde_json::from_str(source).unwrap();
        assert_eq!(
            parsed["Statement"][0]["Condition"]["StringEquals"]["${OIDCIssuer}:sub"],
            "system:serviceaccount:a:b"
        );
        assert_eq!(
            parsed["Statement"][0]["Principal"]["Federated"],
            "arn:${AWS::Partition}"
        );
    }

    #[test]
    fn literal_dollar_brace_is_escaped_in_sub() {
        let t = Text::lit("a${b}").then(Text(vec![Piece::Account]));
        assert_eq!(sub_source(&t), "a${!b}${AWS::AccountId}");
    }
}
