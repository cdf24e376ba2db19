//! GitOps with Argo CD (`gitops.argocd`), instead of Flux: the same folders delivered in the
//! same order, by Argo CD v3.5.1 (argoproj/argo-cd, tag v3.5.1). Per cluster:
//! - `gitops/argocd/<cluster>.yaml`: the cluster's root Application `<platform>-<cluster>`,
//!   which syncs `gitops/argocd/<cluster>/` (an app of apps);
//! - `gitops/argocd/<cluster>/applications.yaml`: one Application per folder of the cluster,
//!   each with its `argocd.argoproj.io/sync-wave`, in Flux's `dependsOn` order:
//!   `-infrastructure` (wave 0; capa and eks with a management cluster: the Cluster API
//!   objects, on the management cluster), `-namespaces` (1, in the cluster), `-releases`
//!   (2: the Helm Applications of `clusters/<cluster>/releases/`, themselves in waves,
//!   `releases::argocd`), `-addons` (3: the objects that need the releases' CRDs, in the
//!   cluster). A wave starts only once every resource of the waves before it is Healthy
//!   (docs/user-guide/sync-waves.md, "How sync waves work?"), an Application included;
//! - `gitops/argocd/argocd-cm.yaml`: the Application health check Argo CD no longer has
//!   built in (removed in 1.8), which an app of apps ordered by sync waves needs: without it
//!   a child Application counts as Healthy as soon as it exists
//!   (docs/operator-manual/health.md, "Argocd App"; the Lua is that page's, verbatim).
//!   `kubectl apply` merges the key into Argo CD's `argocd-cm`, keeping its other keys.
//!   Since v3.4.0 a child's missing objects no longer make it unhealthy (controller/health.go,
//!   #25962): the unlimited retries, not the waves alone, apply an early object again once its
//!   CRD exists (ARCHITECTURE.md, "GitOps with Argo CD").
//!
//! Why Applications per cluster and not an ApplicationSet with the cluster generator: that
//! generator instantiates one template for every cluster Secret Argo CD has
//! (docs/operator-manual/applicationset/Generators-Cluster.md), but each cluster has its own
//! set of folders and releases; ordering the Applications an ApplicationSet makes needs
//! Progressive Syncs, a Beta feature that must be switched on
//! (docs/operator-manual/applicationset/Progressive-Syncs.md), while sync waves in an app of
//! apps are plain Argo CD; and the Applications are in Git, reviewable, before any cluster
//! is registered.
//!
//! With a management cluster Argo CD runs there (installed by the bootstrap, in namespace
//! `argocd`) and reaches each workload cluster by the name it is registered under
//! (`destination.name`; the README's `argocd cluster add`): Argo CD's cluster Secrets hold a
//! server URL and credentials in Argo CD's own format (docs/operator-manual/
//! declarative-setup.md, "Clusters"), not the kubeconfig Secret Cluster API keeps, and
//! secrets never enter the tree. Without one, each cluster's own Argo CD applies its files
//! (`in-cluster`; no infrastructure: the cluster cannot create itself).
//!
//! Like Flux's generator this runs last: a folder without objects gets no Application.

use serde_json::{Map, Value};

use super::releases::argocd::{self as apps, API, FINALIZER, IN_CLUSTER, SYNC_WAVE};
use super::{Content, GenError, Origin, Output, Source, capa};
use crate::blueprint::model::Provider;
use crate::json::json;
use crate::naming;
use crate::resolve::{Resolved, ResolvedCluster};

const GENERATOR: &str = "argocd";

/// The Argo CD release the Applications and the bootstrap's install manifests target (the
/// schemas in ../shared/schemas/argoproj.io are v3.5.1's).
pub const ARGOCD_VERSION: &str = "3.5.1";

/// The folders' waves (Flux: `-releases` depends on `-namespaces`, `-addons` on
/// `-releases`; the infrastructure comes first so that the cluster exists).
pub const WAVE_INFRASTRUCTURE: u32 = 0;
pub const WAVE_NAMESPACES: u32 = 1;
pub const WAVE_RELEASES: u32 = 2;
pub const WAVE_ADDONS: u32 = 3;

/// docs/operator-manual/health.md, "Argocd App" (argo-cd v3.5.1), verbatim.
const APPLICATION_HEALTH_KEY: &str = "resource.customizations.health.argoproj.io_Application";
const APPLICATION_HEALTH_LUA: &str = "hs = {}
hs.status = \"Progressing\"
hs.message = \"\"
if obj.status ~= nil then
  if obj.status.health ~= nil then
    hs.status = obj.status.health.status
    if obj.status.health.message ~= nil then
      hs.message = obj.status.health.message
    end
  end
end
return hs
";

pub fn generate(r: &Resolved, out: &mut Output) -> Result<(), GenError> {
    if r.argocd().is_none() {
        return Ok(());
    }
    let management = r.management_cluster().is_some();
    let mut any = false;
    for c in &r.clusters {
        let has = |dir: String| has_objects(out, &dir);
        let folders = [
            (
                naming::flux_infrastructure_name(&r.platform, &c.name),
                format!("{}/infrastructure", naming::cluster_dir(&c.name)),
                WAVE_INFRASTRUCTURE,
                false,
                management && c.provider != Provider::Kops,
            ),
            (
                naming::flux_namespaces_name(&r.platform, &c.name),
                naming::namespaces_dir(&c.name),
                WAVE_NAMESPACES,
                true,
                true,
            ),
            (
                naming::flux_releases_name(&r.platform, &c.name),
                naming::releases_dir(&c.name),
                WAVE_RELEASES,
                false,
                true,
            ),
            (
                naming::flux_kustomization_name(&r.platform, &c.name),
                naming::addons_dir(&c.name),
                WAVE_ADDONS,
                true,
                true,
            ),
        ];
        let remote = management && !c.management;
        let objects: Vec<Value> = folders
            .into_iter()
            .filter(|(_, dir, _, _, wanted)| *wanted && has(dir.clone()))
            .map(|(name, dir, wave, in_cluster, _)| {
                folder_application(r, c, &name, &dir, wave, in_cluster && remote)
            })
            .collect();
        if objects.is_empty() {
            continue;
        }
        any = true;
        let origin = || Origin::cluster(&c.name).with("argocd", Source::path("spec.gitops.argocd"));
        out.origin(origin())
            .objects(naming::argocd_apps_path(&c.name), GENERATOR, objects)?;
        out.origin(origin()).objects(
            naming::argocd_root_path(&c.name),
            GENERATOR,
            vec![root_application(r, c)],
        )?;
    }
    if any {
        out.origin(Origin::platform().with("argocd", Source::path("spec.gitops.argocd")))
            .objects(naming::ARGOCD_CM_PATH, GENERATOR, vec![health_check()])?;
    }
    Ok(())
}

/// Whether a folder holds Kubernetes objects (so a kustomization): Argo CD would otherwise
/// apply its other files (Helm values) as if they were manifests.
fn has_objects(out: &Output, dir: &str) -> bool {
    let prefix = format!("{dir}/");
    out.files_under(&prefix)
        .any(|(_, file)| matches!(file.content, Content::Objects(_)))
}

fn metadata(r: &Resolved, c: &ResolvedCluster, name: &str, wave: Option<u32>) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), json!(name));
    m.insert("namespace".into(), json!(naming::ARGOCD_NAMESPACE));
    m.insert(
        "labels".into(),
        Value::Object(naming::labels(&r.platform, Some(&c.name), None)),
    );
    if let Some(wave) = wave {
        m.insert("annotations".into(), json!({SYNC_WAVE: wave.to_string()}));
    }
    m.insert("finalizers".into(), json!([FINALIZER]));
    Value::Object(m)
}

/// The Git source of a folder of the tree.
fn source(r: &Resolved, dir: &str) -> Value {
    json!({
        "repoURL": r.argocd().map(|a| a.url.as_str()).unwrap_or_default(),
        "targetRevision": r.argocd_branch(),
        "path": apps::repo_path(r.argocd_path(), dir),
    })
}

/// The Application of one folder of a cluster. `in_cluster` folders (namespaces, addons)
/// go to the cluster itself, the others (infrastructure, the releases' Applications) where
/// Argo CD runs.
fn folder_application(
    r: &Resolved,
    c: &ResolvedCluster,
    name: &str,
    dir: &str,
    wave: u32,
    remote: bool,
) -> Value {
    let mut destination = Map::new();
    destination.insert(
        "name".into(),
        json!(if remote { c.name.as_str() } else { IN_CLUSTER }),
    );
    if dir == naming::releases_dir(&c.name) {
        destination.insert("namespace".into(), json!(naming::ARGOCD_NAMESPACE));
    } else if dir.ends_with("/infrastructure") {
        destination.insert("namespace".into(), json!(capa::namespace(c)));
    }
    json!({
        "apiVersion": API,
        "kind": "Application",
        "metadata": metadata(r, c, name, Some(wave)),
        "spec": {
            "project": r.argocd_project(),
            "destination": destination,
            "source": source(r, dir),
            "syncPolicy": apps::sync_policy(&[]),
        },
    })
}

/// The root Application of a cluster: syncs `gitops/argocd/<cluster>/` where Argo CD runs.
fn root_application(r: &Resolved, c: &ResolvedCluster) -> Value {
    let dir = naming::argocd_apps_path(&c.name);
    let dir = dir.rsplit_once('/').map_or(dir.as_str(), |(d, _)| d);
    json!({
        "apiVersion": API,
        "kind": "Application",
        "metadata": metadata(r, c, &naming::flux_source_name(&r.platform, &c.name), None),
        "spec": {
            "project": r.argocd_project(),
            "destination": {"name": IN_CLUSTER, "namespace": naming::ARGOCD_NAMESPACE},
            "source": source(r, dir),
            "syncPolicy": apps::sync_policy(&[]),
        },
    })
}

/// `argocd-cm` with the Application health check, labelled as Argo CD's install labels it.
fn health_check() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": "argocd-cm",
            "namespace": naming::ARGOCD_NAMESPACE,
            "labels": {
                "app.kubernetes.io/name": "argocd-cm",
                "app.kubernetes.io/part-of": "argocd",
            },
        },
        "data": {APPLICATION_HEALTH_KEY: APPLICATION_HEALTH_LUA},
    })
}

/// The README's `## GitOps (gitops/argocd/)` section: where Argo CD runs, what applies what,
/// and what the management cluster's own engine is.
pub fn readme_section(r: &Resolved) -> String {
    let mut s = String::from("\n## GitOps (`gitops/argocd/`)\n\n");
    match r.management_cluster() {
        Some(m) => s.push_str(&format!(
            "- Argo CD {ARGOCD_VERSION} runs on `{m}` (namespace `{ns}`): `kubectl apply -k gitops/argocd` there\n  \
             delivers every cluster, `{m}` included (`in-cluster`): one root Application per cluster\n  \
             (`gitops/argocd/<cluster>.yaml`), its folders' Applications in sync waves (see Bring-up),\n  \
             and the Application health check in `argocd-cm` that makes the waves wait.\n\
             - Workload clusters are reached by the name they are registered under with `argocd cluster add`\n  \
             (Steps that are not files): Argo CD's cluster Secrets are not Cluster API's kubeconfig Secrets.\n\
             - No Flux objects are rendered: platc's objects, `{m}`'s included, are Argo CD's. Kommander\n  \
             still delivers its own apps on `{m}` as the HelmReleases of the Flux it brings (its Installation,\n  \
             `platform/installation.yaml`, is unchanged); none of them is also an Application.\n",
            m = m.name,
            ns = naming::ARGOCD_NAMESPACE,
        )),
        None => s.push_str(
            "- Each cluster's own Argo CD applies its root Application and the health check:\n  \
             `kubectl apply -f gitops/argocd/argocd-cm.yaml -f gitops/argocd/<cluster>.yaml`. No Flux objects are rendered.\n",
        ),
    }
    s.push_str(&format!(
        "- Every Application is in the AppProject `{}`; the repository is `{}` (branch `{}`).\n",
        r.argocd_project(),
        r.argocd().map(|a| a.url.as_str()).unwrap_or_default(),
        r.argocd_branch()
    ));
    s
}
