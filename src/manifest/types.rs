//! Slim, typed mirrors of the Kubernetes objects podplan reads.
//!
//! Only the fields scheduling depends on are declared; every other field is ignored. Names and
//! shapes follow the Kubernetes API (camelCase), so a manifest written for `kubectl apply` reads
//! as is. Enumerations (selector operators, taint effects, …) are closed: an unknown value is an
//! error that names the field, never a silent default.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::quantity::Quantity;

/// A resource list (`cpu: 100m`, `memory: 1Gi`, `nvidia.com/gpu: 1`).
pub type ResourceList = BTreeMap<String, Quantity>;

/// Readers that reject negative values at the value itself (so the error names its line).
mod non_negative {
    use std::fmt;

    use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};

    use super::ResourceList;
    use crate::quantity::Quantity;

    struct QuantitySeed;

    impl<'de> DeserializeSeed<'de> for QuantitySeed {
        type Value = Quantity;
        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Quantity, D::Error> {
            struct QuantityText;
            impl Visitor<'_> for QuantityText {
                type Value = Quantity;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a non-negative quantity")
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Quantity, E> {
                    let quantity: Quantity = v.parse().map_err(E::custom)?;
                    if quantity.is_negative() {
                        return Err(E::custom(format!("quantity `{v}` must not be negative")));
                    }
                    Ok(quantity)
                }
            }
            deserializer.deserialize_str(QuantityText)
        }
    }

    struct ListVisitor;

    impl<'de> Visitor<'de> for ListVisitor {
        type Value = ResourceList;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a resource list such as `{cpu: 100m, memory: 128Mi}`")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ResourceList, A::Error> {
            let mut list = ResourceList::new();
            while let Some(name) = map.next_key::<String>()? {
                let value = map.next_value_seed(QuantitySeed)?;
                list.insert(name, value);
            }
            Ok(list)
        }
        fn visit_unit<E: de::Error>(self) -> Result<ResourceList, E> {
            Ok(ResourceList::new())
        }
    }

    /// A resource list whose quantities are all ≥ 0.
    pub fn resource_list<'de, D: Deserializer<'de>>(d: D) -> Result<ResourceList, D::Error> {
        d.deserialize_map(ListVisitor)
    }

    /// An optional resource list whose quantities are all ≥ 0.
    pub fn optional_resource_list<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<ResourceList>, D::Error> {
        resource_list(d).map(Some)
    }

    /// An optional count that must be ≥ 0 (replicas, parallelism).
    pub fn optional_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
        struct Count;
        impl Visitor<'_> for Count {
            type Value = i32;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a non-negative integer")
            }
            fn visit_i32<E: de::Error>(self, v: i32) -> Result<i32, E> {
                if v < 0 {
                    return Err(E::custom(format!(
                        "{v} is negative; a count must be 0 or more"
                    )));
                }
                Ok(v)
            }
        }
        d.deserialize_i32(Count).map(Some)
    }
}

/// `metadata`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectMeta {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.generateName`, used when `name` is empty.
    pub generate_name: String,
    /// `metadata.namespace` (empty means `default` for namespaced kinds).
    pub namespace: String,
    /// `metadata.labels`.
    pub labels: BTreeMap<String, String>,
    /// `metadata.deletionTimestamp`: set on terminating objects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletion_timestamp: Option<String>,
    /// `metadata.ownerReferences`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub owner_references: Vec<OwnerReference>,
}

/// One entry of `metadata.ownerReferences`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct OwnerReference {
    /// Owner's `apiVersion`.
    pub api_version: String,
    /// Owner's kind.
    pub kind: String,
    /// Owner's name.
    pub name: String,
    /// Whether this owner is the managing controller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub controller: Option<bool>,
}

/// A `Pod`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct Pod {
    /// `metadata`.
    pub metadata: ObjectMeta,
    /// `spec`.
    pub spec: PodSpec,
    /// `status`.
    pub status: PodStatus,
}

/// `Pod.status` (only the phase matters).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct PodStatus {
    /// `Pending`, `Running`, `Succeeded`, `Failed`, `Unknown`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub phase: String,
}

/// A pod template (`spec.template` of controllers).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct PodTemplateSpec {
    /// Template metadata (labels).
    pub metadata: ObjectMeta,
    /// Template spec.
    pub spec: PodSpec,
}

/// `PodSpec`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct PodSpec {
    /// Regular containers.
    pub containers: Vec<Container>,
    /// Init containers (`restartPolicy: Always` makes a sidecar).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub init_containers: Vec<Container>,
    /// RuntimeClass overhead.
    #[serde(
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "non_negative::resource_list"
    )]
    pub overhead: ResourceList,
    /// Pod-level resources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    /// `hostNetwork`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub host_network: bool,
    /// `nodeSelector`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub node_selector: BTreeMap<String, String>,
    /// `affinity`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,
    /// `tolerations`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tolerations: Vec<Toleration>,
    /// `topologySpreadConstraints`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub topology_spread_constraints: Vec<TopologySpreadConstraint>,
    /// Resolved priority.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,
    /// `priorityClassName`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub priority_class_name: String,
    /// `schedulerName` (empty means `default-scheduler`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub scheduler_name: String,
    /// `nodeName`: set on bound pods.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub node_name: String,
    /// `schedulingGates`: a gated pod is not scheduled.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scheduling_gates: Vec<SchedulingGate>,
}

/// One scheduling gate.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct SchedulingGate {
    /// The gate's name.
    pub name: String,
}

/// A container (regular or init).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Container {
    /// Container name.
    pub name: String,
    /// Requests and limits.
    pub resources: ResourceRequirements,
    /// Ports.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ContainerPort>,
    /// `Always` on an init container makes it a sidecar.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub restart_policy: String,
}

/// `resources` of a container or a pod.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct ResourceRequirements {
    /// `requests`.
    #[serde(
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "non_negative::resource_list"
    )]
    pub requests: ResourceList,
    /// `limits`.
    #[serde(
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "non_negative::resource_list"
    )]
    pub limits: ResourceList,
}

/// A container port.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerPort {
    /// `containerPort`.
    pub container_port: i32,
    /// `hostPort` (0: none).
    #[serde(skip_serializing_if = "is_zero")]
    pub host_port: i32,
    /// `hostIP` (empty: `0.0.0.0`).
    #[serde(rename = "hostIP", skip_serializing_if = "String::is_empty")]
    pub host_ip: String,
    /// Protocol (empty: `TCP`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
}

fn is_zero(value: &i32) -> bool {
    *value == 0
}

/// A port protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
pub enum Protocol {
    /// TCP (the default).
    #[serde(rename = "TCP")]
    Tcp,
    /// UDP.
    #[serde(rename = "UDP")]
    Udp,
    /// SCTP.
    #[serde(rename = "SCTP")]
    Sctp,
}

/// `affinity`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Affinity {
    /// Node affinity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_affinity: Option<NodeAffinity>,
    /// Pod affinity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_affinity: Option<PodAffinity>,
    /// Pod anti-affinity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_anti_affinity: Option<PodAffinity>,
}

/// `nodeAffinity`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct NodeAffinity {
    /// Required terms (ORed).
    #[serde(
        rename = "requiredDuringSchedulingIgnoredDuringExecution",
        skip_serializing_if = "Option::is_none"
    )]
    pub required: Option<NodeSelector>,
    /// Preferred terms with weights.
    #[serde(
        rename = "preferredDuringSchedulingIgnoredDuringExecution",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub preferred: Vec<PreferredSchedulingTerm>,
}

/// A `NodeSelector`: ORed terms.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeSelector {
    /// The terms.
    pub node_selector_terms: Vec<NodeSelectorTerm>,
}

/// One node selector term: ANDed expressions and fields.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeSelectorTerm {
    /// Requirements on node labels.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<NodeSelectorRequirement>,
    /// Requirements on node fields (`metadata.name`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub match_fields: Vec<NodeSelectorRequirement>,
}

/// One node selector requirement.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct NodeSelectorRequirement {
    /// Label (or field) key.
    pub key: String,
    /// Operator.
    pub operator: NodeSelectorOperator,
    /// Values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

/// Node selector operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
pub enum NodeSelectorOperator {
    /// Value in the list.
    In,
    /// Key absent or value not in the list.
    NotIn,
    /// Key present.
    Exists,
    /// Key absent.
    DoesNotExist,
    /// Integer greater than.
    Gt,
    /// Integer less than.
    Lt,
}

/// A weighted preferred node term.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PreferredSchedulingTerm {
    /// 1..100.
    pub weight: i32,
    /// The term.
    pub preference: NodeSelectorTerm,
}

/// `podAffinity` or `podAntiAffinity`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct PodAffinity {
    /// Required terms (ANDed).
    #[serde(
        rename = "requiredDuringSchedulingIgnoredDuringExecution",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub required: Vec<PodAffinityTerm>,
    /// Preferred terms with weights.
    #[serde(
        rename = "preferredDuringSchedulingIgnoredDuringExecution",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub preferred: Vec<WeightedPodAffinityTerm>,
}

/// A pod (anti-)affinity term.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct PodAffinityTerm {
    /// Selector of pods (absent: matches no pod).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_selector: Option<LabelSelector>,
    /// Namespaces listed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub namespaces: Vec<String>,
    /// Selector of namespaces (absent: none; `{}`: all).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace_selector: Option<LabelSelector>,
    /// The topology key.
    pub topology_key: String,
    /// Label keys whose value must match the owning pod's.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub match_label_keys: Vec<String>,
    /// Label keys whose value must differ from the owning pod's.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mismatch_label_keys: Vec<String>,
}

/// A weighted preferred pod (anti-)affinity term.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WeightedPodAffinityTerm {
    /// 1..100.
    pub weight: i32,
    /// The term.
    pub pod_affinity_term: PodAffinityTerm,
}

/// A `metav1.LabelSelector`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "camelCase", default)]
pub struct LabelSelector {
    /// Exact label matches.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub match_labels: BTreeMap<String, String>,
    /// Expressions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

/// One label selector requirement.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelectorRequirement {
    /// Label key.
    pub key: String,
    /// Operator.
    pub operator: LabelSelectorOperator,
    /// Values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

/// Label selector operators (no `Gt`/`Lt`: those exist only for nodes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
pub enum LabelSelectorOperator {
    /// Value in the list.
    In,
    /// Key absent or value not in the list.
    NotIn,
    /// Key present.
    Exists,
    /// Key absent.
    DoesNotExist,
}

/// A toleration.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "camelCase", default)]
pub struct Toleration {
    /// Taint key (empty: every key, with `Exists`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub key: String,
    /// `Equal` (default) or `Exists`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator: Option<TolerationOperator>,
    /// Value compared with `Equal`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub value: String,
    /// Effect (absent or empty: every effect).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effect: Option<TaintEffectFilter>,
    /// Only limits how long a pod stays after a NoExecute taint; no effect on scheduling.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub toleration_seconds: Option<i64>,
}

/// Toleration operators. `Gt`/`Lt` are alpha upstream and rejected here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
pub enum TolerationOperator {
    /// Value must be equal.
    Equal,
    /// Any value.
    Exists,
}

/// A toleration's effect, where the empty string means every effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
pub enum TaintEffectFilter {
    /// Every effect.
    #[serde(rename = "")]
    All,
    /// NoSchedule.
    NoSchedule,
    /// PreferNoSchedule.
    PreferNoSchedule,
    /// NoExecute.
    NoExecute,
}

/// A taint effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
pub enum TaintEffect {
    /// Pods that do not tolerate it are not scheduled.
    NoSchedule,
    /// Scoring prefers other nodes.
    PreferNoSchedule,
    /// Not scheduled, and evicted.
    NoExecute,
}

/// A taint on a node.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "camelCase")]
pub struct Taint {
    /// Key.
    pub key: String,
    /// Value.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub value: String,
    /// Effect.
    pub effect: TaintEffect,
}

/// A topology spread constraint.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TopologySpreadConstraint {
    /// Maximum skew (≥ 1).
    pub max_skew: i32,
    /// Topology key.
    pub topology_key: String,
    /// `DoNotSchedule` or `ScheduleAnyway`.
    pub when_unsatisfiable: WhenUnsatisfiable,
    /// Selector (absent: matches no pod).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_selector: Option<LabelSelector>,
    /// Minimum number of eligible domains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_domains: Option<i32>,
    /// `Honor` (default) or `Ignore`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_affinity_policy: Option<InclusionPolicy>,
    /// `Ignore` (default) or `Honor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_taints_policy: Option<InclusionPolicy>,
    /// Keys whose values are ANDed into the selector.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_label_keys: Vec<String>,
}

/// `whenUnsatisfiable`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
pub enum WhenUnsatisfiable {
    /// Hard constraint.
    DoNotSchedule,
    /// Soft constraint (scoring only).
    ScheduleAnyway,
}

/// Node inclusion policies of topology spread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
pub enum InclusionPolicy {
    /// Take the rule into account.
    Honor,
    /// Ignore the rule.
    Ignore,
}

/// A `Node`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct Node {
    /// `metadata`.
    pub metadata: ObjectMeta,
    /// `spec`.
    pub spec: NodeSpec,
    /// `status`.
    pub status: NodeStatus,
}

/// `Node.spec`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct NodeSpec {
    /// Cordoned.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unschedulable: bool,
    /// Taints.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub taints: Vec<Taint>,
}

/// `Node.status`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct NodeStatus {
    /// Capacity (used only when allocatable is absent).
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "non_negative::optional_resource_list"
    )]
    pub capacity: Option<ResourceList>,
    /// Allocatable.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "non_negative::optional_resource_list"
    )]
    pub allocatable: Option<ResourceList>,
}

/// A Deployment, ReplicaSet or StatefulSet (the fields podplan reads are the same).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct ReplicatedController {
    /// `metadata`.
    pub metadata: ObjectMeta,
    /// `spec`.
    pub spec: ReplicatedSpec,
}

/// `spec` of a replicated controller.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct ReplicatedSpec {
    /// Desired replicas (absent: 1).
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "non_negative::optional_count"
    )]
    pub replicas: Option<i32>,
    /// Pod selector.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    /// Pod template.
    pub template: PodTemplateSpec,
}

/// A DaemonSet.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct DaemonSet {
    /// `metadata`.
    pub metadata: ObjectMeta,
    /// `spec`.
    pub spec: DaemonSetSpec,
}

/// `DaemonSet.spec`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct DaemonSetSpec {
    /// Pod selector.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    /// Pod template.
    pub template: PodTemplateSpec,
}

/// A Job.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct Job {
    /// `metadata`.
    pub metadata: ObjectMeta,
    /// `spec`.
    pub spec: JobSpec,
    /// `status`.
    pub status: JobStatus,
}

/// `Job.spec`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct JobSpec {
    /// Pods running at once (absent: 1).
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "non_negative::optional_count"
    )]
    pub parallelism: Option<i32>,
    /// Successful pods wanted (absent: parallelism decides).
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "non_negative::optional_count"
    )]
    pub completions: Option<i32>,
    /// A suspended Job creates no pods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspend: Option<bool>,
    /// Pod template.
    pub template: PodTemplateSpec,
}

/// `Job.status`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct JobStatus {
    /// Pods that succeeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub succeeded: Option<i32>,
    /// Conditions (`Complete`, `Failed`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}

/// A status condition.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct Condition {
    /// Condition type.
    #[serde(rename = "type")]
    pub condition_type: String,
    /// `True`, `False`, `Unknown`.
    pub status: String,
}

/// A Namespace.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct Namespace {
    /// `metadata`.
    pub metadata: ObjectMeta,
}

/// A PriorityClass.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct PriorityClass {
    /// `metadata`.
    pub metadata: ObjectMeta,
    /// The priority value.
    pub value: i32,
    /// Whether pods without a class get this one.
    pub global_default: bool,
}

/// podplan's own `podplan.dev/v1alpha1` `NodePool`: a node template the plan may instantiate.
///
/// ```yaml
/// apiVersion: podplan.dev/v1alpha1
/// kind: NodePool
/// metadata: {name: m5-large}
/// spec:
///   labels: {node.kubernetes.io/instance-type: m5.large, topology.kubernetes.io/zone: a}
///   taints: []
///   allocatable: {cpu: 1930m, memory: 7Gi, pods: 29}
///   price: 0.096     # per node and hour; any unit, used consistently
///   maxCount: 10
/// ```
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct NodePool {
    /// `metadata`.
    pub metadata: ObjectMeta,
    /// `spec`.
    pub spec: NodePoolSpec,
}

/// `NodePool.spec`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct NodePoolSpec {
    /// Labels of every node of the pool (the hostname label is added per node).
    pub labels: BTreeMap<String, String>,
    /// Taints of every node of the pool.
    pub taints: Vec<Taint>,
    /// Allocatable of one node.
    #[serde(deserialize_with = "non_negative::resource_list")]
    pub allocatable: ResourceList,
    /// Price of one node (per hour); absent means 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price: Option<Quantity>,
    /// How many nodes the pool may provide (absent: 10).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_count: Option<u32>,
}
