//! Pure packing: when the nodes are identical, no pod runs yet, and every pending pod may go to
//! every node with no rule tying pods together (no pod affinity, anti-affinity, spread, host
//! ports), placing the pods on the fewest nodes is vector bin packing, and
//! [`binpack`](crate::binpack) gives a packing and a proven bound at sizes where the compact
//! program is hopeless (1,000 nodes × 10,000 pods).

use std::time::Duration;

use super::items::{Items, Source};
use crate::binpack::{self, BinPackOptions, Instance};
use crate::model::Problem;
use crate::plan::{Plan, Status};
use crate::solve::Backend;

/// A packing plan and a proven lower bound on its cost.
pub struct Packed {
    /// Every pending pod placed (status `Heuristic` until the caller decides).
    pub plan: Plan,
    /// The least cost of any plan: the fewest nodes proven, times the nodes' (common) cost.
    pub cost_bound: f64,
}

/// The bin-packing instance of `problem` when it is one: one item per pending pod, one
/// dimension per resource the nodes have; with the (group, pod index) of each item and the
/// nodes in order.
fn instance(problem: &Problem, items: &Items<'_>) -> Option<(Instance, Vec<(usize, usize)>)> {
    let state = &items.state;
    let nodes: Vec<usize> = state.active_nodes().collect();
    let first = *nodes.first()?;
    let identical = nodes.iter().all(|&n| {
        problem.nodes[n].allocatable == problem.nodes[first].allocatable
            && problem.nodes[n].cost == problem.nodes[first].cost
            && problem.node_exists(n)
    });
    if !identical || !state.pods.is_empty() || problem.groups.iter().any(|g| g.blocked.is_some()) {
        return None;
    }
    let dimensions: Vec<usize> = (0..problem.resources.len())
        .filter(|&r| problem.nodes[first].allocatable[r] > 0)
        .collect();
    let mut instance = Instance {
        capacity: dimensions
            .iter()
            .map(|&r| problem.nodes[first].allocatable[r])
            .collect(),
        items: Vec::new(),
    };
    let mut pods = Vec::new();
    for item in &items.items {
        let Source::Group(g) = item.source else {
            return None;
        };
        let t = &item.template;
        let free = item.conditional_on.is_none()
            && item.eligible.len() == nodes.len()
            && t.affinity.is_empty()
            && t.anti_affinity.is_empty()
            && t.spread.iter().all(|c| !c.hard)
            && t.host_ports.is_empty()
            && (0..problem.resources.len()).all(|r| dimensions.contains(&r) || t.requests[r] == 0);
        if !free {
            return None;
        }
        for i in 0..item.count {
            instance
                .items
                .push(dimensions.iter().map(|&r| t.requests[r]).collect());
            pods.push((g, i));
        }
    }
    (!instance.items.is_empty()).then_some((instance, pods))
}

/// Packs `problem` with the bin-packing solver when it is a pure packing (see the module
/// documentation), within `time_limit`.
pub fn pack(
    problem: &Problem,
    items: &Items<'_>,
    time_limit: Option<Duration>,
    backend: Backend,
) -> Option<Packed> {
    let (instance, pods) = instance(problem, items)?;
    let result = binpack::solve(
        &instance,
        &BinPackOptions {
            time_limit,
            backend,
            progress: false,
        },
    );
    let nodes: Vec<usize> = items.state.active_nodes().collect();
    if !instance.is_valid_packing(&result.packing) || result.packing.len() > nodes.len() {
        return None;
    }
    let mut plan = Plan::empty(problem, Status::Heuristic);
    for (bin, node) in result.packing.iter().zip(&nodes) {
        for &item in bin {
            let (g, i) = pods[item];
            plan.placements[g][i] = Some(*node);
        }
    }
    let node_cost = problem.nodes[nodes[0]].cost;
    Some(Packed {
        plan,
        cost_bound: result.lower_bound as f64 * node_cost,
    })
}
