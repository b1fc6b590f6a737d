//! The summary `podplan check` prints: what was loaded and what it became.

use std::fmt::Write;

use serde::Serialize;

use crate::model::{GroupKind, Problem};

/// A serialisable overview of a [`Problem`].
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Nodes (existing ones and pool candidates).
    pub nodes: Vec<NodeSummary>,
    /// Namespace names.
    pub namespaces: Vec<String>,
    /// Running pods: `namespace/name` on node.
    pub fixed_pods: Vec<FixedPodSummary>,
    /// Pending pod groups.
    pub pod_groups: Vec<GroupSummary>,
    /// Notes (skipped kinds, defaults chosen).
    pub notes: Vec<String>,
}

/// One node.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSummary {
    /// Name.
    pub name: String,
    /// Allocatable per resource name, as integers (cpu in millicores).
    pub allocatable: Vec<(String, i64)>,
    /// Number of taints.
    pub taints: usize,
    /// Cordoned.
    pub unschedulable: bool,
    /// Pool it would come from, for candidates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pool: Option<String>,
}

/// One running pod.
#[derive(Debug, Clone, Serialize)]
pub struct FixedPodSummary {
    /// `namespace/name`.
    pub pod: String,
    /// Node name.
    pub node: String,
}

/// One pod group.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupSummary {
    /// `namespace/name` of the controller or pod.
    pub name: String,
    /// Controller kind.
    pub kind: GroupKind,
    /// Pending pods.
    pub pending: usize,
    /// Running pods of the same controller.
    pub running: usize,
    /// Priority.
    pub priority: i32,
    /// Why it cannot be scheduled at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked: Option<String>,
}

impl Summary {
    /// Summarises a problem.
    pub fn of(problem: &Problem) -> Summary {
        Summary {
            nodes: problem
                .nodes
                .iter()
                .map(|n| NodeSummary {
                    name: n.name.clone(),
                    allocatable: problem
                        .resources
                        .names()
                        .iter()
                        .cloned()
                        .zip(n.allocatable.iter().copied())
                        .collect(),
                    taints: n.taints.len(),
                    unschedulable: n.unschedulable,
                    pool: n.pool.map(|p| problem.pools[p].name.clone()),
                })
                .collect(),
            namespaces: problem.namespaces.keys().cloned().collect(),
            fixed_pods: problem
                .fixed_pods
                .iter()
                .map(|f| FixedPodSummary {
                    pod: format!("{}/{}", f.template.namespace, f.name),
                    node: problem.nodes[f.node].name.clone(),
                })
                .collect(),
            pod_groups: problem
                .groups
                .iter()
                .map(|g| GroupSummary {
                    name: format!("{}/{}", g.template.namespace, g.name),
                    kind: g.kind,
                    pending: g.count(),
                    running: g.running,
                    priority: g.template.priority,
                    blocked: g.blocked.clone(),
                })
                .collect(),
            notes: problem.notes.iter().map(ToString::to_string).collect(),
        }
    }

    /// A readable rendering.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let existing = self.nodes.iter().filter(|n| n.pool.is_none()).count();
        let _ = writeln!(
            out,
            "{} nodes ({} pool candidates), {} namespaces, {} running pods, {} pod groups with {} pending pods",
            existing,
            self.nodes.len() - existing,
            self.namespaces.len(),
            self.fixed_pods.len(),
            self.pod_groups.len(),
            self.pod_groups.iter().map(|g| g.pending).sum::<usize>()
        );
        if !self.pod_groups.is_empty() {
            let _ = writeln!(
                out,
                "\n{:<48} {:<12} {:>7} {:>7} {:>10}",
                "POD GROUP", "KIND", "PENDING", "RUNNING", "PRIORITY"
            );
            for g in &self.pod_groups {
                let _ = writeln!(
                    out,
                    "{:<48} {:<12} {:>7} {:>7} {:>10}{}",
                    g.name,
                    format!("{:?}", g.kind),
                    g.pending,
                    g.running,
                    g.priority,
                    g.blocked
                        .as_ref()
                        .map(|b| format!("  (blocked: {b})"))
                        .unwrap_or_default()
                );
            }
        }
        if !self.notes.is_empty() {
            let _ = writeln!(out, "\nnotes:");
            for note in &self.notes {
                let _ = writeln!(out, "  {note}");
            }
        }
        out
    }
}
