//! What hardening puts on a machine, in provider-neutral terms: files (inline content, or a
//! Secret's key that the provisioner copies onto the machine so the value never enters the
//! output), API server flags, and the host paths the API server's static pod must mount.

/// Where a file's content comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileSource {
    /// Content written into the output (configuration, never a secret).
    Inline(String),
    /// A key of a Secret in the namespace of the cluster's objects: kubeadm's
    /// `contentFrom.secret`, read when the machine boots.
    Secret { name: String, key: String },
}

/// A file written onto a machine before Kubernetes starts there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MachineFile {
    pub path: String,
    /// Octal mode, as kubeadm and cloud-init spell it.
    pub permissions: &'static str,
    pub source: FileSource,
}

/// A host path mounted into the API server's static pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostVolume {
    pub name: &'static str,
    pub host_path: &'static str,
    pub mount_path: &'static str,
    pub read_only: bool,
    /// The Kubernetes `HostPathType`.
    pub path_type: &'static str,
}

/// API server settings for the control-plane machines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApiServer {
    /// Flags without their leading dashes, in a fixed order.
    pub args: Vec<(&'static str, String)>,
    pub volumes: Vec<HostVolume>,
    pub files: Vec<MachineFile>,
}

impl ApiServer {
    pub fn extend(&mut self, other: ApiServer) {
        self.args.extend(other.args);
        self.volumes.extend(other.volumes);
        self.files.extend(other.files);
    }

    pub fn is_empty(&self) -> bool {
        self.args.is_empty() && self.volumes.is_empty() && self.files.is_empty()
    }
}
