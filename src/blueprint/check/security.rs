//! Security settings: Pod Security Admission defaults (warnings when `audit`/`warn` are weaker
//! than `enforce` or a workspace's namespace is exempted), exempted namespaces that exist as
//! names, and API server audit logging (positive retention limits, a policy file beside the
//! blueprint). The policy engine's image sources are checked with the registries.

use super::Cx;
use super::syntax::{dns_label, relative_path};
use crate::blueprint::model::PodSecurityLevel;
use crate::diag::{Code, Diagnostic};

fn level_name(level: PodSecurityLevel) -> &'static str {
    match level {
        PodSecurityLevel::Privileged => "privileged",
        PodSecurityLevel::Baseline => "baseline",
        PodSecurityLevel::Restricted => "restricted",
    }
}

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(security) = &cx.bp.spec.security else {
        return;
    };
    let path = cx.spec().field("security");
    if let Some(ps) = &security.pod_security {
        let ps_path = path.field("podSecurity");
        // Levels are ordered privileged < baseline < restricted (the enum's order). Auditing or
        // warning at a weaker level than enforcing reports nothing the enforcement does not
        // already refuse.
        if let Some(enforce) = ps.enforce {
            for (field, level) in [("audit", ps.audit), ("warn", ps.warn)] {
                if let Some(level) = level
                    && level < enforce
                {
                    out.push(
                        cx.warning(
                            Code::Security,
                            &ps_path.field(field),
                            format!(
                                "{field} is `{}`, weaker than enforce `{}`: it reports nothing enforce does not already refuse",
                                level_name(level),
                                level_name(enforce)
                            ),
                        )
                        .help(format!(
                            "set {field} to `{}` or stricter, to see what a stricter enforce level would refuse",
                            level_name(enforce)
                        )),
                    );
                }
            }
        }
        for (i, ns) in ps.exempt_namespaces.iter().enumerate() {
            let ns_path = ps_path.field("exemptNamespaces").index(i);
            if let Err(problem) = dns_label(ns, 63) {
                out.push(cx.error(
                    Code::Security,
                    &ns_path,
                    format!("namespace `{ns}` {problem}"),
                ));
                continue;
            }
            if cx.bp.spec.workspaces.iter().any(|w| &w.name == ns) {
                out.push(
                    cx.warning(
                        Code::Security,
                        &ns_path,
                        format!("`{ns}` is a workspace's namespace: its workloads would run without Pod Security"),
                    )
                    .help("exempt only system namespaces; workloads belong under the enforced level"),
                );
            }
        }
    }

    if let Some(audit) = &security.audit_log {
        let audit_path = path.field("auditLog");
        if audit.enabled {
            for (field, value, unit) in [
                ("maxAgeDays", audit.max_age_days, "days"),
                ("maxBackups", audit.max_backups, "files"),
                ("maxSizeMB", audit.max_size_mb, "MB"),
            ] {
                if let Some(v) = value
                    && v <= 0
                {
                    out.push(
                        cx.error(Code::Security, &audit_path.field(field), format!("{field} is {v}; it must be at least 1 ({unit})"))
                            .help("kube-apiserver treats 0 as \"no limit\": the audit log would grow until the disk is full"),
                    );
                }
            }
        }
        if let Some(policy) = &audit.policy
            && policy != "default"
            && let Err(problem) = relative_path(policy)
        {
            out.push(
                cx.error(Code::Path, &audit_path.field("policy"), format!("policy path `{policy}` {problem}"))
                    .help("write `default`, or the path of an audit Policy file in the blueprint's folder"),
            );
        }
    }
}
