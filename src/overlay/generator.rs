//! `configMapGenerator`: the ConfigMaps a kustomization makes from `literals` and `files`,
//! as kustomize v5.5.0 makes them (api/internal/generators/configmap.go `MakeConfigMap`,
//! utils.go, api/kv/kv.go, kyaml/yaml/datamap.go). The generated objects join the folder's
//! resources after its `resources` and before its transformers (api/internal/target/
//! kusttarget.go `accumulateTarget`: `runGenerators` then `runTransformers`). Only
//! generators without the name hash are built (the parser refuses the others): the hash
//! renames the ConfigMap and every reference kustomize knows to it.

use serde_json::{Map, Value};

use super::kustomization::{At, ConfigMapGen, GeneratorOptions, Kustomization};
use super::{Files, Origin, Resource};
use crate::diag::{Code, Diagnostic};

/// The ConfigMaps of `k`'s `configMapGenerator`, in list order; all errors at once.
pub fn config_maps(k: &Kustomization, files: &Files<'_>) -> Result<Vec<Resource>, Vec<Diagnostic>> {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for g in &k.config_map_generator {
        let options = GeneratorOptions::merged(g.options.as_ref(), k.generator_options.as_ref());
        match config_map(k, g, &options, files) {
            Ok(value) => out.push(Resource::with_origin(
                value,
                Origin {
                    file: k
                        .source
                        .as_ref()
                        .map(|s| s.name().to_string())
                        .unwrap_or_default(),
                    index: 0,
                },
            )),
            Err(d) => diags.push(d),
        }
    }
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(diags)
    }
}

fn config_map(
    k: &Kustomization,
    g: &ConfigMapGen,
    options: &GeneratorOptions,
    files: &Files<'_>,
) -> Result<Value, Diagnostic> {
    let error = |at: &At, message: String| {
        let d = Diagnostic::error(Code::Format, message);
        match &k.source {
            Some(src) => d.at(src, at.span).path(&at.path),
            None => d.path(&at.path),
        }
    };
    // kv.go `Load`: env files (not supported), then literals, then files.
    let mut pairs: Vec<(String, Vec<u8>, &At)> = Vec::new();
    for (source, at) in &g.literals {
        let (key, value) = literal(source).ok_or_else(|| {
            error(
                at,
                format!("invalid literal source {source}, expected key=value"),
            )
        })?;
        pairs.push((key, value.into_bytes(), at));
    }
    for (source, at) in &g.files {
        let (key, path) = file_source(source).map_err(|e| error(at, e))?;
        let bytes = files.read_bytes(&path, k.source.as_ref().map(|s| (s, at)))?;
        pairs.push((key, bytes, at));
    }
    // utils.go `makeValidatedDataMap`: valid keys, each once.
    let mut data = Map::new();
    let mut binary = Map::new();
    for (key, bytes, at) in pairs {
        if !valid_key(&key) {
            return Err(error(
                at,
                format!(
                    "`{key}` is not a valid ConfigMap key: it must be at most 253 characters of letters, digits, `-`, `_` and `.`"
                ),
            ));
        }
        if data.contains_key(&key) || binary.contains_key(&key) {
            return Err(error(
                at,
                format!("configmap {} illegally repeats the key `{key}`", g.name),
            ));
        }
        // datamap.go `makeConfigMapValueRNode`: text that is not UTF-8 goes, in base64,
        // under `binaryData`.
        match String::from_utf8(bytes) {
            Ok(text) => data.insert(key, Value::String(text)),
            Err(e) => binary.insert(key, Value::String(base64(e.as_bytes()))),
        };
    }
    let mut metadata = Map::new();
    metadata.insert("name".into(), Value::String(g.name.clone()));
    if !g.namespace.is_empty() {
        metadata.insert("namespace".into(), Value::String(g.namespace.clone()));
    }
    for (field, pairs) in [
        ("labels", &options.labels),
        ("annotations", &options.annotations),
    ] {
        if !pairs.is_empty() {
            let map: Map<String, Value> = pairs
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            metadata.insert(field.into(), Value::Object(map));
        }
    }
    let mut cm = Map::new();
    cm.insert("apiVersion".into(), Value::String("v1".into()));
    cm.insert("kind".into(), Value::String("ConfigMap".into()));
    cm.insert("metadata".into(), Value::Object(metadata));
    if !data.is_empty() {
        cm.insert("data".into(), Value::Object(data));
    }
    if !binary.is_empty() {
        cm.insert("binaryData".into(), Value::Object(binary));
    }
    if options.immutable {
        cm.insert("immutable".into(), Value::Bool(true));
    }
    Ok(Value::Object(cm))
}

/// kv.go `parseLiteralSource`: `KEY=VALUE`, split at the first `=`, the value without one
/// pair of surrounding quotes.
fn literal(source: &str) -> Option<(String, String)> {
    let (key, value) = source.split_once('=')?;
    if key.is_empty() {
        return None;
    }
    let b = value.as_bytes();
    let value = if b.len() >= 2 && b[0] == b[b.len() - 1] && (b[0] == b'"' || b[0] == b'\'') {
        &value[1..value.len() - 1]
    } else {
        value
    };
    Some((key.to_string(), value.to_string()))
}

/// utils.go `ParseFileSource`: `path` (the key is its base name) or `key=path`.
fn file_source(source: &str) -> Result<(String, String), String> {
    match source.matches('=').count() {
        0 => {
            let base = source
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or_default();
            Ok((base.to_string(), source.to_string()))
        }
        1 if source.starts_with('=') => Err(format!(
            "missing key name for file path {:?} in source {source:?}",
            &source[1..]
        )),
        1 if source.ends_with('=') => Err(format!(
            "missing file path for key name {:?} in source {source:?}",
            &source[..source.len() - 1]
        )),
        1 => {
            let (k, p) = source.split_once('=').unwrap_or_default();
            Ok((k.to_string(), p.to_string()))
        }
        _ => Err(format!(
            "source {source:?} key name or file path contains '='"
        )),
    }
}

/// A ConfigMap key (Kubernetes' `IsConfigMapKey`, which kustomize's validator applies):
/// letters, digits, `-`, `_`, `.`, at most 253 characters, not `.` or `..`.
fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 253
        && key != "."
        && key != ".."
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Standard base64 with padding (Go's `base64.StdEncoding`); the secrets scan's tests encode
/// with it too.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_lose_one_pair_of_quotes() {
        assert_eq!(literal("b=\"2\""), Some(("b".into(), "2".into())));
        assert_eq!(literal("a=x=y"), Some(("a".into(), "x=y".into())));
        assert_eq!(literal("c="), Some(("c".into(), String::new())));
        assert_eq!(literal("d='x\""), Some(("d".into(), "'x\"".into())));
        assert_eq!(literal("=x"), None);
        assert_eq!(literal("x"), None);
    }

    #[test]
    fn file_sources_name_their_key() {
        assert_eq!(
            file_source("a/b.yaml").unwrap(),
            ("b.yaml".into(), "a/b.yaml".into())
        );
        assert_eq!(
            file_source("k=a/b.yaml").unwrap(),
            ("k".into(), "a/b.yaml".into())
        );
        assert!(file_source("=a").is_err());
        assert!(file_source("k=").is_err());
        assert!(file_source("a=b=c").is_err());
    }

    #[test]
    fn base64_is_go_std_encoding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(&[0xff, 0xfe, 0x00, 0x80]), "//4AgA==");
    }

    #[test]
    fn keys() {
        assert!(valid_key("values.yaml"));
        assert!(!valid_key("a/b"));
        assert!(!valid_key(".."));
    }
}
