//! The tree README's section on `iam/`: what each file is, the order to deploy it in, and the
//! workload-identity steps that cannot be files (publishing a self-managed cluster's
//! discovery document and keys, installing the pod identity webhook, installing cert-manager
//! with its values).

use std::fmt::Write as _;

use super::clusterawsadm;
use super::model::Plan;
use crate::blueprint::model::WorkloadIdentity;
use crate::naming;
use crate::resolve::{Resolved, ServiceAccountIssuer};

/// Numbered steps whose bodies may span several lines (indented under the number).
struct Steps(String, usize);

impl Steps {
    fn step(&mut self, text: &str) {
        self.1 += 1;
        let mut lines = text.lines();
        if let Some(first) = lines.next() {
            let _ = writeln!(self.0, "{}. {first}", self.1);
        }
        for line in lines {
            if line.is_empty() {
                self.0.push('\n');
            } else {
                let _ = writeln!(self.0, "   {line}");
            }
        }
    }
}

fn deploy(region: Option<&str>, stack: &str, path: &str, parameters: &str) -> String {
    let region = region.map(|r| format!(" --region {r}")).unwrap_or_default();
    format!(
        "aws cloudformation deploy{region} --capabilities CAPABILITY_NAMED_IAM \\\n  --stack-name {stack} --template-file {path}{parameters}"
    )
}

pub fn section(r: &Resolved, plan: Option<&Plan>) -> String {
    if !clusterawsadm::wanted(r) && plan.is_none() {
        return String::new();
    }
    let mut s = String::from("\n## IAM\n\n");
    let _ = writeln!(
        s,
        "`iam/` holds the AWS IAM the platform needs, least privilege:\n"
    );
    if clusterawsadm::wanted(r) {
        let _ = writeln!(
            s,
            "- `{}`: the roles and instance profiles of Cluster API's AWS provider (clusterawsadm).",
            naming::IAM_CONFIG_PATH
        );
    }
    if let Some(plan) = plan {
        let formats = match (r.iam.cloudformation, r.iam.terraform.is_some()) {
            (true, true) => "`iam/cloudformation/` and, the same IAM, `iam/terraform/`",
            (false, true) => "`iam/terraform/`",
            _ => "`iam/cloudformation/`",
        };
        if plan.policies.is_empty() {
            // Only the EBS CSI driver add-on roles of eks clusters.
            let _ = writeln!(
                s,
                "- {formats}: per eks cluster, the IRSA role of its EBS CSI driver add-on (AWS's\n  \
                 `AmazonEBSCSIDriverPolicy`), which only the add-on's service account may assume."
            );
        } else {
            let _ = writeln!(
                s,
                "- {formats}: one Route 53 policy per workload that needs one ({}), limited to hosted zone\n  \
             `{}`{}.",
                plan.policies
                    .iter()
                    .map(|p| p.consumer.name())
                    .collect::<Vec<_>>()
                    .join(", "),
                r.hosted_zone_id.as_deref().unwrap_or_default(),
                if plan.clusters.is_empty() {
                    ""
                } else {
                    "; per cluster, its workload identity (IRSA): the roles that exactly one service account\n  \
                 may assume and, where platc runs the issuer, its discovery bucket and IAM OIDC provider"
                },
            );
        }
    }
    let _ = writeln!(s, "\nDeploy them in this order:\n");
    let mut steps = Steps(String::new(), 0);
    // The policies come first: with node-role, clusterawsadm's stack attaches them by ARN.
    if let Some(plan) = plan {
        policy_step(r, plan, &mut steps);
    }
    if clusterawsadm::wanted(r) {
        steps.step(&format!(
            "Once per account, CAPA's roles and instance profiles:\n\n```sh\n\
             clusterawsadm bootstrap iam create-cloudformation-stack --config {}\n```",
            naming::IAM_CONFIG_PATH
        ));
    }
    if let Some(plan) = plan {
        plan_steps(r, plan, &mut steps);
    }
    s.push_str(&steps.0);
    if r.workload_identity == WorkloadIdentity::NodeRole && !r.consumers.is_empty() {
        let _ = writeln!(
            s,
            "\n**Warning:** workload identity is `node-role`: the Route 53 policies are attached to the\n\
             nodes' roles through `{}`, so every pod on every node can change the hosted\n\
             zone. The files that depend on it say so in a comment.",
            naming::IAM_CONFIG_PATH
        );
    }
    s
}

fn terraform_vars(plan: &Plan) -> String {
    plan.clusters
        .iter()
        .filter(|c| c.issuer_parameter)
        .map(|c| {
            format!(
                " \\\n  -var oidc_issuer_{}=<issuer without https://>",
                c.cluster.replace('-', "_")
            )
        })
        .collect()
}

fn terraform_commands(vars: &str) -> String {
    format!(
        "```sh\nterraform -chdir={dir} init\nterraform -chdir={dir} apply{vars}\n```",
        dir = naming::TERRAFORM_DIR
    )
}

/// The Route 53 policies; with Terraform and no EKS issuer to wait for, all of it at once.
fn policy_step(r: &Resolved, plan: &Plan, steps: &mut Steps) {
    if plan.policies.is_empty() {
        return;
    }
    let terraform_now = r.iam.terraform.is_some() && terraform_vars(plan).is_empty();
    if r.iam.cloudformation {
        let commands: Vec<String> = plan
            .policies
            .iter()
            .map(|p| {
                deploy(
                    None,
                    &p.name,
                    &naming::route53_policy_template_path(p.consumer.name()),
                    "",
                )
            })
            .collect();
        let mut text = format!(
            "The Route 53 policies (IAM is global: any region will do):\n\n```sh\n{}\n```",
            commands.join("\n")
        );
        if terraform_now {
            let _ = write!(
                text,
                "\n\nOr, instead of every CloudFormation stack of these steps, the same IAM with Terraform:\n\n{}",
                terraform_commands("")
            );
        }
        steps.step(&text);
    } else if terraform_now {
        steps.step(&format!(
            "The IAM, with Terraform:\n\n{}",
            terraform_commands("")
        ));
    }
}

fn plan_steps(r: &Resolved, plan: &Plan, steps: &mut Steps) {
    if r.iam.cloudformation {
        let regional: Vec<String> = plan
            .clusters
            .iter()
            .filter(|c| !c.issuer_parameter)
            .map(|c| {
                deploy(
                    Some(&c.region),
                    &format!("{}-{}-irsa", r.platform, c.cluster),
                    &naming::irsa_template_path(&c.cluster),
                    "",
                )
            })
            .collect();
        if !regional.is_empty() {
            steps.step(&format!(
                "Each cluster's workload identity, in the cluster's region (the discovery bucket is\n\
                 regional), before the workloads that use it are installed:\n\n```sh\n{}\n```",
                regional.join("\n")
            ));
        }
        let eks: Vec<String> = plan
            .clusters
            .iter()
            .filter(|c| c.issuer_parameter)
            .map(|c| {
                deploy(
                    None,
                    &format!("{}-{}-irsa", r.platform, c.cluster),
                    &naming::irsa_template_path(&c.cluster),
                    " \\\n  --parameter-overrides OIDCIssuer=<issuer without https://>",
                )
            })
            .collect();
        if !eks.is_empty() {
            steps.step(&format!(
                "Once each EKS cluster exists, its roles, with its issuer (`aws eks describe-cluster\n\
                 --query cluster.identity.oidc.issuer`):\n\n```sh\n{}\n```",
                eks.join("\n")
            ));
        }
    }
    let vars = terraform_vars(plan);
    if r.iam.terraform.is_some() && !vars.is_empty() {
        let what = if r.iam.cloudformation {
            "Or, instead of every CloudFormation stack, the same IAM with Terraform"
        } else {
            "The IAM, with Terraform"
        };
        steps.step(&format!(
            "{what}, once the EKS clusters exist (their roles need their issuers):\n\n{}",
            terraform_commands(&vars)
        ));
    }
    let self_hosted: Vec<(&str, &str)> = r
        .clusters
        .iter()
        .filter_map(|c| match &c.issuer {
            Some(ServiceAccountIssuer::SelfHosted { bucket, .. }) => {
                Some((c.name.as_str(), bucket.as_str()))
            }
            _ => None,
        })
        .collect();
    if !self_hosted.is_empty() {
        let mut commands = String::new();
        for (cluster, bucket) in &self_hosted {
            let _ = write!(
                commands,
                "# cluster {cluster} (its kubeconfig)\n\
                 kubectl get --raw /{disc} > openid-configuration\n\
                 kubectl get --raw /{jwks} > jwks\n\
                 aws s3 cp openid-configuration s3://{bucket}/{disc} --content-type application/json\n\
                 aws s3 cp jwks s3://{bucket}/{jwks} --content-type application/json\n",
                disc = naming::OIDC_DISCOVERY_KEY,
                jwks = naming::OIDC_JWKS_KEY,
            );
        }
        steps.step(&format!(
            "Once a self-managed cluster is up, publish its issuer's discovery document and keys (its API\n\
             server names the bucket as the issuer); again whenever its service-account signing key\n\
             changes:\n\n```sh\n{commands}```"
        ));
        steps.step(&format!(
            "Flux installs the Amazon EKS pod identity webhook in each self-managed cluster\n\
             (`releases/helmreleases.yaml`): it gives a pod the role its service account names in `{}`.\n\
             cert-manager, which issues the webhook's certificate, reads its role's token itself.",
            naming::ROLE_ARN_ANNOTATION
        ));
    }
    for c in &r.clusters {
        match &c.issuer {
            Some(ServiceAccountIssuer::Kops { bucket, .. }) => steps.step(&format!(
                "kops publishes the issuer of cluster `{}` into `s3://{bucket}`\n\
                 (`serviceAccountIssuerDiscovery`), creates its IAM OIDC provider and the roles of\n\
                 `iam.serviceAccountExternalPermissions` with the policies above.",
                c.name
            )),
            Some(ServiceAccountIssuer::Eks) => steps.step(&format!(
                "EKS associates the issuer of cluster `{}` with an IAM OIDC provider\n\
                 (`associateOIDCProvider`) and runs the pod identity webhook itself.",
                c.name
            )),
            _ => {}
        }
    }
}
