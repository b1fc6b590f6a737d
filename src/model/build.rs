//! From loaded objects to a [`Problem`]: API-server defaulting, controllers expanded into pod
//! groups, running pods attributed to their controllers, DaemonSets placed per node.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::resources::{self, ResourceTable};
use super::{
    AffinityTerm, FixedPod, GroupKind, HostPort, ModelError, Node, NodePool, PodGroup, PodTemplate,
    Problem, SpreadConstraint, WeightedTerm,
};
use crate::manifest::types::{
    self, InclusionPolicy, LabelSelectorOperator, LabelSelectorRequirement, NodeSelector,
    NodeSelectorOperator, NodeSelectorRequirement, NodeSelectorTerm, ObjectMeta, PodSpec, Protocol,
    TaintEffectFilter, Toleration, TolerationOperator, WhenUnsatisfiable,
};
use crate::manifest::{Loaded, Note, Object, ObjectKind, Origin};
use crate::rules;

/// Built-in priority classes.
const BUILTIN_PRIORITIES: [(&str, i32); 2] = [
    ("system-node-critical", 2_000_001_000),
    ("system-cluster-critical", 2_000_000_000),
];

/// kubelet's default `maxPods`, used for nodes whose allocatable has no `pods` entry.
pub const DEFAULT_MAX_PODS: i64 = 110;

/// The nodes a pool offers when it gives no `maxCount`.
pub const DEFAULT_POOL_MAX_COUNT: usize = 10;

impl Problem {
    /// Builds the problem from loaded manifests. Notes from loading are kept, and modelling adds
    /// its own (defaults chosen, pods ignored, lenient readings).
    pub fn from_loaded(loaded: &Loaded) -> Result<Problem, ModelError> {
        ProblemAssembly::new(loaded).run()
    }
}

/// A template before the resource table is known.
struct Draft {
    template: PodTemplate,
    requests: BTreeMap<String, i64>,
}

struct ProblemAssembly<'a> {
    loaded: &'a Loaded,
    notes: Vec<Note>,
    priorities: BTreeMap<String, i32>,
    default_priority: i32,
    namespaces: BTreeMap<String, BTreeMap<String, String>>,
    node_drafts: Vec<(Node, BTreeMap<String, i64>)>,
}

/// A controller in the input, as a group under construction.
struct Controller<'a> {
    object: &'a Object,
    kind: GroupKind,
    name: String,
    namespace: String,
    desired: usize,
    spec: &'a PodSpec,
    labels: BTreeMap<String, String>,
    running: Vec<usize>,
    pending_pods: Vec<String>,
    managed_by: Option<(String, String)>,
}

impl<'a> ProblemAssembly<'a> {
    fn new(loaded: &'a Loaded) -> Self {
        ProblemAssembly {
            loaded,
            notes: loaded.notes.clone(),
            priorities: BUILTIN_PRIORITIES
                .iter()
                .map(|(n, v)| (n.to_string(), *v))
                .collect(),
            default_priority: 0,
            namespaces: BTreeMap::new(),
            node_drafts: Vec::new(),
        }
    }

    fn note(&mut self, origin: &Origin, message: String) {
        self.notes.push(Note {
            origin: origin.clone(),
            message,
        });
    }

    fn run(mut self) -> Result<Problem, ModelError> {
        let objects = &self.loaded.objects;
        // Priority classes and namespaces first: every pod needs them.
        for object in objects {
            match &object.kind {
                ObjectKind::PriorityClass(class) => {
                    self.priorities
                        .insert(class.metadata.name.clone(), class.value);
                    if class.global_default {
                        self.default_priority = class.value;
                    }
                }
                ObjectKind::Namespace(ns) => {
                    let mut labels = ns.metadata.labels.clone();
                    labels.insert(
                        "kubernetes.io/metadata.name".into(),
                        ns.metadata.name.clone(),
                    );
                    self.namespaces.insert(ns.metadata.name.clone(), labels);
                }
                _ => {}
            }
        }
        for object in objects {
            if object.kind.is_namespaced() {
                let ns = object.kind.metadata().namespace.clone();
                self.namespaces.entry(ns.clone()).or_insert_with(|| {
                    BTreeMap::from([("kubernetes.io/metadata.name".to_string(), ns)])
                });
            }
        }
        for object in objects {
            if let ObjectKind::Node(node) = &object.kind {
                let draft = self.node(object, node)?;
                self.node_drafts.push(draft);
            }
        }
        let node_index: BTreeMap<String, usize> = self
            .node_drafts
            .iter()
            .enumerate()
            .map(|(i, (n, _))| (n.name.clone(), i))
            .collect();

        // Controllers.
        let mut controllers: Vec<Controller<'a>> = Vec::new();
        for object in objects {
            if let Some(controller) = self.controller(object)? {
                controllers.push(controller);
            }
        }
        let controller_index: BTreeMap<(String, String, GroupKind), usize> = controllers
            .iter()
            .enumerate()
            .map(|(i, c)| ((c.namespace.clone(), c.name.clone(), c.kind), i))
            .collect();
        // ReplicaSets owned by a Deployment in the input are that Deployment's pods.
        for controller in &mut controllers {
            if controller.kind == GroupKind::ReplicaSet
                && let Some(owner) = controller_owner(controller.object.kind.metadata())
                && owner.0 == "Deployment"
                && controller_index.contains_key(&(
                    controller.namespace.clone(),
                    owner.1.clone(),
                    GroupKind::Deployment,
                ))
            {
                controller.managed_by = Some(owner);
            }
        }

        // Pods: fixed or pending, attributed to controllers.
        let mut fixed_drafts: Vec<(String, Draft, usize, bool, Option<usize>, Origin)> = Vec::new();
        let mut bare_pods: Vec<(&'a Object, &'a types::Pod)> = Vec::new();
        for object in objects {
            let ObjectKind::Pod(pod) = &object.kind else {
                continue;
            };
            let meta = &pod.metadata;
            let id = format!("{}/{}", meta.namespace, meta.name);
            if matches!(pod.status.phase.as_str(), "Succeeded" | "Failed") {
                let message = format!(
                    "pod `{id}` ignored: phase {} (finished pods hold nothing)",
                    pod.status.phase
                );
                self.note(&object.origin, message);
                continue;
            }
            let owner = self.find_owner(meta, &controllers, &controller_index);
            if pod.spec.node_name.is_empty() {
                match owner {
                    Some(index) => controllers[index].pending_pods.push(meta.name.clone()),
                    None => bare_pods.push((object, pod)),
                }
                continue;
            }
            let Some(&node) = node_index.get(&pod.spec.node_name) else {
                return Err(ModelError::UnknownNode {
                    origin: object.field_origin("spec.nodeName"),
                    pod: id,
                    node: pod.spec.node_name.clone(),
                });
            };
            let draft = self.template(object, &pod.spec, meta, &meta.labels, "spec")?;
            if let Some(index) = owner {
                controllers[index].running.push(fixed_drafts.len());
            }
            fixed_drafts.push((
                meta.name.clone(),
                draft,
                node,
                meta.deletion_timestamp.is_some(),
                owner,
                object.origin.clone(),
            ));
        }

        // Resource table: every name any node or pod mentions.
        let mut names: BTreeSet<String> = BTreeSet::new();
        for (_, allocatable) in &self.node_drafts {
            names.extend(allocatable.keys().cloned());
        }
        for (_, draft, ..) in &fixed_drafts {
            names.extend(draft.requests.keys().cloned());
        }
        // Groups (templates drafted now so that their resources join the table).
        struct GroupDraft {
            name: String,
            kind: GroupKind,
            draft: Draft,
            spec: Arc<PodSpec>,
            pod_names: Vec<String>,
            running: Vec<usize>,
            blocked: Option<String>,
            daemon_node: Option<usize>,
            daemon_of: Option<usize>,
            origin: Origin,
            /// Index of the source object: groups are queued in input order.
            order: usize,
        }
        let object_order: BTreeMap<*const Object, usize> = objects
            .iter()
            .enumerate()
            .map(|(i, o)| (o as *const Object, i))
            .collect();
        let order_of = |object: &Object| object_order[&(object as *const Object)];
        let mut group_drafts: Vec<GroupDraft> = Vec::new();
        let mut daemon_controllers: Vec<usize> = Vec::new();
        let mut used_names: BTreeSet<(String, String)> = objects
            .iter()
            .filter(|o| matches!(o.kind, ObjectKind::Pod(_)))
            .map(|o| {
                let meta = o.kind.metadata();
                (meta.namespace.clone(), meta.name.clone())
            })
            .collect();
        // Pods of a managed ReplicaSet move to its Deployment.
        for index in 0..controllers.len() {
            if let Some((_, deployment)) = controllers[index].managed_by.clone() {
                let target = controller_index[&(
                    controllers[index].namespace.clone(),
                    deployment,
                    GroupKind::Deployment,
                )];
                let running = std::mem::take(&mut controllers[index].running);
                let pending = std::mem::take(&mut controllers[index].pending_pods);
                controllers[target].running.extend(running);
                controllers[target].pending_pods.extend(pending);
                let message = format!(
                    "ReplicaSet `{}/{}` is managed by a Deployment in the input; its pods count \
                     toward the Deployment",
                    controllers[index].namespace, controllers[index].name
                );
                let origin = controllers[index].object.origin.clone();
                self.note(&origin, message);
            }
        }
        for (index, controller) in controllers.iter().enumerate() {
            if controller.managed_by.is_some() {
                continue;
            }
            if controller.kind == GroupKind::DaemonSet {
                // Expanded per node once the pool candidates exist.
                daemon_controllers.push(index);
                continue;
            }
            let object = controller.object;
            let draft = self.template(
                object,
                controller.spec,
                controller.object.kind.metadata(),
                &controller.labels,
                "spec.template.spec",
            )?;
            let running_count = controller.running.len();
            let pending = controller
                .desired
                .saturating_sub(running_count)
                .max(controller.pending_pods.len());
            if running_count > controller.desired {
                let message = format!(
                    "{:?} `{}/{}` wants {} pods but {} are running; the extra ones stay",
                    controller.kind,
                    controller.namespace,
                    controller.name,
                    controller.desired,
                    running_count
                );
                self.note(&object.origin, message);
            }
            let mut pod_names: Vec<String> = controller
                .pending_pods
                .iter()
                .take(pending)
                .cloned()
                .collect();
            let mut ordinal = 0usize;
            while pod_names.len() < pending {
                let candidate = format!("{}-{}", controller.name, ordinal);
                ordinal += 1;
                if used_names.insert((controller.namespace.clone(), candidate.clone())) {
                    pod_names.push(candidate);
                }
            }
            let blocked = blocked_reason(controller.spec);
            names.extend(draft.requests.keys().cloned());
            group_drafts.push(GroupDraft {
                name: controller.name.clone(),
                kind: controller.kind,
                draft,
                spec: Arc::new(controller.spec.clone()),
                pod_names,
                running: controller.running.clone(),
                blocked,
                daemon_node: None,
                daemon_of: None,
                origin: object.origin.clone(),
                order: order_of(object),
            });
        }
        for (object, pod) in bare_pods {
            let meta = &pod.metadata;
            let draft = self.template(object, &pod.spec, meta, &meta.labels, "spec")?;
            names.extend(draft.requests.keys().cloned());
            group_drafts.push(GroupDraft {
                name: meta.name.clone(),
                kind: GroupKind::Pod,
                draft,
                spec: Arc::new(pod.spec.clone()),
                pod_names: vec![meta.name.clone()],
                running: Vec::new(),
                blocked: blocked_reason(&pod.spec),
                daemon_node: None,
                daemon_of: None,
                origin: object.origin.clone(),
                order: order_of(object),
            });
        }

        // Node pools: candidate nodes, sized by the pods there are to place.
        let mut pools = Vec::new();
        let pending_total: usize = group_drafts.iter().map(|g| g.pod_names.len()).sum();
        let mut pool_nodes: Vec<(Node, BTreeMap<String, i64>)> = Vec::new();
        for object in objects {
            let ObjectKind::NodePool(pool) = &object.kind else {
                continue;
            };
            let allocatable =
                self.allocatable(object, &pool.spec.allocatable, "spec.allocatable")?;
            let price = pool
                .spec
                .price
                .map_or(1.0, |p| p.nanos() as f64 / 1_000_000_000.0);
            let max_count = pool
                .spec
                .max_count
                .map_or(DEFAULT_POOL_MAX_COUNT, |m| m as usize)
                .min(pending_total.max(1));
            let pool_index = pools.len();
            pools.push(NodePool {
                name: pool.metadata.name.clone(),
                price,
                max_count,
                origin: Some(object.origin.clone()),
            });
            for k in 0..max_count {
                let name = format!("{}-{}", pool.metadata.name, k);
                let mut labels = pool.spec.labels.clone();
                labels.insert("kubernetes.io/hostname".into(), name.clone());
                pool_nodes.push((
                    Node {
                        name,
                        labels,
                        taints: pool.spec.taints.clone(),
                        unschedulable: false,
                        allocatable: Vec::new(),
                        cost: price,
                        pool: Some(pool_index),
                        origin: Some(object.origin.clone()),
                    },
                    allocatable.clone(),
                ));
            }
        }
        for (node, allocatable) in &pool_nodes {
            names.extend(allocatable.keys().cloned());
            if node_index.contains_key(&node.name) {
                return Err(ModelError::InvalidField {
                    origin: node
                        .origin
                        .clone()
                        .unwrap_or_else(|| self.fallback_origin()),
                    path: "metadata.name".into(),
                    message: format!(
                        "node pool candidate `{}` has the name of an existing node",
                        node.name
                    ),
                });
            }
        }
        self.node_drafts.extend(pool_nodes);

        // DaemonSets: one pod per eligible node without one.
        for controller_index_of_ds in &daemon_controllers {
            let controller = &controllers[*controller_index_of_ds];
            let base = self.template(
                controller.object,
                controller.spec,
                controller.object.kind.metadata(),
                &controller.labels,
                "spec.template.spec",
            )?;
            let mut base_template = base.template;
            add_daemonset_tolerations(&mut base_template, controller.spec.host_network);
            let covered: BTreeSet<usize> = controller
                .running
                .iter()
                .map(|&f| fixed_drafts[f].2)
                .collect();
            names.extend(base.requests.keys().cloned());
            for (node_id, (node, _)) in self.node_drafts.iter().enumerate() {
                if covered.contains(&node_id) || !daemon_eligible(&base_template, node) {
                    continue;
                }
                let mut template = base_template.clone();
                template.required_node_affinity = Some(pin_to_node(&node.name));
                let pod_name = format!("{}-{}", controller.name, node.name);
                group_drafts.push(GroupDraft {
                    name: controller.name.clone(),
                    kind: GroupKind::DaemonSet,
                    spec: Arc::new(controller.spec.clone()),
                    draft: Draft {
                        template,
                        requests: base.requests.clone(),
                    },
                    pod_names: vec![pod_name],
                    running: Vec::new(),
                    blocked: blocked_reason(controller.spec),
                    daemon_node: Some(node_id),
                    daemon_of: Some(*controller_index_of_ds),
                    origin: controller.object.origin.clone(),
                    order: order_of(controller.object),
                });
            }
        }

        group_drafts.sort_by_key(|g| g.order);
        // Assemble with the final resource table.
        let table = ResourceTable::with(names);
        let nodes: Vec<Node> = self
            .node_drafts
            .iter()
            .map(|(node, allocatable)| Node {
                allocatable: table.vector(allocatable),
                ..node.clone()
            })
            .collect();
        let mut fixed_pods: Vec<FixedPod> = fixed_drafts
            .into_iter()
            .map(|(name, draft, node, terminating, _, origin)| FixedPod {
                name,
                template: Arc::new(finish(draft, &table)),
                node,
                terminating,
                group: None,
                origin: Some(origin),
            })
            .collect();
        let mut groups = Vec::with_capacity(group_drafts.len());
        for (group_id, draft) in group_drafts.into_iter().enumerate() {
            for &fixed in &draft.running {
                fixed_pods[fixed].group = Some(group_id);
            }
            let running =
                draft.running.len() + draft.daemon_of.map_or(0, |c| controllers[c].running.len());
            groups.push(PodGroup {
                name: draft.name,
                kind: draft.kind,
                template: Arc::new(finish(draft.draft, &table)),
                spec: draft.spec,
                pod_names: draft.pod_names,
                running,
                blocked: draft.blocked,
                daemon_node: draft.daemon_node,
                origin: Some(draft.origin),
            });
        }
        Ok(Problem {
            resources: table,
            nodes,
            namespaces: self.namespaces,
            fixed_pods,
            groups,
            pools,
            notes: self.notes,
        })
    }

    fn fallback_origin(&self) -> Origin {
        Origin {
            file: "<input>".into(),
            position: Default::default(),
        }
    }

    fn allocatable(
        &mut self,
        object: &Object,
        list: &types::ResourceList,
        path: &str,
    ) -> Result<BTreeMap<String, i64>, ModelError> {
        resources::allocatable_integers(list).ok_or_else(|| ModelError::InvalidField {
            origin: object.origin.clone(),
            path: path.into(),
            message: "a quantity does not fit in 64 bits".into(),
        })
    }

    fn node(
        &mut self,
        object: &Object,
        node: &types::Node,
    ) -> Result<(Node, BTreeMap<String, i64>), ModelError> {
        let name = &node.metadata.name;
        let (list, path) = match (&node.status.allocatable, &node.status.capacity) {
            (Some(allocatable), _) => (allocatable.clone(), "status.allocatable"),
            (None, Some(capacity)) => {
                let message =
                    format!("node `{name}` has no status.allocatable; its status.capacity is used");
                self.note(&object.origin, message);
                (capacity.clone(), "status.capacity")
            }
            (None, None) => {
                let message = format!(
                    "node `{name}` has neither status.allocatable nor status.capacity: it has \
                     no cpu or memory, and accepts only pods that request none"
                );
                self.note(&object.origin, message);
                (types::ResourceList::new(), "status")
            }
        };
        let mut allocatable = self.allocatable(object, &list, path)?;
        if !allocatable.contains_key("pods") {
            let message = format!(
                "node `{name}` lists no `pods` allocatable; kubelet's default of \
                 {DEFAULT_MAX_PODS} is used"
            );
            self.note(&object.origin, message);
            allocatable.insert("pods".into(), DEFAULT_MAX_PODS);
        }
        let unknown: Vec<&String> = list
            .keys()
            .filter(|n| resources::classify(n) == resources::ResourceClass::Ignored)
            .collect();
        if !unknown.is_empty() {
            let message = format!(
                "node `{name}`: resources {unknown:?} are not scheduler resources and are ignored"
            );
            self.note(&object.origin, message);
        }
        Ok((
            Node {
                name: name.clone(),
                labels: node.metadata.labels.clone(),
                taints: node.spec.taints.clone(),
                unschedulable: node.spec.unschedulable,
                allocatable: Vec::new(),
                cost: 1.0,
                pool: None,
                origin: Some(object.origin.clone()),
            },
            allocatable,
        ))
    }

    fn controller(&mut self, object: &'a Object) -> Result<Option<Controller<'a>>, ModelError> {
        let meta = object.kind.metadata();
        let (kind, desired, template, selector) = match &object.kind {
            ObjectKind::Deployment(d) | ObjectKind::ReplicaSet(d) | ObjectKind::StatefulSet(d) => (
                match object.kind {
                    ObjectKind::Deployment(_) => GroupKind::Deployment,
                    ObjectKind::ReplicaSet(_) => GroupKind::ReplicaSet,
                    _ => GroupKind::StatefulSet,
                },
                d.spec.replicas.unwrap_or(1) as usize,
                &d.spec.template,
                d.spec.selector.as_ref(),
            ),
            ObjectKind::DaemonSet(d) => (
                GroupKind::DaemonSet,
                0,
                &d.spec.template,
                d.spec.selector.as_ref(),
            ),
            ObjectKind::Job(job) => {
                let complete = job.status.conditions.iter().any(|c| {
                    matches!(c.condition_type.as_str(), "Complete" | "Failed") && c.status == "True"
                });
                let desired = if complete {
                    let message = format!(
                        "Job `{}/{}` has finished; it creates no pods",
                        meta.namespace, meta.name
                    );
                    self.note(&object.origin, message);
                    0
                } else if job.spec.suspend == Some(true) {
                    let message = format!(
                        "Job `{}/{}` is suspended; it creates no pods",
                        meta.namespace, meta.name
                    );
                    self.note(&object.origin, message);
                    0
                } else {
                    let parallelism = job.spec.parallelism.unwrap_or(1);
                    let remaining = job
                        .spec
                        .completions
                        .map_or(parallelism, |c| c - job.status.succeeded.unwrap_or(0));
                    parallelism.min(remaining).max(0) as usize
                };
                (GroupKind::Job, desired, &job.spec.template, None)
            }
            _ => return Ok(None),
        };
        let id = format!("{}/{}", meta.namespace, meta.name);
        let mut labels = template.metadata.labels.clone();
        match kind {
            GroupKind::Deployment
            | GroupKind::ReplicaSet
            | GroupKind::StatefulSet
            | GroupKind::DaemonSet => match selector {
                None => {
                    let message = format!(
                        "{kind:?} `{id}` has no spec.selector (the API server would reject \
                             it); running pods are matched by ownerReferences only"
                    );
                    self.note(&object.origin, message);
                }
                Some(selector) if !rules::label_selector::matches(Some(selector), &labels) => {
                    let message = format!(
                        "{kind:?} `{id}`: spec.selector does not match the template's labels \
                             (the API server would reject it)"
                    );
                    self.note(&object.origin, message);
                }
                Some(_) => {}
            },
            _ => {}
        }
        if kind == GroupKind::Deployment {
            labels
                .entry("pod-template-hash".into())
                .or_insert_with(|| short_hash(&id));
        }
        if kind == GroupKind::Job {
            labels.insert("job-name".into(), meta.name.clone());
            labels.insert("batch.kubernetes.io/job-name".into(), meta.name.clone());
        }
        Ok(Some(Controller {
            object,
            kind,
            name: meta.name.clone(),
            namespace: meta.namespace.clone(),
            desired,
            spec: &template.spec,
            labels,
            running: Vec::new(),
            pending_pods: Vec::new(),
            managed_by: None,
        }))
    }

    /// The controller in the input that owns a pod, if any.
    fn find_owner(
        &self,
        meta: &ObjectMeta,
        controllers: &[Controller<'_>],
        index: &BTreeMap<(String, String, GroupKind), usize>,
    ) -> Option<usize> {
        let (kind, name) = controller_owner(meta)?;
        let ns = meta.namespace.clone();
        let direct =
            |kind: GroupKind, name: &str| index.get(&(ns.clone(), name.to_string(), kind)).copied();
        match kind.as_str() {
            "ReplicaSet" => direct(GroupKind::ReplicaSet, &name).or_else(|| {
                // `<deployment>-<pod-template-hash>` of a Deployment whose ReplicaSet is absent.
                let (deployment, hash) = name.rsplit_once('-')?;
                if hash.is_empty() || !hash.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return None;
                }
                direct(GroupKind::Deployment, deployment)
            }),
            "StatefulSet" => direct(GroupKind::StatefulSet, &name),
            "DaemonSet" => direct(GroupKind::DaemonSet, &name),
            "Job" => direct(GroupKind::Job, &name),
            _ => None,
        }
        .filter(|&i| controllers[i].namespace == meta.namespace)
    }

    /// A pod template with every default applied.
    fn template(
        &mut self,
        object: &Object,
        spec: &PodSpec,
        meta: &ObjectMeta,
        labels: &BTreeMap<String, String>,
        spec_path: &str,
    ) -> Result<Draft, ModelError> {
        let origin = &object.origin;
        let invalid = |path: String, message: String| ModelError::InvalidField {
            origin: origin.clone(),
            path,
            message,
        };
        let requests = resources::effective_request(spec).ok_or_else(|| {
            invalid(
                format!("{spec_path}.containers"),
                "the pod's requests do not fit in 64 bits".into(),
            )
        })?;
        if spec.containers.is_empty() {
            let message = format!(
                "`{}/{}` has no containers (the API server would reject it; a kustomize \
                 patch?): its pods request nothing",
                meta.namespace, meta.name
            );
            self.note(origin, message);
        }
        let ignored = resources::ignored_names(spec);
        if !ignored.is_empty() {
            let message = format!(
                "`{}/{}`: resources {ignored:?} are neither native nor domain-prefixed (the API \
                 server would reject them); the scheduler ignores them",
                meta.namespace, meta.name
            );
            self.note(origin, message);
        }
        let (nonzero_cpu, nonzero_memory) = resources::nonzero_request(spec);
        let priority = match (&spec.priority, spec.priority_class_name.as_str()) {
            (Some(p), _) => *p,
            (None, "") => self.default_priority,
            (None, class) => match self.priorities.get(class) {
                Some(value) => *value,
                None => {
                    let message = format!(
                        "`{}/{}`: priorityClassName `{class}` is not in the input; priority {} is \
                         used",
                        meta.namespace, meta.name, self.default_priority
                    );
                    self.note(origin, message);
                    self.default_priority
                }
            },
        };
        let affinity = spec.affinity.clone().unwrap_or_default();
        let node_affinity = affinity.node_affinity.unwrap_or_default();
        let pod_affinity = affinity.pod_affinity.unwrap_or_default();
        let pod_anti_affinity = affinity.pod_anti_affinity.unwrap_or_default();
        let term = |t: &types::PodAffinityTerm| merge_term(t, labels);
        let mut spread = Vec::new();
        for (index, constraint) in spec.topology_spread_constraints.iter().enumerate() {
            if constraint.max_skew < 1 {
                return Err(invalid(
                    format!("{spec_path}.topologySpreadConstraints[{index}].maxSkew"),
                    format!("maxSkew must be at least 1, not {}", constraint.max_skew),
                ));
            }
            let mut selector = constraint.label_selector.clone();
            if let Some(selector) = &mut selector {
                for key in &constraint.match_label_keys {
                    if let Some(value) = labels.get(key) {
                        selector.match_expressions.push(LabelSelectorRequirement {
                            key: key.clone(),
                            operator: LabelSelectorOperator::In,
                            values: vec![value.clone()],
                        });
                    }
                }
            }
            spread.push(SpreadConstraint {
                max_skew: constraint.max_skew,
                topology_key: constraint.topology_key.clone(),
                hard: constraint.when_unsatisfiable == WhenUnsatisfiable::DoNotSchedule,
                selector,
                min_domains: constraint.min_domains.unwrap_or(1).max(1),
                node_affinity_policy: constraint
                    .node_affinity_policy
                    .unwrap_or(InclusionPolicy::Honor),
                node_taints_policy: constraint
                    .node_taints_policy
                    .unwrap_or(InclusionPolicy::Ignore),
            });
        }
        let mut host_ports = Vec::new();
        let sidecars = spec
            .init_containers
            .iter()
            .filter(|c| c.restart_policy == "Always");
        for container in spec.containers.iter().chain(sidecars) {
            for port in &container.ports {
                let host_port = if port.host_port == 0 && spec.host_network {
                    port.container_port
                } else {
                    port.host_port
                };
                if host_port > 0 {
                    host_ports.push(HostPort {
                        ip: if port.host_ip.is_empty() {
                            "0.0.0.0".into()
                        } else {
                            port.host_ip.clone()
                        },
                        protocol: port.protocol.unwrap_or(Protocol::Tcp),
                        port: host_port,
                    });
                }
            }
        }
        let mut tolerations = spec.tolerations.clone();
        add_default_toleration_seconds(&mut tolerations);
        let template = PodTemplate {
            namespace: meta.namespace.clone(),
            labels: labels.clone(),
            requests: Vec::new(),
            nonzero_cpu,
            nonzero_memory,
            host_ports,
            node_selector: spec.node_selector.clone(),
            required_node_affinity: node_affinity.required.clone(),
            preferred_node_affinity: node_affinity.preferred.clone(),
            tolerations,
            affinity: pod_affinity.required.iter().map(term).collect(),
            anti_affinity: pod_anti_affinity.required.iter().map(term).collect(),
            preferred_affinity: pod_affinity
                .preferred
                .iter()
                .map(|w| WeightedTerm {
                    weight: w.weight,
                    term: term(&w.pod_affinity_term),
                })
                .collect(),
            preferred_anti_affinity: pod_anti_affinity
                .preferred
                .iter()
                .map(|w| WeightedTerm {
                    weight: w.weight,
                    term: term(&w.pod_affinity_term),
                })
                .collect(),
            spread,
            priority,
        };
        Ok(Draft { template, requests })
    }
}

/// The final template with its dense request vector.
fn finish(draft: Draft, table: &ResourceTable) -> PodTemplate {
    PodTemplate {
        requests: table.vector(&draft.requests),
        ..draft.template
    }
}

/// The `(kind, name)` of a pod's managing controller reference.
fn controller_owner(meta: &ObjectMeta) -> Option<(String, String)> {
    meta.owner_references
        .iter()
        .find(|o| o.controller == Some(true))
        .or_else(|| meta.owner_references.first())
        .map(|o| (o.kind.clone(), o.name.clone()))
}

/// Why a pod can never be scheduled by kube-scheduler, if it cannot.
fn blocked_reason(spec: &PodSpec) -> Option<String> {
    if !spec.scheduling_gates.is_empty() {
        let gates: Vec<&str> = spec
            .scheduling_gates
            .iter()
            .map(|g| g.name.as_str())
            .collect();
        return Some(format!("scheduling gated by {}", gates.join(", ")));
    }
    if !spec.scheduler_name.is_empty() && spec.scheduler_name != "default-scheduler" {
        return Some(format!(
            "schedulerName is `{}`; podplan plans for default-scheduler only",
            spec.scheduler_name
        ));
    }
    None
}

/// Applies `matchLabelKeys` / `mismatchLabelKeys` with the owning pod's labels (API-server
/// defaulting at pod creation); a nil selector stays nil.
fn merge_term(term: &types::PodAffinityTerm, labels: &BTreeMap<String, String>) -> AffinityTerm {
    let mut selector = term.label_selector.clone();
    if let Some(selector) = &mut selector {
        for (keys, operator) in [
            (&term.match_label_keys, LabelSelectorOperator::In),
            (&term.mismatch_label_keys, LabelSelectorOperator::NotIn),
        ] {
            for key in keys {
                if let Some(value) = labels.get(key) {
                    selector.match_expressions.push(LabelSelectorRequirement {
                        key: key.clone(),
                        operator,
                        values: vec![value.clone()],
                    });
                }
            }
        }
    }
    AffinityTerm {
        selector,
        namespaces: term.namespaces.clone(),
        namespace_selector: term.namespace_selector.clone(),
        topology_key: term.topology_key.clone(),
    }
}

/// The DefaultTolerationSeconds admission plugin: every pod tolerates `not-ready` and
/// `unreachable` (NoExecute) for 300 s unless it already says something about them.
fn add_default_toleration_seconds(tolerations: &mut Vec<Toleration>) {
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        let covered = tolerations.iter().any(|t| {
            (t.key == key || (t.key.is_empty() && t.operator == Some(TolerationOperator::Exists)))
                && matches!(
                    t.effect,
                    None | Some(TaintEffectFilter::All) | Some(TaintEffectFilter::NoExecute)
                )
        });
        if !covered {
            tolerations.push(Toleration {
                key: key.into(),
                operator: Some(TolerationOperator::Exists),
                value: String::new(),
                effect: Some(TaintEffectFilter::NoExecute),
                toleration_seconds: Some(300),
            });
        }
    }
}

/// The tolerations the DaemonSet controller adds to its pods.
fn add_daemonset_tolerations(template: &mut PodTemplate, host_network: bool) {
    let mut keys = vec![
        ("node.kubernetes.io/not-ready", TaintEffectFilter::NoExecute),
        (
            "node.kubernetes.io/unreachable",
            TaintEffectFilter::NoExecute,
        ),
        (
            "node.kubernetes.io/disk-pressure",
            TaintEffectFilter::NoSchedule,
        ),
        (
            "node.kubernetes.io/memory-pressure",
            TaintEffectFilter::NoSchedule,
        ),
        (
            "node.kubernetes.io/pid-pressure",
            TaintEffectFilter::NoSchedule,
        ),
        (
            "node.kubernetes.io/unschedulable",
            TaintEffectFilter::NoSchedule,
        ),
    ];
    if host_network {
        keys.push((
            "node.kubernetes.io/network-unavailable",
            TaintEffectFilter::NoSchedule,
        ));
    }
    for (key, effect) in keys {
        let toleration = Toleration {
            key: key.into(),
            operator: Some(TolerationOperator::Exists),
            value: String::new(),
            effect: Some(effect),
            toleration_seconds: None,
        };
        if !template.tolerations.contains(&toleration) {
            template.tolerations.push(toleration);
        }
    }
}

/// Whether the DaemonSet controller would create a pod for this node: node selector and
/// affinity match, and every NoSchedule/NoExecute taint is tolerated.
fn daemon_eligible(template: &PodTemplate, node: &Node) -> bool {
    rules::node_affinity::matches(template, node)
        && rules::taints::first_untolerated(&node.taints, &template.tolerations).is_none()
}

/// The node affinity the DaemonSet controller writes: `matchFields metadata.name In [node]`.
fn pin_to_node(node: &str) -> NodeSelector {
    NodeSelector {
        node_selector_terms: vec![NodeSelectorTerm {
            match_expressions: Vec::new(),
            match_fields: vec![NodeSelectorRequirement {
                key: "metadata.name".into(),
                operator: NodeSelectorOperator::In,
                values: vec![node.into()],
            }],
        }],
    }
}

/// A stable 10-character stand-in for a `pod-template-hash` (FNV-1a of the controller id).
fn short_hash(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    (0..10)
        .map(|i| ALPHABET[((hash >> (i * 6)) % ALPHABET.len() as u64) as usize] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::manifest::load_str;
    use crate::model::{GroupKind, ModelError, Problem};

    fn problem(text: &str) -> Result<Problem, ModelError> {
        Problem::from_loaded(&load_str("test.yaml", text).unwrap())
    }

    const NODE: &str = "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {kubernetes.io/hostname: n1}}\nstatus: {allocatable: {cpu: 4, memory: 8Gi, pods: 110}}\n";

    #[test]
    fn running_pods_count_toward_their_deployment() {
        let text = format!(
            "{NODE}---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: 3\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec: {{containers: [{{name: c, resources: {{requests: {{cpu: 100m}}}}}}]}}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web-7d9f8b6c5-abcde\n  labels: {{app: web}}\n  ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: web-7d9f8b6c5, controller: true}}]\nspec: {{nodeName: n1, containers: [{{name: c}}]}}\n"
        );
        let p = problem(&text).unwrap();
        assert_eq!(p.groups.len(), 1);
        assert_eq!(p.groups[0].kind, GroupKind::Deployment);
        assert_eq!(p.groups[0].count(), 2);
        assert_eq!(p.groups[0].running, 1);
        assert_eq!(p.fixed_pods[0].group, Some(0));
        assert_eq!(p.groups[0].pod_names, ["web-0", "web-1"]);
    }

    #[test]
    fn unknown_node_names_the_field_and_line() {
        let text = format!(
            "{NODE}---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  nodeName: ghost\n  containers: [{{name: c}}]\n"
        );
        let err = problem(&text).unwrap_err().to_string();
        assert!(err.contains("test.yaml:10:"), "{err}");
        assert!(
            err.contains("spec.nodeName") && err.contains("ghost"),
            "{err}"
        );
    }

    #[test]
    fn daemonsets_get_one_pod_per_eligible_node() {
        let text = format!(
            "{NODE}---\napiVersion: v1\nkind: Node\nmetadata: {{name: n2}}\nspec: {{taints: [{{key: gpu, effect: NoSchedule}}]}}\nstatus: {{allocatable: {{cpu: 4, memory: 8Gi, pods: 110}}}}\n---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: {{name: agent}}\nspec:\n  selector: {{matchLabels: {{app: agent}}}}\n  template:\n    metadata: {{labels: {{app: agent}}}}\n    spec: {{containers: [{{name: c}}]}}\n"
        );
        let p = problem(&text).unwrap();
        assert_eq!(p.groups.len(), 1, "the tainted node gets none");
        assert_eq!(p.groups[0].daemon_node, Some(0));
        assert_eq!(p.groups[0].pod_names, ["agent-n1"]);
    }
}
