//! "Why is my pod Pending?": for every pending pod, the nodes that would accept it and, for
//! every other node, the filters that reject it, with kube-scheduler's one-line summary.
//!
//! Each pod is evaluated against the running pods only (as kube-scheduler would see it if it
//! were next in the queue), never against other pending pods.

use serde::Serialize;

use crate::cluster::ClusterState;
use crate::model::Problem;
use crate::rules::filter::{PodFilter, summary_message};

/// The diagnosis of every pending pod.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Diagnosis {
    /// One entry per pending pod.
    pub pods: Vec<PodDiagnosis>,
}

/// The diagnosis of one pending pod.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PodDiagnosis {
    /// `namespace/name`.
    pub pod: String,
    /// Nodes every filter accepts, in input order.
    pub feasible_nodes: Vec<String>,
    /// Every other node with the reasons it is rejected (all failing filters, in chain order).
    pub rejections: Vec<NodeRejection>,
    /// kube-scheduler's summary (`0/3 nodes are available: …`), or why it is never scheduled.
    pub message: String,
}

/// One node's rejection.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NodeRejection {
    /// Node name.
    pub node: String,
    /// Reasons.
    pub reasons: Vec<String>,
}

/// Diagnoses every pending pod of `problem` against its running pods.
pub fn explain(problem: &Problem) -> Diagnosis {
    let state = ClusterState::new(problem);
    let nodes: Vec<usize> = state.active_nodes().collect();
    let mut pods = Vec::new();
    for group in &problem.groups {
        if group.daemon_node.is_some_and(|n| !state.active[n]) {
            continue; // DaemonSet pod of a node that does not exist yet.
        }
        let diagnosis = match &group.blocked {
            Some(reason) => PodDiagnosis {
                pod: String::new(),
                feasible_nodes: Vec::new(),
                rejections: Vec::new(),
                message: format!("not scheduled: {reason}"),
            },
            None => {
                let filter = PodFilter::new(&group.template, &state);
                let mut feasible = Vec::new();
                let mut rejections = Vec::new();
                let mut first_reasons = Vec::new();
                for &node in &nodes {
                    let all = filter.rejections(&state, node, false);
                    if all.is_empty() {
                        feasible.push(problem.nodes[node].name.clone());
                        continue;
                    }
                    first_reasons.push(all[0].reasons.clone());
                    rejections.push(NodeRejection {
                        node: problem.nodes[node].name.clone(),
                        reasons: all.into_iter().flat_map(|r| r.reasons).collect(),
                    });
                }
                PodDiagnosis {
                    pod: String::new(),
                    message: summary_message(nodes.len(), feasible.len(), &first_reasons),
                    feasible_nodes: feasible,
                    rejections,
                }
            }
        };
        for index in 0..group.count() {
            pods.push(PodDiagnosis {
                pod: group.pod_id(index),
                ..diagnosis.clone()
            });
        }
    }
    Diagnosis { pods }
}

impl Diagnosis {
    /// A readable rendering: one block per pod.
    pub fn to_table(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        for pod in &self.pods {
            let _ = writeln!(out, "{}: {}", pod.pod, pod.message);
            if !pod.feasible_nodes.is_empty() {
                let _ = writeln!(out, "  feasible: {}", pod.feasible_nodes.join(", "));
            }
            for rejection in &pod.rejections {
                let _ = writeln!(
                    out,
                    "  {:<32} {}",
                    rejection.node,
                    rejection.reasons.join("; ")
                );
            }
        }
        out
    }
}
