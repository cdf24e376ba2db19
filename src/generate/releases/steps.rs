//! The tree README's sections on bring-up: what each folder does in the order a cluster comes
//! up, who installs each platform component, the Pod Security level of each component's
//! namespace, and the steps that cannot be files (at most three per kind of cluster, each with
//! its command): creating the credential Secrets, running the bootstrap once, and publishing a
//! self-managed cluster's service-account issuer.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::{plan, pod_security_level};
use crate::blueprint::model::Provider;
use crate::generate::capa;
use crate::naming;
use crate::resolve::{Resolved, ResolvedCluster, ServiceAccountIssuer};

fn kind(p: Provider) -> &'static str {
    match p {
        Provider::Capa => "capa",
        Provider::Eks => "eks",
        Provider::Kops => "kops",
    }
}

/// Who installs a component on a cluster other than Flux (for the README's table).
fn others(r: &Resolved, c: &ResolvedCluster) -> Vec<String> {
    let mut out = Vec::new();
    if c.management {
        let mut apps = vec!["cert-manager"];
        if r.dns.is_some() {
            apps.push("external-dns");
        }
        if r.spec.monitoring.is_some() {
            apps.push("kube-prometheus-stack");
        }
        out.push(format!("Kommander: {}", apps.join(", ")));
    }
    match c.provider {
        Provider::Kops => out.push(
            "kOps: Calico, cloud-controller-manager, EBS CSI, cert-manager, cluster-autoscaler, pod identity webhook".into(),
        ),
        Provider::Eks => out.push("EKS: vpc-cni, coredns, kube-proxy, EBS CSI, pod identity webhook".into()),
        Provider::Capa => out.push(
            "Cluster API (HelmChartProxy): Calico, cloud-controller-manager, EBS CSI".into(),
        ),
    }
    out
}

/// The bring-up sections (layout additions, order, installers, Pod Security).
pub fn bring_up(r: &Resolved) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## Bring-up\n");
    let argocd = r.argocd().is_some();
    if argocd {
        let _ = writeln!(s, "{}", argocd_order());
    } else {
        let _ = writeln!(
            s,
            "Each cluster comes up from Git in this order (Flux, `gitops/flux/<cluster>.yaml`):\n\n\
         1. `clusters/<cluster>/infrastructure/`: the Cluster API objects (capa, eks), applied on the\n   \
         management cluster; Cluster API installs what nodes need to become Ready.\n\
         2. `clusters/<cluster>/namespaces/`: the Namespaces the platform's releases install into,\n   \
         with their Pod Security levels, applied inside the cluster before the releases.\n\
         3. `clusters/<cluster>/releases/`: Flux's HelmRepositories and HelmReleases of the platform's\n   \
         components, with their Helm values (`*-values.yaml`, each read by one HelmRelease through\n   \
         a ConfigMap the folder's kustomization generates). They live where Flux runs and reach a\n   \
         workload cluster through Cluster API's `<cluster>-kubeconfig` Secret; the Kustomization\n   \
         is Ready only when every release is (`wait`), and a release that needs another's CRDs\n   \
         waits for it (`dependsOn`).\n\
         4. `clusters/<cluster>/addons/`: objects that need the releases' CRDs (ClusterIssuer,\n   \
         ClusterPolicy, Calico's BGP objects), applied once the releases are Ready.\n"
        );
    }
    let _ = writeln!(
        s,
        "| cluster | {} installs | installed by others |\n|---|---|---|",
        if argocd { "Argo CD" } else { "Flux" }
    );
    for c in &r.clusters {
        let flux = plan::components(r, c);
        let flux = if flux.is_empty() {
            "-".to_string()
        } else {
            flux.join(", ")
        };
        let _ = writeln!(s, "| `{}` | {flux} | {} |", c.name, others(r, c).join("; "));
    }
    let mut levels: Vec<String> = Vec::new();
    for c in &r.clusters {
        let mut seen = BTreeSet::new();
        for component in plan::components(r, c) {
            if component == plan::CLUSTER_AUTOSCALER {
                continue;
            }
            if let Ok(rels) = namespace_of(component)
                && seen.insert(rels)
            {
                levels.push(format!(
                    "`{}`: `{rels}` {}",
                    c.name,
                    pod_security_level(component)
                ));
            }
        }
    }
    if !levels.is_empty() {
        let _ = writeln!(
            s,
            "\nPod Security of the platform's namespaces (enforce, audit and warn; `namespaces/`):\n"
        );
        for l in levels {
            let _ = writeln!(s, "- {l}");
        }
        let _ = writeln!(
            s,
            "\n`privileged` only where node-exporter runs (host network, PID namespace and file systems);\n\
             every other component runs within `baseline`."
        );
    }
    if r.gitops.as_ref().and_then(|g| g.flux.as_ref()).is_none() && !argocd {
        let _ = writeln!(
            s,
            "\nWithout `gitops.flux` nothing applies these folders for you, but `releases/` holds Flux\n\
             objects: Flux's controllers must run where they are applied (`flux install`), and each\n\
             cluster's folders go in the order above: `kubectl apply -k clusters/<cluster>/namespaces`,\n\
             `kubectl apply -k clusters/<cluster>/releases`, `kubectl wait helmrelease --all --for=condition=Ready\n\
             -n <namespace> --timeout=30m`, then `kubectl apply -k clusters/<cluster>/addons`."
        );
    }
    s.push('\n');
    s
}

/// The bring-up order under Argo CD (`generate::argocd`).
fn argocd_order() -> &'static str {
    "Each cluster comes up from Git in this order (Argo CD: the root Application\n\
     `gitops/argocd/<cluster>.yaml` syncs the Applications of `gitops/argocd/<cluster>/`, one per\n\
     folder, in their sync waves; a wave starts once the waves before it are Healthy):\n\n\
     1. wave 0, `clusters/<cluster>/infrastructure/`: the Cluster API objects (capa, eks), applied on the\n   \
     management cluster; Cluster API installs what nodes need to become Ready.\n\
     2. wave 1, `clusters/<cluster>/namespaces/`: the Namespaces the platform's releases install into,\n   \
     with their Pod Security levels, applied inside the cluster before the releases.\n\
     3. wave 2, `clusters/<cluster>/releases/`: one Argo CD Application per Helm chart of the platform's\n   \
     components (`applications.yaml`), which reads its Helm values (`*-values.yaml`) from this\n   \
     repository (`$values`). They live where Argo CD runs and reach a workload cluster by the name\n   \
     it is registered under; a release that needs another's CRDs is in a later sync wave.\n\
     4. wave 3, `clusters/<cluster>/addons/`: objects that need the releases' CRDs (ClusterIssuer,\n   \
     ClusterPolicy, Calico's BGP objects), applied once the releases are Healthy.\n\n\
     The waves wait for child Applications only with the Application health check that\n\
     `gitops/argocd/argocd-cm.yaml` adds to Argo CD's `argocd-cm` (Argo CD has none built in).\n"
}

/// Registers workload cluster `c` with Argo CD on the management cluster `m` (which the
/// commands reach through `KUBECONFIG`, namespace `argocd`, `argocd login --core`):
/// `argocd cluster add` installs the ServiceAccount `argocd-manager` into the cluster and
/// keeps its token in a cluster Secret of Argo CD (argo-cd v3.5.1 docs/getting_started.md,
/// "Register A Cluster To Deploy Apps To"); `kubeconfig` writes `<c>.kubeconfig` first.
fn argocd_register(c: &ResolvedCluster, kubeconfig: &str) -> String {
    format!(
        "{kubeconfig} && argocd cluster add $(kubectl --kubeconfig {c}.kubeconfig config current-context) --kubeconfig {c}.kubeconfig --name {c} --core --yes   # once {c} is up",
        c = c.name
    )
}

/// What each cluster runs to deliver itself without a management cluster.
fn in_each_cluster(r: &Resolved) -> String {
    match r.argocd() {
        None => "`flux install` and `kubectl apply -f gitops/flux/<cluster>.yaml`".to_string(),
        Some(_) => format!(
            "Argo CD's install (`kubectl create namespace {ns}` and `kubectl apply -n {ns} --server-side\n   \
             --force-conflicts -f https://raw.githubusercontent.com/argoproj/argo-cd/v{v}/manifests/install.yaml`),\n   \
             then `kubectl apply -f {cm} -f gitops/argocd/<cluster>.yaml`",
            ns = naming::ARGOCD_NAMESPACE,
            v = crate::generate::argocd::ARGOCD_VERSION,
            cm = naming::ARGOCD_CM_PATH,
        ),
    }
}

fn namespace_of(component: &str) -> Result<&'static str, ()> {
    Ok(match component {
        plan::CERT_MANAGER => naming::CERT_MANAGER_NAMESPACE,
        plan::EXTERNAL_DNS => naming::EXTERNAL_DNS_NAMESPACE,
        plan::KUBE_PROMETHEUS_STACK => plan::MONITORING_NAMESPACE,
        plan::KYVERNO => plan::KYVERNO_NAMESPACE,
        plan::POD_IDENTITY_WEBHOOK => plan::POD_IDENTITY_WEBHOOK_NAMESPACE,
        _ => return Err(()),
    })
}

/// A section of "Steps that are not files": the management cluster on its own (it is the one
/// that is bootstrapped), then the other clusters by provider. Each has at most three steps:
/// credentials, the bootstrap or the VPC connection, and publishing a self-hosted issuer
/// (`tests/bring_up_steps.rs` holds every golden tree to it).
struct Group<'a> {
    provider: Provider,
    management: Option<&'a ResolvedCluster>,
    clusters: Vec<&'a ResolvedCluster>,
}

fn groups(r: &Resolved) -> Vec<Group<'_>> {
    let mut out = Vec::new();
    if let Some(m) = r.management_cluster() {
        out.push(Group {
            provider: m.provider,
            management: Some(m),
            clusters: vec![m],
        });
    }
    for p in [Provider::Capa, Provider::Eks, Provider::Kops] {
        let clusters: Vec<&ResolvedCluster> = r
            .clusters
            .iter()
            .filter(|c| c.provider == p && !c.management)
            .collect();
        if !clusters.is_empty() {
            out.push(Group {
                provider: p,
                management: None,
                clusters,
            });
        }
    }
    out
}

/// Without a management cluster, the cluster that holds the Cluster API objects is outside
/// the blueprint, and it reaches private endpoints only through a network connected to theirs.
fn held_elsewhere(r: &Resolved, clusters: &[&ResolvedCluster]) -> String {
    let private: Vec<String> = clusters
        .iter()
        .filter(|c| !c.api.public && r.management_cluster().is_none())
        .map(|c| format!("`{}` ({})", c.name, c.vpc_cidr))
        .collect();
    if private.is_empty() {
        return String::new();
    }
    format!(
        "\n   Its network must reach the private endpoints of {}: peer it with their VPCs, with\n   \
         routes both ways, once CAPA has created them (\"Networks and API endpoints\" below).",
        private.join(", ")
    )
}

/// The `## Steps that are not files` section.
pub fn not_files(r: &Resolved) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## Steps that are not files\n");
    let flux = r.gitops.as_ref().and_then(|g| g.flux.as_ref());
    let management = r.management_cluster();
    for group in groups(r) {
        let (p, clusters) = (group.provider, group.clusters);
        match group.management {
            Some(m) => {
                let _ = writeln!(s, "### The management cluster `{}` ({})\n", m.name, kind(p));
            }
            None => {
                let _ = writeln!(s, "### {} clusters\n", kind(p));
            }
        }
        // Steps that only the cluster that runs `clusterctl init` needs: the management
        // cluster's, or, without one, every capa and eks group's.
        let inits = group.management.is_some() || management.is_none();
        let mut n = 0;
        let mut step = |s: &mut String, text: String| {
            n += 1;
            let _ = writeln!(s, "{n}. {text}\n");
        };
        // 1. Credentials: the Secrets that must exist before GitOps can use them.
        let mut commands: Vec<String> = Vec::new();
        // Whether the commands register workload clusters with Argo CD (after the bootstrap).
        let mut registers = false;
        if p != Provider::Kops && inits {
            commands.push(
                "export AWS_B64ENCODED_CREDENTIALS=$(clusterawsadm bootstrap credentials encode-as-profile)   # for clusterctl init"
                    .into(),
            );
        }
        if let Some(secret) = flux.and_then(|f| f.secret_ref.as_ref()) {
            let namespaces: BTreeSet<String> =
                clusters.iter().map(|c| capa::namespace(c)).collect();
            for ns in namespaces {
                commands.push(format!(
                    "flux create secret git {} --namespace {ns} --url=<repository URL> --private-key-file=<deploy key>",
                    secret.name
                ));
            }
        }
        if let Some(eab) = r
            .acme
            .as_ref()
            .and_then(|a| a.external_account_binding.as_ref())
        {
            commands.push(format!(
                "kubectl -n {} create secret generic {} --from-literal={}=<EAB HMAC key>   # in each cluster (cert-manager reads it)",
                // cert-manager reads a ClusterIssuer's Secrets in its own namespace: kOps'
                // cert-manager runs in kube-system (`kops::identity::kops_service_account`).
                if p == Provider::Kops {
                    crate::resolve::SYSTEM_NAMESPACE
                } else {
                    naming::CERT_MANAGER_NAMESPACE
                },
                eab.key_secret_ref.name,
                eab.key_secret_ref.key
            ));
        }
        for m in r.spec.registries.iter().flat_map(|reg| reg.mirrors.iter()) {
            let Some(creds) = &m.credentials_ref else {
                continue;
            };
            match p {
                Provider::Capa => {
                    let namespaces: BTreeSet<String> =
                        clusters.iter().map(|c| capa::namespace(c)).collect();
                    for ns in namespaces {
                        commands.push(format!(
                            "kubectl -n {ns} create secret generic {} --type=kubernetes.io/dockerconfigjson --from-file={}=<docker config.json>   # mirror credentials for the machines",
                            creds.name, creds.key
                        ));
                    }
                }
                Provider::Eks => commands.push(format!(
                    "kubectl -n {} create secret generic {} --type=kubernetes.io/dockerconfigjson --from-file={}=<docker config.json>   # in each eks cluster: images pulled from the mirror by name",
                    plan::MONITORING_NAMESPACE,
                    creds.name,
                    creds.key
                )),
                Provider::Kops => {}
            }
        }
        if let (Some(m), Some(oidc)) = (group.management, &r.oidc) {
            commands.push(format!(
                "kubectl -n {} create secret generic {} --from-literal={}=<client secret>   # on {}, for dex",
                naming::KOMMANDER_NAMESPACE,
                oidc.client_secret_ref.name,
                oidc.client_secret_ref.key,
                m.name
            ));
        }
        for c in &clusters {
            if p != Provider::Kops && management.is_none() && plan::autoscales(c) {
                commands.push(format!(
                    "kubectl -n kube-system create secret generic {} --from-file={}=<kubeconfig of the cluster holding its Cluster API objects>   # in {}, for its autoscaler",
                    super::management_kubeconfig_secret(&c.name),
                    super::MANAGEMENT_KUBECONFIG_KEY,
                    c.name
                ));
            }
            if r.argocd().is_some() && management.is_some() && !c.management {
                registers = true;
                commands.push(argocd_register(
                    c,
                    &if p == Provider::Kops {
                        format!(
                            "kops export kubecfg --admin=8760h --name {} --kubeconfig {}.kubeconfig",
                            naming::kops_cluster_name(&c.name, &r.domain),
                            c.name
                        )
                    } else {
                        format!(
                            "clusterctl get kubeconfig {c} -n {ns} > {c}.kubeconfig",
                            c = c.name,
                            ns = capa::namespace(c)
                        )
                    },
                ));
            }
            if p == Provider::Capa
                && let Some(key) = r.encryption_key()
            {
                commands.push(crate::generate::hardening::encryption::secret_command(
                    &capa::namespace(c),
                    &c.name,
                    key,
                ));
            }
            // kOps reads the API server's EncryptionConfiguration from its state store
            // (`encryptionConfig: true`, `kops::cluster`): the operator writes it, with a key
            // of their own, before `kops update cluster` (kOps v1.36.0
            // `docs/cli/kops_create_secret_encryptionconfig.md`).
            if p == Provider::Kops && r.encryption_key().is_some() {
                commands.push(format!(
                    "{} | kops create secret encryptionconfig -f - --name {} --state {}   # before kops update cluster: {}'s key for Secrets at rest",
                    crate::generate::hardening::encryption::config_command(
                        r.encryption_key().unwrap_or_default()
                    ),
                    naming::kops_cluster_name(&c.name, &r.domain),
                    c.kops_state_store.as_deref().unwrap_or_default(),
                    c.name,
                ));
            }
            if p == Provider::Kops && flux.is_some() && management.is_some() {
                commands.push(format!(
                    "kops export kubecfg --admin=8760h --name {name} --kubeconfig {c}.kubeconfig && kubectl -n {ns} create secret generic {secret} --from-file=value={c}.kubeconfig   # on the management cluster",
                    name = naming::kops_cluster_name(&c.name, &r.domain),
                    c = c.name,
                    ns = capa::namespace(c),
                    secret = naming::kubeconfig_secret_name(&c.name),
                ));
            }
        }
        if !commands.is_empty() {
            step(
                &mut s,
                format!(
                    "**Create the credential Secrets** (secrets never enter this tree){}:\n\n   ```sh\n   {}\n   ```",
                    if registers {
                        "; Argo CD's cluster Secrets once the bootstrap below has run"
                    } else {
                        ""
                    },
                    commands.join("\n   ")
                ),
            );
        }
        // 2. The bootstrap, once, or the connection that a private endpoint needs.
        let connect =
            crate::generate::peering::step(r, &crate::generate::peering::to_connect(r, &clusters));
        match p {
            Provider::Capa => {
                // Kommander's ingress certificate uses the issuer `kommander-acme-issuer`,
                // which must exist before the install to carry what the Installation cannot
                // (external account binding, dns01): see `cert_manager::KOMMANDER_ISSUER_NAME`.
                let issuer = match (management, &r.acme) {
                    (Some(m), Some(_)) => format!(
                        "kubectl --kubeconfig {}.kubeconfig apply -f {}   # the ClusterIssuer {}\n   ",
                        m.name,
                        crate::naming::cert_manager_path(&m.name),
                        crate::generate::cert_manager::KOMMANDER_ISSUER_NAME,
                    ),
                    _ => String::new(),
                };
                let text = match group.management {
                    Some(m) => Some(format!(
                        "**Bootstrap once**: a temporary cluster creates `{m}`, which then manages itself and\n   \
                         every other cluster (Cluster API with CAPA and its Helm add-on provider, {engine_name}, Kommander):\n\n   \
                         ```sh\n   \
                         kind create cluster --name bootstrap\n   \
                         clusterctl init --infrastructure aws --addon helm\n   \
                         {create_ns}\
                         kubectl apply -k clusters/{m}/infrastructure   # creates {m}\n   \
                         clusterctl get kubeconfig {m} -n {ns} > {m}.kubeconfig\n   \
                         clusterctl init --infrastructure aws --addon helm --kubeconfig {m}.kubeconfig\n   \
                         {engine}\
                         {issuer}dkp install kommander --installer-config platform/installation.yaml --kubeconfig {m}.kubeconfig\n   \
                         clusterctl move --to-kubeconfig {m}.kubeconfig -n {ns}\n   \
                         {deliver}\
                         kind delete cluster --name bootstrap\n   \
                         ```",
                        m = m.name,
                        engine_name = if r.argocd().is_some() {
                            "Argo CD"
                        } else {
                            "Flux"
                        },
                        engine = match r.argocd() {
                            None => format!("flux install --kubeconfig {}.kubeconfig\n   ", m.name),
                            // argo-cd v3.5.1 docs/getting_started.md: the install manifests,
                            // applied server-side; `argocd login --core` for the CLI.
                            Some(_) => format!(
                                "kubectl --kubeconfig {m}.kubeconfig create namespace {argo}\n   \
                                 kubectl --kubeconfig {m}.kubeconfig apply -n {argo} --server-side --force-conflicts -f https://raw.githubusercontent.com/argoproj/argo-cd/v{version}/manifests/install.yaml\n   ",
                                m = m.name,
                                argo = naming::ARGOCD_NAMESPACE,
                                version = crate::generate::argocd::ARGOCD_VERSION,
                            ),
                        },
                        deliver = match r.argocd() {
                            None => format!(
                                "kubectl --kubeconfig {m}.kubeconfig apply -k gitops/flux   # every cluster, from {m}\n   ",
                                m = m.name
                            ),
                            Some(a) => format!(
                                "export KUBECONFIG=$PWD/{m}.kubeconfig && kubectl config set-context --current --namespace={argo} && argocd login --core   # the argocd CLI, on {m}\n   \
                                 {repo}kubectl -n {k} wait helmrelease/cert-manager --for=condition=Ready --timeout=30m   # Kommander first\n   \
                                 kubectl apply -k gitops/argocd   # every cluster, from {m}\n   ",
                                m = m.name,
                                k = naming::KOMMANDER_NAMESPACE,
                                argo = naming::ARGOCD_NAMESPACE,
                                repo = if a.url.starts_with("ssh://") {
                                    format!(
                                        "argocd repo add {} --ssh-private-key-path <deploy key> --core   # Argo CD's Git credentials\n   ",
                                        a.url
                                    )
                                } else {
                                    String::new()
                                },
                            ),
                        },
                        ns = capa::namespace(m),
                        create_ns = if capa::namespace(m) == capa::DEFAULT_NAMESPACE {
                            String::new()
                        } else {
                            format!(
                                "kubectl create namespace {}   # the namespace of its Cluster API objects\n   ",
                                capa::namespace(m)
                            )
                        },
                    )),
                    // Created from Git by the management cluster: nothing to bootstrap.
                    None if management.is_some() => None,
                    None => Some(format!(
                        "**Bootstrap once**: on the cluster that holds the Cluster API objects,\n   \
                         `clusterctl init --infrastructure aws --addon helm` and `kubectl apply -k clusters/<cluster>/infrastructure`;\n   \
                         then in each cluster, {}.{}",
                        in_each_cluster(r),
                        held_elsewhere(r, &clusters)
                    )),
                };
                if let Some(text) = text.or(connect) {
                    step(&mut s, text);
                }
                let issuers: Vec<&str> = clusters
                    .iter()
                    .filter(|c| matches!(c.issuer, Some(ServiceAccountIssuer::SelfHosted { .. })))
                    .map(|c| c.name.as_str())
                    .collect();
                if !issuers.is_empty() {
                    step(
                        &mut s,
                        format!(
                            "**Publish the service-account issuer** of {} once each is up, and whenever its\n   \
                             signing key changes: the `aws s3 cp` commands of the IAM section below.",
                            issuers
                                .iter()
                                .map(|c| format!("`{c}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
            }
            Provider::Eks => step(
                &mut s,
                match (management, connect) {
                    (Some(_), Some(connect)) => connect,
                    (Some(m), None) => format!(
                        "**Bootstrap**: none of its own. The management cluster `{}` creates each EKS cluster from Git\n   \
                         (CAPA's EKS support); its IAM roles follow once the cluster exists (the IAM section below).",
                        m.name
                    ),
                    (None, _) => format!(
                        "**Bootstrap once**: on the cluster that holds the Cluster API objects, `clusterctl init\n   \
                         --infrastructure aws` and `kubectl apply -k clusters/<cluster>/infrastructure`; then in each\n   \
                         cluster, {}.{}",
                        in_each_cluster(r),
                        held_elsewhere(r, &clusters)
                    ),
                },
            ),
            Provider::Kops => {
                step(
                    &mut s,
                    format!(
                        "**Bootstrap once** with kOps: `kops replace` and `kops update cluster` (the kops section\n   \
                         below); {} then installs the rest from Git.",
                        if r.argocd().is_some() {
                            "Argo CD"
                        } else {
                            "Flux"
                        }
                    ),
                );
                if let Some(connect) = connect {
                    step(&mut s, connect);
                }
            }
        }
    }
    let _ = writeln!(
        s,
        "Machines have no SSH key (`sshKeyName: \"\"`): reach them through AWS Systems Manager."
    );
    s
}
