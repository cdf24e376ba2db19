//! The review as one JSON document, for bots: the same content as the Markdown report
//! (totals, groups by cluster, objects by kind with their changed fields and, where upstream
//! refuses the change in place, the reason; other files,
//! files left alone) and the full unified diff. Field names are camelCase and stable.

use serde_json::Value;

use crate::json::json;

use super::{FileChange, Group, KindChanges, ObjectChange, Review};

pub fn json(r: &Review) -> String {
    let t = r.totals;
    let value = json!({
        "changed": !r.is_empty(),
        "manifestOnly": r.manifest_only,
        "totals": {
            "files": {
                "created": t.files_created,
                "changed": t.files_changed,
                "removed": t.files_removed,
                "leftAlone": r.left_alone.len(),
            },
            "objects": {
                "added": t.objects_added,
                "changed": t.objects_changed,
                "replaced": t.objects_replaced,
                "removed": t.objects_removed,
            },
        },
        "groups": r.groups.iter().map(group).collect::<Vec<_>>(),
        "leftAlone": r.left_alone.iter().map(|l| json!({"path": l.path, "reason": l.reason})).collect::<Vec<_>>(),
        "diff": r.unified,
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

fn group(g: &Group) -> Value {
    json!({
        "cluster": g.cluster,
        "kinds": g.kinds.iter().map(kind).collect::<Vec<_>>(),
        "files": g.files.iter().map(file).collect::<Vec<_>>(),
    })
}

fn kind(k: &KindChanges) -> Value {
    json!({
        "group": k.group,
        "kind": k.kind,
        "objects": k.objects.iter().map(object).collect::<Vec<_>>(),
    })
}

fn object(o: &ObjectChange) -> Value {
    json!({
        "change": o.change.as_str(),
        "apiVersion": o.api_version,
        "namespace": (!o.id.namespace.is_empty()).then_some(&o.id.namespace),
        "name": o.id.name,
        "previousName": o.previous_name,
        "file": o.file,
        "previousFile": o.previous_file,
        "fields": o.fields,
        "reason": o.reason,
    })
}

fn file(f: &FileChange) -> Value {
    json!({
        "path": f.path,
        "change": f.change.as_str(),
        "keys": f.keys,
        "lines": f.lines.map(|(added, removed)| json!({"added": added, "removed": removed})),
    })
}
