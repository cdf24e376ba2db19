//! What generators produce: files by tree path, each holding Kubernetes objects (listed in
//! their folder's kustomization), one plain YAML document (Helm values, CloudFormation,
//! clusterawsadm config), a Terraform (HCL) file or text. Emission turns this into bytes;
//! generators never format.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::origin::Origin;

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

impl Content {
    /// The YAML documents the file holds, as its bytes read back; `None` for text that is not
    /// YAML documents. An empty (null) document is not written as one: kustomize's reader
    /// skips it too.
    pub fn documents(&self) -> Option<Vec<&Value>> {
        let all: Vec<&Value> = match self {
            Content::Objects(objects) => objects.iter().collect(),
            Content::Document(doc) => vec![doc],
            Content::Text(_) | Content::Hcl(_) => return None,
        };
        Some(all.into_iter().filter(|v| !v.is_null()).collect())
    }

    /// [`Content::documents`], taken out of the content.
    pub fn into_documents(self) -> Option<Vec<Value>> {
        let all = match self {
            Content::Objects(objects) => objects,
            Content::Document(doc) => vec![doc],
            Content::Text(_) | Content::Hcl(_) => return None,
        };
        Some(all.into_iter().filter(|v| !v.is_null()).collect())
    }
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
    /// Where in the blueprint each file comes from (for `platc explain`), by path.
    origins: BTreeMap<String, Origin>,
    /// Per folder, the ConfigMaps its kustomization generates from files beside it.
    config_maps: BTreeMap<String, Vec<ConfigMapGen>>,
}

/// A ConfigMap that a folder's kustomization generates (`configMapGenerator`) from one file
/// of the folder: Helm values that a Flux HelmRelease reads through `valuesFrom`. Generated
/// without a name suffix and labelled for helm-controller to watch (see `emit`), so the
/// HelmRelease names it as written and upgrades as soon as it changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigMapGen {
    pub name: String,
    pub namespace: String,
    /// The file's name in the folder.
    pub file: String,
    /// The data key the file's content goes under.
    pub key: String,
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
    /// returns in item order: the output is the same as a sequential loop's. `make` returns
    /// `(path, content)` pairs, or `(path, content, origin)` to record each file's origin.
    pub fn add_parallel<T: Sync, F: Into<Made> + Send>(
        &mut self,
        generator: &'static str,
        items: &[T],
        make: impl Fn(&T) -> Vec<F> + Sync,
    ) -> Result<(), GenError> {
        self.try_add_parallel(generator, items, |item| Ok(make(item)))
    }

    /// [`Output::add_parallel`] for a `make` that can fail: the first error in item order is
    /// returned (as a sequential loop would stop there), and nothing is added.
    pub fn try_add_parallel<T: Sync, F: Into<Made> + Send>(
        &mut self,
        generator: &'static str,
        items: &[T],
        make: impl Fn(&T) -> Result<Vec<F>, GenError> + Sync,
    ) -> Result<(), GenError> {
        use rayon::prelude::*;
        let made: Vec<Vec<F>> = items
            .par_iter()
            .map(&make)
            .collect::<Result<_, GenError>>()?;
        for file in made.into_iter().flatten() {
            let Made {
                path,
                content,
                origin,
            } = file.into();
            match origin {
                Some(origin) => self.origin(origin).add(path, generator, content)?,
                None => self.add(path, generator, content)?,
            }
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

    /// The files whose paths start with `prefix` (a folder and its `/`), in path order,
    /// found by range instead of a scan: one cluster's files in a fleet of thousands.
    pub fn files_under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a File)> {
        self.files
            .range::<str, _>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Unbounded,
            ))
            .take_while(move |(p, _)| p.starts_with(prefix))
            .map(|(p, f)| (p.as_str(), f))
    }

    /// [`Output::files_under`], mutable.
    pub fn files_under_mut<'a>(
        &'a mut self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a mut File)> {
        self.files
            .range_mut::<str, _>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Unbounded,
            ))
            .take_while(move |(p, _)| p.starts_with(prefix))
            .map(|(p, f)| (p.as_str(), f))
    }

    pub fn get(&self, path: &str) -> Option<&File> {
        self.files.get(path)
    }

    /// Takes the files out, in path order (for a caller done with the rest).
    pub fn into_files(self) -> impl Iterator<Item = (String, File)> {
        self.files.into_iter()
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

    /// Adds the next file with its origin in the blueprint, for `platc explain`:
    /// `out.origin(Origin::node_pool(&c.name, &pool.name)).objects(path, GENERATOR, objects)?`.
    pub fn origin(&mut self, origin: Origin) -> Traced<'_> {
        Traced { out: self, origin }
    }

    /// Records the origin of a file already added.
    pub fn set_origin(&mut self, path: impl Into<String>, origin: Origin) {
        self.origins.insert(path.into(), origin);
    }

    /// Declares a ConfigMap that `dir`'s kustomization generates from one of its files.
    pub fn config_map(&mut self, dir: impl Into<String>, generated: ConfigMapGen) {
        self.config_maps
            .entry(dir.into())
            .or_default()
            .push(generated);
    }

    /// Every folder's generated ConfigMaps, by folder.
    pub fn config_maps(&self) -> &BTreeMap<String, Vec<ConfigMapGen>> {
        &self.config_maps
    }

    /// Where in the blueprint a file comes from, when its generator said so.
    pub fn origin_of(&self, path: &str) -> Option<&Origin> {
        self.origins.get(path)
    }
}

/// One file a generator made for [`Output::add_parallel`], with its origin when known.
pub struct Made {
    pub path: String,
    pub content: Content,
    pub origin: Option<Origin>,
}

impl From<(String, Content)> for Made {
    fn from((path, content): (String, Content)) -> Self {
        Self {
            path,
            content,
            origin: None,
        }
    }
}

impl From<(String, Content, Origin)> for Made {
    fn from((path, content, origin): (String, Content, Origin)) -> Self {
        Self {
            path,
            content,
            origin: Some(origin),
        }
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
