//! What generators produce: files by tree path, each holding Kubernetes objects (listed in
//! their folder's kustomization), one plain YAML document (Helm values, CloudFormation,
//! clusterawsadm config), a Terraform (HCL) file or text. Emission turns this into bytes;
//! generators never format.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
pub enum Content {
    /// Kubernetes objects, in the order written.
    Objects(Vec<Value>),
    /// One YAML document that is not a Kubernetes object.
    Document(Value),
    /// A Terraform file (`.tf`), written as `terraform fmt` lays it out.
    Hcl(crate::hcl::Body),
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
    /// Folders whose object files are read by a tool other than kubectl (kops reads its
    /// Cluster and InstanceGroups from files): they get no kustomization and no entry in
    /// their cluster's kustomization, so applying the cluster with kubectl never sends them to
    /// an API server.
    not_for_kubectl: BTreeSet<String>,
    embedded: Vec<Embedded>,
}

/// A data tree that a file carries as YAML text (a Helm values block, `values: |`): after
/// emission, the string at `pointer` in `path`'s document must read back as exactly `tree`,
/// or nothing is written (a values block that is not the YAML it was meant to be is a platc
/// bug, and one that every outside linter misses).
#[derive(Clone, Debug, PartialEq)]
pub struct Embedded {
    pub path: String,
    /// JSON pointer to the string in the file's (first) document.
    pub pointer: String,
    pub tree: Value,
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

    /// Marks `dir` as a folder of objects that kubectl must not apply (see `not_for_kubectl`).
    pub fn not_for_kubectl(&mut self, dir: impl Into<String>) {
        self.not_for_kubectl.insert(dir.into());
    }

    /// Whether the object files in `dir` belong in its kustomization.
    pub fn is_for_kubectl(&self, dir: &str) -> bool {
        !self.not_for_kubectl.contains(dir)
    }

    /// Runs `make` on every item in parallel (a fleet's clusters) and adds the files it
    /// returns in item order: the output is the same as a sequential loop's.
    pub fn add_parallel<T: Sync>(
        &mut self,
        generator: &'static str,
        items: &[T],
        make: impl Fn(&T) -> Vec<(String, Content)> + Sync,
    ) -> Result<(), GenError> {
        use rayon::prelude::*;
        let made: Vec<Vec<(String, Content)>> = items.par_iter().map(&make).collect();
        for (path, content) in made.into_iter().flatten() {
            self.add(path, generator, content)?;
        }
        Ok(())
    }

    /// Sets the notice comment of the file at `path`; false when no generator wrote it.
    pub fn set_notice(&mut self, path: &str, notice: &str) -> bool {
        match self.files.get_mut(path) {
            Some(file) => {
                file.notice = Some(notice.to_string());
                true
            }
            None => false,
        }
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

    /// Records that `path` holds `tree` as YAML text at `pointer` (see [`Embedded`]).
    pub fn embed(&mut self, path: impl Into<String>, pointer: impl Into<String>, tree: Value) {
        self.embedded.push(Embedded {
            path: path.into(),
            pointer: pointer.into(),
            tree,
        });
    }

    pub fn embedded(&self) -> &[Embedded] {
        &self.embedded
    }
}
