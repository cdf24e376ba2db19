//! A bring-up finding: which rule a rendered tree breaks, in which cluster, at which object
//! of which file; and its diagnostic. A finding in platc's own output is a platc bug
//! (`internal`, exit 70); one that only an overlay brings in is the overlay's (exit 65).

use super::model::ObjRef;
use crate::diag::{Code, Diagnostic};

/// The rule a finding breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// A custom resource whose CRD nothing installs into its cluster.
    Installer,
    /// A custom resource applied before what installs its CRD is Ready.
    Order,
    /// A `dependsOn` cycle.
    Cycle,
    /// A reference to something that is not in the tree (dependsOn, a source, a ConfigMap,
    /// a Kustomization's path).
    Reference,
    /// A values file not consumed by exactly one release, or read under the wrong key.
    Values,
    /// A component installed twice into one cluster.
    Twice,
    /// A chart or add-on version that is not a row of `facts::addons::ADDONS`.
    Version,
    /// An installer object the check cannot read (a missing label or selector).
    Shape,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Installer => "installer",
            Rule::Order => "order",
            Rule::Cycle => "cycle",
            Rule::Reference => "reference",
            Rule::Values => "values",
            Rule::Twice => "twice",
            Rule::Version => "version",
            Rule::Shape => "shape",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Finding {
    /// The cluster whose bring-up breaks (empty for a tree-wide object).
    pub cluster: String,
    pub rule: Rule,
    /// The object at fault; its `file` is the tree path.
    pub object: ObjRef,
    /// What is wrong, naming the other objects involved.
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.cluster.is_empty() {
            write!(f, "cluster `{}`: ", self.cluster)?;
        }
        write!(
            f,
            "{}: {} {} [{}]",
            self.object.file,
            self.object,
            self.message,
            self.rule.as_str()
        )
    }
}

impl Finding {
    /// The diagnostic `platc validate` prints. `by_overlay`: the finding is absent from the
    /// tree platc renders without the blueprint's overlays, so the overlays caused it.
    pub fn diagnostic(&self, by_overlay: bool) -> Diagnostic {
        let text = format!("the cluster would not come up whole: {self}");
        if by_overlay {
            Diagnostic::error(Code::BringUp, text)
                .in_file(self.object.file.clone())
                .help("an overlay changed or removed what this object needs; fix the overlay")
        } else {
            Diagnostic::error(Code::Internal, text)
                .in_file(self.object.file.clone())
                .help(
                    "platc rendered a tree that cannot come up in order: a platc bug; please \
                     report it with the blueprint",
                )
        }
    }
}
