//! `images`: every `image` of an element of a `containers` or `initContainers` list, at any
//! depth and in any kind (kustomize's legacy image filter, CRDs included), whose image name
//! matches the entry's `name` (the name without tag or digest; `docker.io/library/busybox`
//! is not `busybox`) gets the new name, tag or digest. A new tag drops the old digest and
//! the reverse; `newTag` and `digest` together give `name:tag@digest`.

use regex::Regex;
use serde_json::Value;

use crate::overlay::kustomization::ImageEntry;

/// Applies one `images` entry to an object.
pub fn apply(value: &mut Value, image: &ImageEntry) {
    // kustomize builds this pattern from the name unescaped (`image.IsImageMatched`); a
    // name that is no regular expression matches nothing.
    let Ok(pattern) = Regex::new(&format!(
        "^{}(@sha256)?(:[a-zA-Z0-9_.{{}}-]*)?$",
        image.name
    )) else {
        return;
    };
    walk(value, image, &pattern);
}

fn walk(v: &mut Value, image: &ImageEntry, pattern: &Regex) {
    match v {
        Value::Object(m) => {
            for (k, child) in m.iter_mut() {
                if (k == "containers" || k == "initContainers")
                    && let Value::Array(items) = child
                {
                    for c in items.iter_mut() {
                        if let Some(Value::String(s)) = c.get_mut("image")
                            && pattern.is_match(s)
                        {
                            *s = updated(s, image);
                        }
                    }
                }
                walk(child, image, pattern);
            }
        }
        Value::Array(items) => {
            for item in items {
                walk(item, image, pattern);
            }
        }
        _ => {}
    }
}

/// The new image reference (`imageTagUpdater.SetImageValue`).
fn updated(old: &str, image: &ImageEntry) -> String {
    let (mut name, mut tag, mut digest) = split(old);
    if !image.new_name.is_empty() {
        name = image.new_name.clone();
    }
    if !image.new_tag.is_empty() && !image.digest.is_empty() {
        tag = image.new_tag.clone();
        digest = image.digest.clone();
    } else if !image.new_tag.is_empty() {
        tag = image.new_tag.clone();
        digest.clear();
    } else if !image.digest.is_empty() {
        tag.clear();
        digest = image.digest.clone();
    }
    let mut out = name;
    if !tag.is_empty() {
        out.push(':');
        out.push_str(&tag);
    }
    if !digest.is_empty() {
        out.push('@');
        out.push_str(&digest);
    }
    out
}

/// `image.Split`: name, tag and digest; a `:` before the first `/` is a registry port.
pub fn split(image: &str) -> (String, String, String) {
    let slash = image.find('/').filter(|i| *i > 0).unwrap_or(0);
    let search = &image[slash..];
    let at = search.find('@').map(|i| i + slash);
    let colon = search.find(':').map(|i| i + slash);
    match (colon, at) {
        (None, None) => (image.to_string(), String::new(), String::new()),
        (c, Some(a)) if c.is_none_or(|c| a < c) => (
            image[..a].to_string(),
            String::new(),
            image[a + 1..].to_string(),
        ),
        (Some(c), Some(a)) => (
            image[..c].to_string(),
            image[c + 1..a].to_string(),
            image[a + 1..].to_string(),
        ),
        (Some(c), None) => (
            image[..c].to_string(),
            image[c + 1..].to_string(),
            String::new(),
        ),
        (None, Some(_)) => (image.to_string(), String::new(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use crate::json::json;

    use super::*;

    fn entry(name: &str, new_name: &str, tag: &str, digest: &str) -> ImageEntry {
        ImageEntry {
            name: name.into(),
            new_name: new_name.into(),
            new_tag: tag.into(),
            digest: digest.into(),
            ..Default::default()
        }
    }

    #[test]
    fn splits_registry_ports() {
        assert_eq!(
            split("reg:5000/a/b:1"),
            ("reg:5000/a/b".into(), "1".into(), String::new())
        );
        assert_eq!(
            split("a@sha256:x"),
            ("a".into(), String::new(), "sha256:x".into())
        );
        assert_eq!(
            split("a:1@sha256:x"),
            ("a".into(), "1".into(), "sha256:x".into())
        );
    }

    #[test]
    fn updates_containers_at_any_depth() {
        let mut v = json!({"spec": {"x": {"containers": [{"image": "nginx:1"}, {"image": "docker.io/library/nginx:1"}],
            "initContainers": [{"image": "nginx"}]}, "image": "nginx:1"}});
        apply(&mut v, &entry("nginx", "", "2", ""));
        assert_eq!(v["spec"]["x"]["containers"][0]["image"], "nginx:2");
        assert_eq!(
            v["spec"]["x"]["containers"][1]["image"],
            "docker.io/library/nginx:1"
        );
        assert_eq!(v["spec"]["x"]["initContainers"][0]["image"], "nginx:2");
        assert_eq!(v["spec"]["image"], "nginx:1");
        apply(&mut v, &entry("nginx", "my/nginx", "3", "sha256:abc"));
        assert_eq!(
            v["spec"]["x"]["containers"][0]["image"],
            "my/nginx:3@sha256:abc"
        );
    }
}
