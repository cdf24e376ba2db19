//! The YAML tree platc reads: every node and every mapping key keeps its span, so any later
//! stage (schema pass, semantic rules, overlays) can point at the exact place in the file.
//! Scalars keep their raw text and style next to the resolved value, because a message
//! about `kubernetesVersion: 1.30` must quote `1.30`, not the number 1.3.

use serde_json::{Map, Number, Value};

use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Null,
    Bool(bool),
    /// Integers and floats, as JSON numbers (an integral float stays a float here).
    Number(Number),
    String(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub name: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Scalar {
        value: Scalar,
        /// The scalar as written, without quotes (for plain scalars, exactly the source text).
        raw: String,
        style: ScalarStyle,
    },
    Seq(Vec<Node>),
    /// Entries in source order; keys are unique (the reader refuses duplicates).
    Map(Vec<(Key, Node)>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
}

impl Node {
    /// The JSON value of this node, in source order.
    pub fn to_json(&self) -> Value {
        match &self.kind {
            NodeKind::Scalar { value, .. } => match value {
                Scalar::Null => Value::Null,
                Scalar::Bool(b) => Value::Bool(*b),
                Scalar::Number(n) => Value::Number(n.clone()),
                Scalar::String(s) => Value::String(s.clone()),
            },
            NodeKind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Map(entries) => {
                let mut map = Map::with_capacity(entries.len());
                for (k, v) in entries {
                    map.insert(k.name.clone(), v.to_json());
                }
                Value::Object(map)
            }
        }
    }

    /// [`Node::to_json`], taking the node apart instead of copying its strings.
    pub fn into_json(self) -> Value {
        match self.kind {
            NodeKind::Scalar { value, .. } => match value {
                Scalar::Null => Value::Null,
                Scalar::Bool(b) => Value::Bool(b),
                Scalar::Number(n) => Value::Number(n),
                Scalar::String(s) => Value::String(s),
            },
            NodeKind::Seq(items) => Value::Array(items.into_iter().map(Node::into_json).collect()),
            NodeKind::Map(entries) => {
                let mut map = Map::with_capacity(entries.len());
                for (k, v) in entries {
                    map.insert(k.name, v.into_json());
                }
                Value::Object(map)
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    pub fn entry(&self, key: &str) -> Option<(&Key, &Node)> {
        match &self.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.name == key)
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar {
                value: Scalar::String(s),
                ..
            } => Some(s),
            _ => None,
        }
    }

    /// The raw text of a scalar, as written.
    pub fn raw(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { raw, .. } => Some(raw),
            _ => None,
        }
    }

    /// Follows a JSON pointer (`/spec/clusters/0/name`) and returns the node and, when the
    /// last step is a mapping key, that key. Unknown steps stop at the deepest node found,
    /// so a diagnostic about a missing field still points at its parent.
    pub fn locate(&self, pointer: &str) -> Located<'_> {
        let mut node = self;
        let mut key = None;
        let mut exact = true;
        for raw in pointer.split('/').skip(1) {
            let step = raw.replace("~1", "/").replace("~0", "~");
            let next = match &node.kind {
                NodeKind::Map(entries) => entries
                    .iter()
                    .find(|(k, _)| k.name == step)
                    .map(|(k, v)| (Some(k), v)),
                NodeKind::Seq(items) => step
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i))
                    .map(|v| (None, v)),
                NodeKind::Scalar { .. } => None,
            };
            match next {
                Some((k, v)) => {
                    key = k;
                    node = v;
                }
                None => {
                    exact = false;
                    break;
                }
            }
        }
        Located { node, key, exact }
    }
}

/// The result of [`Node::locate`].
pub struct Located<'a> {
    pub node: &'a Node,
    /// The mapping key of the last step, if the last step was a key.
    pub key: Option<&'a Key>,
    /// False when the pointer went further than the tree (a missing field).
    pub exact: bool,
}
