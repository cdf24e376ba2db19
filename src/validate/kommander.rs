//! The schemas of the Kommander kinds platc writes (`platform/`), which no upstream publishes:
//! written from Kommander's API reference and installation guides, kept in `schema/platc/`
//! (see `schema/platc/kommander.md` for where each field comes from).

/// (apiVersion, kind, JSON Schema text).
pub const SCHEMAS: &[(&str, &str, &str)] = &[
    (
        "config.kommander.mesosphere.io/v1alpha1",
        "Installation",
        include_str!(
            "../../schema/platc/config.kommander.mesosphere.io/installation_v1alpha1.json"
        ),
    ),
    (
        "kommander.mesosphere.io/v1beta1",
        "License",
        include_str!("../../schema/platc/kommander.mesosphere.io/license_v1beta1.json"),
    ),
    (
        "kommander.mesosphere.io/v1beta1",
        "VirtualGroup",
        include_str!("../../schema/platc/kommander.mesosphere.io/virtualgroup_v1beta1.json"),
    ),
    (
        "kommander.mesosphere.io/v1beta1",
        "VirtualGroupClusterRoleBinding",
        include_str!(
            "../../schema/platc/kommander.mesosphere.io/virtualgroupclusterrolebinding_v1beta1.json"
        ),
    ),
    (
        "workspaces.kommander.mesosphere.io/v1alpha1",
        "VirtualGroupKommanderClusterRoleBinding",
        include_str!(
            "../../schema/platc/workspaces.kommander.mesosphere.io/virtualgroupkommanderclusterrolebinding_v1alpha1.json"
        ),
    ),
    (
        "workspaces.kommander.mesosphere.io/v1alpha1",
        "VirtualGroupKommanderWorkspaceRoleBinding",
        include_str!(
            "../../schema/platc/workspaces.kommander.mesosphere.io/virtualgroupkommanderworkspacerolebinding_v1alpha1.json"
        ),
    ),
    (
        "workspaces.kommander.mesosphere.io/v1alpha1",
        "VirtualGroupWorkspaceRoleBinding",
        include_str!(
            "../../schema/platc/workspaces.kommander.mesosphere.io/virtualgroupworkspacerolebinding_v1alpha1.json"
        ),
    ),
    (
        "workspaces.kommander.mesosphere.io/v1alpha1",
        "Workspace",
        include_str!(
            "../../schema/platc/workspaces.kommander.mesosphere.io/workspace_v1alpha1.json"
        ),
    ),
];
