//! A placement of every pending pod: on a node, or unplaced with a reason.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::{GroupId, NodeId, Problem};

/// How good the plan is known to be.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    /// Proven optimal.
    Optimal,
    /// Feasible, within `gap` (relative) of optimal.
    Feasible {
        /// Relative gap between the plan and the best bound.
        gap: f64,
    },
    /// Stopped at the time limit with the best plan found.
    TimeLimit,
    /// No feasible plan exists.
    Infeasible,
    /// Produced by a heuristic (greedy): no claim of optimality.
    Heuristic,
}

impl Status {
    /// The status as JSON writes it: `optimal`, `feasible`, `timeLimit`, `infeasible`,
    /// `heuristic`.
    pub fn name(&self) -> &'static str {
        match self {
            Status::Optimal => "optimal",
            Status::Feasible { .. } => "feasible",
            Status::TimeLimit => "timeLimit",
            Status::Infeasible => "infeasible",
            Status::Heuristic => "heuristic",
        }
    }
}

/// Where every pod goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// How good the plan is known to be.
    pub status: Status,
    /// Per group, per pending pod: the node, or `None` when unplaced.
    pub placements: Vec<Vec<Option<NodeId>>>,
    /// Why an unplaced pod is unplaced, by (group, index).
    pub reasons: BTreeMap<(GroupId, usize), String>,
    /// The node of every running pod at the end (its current node unless the plan moves it).
    pub fixed_nodes: Vec<NodeId>,
}

impl Plan {
    /// A plan that places nothing yet (every running pod stays).
    pub fn empty(problem: &Problem, status: Status) -> Plan {
        Plan {
            status,
            placements: problem
                .groups
                .iter()
                .map(|g| vec![None; g.count()])
                .collect(),
            reasons: BTreeMap::new(),
            fixed_nodes: problem.fixed_pods.iter().map(|f| f.node).collect(),
        }
    }

    /// Pending pods placed.
    pub fn placed_count(&self) -> usize {
        self.placements
            .iter()
            .flatten()
            .filter(|p| p.is_some())
            .count()
    }

    /// Pending pods left unplaced (DaemonSet pods of unopened pool nodes do not count: they do
    /// not exist).
    pub fn unplaced_count(&self, problem: &Problem) -> usize {
        let used = self.used_nodes(problem);
        self.placements
            .iter()
            .enumerate()
            .flat_map(|(g, pods)| pods.iter().map(move |p| (g, p)))
            .filter(|(g, p)| p.is_none() && daemon_exists(problem, *g, &used))
            .count()
    }

    /// Nodes that run at least one pod.
    pub fn used_nodes(&self, problem: &Problem) -> BTreeSet<NodeId> {
        let mut used: BTreeSet<NodeId> = self.fixed_nodes.iter().copied().collect();
        used.extend(self.placements.iter().flatten().flatten().copied());
        // A DaemonSet pod alone does not open a pool candidate.
        used.retain(|&n| problem.node_exists(n) || self.runs_non_daemon(problem, n));
        used
    }

    fn runs_non_daemon(&self, problem: &Problem, node: NodeId) -> bool {
        self.placements
            .iter()
            .enumerate()
            .any(|(g, pods)| problem.groups[g].daemon_node.is_none() && pods.contains(&Some(node)))
    }

    /// Total cost of the used nodes.
    pub fn cost(&self, problem: &Problem) -> f64 {
        self.used_nodes(problem)
            .iter()
            .map(|&n| problem.nodes[n].cost)
            .fold(0.0, |total, cost| total + cost)
    }

    /// Sum of (priority-derived weight) over placed pods; see [`priority_weight`].
    pub fn placed_weight(&self, problem: &Problem) -> f64 {
        self.placements
            .iter()
            .enumerate()
            .map(|(g, pods)| {
                pods.iter().filter(|p| p.is_some()).count() as f64
                    * priority_weight(problem.groups[g].template.priority)
            })
            .sum()
    }

    /// Running pods whose node differs from their current one.
    pub fn moves(&self, problem: &Problem) -> usize {
        self.fixed_nodes
            .iter()
            .zip(&problem.fixed_pods)
            .filter(|(n, f)| **n != f.node)
            .count()
    }
}

/// Whether the pods of group `g` exist under this set of used nodes (a DaemonSet pod of a pool
/// candidate exists only when its node is used).
fn daemon_exists(problem: &Problem, g: GroupId, used: &BTreeSet<NodeId>) -> bool {
    match problem.groups[g].daemon_node {
        Some(n) => problem.node_exists(n) || used.contains(&n),
        None => true,
    }
}

/// The weight of placing one pod of a priority: 1 for priority ≤ 0, then one more per doubling
/// (`1 + ⌊log2 p⌋`), an integer so that objective values are exact; a more important pod is never
/// worth less.
pub fn priority_weight(priority: i32) -> f64 {
    if priority <= 0 {
        1.0
    } else {
        1.0 + f64::from(priority).log2().floor()
    }
}

impl Plan {
    /// Soft-preference score of the placed pending pods: preferred node-affinity weights that
    /// hold, minus 100 per intolerable PreferNoSchedule taint (the optimiser's stage 4).
    pub fn soft_score(&self, problem: &Problem) -> i64 {
        let mut score = 0;
        for (g, group) in problem.groups.iter().enumerate() {
            for node in self.placements[g].iter().flatten() {
                let node = &problem.nodes[*node];
                score += crate::rules::node_affinity::preferred_score(&group.template, node)
                    - 100
                        * crate::rules::taints::intolerable_prefer_no_schedule(
                            &node.taints,
                            &group.template.tolerations,
                        ) as i64;
            }
        }
        score
    }
}
