//! kube-scheduler's default filter chain, in order: NodeUnschedulable, TaintToleration,
//! NodeAffinity, NodePorts, NodeResourcesFit, PodTopologySpread, InterPodAffinity.
//!
//! (NodeName is a no-op here: pods with `spec.nodeName` are bound, not scheduled.)

use crate::cluster::ClusterState;
use crate::model::{NodeId, PodTemplate};

use super::pod_affinity::AffinityPrecomputation;
use super::topology_spread::SpreadPrecomputation;
use super::{node_affinity, node_ports, node_resources, taints};

/// A filter plugin of the default profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Plugin {
    /// Cordoned nodes.
    NodeUnschedulable,
    /// NoSchedule/NoExecute taints.
    TaintToleration,
    /// nodeSelector and required node affinity.
    NodeAffinity,
    /// Host ports.
    NodePorts,
    /// Resources and the pod count.
    NodeResourcesFit,
    /// DoNotSchedule spread constraints.
    PodTopologySpread,
    /// Required pod (anti-)affinity.
    InterPodAffinity,
}

/// One plugin's rejection of a node, with kube-scheduler's reason texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The plugin.
    pub plugin: Plugin,
    /// Reason texts (NodeResourcesFit may give several).
    pub reasons: Vec<String>,
}

/// The filter chain for one pod against one cluster state.
#[derive(Debug)]
pub struct PodFilter<'a> {
    pod: &'a PodTemplate,
    affinity: AffinityPrecomputation,
    spread: SpreadPrecomputation,
}

impl<'a> PodFilter<'a> {
    /// Precomputes what the pod's affinity and spread checks need from `state`.
    pub fn new(pod: &'a PodTemplate, state: &ClusterState<'_>) -> Self {
        PodFilter {
            pod,
            affinity: AffinityPrecomputation::new(pod, state),
            spread: SpreadPrecomputation::new(pod, state),
        }
    }

    /// Whether the node passes every filter (stops at the first failure).
    pub fn feasible(&self, state: &ClusterState<'_>, node: NodeId) -> bool {
        self.rejections(state, node, true).is_empty()
    }

    /// Every plugin that rejects the node, in chain order; with `first_only`, at most one
    /// (kube-scheduler stops at the first failing plugin).
    pub fn rejections(
        &self,
        state: &ClusterState<'_>,
        node_id: NodeId,
        first_only: bool,
    ) -> Vec<Rejection> {
        let pod = self.pod;
        let node = &state.problem.nodes[node_id];
        let mut out = Vec::new();
        let mut reject = |plugin: Plugin, reasons: Vec<String>| {
            out.push(Rejection { plugin, reasons });
            first_only
        };
        if node.unschedulable
            && !taints::tolerates_unschedulable(&pod.tolerations)
            && reject(
                Plugin::NodeUnschedulable,
                vec!["node(s) were unschedulable".into()],
            )
        {
            return out;
        }
        if let Some(taint) = taints::first_untolerated(&node.taints, &pod.tolerations)
            && reject(
                Plugin::TaintToleration,
                vec![format!(
                    "node(s) had untolerated taint {}",
                    taints::describe(taint)
                )],
            )
        {
            return out;
        }
        if !node_affinity::matches(pod, node)
            && reject(
                Plugin::NodeAffinity,
                vec!["node(s) didn't match Pod's node affinity/selector".into()],
            )
        {
            return out;
        }
        if node_ports::any_conflict(&pod.host_ports, &state.ports[node_id])
            && reject(
                Plugin::NodePorts,
                vec!["node(s) didn't have free ports for the requested pod ports".into()],
            )
        {
            return out;
        }
        let insufficient = node_resources::insufficient(
            &pod.requests,
            &node.allocatable,
            &state.used[node_id],
            &state.problem.resources,
        );
        if !insufficient.is_empty() && reject(Plugin::NodeResourcesFit, insufficient) {
            return out;
        }
        if let Some(failure) = self.spread.check(node)
            && reject(Plugin::PodTopologySpread, vec![failure.reason().into()])
        {
            return out;
        }
        if let Some(failure) = self.affinity.check(node) {
            reject(Plugin::InterPodAffinity, vec![failure.reason().into()]);
        }
        out
    }
}

/// kube-scheduler's one-line summary: `0/3 nodes are available: 1 Insufficient cpu, 2 node(s)
/// had untolerated taint {dedicated: gpu}.` `reasons` holds each rejected node's reasons (of its
/// first failing plugin).
pub fn summary_message(total_nodes: usize, feasible: usize, reasons: &[Vec<String>]) -> String {
    let mut histogram: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for node_reasons in reasons {
        for reason in node_reasons {
            *histogram.entry(reason.as_str()).or_default() += 1;
        }
    }
    let mut parts: Vec<String> = histogram
        .iter()
        .map(|(reason, count)| format!("{count} {reason}"))
        .collect();
    parts.sort();
    if parts.is_empty() {
        format!("{feasible}/{total_nodes} nodes are available.")
    } else {
        format!(
            "{feasible}/{total_nodes} nodes are available: {}.",
            parts.join(", ")
        )
    }
}
