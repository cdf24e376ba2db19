//! What generators produce: files by tree path, each holding Kubernetes objects (listed in
//! their folder's kustomization), one plain YAML document (Helm values, CloudFormation,
//! clusterawsadm config) or text. Emission turns this into bytes; generators never format.

use std::collections::BTreeMap;

use serde_json::Value;

use super::origin::Origin;

#[derive(Clone, Debug, PartialEq)]
pub enum Content {
    /// Kubernetes objects, in the order written.
    Objects(Vec<Value>),
    /// One YAML document that is not a Kubernetes object.
    Document(Value),
    /// Text written as is (README.md).
    Text(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct File {
    pub content: Content,
    /// The generator that made it (for `platc explain` and internal errors).
    pub generator: &'static str,
    /// A comment line added below the header (e.g. a warning about node-role identity).
    pub notice: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Output {
    files: BTreeMap<String, File>,
    /// Where in the blueprint each file comes from (for `platc explain`), by path.
    origins: BTreeMap<String, Origin>,
}

/// Two generators wrote the same path: a platc bug.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenError {
    pub message: String,
}

impl Output {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(
        &mut self,
        path: impl Into<String>,
        generator: &'static str,
        content: Content,
    ) -> Result<(), GenError> {
        let path = path.into();
        if let Some(existing) = self.files.get(&path) {
            return Err(GenError {
                message: format!(
                    "generators `{}` and `{generator}` both write `{path}`",
                    existing.generator
                ),
            });
        }
        self.files.insert(
            path,
            File {
                content,
                generator,
                notice: None,
            },
        );
        Ok(())
    }

    pub fn objects(
        &mut self,
        path: impl Into<String>,
        generator: &'static str,
        objects: Vec<Value>,
    ) -> Result<(), GenError> {
        self.add(path, generator, Content::Objects(objects))
    }

    pub fn files(&self) -> impl Iterator<Item = (&str, &File)> {
        self.files.iter().map(|(p, f)| (p.as_str(), f))
    }

    pub fn files_mut(&mut self) -> impl Iterator<Item = (&str, &mut File)> {
        self.files.iter_mut().map(|(p, f)| (p.as_str(), f))
    }

    pub fn get(&self, path: &str) -> Option<&File> {
        self.files.get(path)
    }

    /// Drops a file (an overlay deleted every object in it).
    pub fn remove(&mut self, path: &str) -> Option<File> {
        self.files.remove(path)
    }

    /// Adds the next file with its origin in the blueprint, for `platc explain`:
    /// `out.origin(Origin::node_pool(&c.name, &pool.name)).objects(path, GENERATOR, objects)?`.
    pub fn origin(&mut self, origin: Origin) -> Traced<'_> {
        Traced { out: self, origin }
    }

    /// Records the origin of a file already added.
    pub fn set_origin(&mut self, path: impl Into<String>, origin: Origin) {
        self.origins.insert(path.into(), origin);
    }

    /// Where in the blueprint a file comes from, when its generator said so.
    pub fn origin_of(&self, path: &str) -> Option<&Origin> {
        self.origins.get(path)
    }
}

/// [`Output`] with the origin of the file about to be added ([`Output::origin`]).
pub struct Traced<'a> {
    out: &'a mut Output,
    origin: Origin,
}

impl Traced<'_> {
    pub fn add(
        self,
        path: impl Into<String>,
        generator: &'static str,
        content: Content,
    ) -> Result<(), GenError> {
        let path = path.into();
        self.out.add(path.clone(), generator, content)?;
        self.out.set_origin(path, self.origin);
        Ok(())
    }

    pub fn objects(
        self,
        path: impl Into<String>,
        generator: &'static str,
        objects: Vec<Value>,
    ) -> Result<(), GenError> {
        self.add(path, generator, Content::Objects(objects))
    }
}
