//! The scheduling problem: nodes, namespaces, running pods and groups of pending pods, with
//! every Kubernetes default applied once.
//!
//! A [`Problem`] is what every other part reads: the greedy reference, `explain`, the verifier
//! and the integer program. It is built from loaded manifests by [`Problem::from_loaded`], or in
//! code with [`ProblemBuilder`](crate::model::builder::ProblemBuilder).

pub mod build;
pub mod error;
pub mod resources;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

pub use error::ModelError;
pub use resources::{CPU, MEMORY, PODS, ResourceTable};

use crate::manifest::types::{
    InclusionPolicy, LabelSelector, NodeSelector, PreferredSchedulingTerm, Protocol, Taint,
    Toleration,
};
use crate::manifest::{Note, Origin};

/// Index of a node in [`Problem::nodes`].
pub type NodeId = usize;
/// Index of a group in [`Problem::groups`].
pub type GroupId = usize;

/// The whole scheduling problem.
#[derive(Debug, Clone, Default)]
pub struct Problem {
    /// Resource names; every resource vector in the problem is indexed by this table.
    pub resources: ResourceTable,
    /// Nodes: the cluster's, then the candidates of node pools (`pool` is set on those).
    pub nodes: Vec<Node>,
    /// Namespaces by name, each with its labels (including `kubernetes.io/metadata.name`).
    pub namespaces: BTreeMap<String, BTreeMap<String, String>>,
    /// Pods already bound to a node.
    pub fixed_pods: Vec<FixedPod>,
    /// Groups of identical pending pods, in queue order of their first appearance.
    pub groups: Vec<PodGroup>,
    /// Node pools the plan may draw nodes from.
    pub pools: Vec<NodePool>,
    /// What loading and modelling noted (skipped kinds, defaults chosen, ignored pods).
    pub notes: Vec<Note>,
}

/// A node (existing, or a candidate of a node pool).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// `metadata.name`.
    pub name: String,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// Taints.
    pub taints: Vec<Taint>,
    /// `spec.unschedulable`.
    pub unschedulable: bool,
    /// Allocatable, as integers (cpu in millicores, the rest in base units).
    pub allocatable: Vec<i64>,
    /// Cost of using the node (1 unless a pool gives a price).
    pub cost: f64,
    /// The pool a candidate node comes from (`None` for nodes that exist).
    pub pool: Option<usize>,
    /// Where the node was defined.
    pub origin: Option<Origin>,
}

/// A host port a pod binds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct HostPort {
    /// `hostIP` (`0.0.0.0` by default).
    pub ip: String,
    /// Protocol (TCP by default).
    pub protocol: Protocol,
    /// The port.
    pub port: i32,
}

/// A pod (anti-)affinity term after API-server defaulting (`matchLabelKeys` and
/// `mismatchLabelKeys` merged into the selector with the owning pod's labels).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AffinityTerm {
    /// Selector of pods; `None` matches no pod.
    pub selector: Option<LabelSelector>,
    /// Namespaces listed.
    pub namespaces: Vec<String>,
    /// Namespace selector; `None` adds none, `{}` means all.
    pub namespace_selector: Option<LabelSelector>,
    /// Topology key.
    pub topology_key: String,
}

/// A weighted soft term.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WeightedTerm {
    /// 1..100.
    pub weight: i32,
    /// The term.
    pub term: AffinityTerm,
}

/// A topology spread constraint after defaulting (`matchLabelKeys` merged).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SpreadConstraint {
    /// Maximum skew.
    pub max_skew: i32,
    /// Topology key.
    pub topology_key: String,
    /// `DoNotSchedule` (true) or `ScheduleAnyway` (false).
    pub hard: bool,
    /// Selector; `None` matches no pod.
    pub selector: Option<LabelSelector>,
    /// Minimum number of domains (1 when absent).
    pub min_domains: i32,
    /// Whether node affinity decides which nodes count.
    pub node_affinity_policy: InclusionPolicy,
    /// Whether taints decide which nodes count.
    pub node_taints_policy: InclusionPolicy,
}

/// Everything the rules need to know about one pod, defaults applied.
#[derive(Debug, Clone, PartialEq)]
pub struct PodTemplate {
    /// Namespace.
    pub namespace: String,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// Effective request per resource (the `pods` entry is 1).
    pub requests: Vec<i64>,
    /// cpu request for scoring, with the non-zero default of 100m per container.
    pub nonzero_cpu: i64,
    /// memory request for scoring, with the non-zero default of 200Mi per container.
    pub nonzero_memory: i64,
    /// Host ports (regular and sidecar containers; `hostNetwork` ports included).
    pub host_ports: Vec<HostPort>,
    /// `nodeSelector`.
    pub node_selector: BTreeMap<String, String>,
    /// Required node affinity.
    pub required_node_affinity: Option<NodeSelector>,
    /// Preferred node affinity.
    pub preferred_node_affinity: Vec<PreferredSchedulingTerm>,
    /// Tolerations.
    pub tolerations: Vec<Toleration>,
    /// Required pod affinity terms.
    pub affinity: Vec<AffinityTerm>,
    /// Required pod anti-affinity terms.
    pub anti_affinity: Vec<AffinityTerm>,
    /// Preferred pod affinity terms.
    pub preferred_affinity: Vec<WeightedTerm>,
    /// Preferred pod anti-affinity terms.
    pub preferred_anti_affinity: Vec<WeightedTerm>,
    /// Topology spread constraints.
    pub spread: Vec<SpreadConstraint>,
    /// Priority.
    pub priority: i32,
}

/// A pod bound to a node.
#[derive(Debug, Clone, PartialEq)]
pub struct FixedPod {
    /// Pod name.
    pub name: String,
    /// The pod.
    pub template: Arc<PodTemplate>,
    /// The node it runs on.
    pub node: NodeId,
    /// Whether it is terminating (`deletionTimestamp` set).
    pub terminating: bool,
    /// The group (controller) it counts toward, if its controller is in the input.
    pub group: Option<GroupId>,
    /// Where it was defined.
    pub origin: Option<Origin>,
}

/// Which controller a group of pods comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum GroupKind {
    /// A bare pending Pod.
    Pod,
    /// A Deployment.
    Deployment,
    /// A ReplicaSet.
    ReplicaSet,
    /// A StatefulSet.
    StatefulSet,
    /// A DaemonSet (one group per node).
    DaemonSet,
    /// A Job.
    Job,
}

/// Identical pending pods of one controller.
#[derive(Debug, Clone, PartialEq)]
pub struct PodGroup {
    /// Controller (or pod) name.
    pub name: String,
    /// Controller kind.
    pub kind: GroupKind,
    /// The pods' template.
    pub template: Arc<PodTemplate>,
    /// The pod spec as written (for writing the plan back as manifests).
    pub spec: Arc<crate::manifest::types::PodSpec>,
    /// Names of the pending pods (`len()` is the number of pods to place).
    pub pod_names: Vec<String>,
    /// Running pods of the same controller (they are in [`Problem::fixed_pods`]).
    pub running: usize,
    /// Why the pods cannot be scheduled at all (scheduling gates, another scheduler).
    pub blocked: Option<String>,
    /// For DaemonSet pods: the node they belong to. On a pool candidate they exist only when
    /// the plan opens that node.
    pub daemon_node: Option<NodeId>,
    /// Where the controller was defined.
    pub origin: Option<Origin>,
}

impl PodGroup {
    /// Number of pending pods.
    pub fn count(&self) -> usize {
        self.pod_names.len()
    }

    /// `namespace/name` of the i-th pending pod.
    pub fn pod_id(&self, index: usize) -> String {
        format!("{}/{}", self.template.namespace, self.pod_names[index])
    }
}

/// A node pool: a template of nodes the plan may open.
#[derive(Debug, Clone, PartialEq)]
pub struct NodePool {
    /// Pool name.
    pub name: String,
    /// Price per node.
    pub price: f64,
    /// Maximum number of nodes.
    pub max_count: usize,
    /// Where it was defined.
    pub origin: Option<Origin>,
}

impl Problem {
    /// Number of pending pods over all groups.
    pub fn pending_pod_count(&self) -> usize {
        self.groups.iter().map(PodGroup::count).sum()
    }

    /// The node with this name.
    pub fn node_by_name(&self, name: &str) -> Option<NodeId> {
        self.nodes.iter().position(|n| n.name == name)
    }

    /// Labels of a namespace (an unknown namespace has only its automatic label).
    pub fn namespace_labels(&self, namespace: &str) -> BTreeMap<String, String> {
        self.namespaces.get(namespace).cloned().unwrap_or_else(|| {
            BTreeMap::from([(
                "kubernetes.io/metadata.name".to_string(),
                namespace.to_string(),
            )])
        })
    }

    /// Whether a node exists now (is not a pool candidate).
    pub fn node_exists(&self, node: NodeId) -> bool {
        self.nodes[node].pool.is_none()
    }
}
