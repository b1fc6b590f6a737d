//! What the integer program places: pending pod groups and, when moves are allowed, running pods
//! as single-pod items. Each item gets its eligible nodes from the rules that do not depend on
//! other placements (taints, node affinity, ports and anti-affinity against pods that stay,
//! resources, topology keys).

use std::sync::Arc;

use crate::cluster::ClusterState;
use crate::model::{GroupId, NodeId, PodTemplate, Problem};
use crate::rules::pod_affinity::AffinityPrecomputation;
use crate::rules::{node_affinity, node_ports, node_resources, taints};

/// Where an item comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Pending pods of a group.
    Group(GroupId),
    /// A running pod that may move (index into `Problem::fixed_pods`).
    Running(usize),
}

/// Identical pods placed together in the program.
#[derive(Debug, Clone)]
pub struct Item {
    /// Where the pods come from.
    pub source: Source,
    /// The pods' template.
    pub template: Arc<PodTemplate>,
    /// Number of pods.
    pub count: usize,
    /// Whether every pod must be placed (running pods that may move).
    pub must_place: bool,
    /// The node a running pod is on now.
    pub origin_node: Option<NodeId>,
    /// For DaemonSet pods of a pool candidate: they exist exactly when that node is used.
    pub conditional_on: Option<NodeId>,
    /// Eligible nodes with the most pods of this item each can take.
    pub eligible: Vec<(NodeId, usize)>,
    /// Whether the item counts in the placement objective.
    pub weight: f64,
}

/// The items of a problem and the cluster state of the pods that stay.
pub struct Items<'p> {
    /// The items.
    pub items: Vec<Item>,
    /// Running pods that stay where they are.
    pub state: ClusterState<'p>,
}

/// Builds the items of `problem`; with `allow_moves`, running pods (other than DaemonSet and
/// terminating ones) become movable items.
pub fn build(problem: &Problem, allow_moves: bool) -> Items<'_> {
    let movable = |f: usize| {
        let fixed = &problem.fixed_pods[f];
        allow_moves
            && !fixed.terminating
            && fixed
                .group
                .is_none_or(|g| problem.groups[g].kind != crate::model::GroupKind::DaemonSet)
    };
    // The pods that stay; the program may use every node, pool candidates included.
    let mut state = ClusterState::with_fixed(problem, |f| !movable(f));
    state.active = vec![true; problem.nodes.len()];
    let mut items = Vec::new();
    for (g, group) in problem.groups.iter().enumerate() {
        if group.blocked.is_some() || group.count() == 0 {
            continue;
        }
        let conditional_on = group.daemon_node.filter(|&n| !problem.node_exists(n));
        items.push(Item {
            source: Source::Group(g),
            template: group.template.clone(),
            count: group.count(),
            must_place: false,
            origin_node: None,
            conditional_on,
            eligible: Vec::new(),
            weight: if conditional_on.is_some() {
                0.0
            } else {
                crate::plan::priority_weight(group.template.priority)
            },
        });
    }
    for (f, fixed) in problem.fixed_pods.iter().enumerate() {
        if movable(f) {
            items.push(Item {
                source: Source::Running(f),
                template: fixed.template.clone(),
                count: 1,
                must_place: true,
                origin_node: Some(fixed.node),
                conditional_on: None,
                eligible: Vec::new(),
                weight: 0.0,
            });
        }
    }
    for item in &mut items {
        item.eligible = eligible_nodes(problem, &state, &item.template, item.count);
        // A running pod may always stay where it is (facts are not re-checked).
        if let Some(origin) = item.origin_node
            && !item.eligible.iter().any(|(n, _)| *n == origin)
        {
            item.eligible.push((origin, 1));
            item.eligible.sort_unstable();
        }
    }
    Items { items, state }
}

/// Nodes where pods of `template` may go whatever else is placed, each with the most pods it can
/// take alone.
fn eligible_nodes(
    problem: &Problem,
    state: &ClusterState<'_>,
    template: &PodTemplate,
    count: usize,
) -> Vec<(NodeId, usize)> {
    let anti = AffinityPrecomputation::new(template, state);
    let hard_keys: Vec<&str> = template
        .spread
        .iter()
        .filter(|c| c.hard)
        .map(|c| c.topology_key.as_str())
        .chain(template.affinity.iter().map(|t| t.topology_key.as_str()))
        .collect();
    let self_port_conflict = template.host_ports.iter().enumerate().any(|(i, a)| {
        template.host_ports[..i]
            .iter()
            .any(|b| node_ports::conflicts(a, b))
    });
    if self_port_conflict {
        return Vec::new();
    }
    let mut eligible = Vec::new();
    for (n, node) in problem.nodes.iter().enumerate() {
        if node.unschedulable && !taints::tolerates_unschedulable(&template.tolerations) {
            continue;
        }
        if taints::first_untolerated(&node.taints, &template.tolerations).is_some()
            || !node_affinity::matches(template, node)
            || node_ports::any_conflict(&template.host_ports, &state.ports[n])
            || !node_resources::fits(&template.requests, &node.allocatable, &state.used[n])
            || hard_keys.iter().any(|k| !node.labels.contains_key(*k))
            || anti.anti_affinity_failure(node).is_some()
        {
            continue;
        }
        let mut cap = count;
        for r in 0..problem.resources.len() {
            let request = template.requests[r];
            if request > 0 {
                let free = node.allocatable[r] - state.used[n][r];
                cap = cap.min((free / request).max(0) as usize);
            }
        }
        if !template.host_ports.is_empty() {
            cap = cap.min(1);
        }
        if cap > 0 {
            eligible.push((n, cap));
        }
    }
    eligible
}
