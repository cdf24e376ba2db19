use crate::diag::Diagnostic;
use crate::source::SourceFile;
use crate::yaml::node::Node;
pub fn scan(_s: &SourceFile, _r: &Node) -> Vec<Diagnostic> {
    vec![]
}
