//! Access entries (`spec.access[]`): each grants either `role: cluster-admin` everywhere or
//! roles in named workspaces (not both, not neither), to at least one OIDC group or user;
//! users are e-mail addresses and workspaces exist.

use std::collections::BTreeSet;

use super::Cx;
use super::syntax::{email, show_char};
use crate::diag::{Code, Diagnostic};
use crate::suggest::did_you_mean;

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let workspaces: Vec<&str> = cx
        .bp
        .spec
        .workspaces
        .iter()
        .map(|w| w.name.as_str())
        .collect();
    let oidc = cx
        .bp
        .spec
        .identity
        .as_ref()
        .and_then(|i| i.oidc.as_ref())
        .is_some();
    for (i, entry) in cx.bp.spec.access.iter().enumerate() {
        let path = cx.spec().field("access").index(i);
        match (entry.role.is_some(), !entry.workspaces.is_empty()) {
            (true, true) => out.push(
                cx.key_error(
                    Code::Access,
                    &path.field("workspaces"),
                    format!("access entry `{}` sets both `role` and `workspaces`", entry.name),
                )
                .help("`role: cluster-admin` already grants everything everywhere; keep one of the two"),
            ),
            (false, false) => out.push(
                cx.error(Code::Access, &path, format!("access entry `{}` grants nothing", entry.name))
                    .help("add `role: cluster-admin`, or `workspaces: {<workspace>: admin|edit|view}`"),
            ),
            _ => {}
        }
        if entry.groups.is_empty() && entry.users.is_empty() {
            out.push(
                cx.error(
                    Code::Access,
                    &path,
                    format!("access entry `{}` names no groups and no users", entry.name),
                )
                .help("add `groups: [<OIDC group>]` or `users: [<e-mail>]`"),
            );
        }
        let mut seen = BTreeSet::new();
        for (k, group) in entry.groups.iter().enumerate() {
            let group_path = path.field("groups").index(k);
            if group.trim().is_empty() {
                out.push(cx.error(Code::Access, &group_path, "group name is empty"));
            } else if let Some(c) = group.chars().find(|c| c.is_control()) {
                out.push(cx.error(
                    Code::Access,
                    &group_path,
                    format!("group name has {}", show_char(c)),
                ));
            } else if group.starts_with("oidc:") {
                out.push(
                    cx.warning(
                        Code::Access,
                        &group_path,
                        format!("group `{group}` already starts with `oidc:`; platc adds that prefix, so it would match `oidc:{group}`"),
                    )
                    .help(format!("write the group as the provider names it: `{}`", group.trim_start_matches("oidc:"))),
                );
            }
            if !seen.insert(group.as_str()) {
                out.push(cx.error(
                    Code::Access,
                    &group_path,
                    format!("group `{group}` is listed twice"),
                ));
            }
        }
        let mut seen = BTreeSet::new();
        for (k, user) in entry.users.iter().enumerate() {
            let user_path = path.field("users").index(k);
            if let Err(problem) = email(user) {
                out.push(
                    cx.error(Code::Access, &user_path, format!("user `{user}` {problem}"))
                        .help("users are the e-mail addresses the OIDC provider puts into the `email` claim"),
                );
            }
            if !seen.insert(user.as_str()) {
                out.push(cx.error(
                    Code::Access,
                    &user_path,
                    format!("user `{user}` is listed twice"),
                ));
            }
        }
        for ws in entry.workspaces.keys() {
            if workspaces.contains(&ws.as_str()) {
                continue;
            }
            let mut d = cx.key_error(
                Code::Reference,
                &path.field("workspaces").field(ws),
                format!("unknown workspace `{ws}`"),
            );
            d = match did_you_mean(ws, workspaces.iter().copied()) {
                Some(best) => d.help(format!("did you mean `{best}`?")),
                None if workspaces.is_empty() => {
                    d.help("spec.workspaces is empty; define the workspace there")
                }
                None => d.help(format!("the workspaces are: {}", workspaces.join(", "))),
            };
            out.push(d);
        }
    }
    if !cx.bp.spec.access.is_empty() && !oidc {
        out.push(
            cx.key_warning(
                Code::Access,
                &cx.spec().field("access"),
                "access entries name OIDC groups and users, but identity.oidc is not set: nobody can sign in as them",
            )
            .help("configure `identity.oidc`"),
        );
    }
}
