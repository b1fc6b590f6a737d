//! The cluster as a sequential scheduler sees it: which pods run where, and what they use.
//!
//! [`ClusterState`] starts from the running pods of a [`Problem`] and grows as pods are placed
//! one at a time (greedy), or holds only the running pods (explain).

use std::sync::Arc;

use crate::model::{HostPort, NodeId, PodTemplate, Problem};

/// A pod on a node.
#[derive(Debug, Clone)]
pub struct PlacedPod {
    /// The pod.
    pub template: Arc<PodTemplate>,
    /// Where it runs.
    pub node: NodeId,
    /// Terminating pods hold resources and affinity but are not counted by topology spread.
    pub terminating: bool,
}

/// Running pods and per-node usage.
#[derive(Debug, Clone)]
pub struct ClusterState<'p> {
    /// The problem.
    pub problem: &'p Problem,
    /// Nodes a pod may go to (existing nodes; pool candidates only when opened).
    pub active: Vec<bool>,
    /// Every pod on a node.
    pub pods: Vec<PlacedPod>,
    /// Pods per node (indices into `pods`).
    pub pods_on: Vec<Vec<usize>>,
    /// Sum of effective requests per node (the `pods` entry is the pod count).
    pub used: Vec<Vec<i64>>,
    /// Sum of non-zero cpu/memory requests per node (for scoring).
    pub nonzero_used: Vec<[i64; 2]>,
    /// Host ports in use per node.
    pub ports: Vec<Vec<HostPort>>,
    /// Whether any pod has required anti-affinity terms (skips work when none does).
    pub any_anti_affinity: bool,
}

impl<'p> ClusterState<'p> {
    /// The running pods of `problem` on its existing nodes.
    pub fn new(problem: &'p Problem) -> Self {
        Self::with_fixed(problem, |_| true)
    }

    /// The running pods for which `keep(index)` holds, on the problem's existing nodes.
    pub fn with_fixed(problem: &'p Problem, keep: impl Fn(usize) -> bool) -> Self {
        let n = problem.nodes.len();
        let mut state = ClusterState {
            problem,
            active: problem
                .nodes
                .iter()
                .map(|node| node.pool.is_none())
                .collect(),
            pods: Vec::new(),
            pods_on: vec![Vec::new(); n],
            used: vec![vec![0; problem.resources.len()]; n],
            nonzero_used: vec![[0, 0]; n],
            ports: vec![Vec::new(); n],
            any_anti_affinity: false,
        };
        for (index, fixed) in problem.fixed_pods.iter().enumerate() {
            if keep(index) {
                state.place(fixed.template.clone(), fixed.node, fixed.terminating);
            }
        }
        state
    }

    /// Adds a pod to a node.
    pub fn place(&mut self, template: Arc<PodTemplate>, node: NodeId, terminating: bool) {
        for (used, request) in self.used[node].iter_mut().zip(&template.requests) {
            *used += request;
        }
        self.nonzero_used[node][0] += template.nonzero_cpu;
        self.nonzero_used[node][1] += template.nonzero_memory;
        self.ports[node].extend(template.host_ports.iter().cloned());
        self.any_anti_affinity |= !template.anti_affinity.is_empty();
        self.pods_on[node].push(self.pods.len());
        self.pods.push(PlacedPod {
            template,
            node,
            terminating,
        });
    }

    /// Ids of the nodes a pod may go to.
    pub fn active_nodes(&self) -> impl Iterator<Item = NodeId> + '_ {
        (0..self.active.len()).filter(|&n| self.active[n])
    }
}
