//! Writing objects back as a multi-document YAML stream that [`load_str`](super::load_str)
//! reads into the same objects.

use serde::Serialize;

use super::{Object, ObjectKind};

/// A document: `apiVersion`, `kind`, then the object's own fields.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'a, T: Serialize> {
    api_version: &'static str,
    kind: &'static str,
    #[serde(flatten)]
    object: &'a T,
}

fn document<T: Serialize>(api_version: &'static str, kind: &'static str, object: &T) -> String {
    serde_saphyr::to_string(&Document {
        api_version,
        kind,
        object,
    })
    .unwrap_or_default()
}

/// The YAML of one object.
pub fn object_to_yaml(object: &Object) -> String {
    let kind = object.kind.kind_name();
    match &object.kind {
        ObjectKind::Node(o) => document("v1", kind, o),
        ObjectKind::Pod(o) => document("v1", kind, o),
        ObjectKind::Namespace(o) => document("v1", kind, o),
        ObjectKind::Deployment(o) | ObjectKind::ReplicaSet(o) | ObjectKind::StatefulSet(o) => {
            document("apps/v1", kind, o)
        }
        ObjectKind::DaemonSet(o) => document("apps/v1", kind, o),
        ObjectKind::Job(o) => document("batch/v1", kind, o),
        ObjectKind::PriorityClass(o) => document("scheduling.k8s.io/v1", kind, o),
        ObjectKind::NodePool(o) => document("podplan.dev/v1alpha1", kind, o),
    }
}

/// A multi-document stream of `objects`.
pub fn to_yaml(objects: &[Object]) -> String {
    objects
        .iter()
        .map(|o| format!("---\n{}", object_to_yaml(o)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::load_str;
    use super::*;

    #[test]
    fn written_objects_load_back_unchanged() {
        let text = "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {zone: a}}\nspec: {taints: [{key: k, value: v, effect: NoSchedule}]}\nstatus: {allocatable: {cpu: 1500m, memory: 1.5Gi, pods: 110}}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: prod}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      tolerations: [{key: k, operator: Exists}]\n      affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: zone, labelSelector: {matchExpressions: [{key: app, operator: In, values: [web]}]}}]}}\n      containers: [{name: c, resources: {requests: {cpu: 100m}, limits: {memory: 1Gi}}, ports: [{containerPort: 80, hostPort: 8080, protocol: UDP}]}]\n";
        let first = load_str("a.yaml", text).unwrap();
        let written = to_yaml(&first.objects);
        let second = load_str("b.yaml", &written).unwrap_or_else(|e| panic!("{e}\n{written}"));
        let kinds =
            |l: &super::super::Loaded| l.objects.iter().map(|o| o.kind.clone()).collect::<Vec<_>>();
        assert_eq!(kinds(&first), kinds(&second), "{written}");
    }
}
