//! Blueprint paths: the address of a field as users read it (`spec.clusters[1].nodePools[0]`)
//! and as JSON pointers (`/spec/clusters/1/nodePools/0`) for finding its place in the file.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Field(String),
    Index(usize),
}

#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct BlueprintPath(Vec<Step>);

impl BlueprintPath {
    pub fn root() -> Self {
        Self::default()
    }

    pub fn field(&self, name: &str) -> Self {
        let mut next = self.clone();
        next.0.push(Step::Field(name.to_string()));
        next
    }

    pub fn index(&self, i: usize) -> Self {
        let mut next = self.clone();
        next.0.push(Step::Index(i));
        next
    }

    /// Parses a JSON pointer as produced by a schema validator.
    pub fn from_pointer(pointer: &str) -> Self {
        let steps = pointer
            .split('/')
            .skip(1)
            .map(|raw| {
                let step = raw.replace("~1", "/").replace("~0", "~");
                // Pointers do not say whether `0` is an index or a key; in a blueprint every
                // map key that is all digits would be odd, so digits mean an index.
                match step.parse::<usize>() {
                    Ok(i) if !step.starts_with('+') => Step::Index(i),
                    _ => Step::Field(step),
                }
            })
            .collect();
        Self(steps)
    }

    pub fn to_pointer(&self) -> String {
        let mut out = String::new();
        for step in &self.0 {
            out.push('/');
            match step {
                Step::Field(f) => out.push_str(&f.replace('~', "~0").replace('/', "~1")),
                Step::Index(i) => out.push_str(&i.to_string()),
            }
        }
        out
    }

    pub fn parent(&self) -> Self {
        let mut p = self.clone();
        p.0.pop();
        p
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// Descends into a field in place: a walk over a large tree keeps one path and clones it
    /// only for what it reports, instead of allocating a path per node.
    pub fn push_field(&mut self, name: &str) {
        self.0.push(Step::Field(name.to_string()));
    }

    /// Descends into an item in place (see [`Self::push_field`]).
    pub fn push_index(&mut self, i: usize) {
        self.0.push(Step::Index(i));
    }

    /// Undoes the last `push_*`.
    pub fn pop(&mut self) {
        self.0.pop();
    }
}

fn is_simple_field(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '$')
}

impl fmt::Display for BlueprintPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                Step::Field(name) if is_simple_field(name) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(name)?;
                }
                Step::Field(name) => write!(f, "[{name:?}]")?,
                Step::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_as_users_read_it() {
        let p = BlueprintPath::root()
            .field("spec")
            .field("clusters")
            .index(1)
            .field("nodePools")
            .index(0)
            .field("labels")
            .field("node-role.kubernetes.io/worker");
        assert_eq!(
            p.to_string(),
            "spec.clusters[1].nodePools[0].labels[\"node-role.kubernetes.io/worker\"]"
        );
        assert_eq!(
            p.to_pointer(),
            "/spec/clusters/1/nodePools/0/labels/node-role.kubernetes.io~1worker"
        );
        assert_eq!(BlueprintPath::from_pointer(&p.to_pointer()), p);
    }
}
