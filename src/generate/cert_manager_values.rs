//! cert-manager's Helm values where its identity matters (`addons/cert-manager-values.yaml`):
//! with the Route 53 DNS-01 solver and IRSA, the ClusterIssuer carries no credentials, so the
//! controller's service account must carry the cluster's cert-manager role (the chart's
//! `serviceAccount.annotations`, under the service account name the role trusts). With the
//! node role, or HTTP-01, cert-manager needs no AWS identity and gets no values file.

use serde_json::{Map, Value, json};

use super::{Content, GenError, Output};
use crate::blueprint::model::{AcmeSolver, Provider, WorkloadIdentity};
use crate::naming;
use crate::resolve::{Resolved, ResolvedCluster};

const GENERATOR: &str = "cert-manager-values";

pub fn generate(r: &Resolved, out: &mut Output) -> Result<(), GenError> {
    if r.acme.is_none()
        || r.acme_solver != AcmeSolver::Dns01Route53
        || r.workload_identity != WorkloadIdentity::Irsa
    {
        return Ok(());
    }
    for c in &r.clusters {
        out.add(
            naming::cert_manager_values_path(&c.name),
            GENERATOR,
            Content::Document(values(r, c)?),
        )?;
    }
    Ok(())
}

fn values(r: &Resolved, c: &ResolvedCluster) -> Result<Value, GenError> {
    let Some(account) = &r.account_id else {
        return Err(GenError {
            message: "cert-manager with IRSA but no AWS account ID passed the checker".into(),
        });
    };
    let arn = naming::irsa_role_arn(
        r.partition,
        account,
        &r.platform,
        &c.name,
        naming::CONSUMER_CERT_MANAGER,
    );
    let mut annotations = Map::new();
    // On kops, kOps creates the role itself (`iam.serviceAccountExternalPermissions`) and its
    // pod identity webhook maps this service account to it: an annotation would override
    // that with a role kOps does not make.
    if c.provider != Provider::Kops {
        annotations.insert(naming::ROLE_ARN_ANNOTATION.into(), json!(arn));
    }
    let mut account = Map::new();
    account.insert("create".into(), json!(true));
    account.insert("name".into(), json!(naming::CERT_MANAGER_SERVICE_ACCOUNT));
    if !annotations.is_empty() {
        account.insert("annotations".into(), Value::Object(annotations));
    }
    Ok(json!({"serviceAccount": account}))
}
