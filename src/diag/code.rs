//! The table of diagnostic codes. Every diagnostic platc can print has one code here, with a
//! stable name (used by `--message-format json`, tests and the README table) and a title.
//! Wording of individual messages lives where the rule lives; this table only names them.

macro_rules! codes {
    ($($variant:ident = $name:literal : $title:literal,)*) => {
        /// A diagnostic's kind. The string form is stable: tools match on it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant,)* }

        impl Code {
            /// Every code, in table order (the README table and a meta-test read this).
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            pub const fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            pub const fn title(self) -> &'static str {
                match self { $(Code::$variant => $title,)* }
            }
        }
    };
}

codes! {
    // Reading the file.
    Io = "io": "a file could not be read or written",
    TooLarge = "too-large": "the input is larger than platc reads",
    NotUtf8 = "not-utf8": "the input is not UTF-8",
    YamlSyntax = "yaml-syntax": "the input is not well-formed YAML",
    TooDeep = "too-deep": "the input nests deeper than platc reads",
    Tab = "tab-indentation": "a tab is used for indentation",
    Anchor = "anchor": "anchors, aliases and merge keys are not allowed",
    Tag = "tag": "YAML tags are not allowed",
    DuplicateKey = "duplicate-key": "a mapping has the same key twice",
    Documents = "documents": "the file must hold exactly one document",
    AmbiguousScalar = "ambiguous-scalar": "a plain scalar reads differently in YAML 1.1 and 1.2",
    ControlCharacter = "control-character": "a string holds a control or bidi character",
    // Shape of the blueprint.
    Kind = "kind": "not a platc Platform blueprint",
    UnknownField = "unknown-field": "a field the blueprint format does not have",
    MissingField = "missing-field": "a required field is missing",
    Type = "type": "a value has the wrong type",
    Enum = "enum": "a value is not one of the allowed ones",
    Range = "range": "a number or list is out of range",
    Format = "format": "a value does not have the required format",
    // Semantic rules.
    Name = "name": "a name is not a valid DNS-1123 label",
    DuplicateName = "duplicate-name": "two entries of a list have the same name",
    DerivedName = "derived-name": "a name platc derives would be too long",
    Region = "region": "an unknown AWS region or zone",
    Partition = "partition": "the region is not in the partition",
    Cidr = "cidr": "an invalid or overlapping CIDR",
    Version = "version": "an invalid or unsupported Kubernetes version",
    Replicas = "replicas": "an invalid replica count or autoscaling range",
    Taint = "taint": "an invalid taint",
    Label = "label": "a node label the kubelet cannot set",
    Volume = "volume": "an invalid root volume",
    Image = "image": "an invalid machine image",
    Vpc = "vpc": "an invalid existing VPC",
    Reference = "reference": "a reference to something that does not exist",
    Provider = "provider": "a field that the cluster's provider does not support",
    Management = "management": "the management cluster is missing or ambiguous",
    Acme = "acme": "an invalid certificate (ACME) configuration",
    Dns = "dns": "an invalid DNS configuration",
    Identity = "identity": "an invalid identity (OIDC) configuration",
    Registry = "registry": "an invalid registry mirror or image source",
    Security = "security": "an invalid security setting",
    Aws = "aws": "an invalid AWS setting",
    Secret = "secret": "a value that looks like a secret",
    Path = "path": "a path that leaves the blueprint's folder",
    Access = "access": "an invalid access entry",
    Monitoring = "monitoring": "an invalid monitoring setting",
    Gitops = "gitops": "an invalid GitOps setting",
    Unsupported = "unsupported": "a feature this version of platc does not render yet",
    // Output and validation.
    OutputSchema = "output-schema": "a generated object does not validate against its schema",
    HandEdited = "hand-edited": "a file platc owns was edited by hand",
    Manifest = "manifest": "the output folder's manifest is unreadable",
    BringUp = "bring-up": "an overlay keeps a cluster from coming up in order",
    Symlink = "symlink": "a symbolic link in the output folder",
    Usage = "usage": "the command line is not usable",
    Warning = "warning": "a setting that works but is not recommended",
    Internal = "internal": "platc found a bug in itself",
}
