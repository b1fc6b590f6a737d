//! A heuristic incumbent with a proven bound: when the best greedy plan places every pod and
//! its node cost is within the requested gap of a resource-cover bound, no integer program is
//! needed. This is what lets a solve with a gap finish on clusters whose compact program is
//! far too large (1,000 nodes × 1,000 Deployments is a million count variables).

use std::time::Duration;

use super::items::{Items, Source};
use super::{SolveOptions, packing};
use crate::greedy::{self, Strategy};
use crate::model::Problem;
use crate::plan::Plan;
use crate::verify::{VerifyOptions, verify};

/// The most time the bin-packing solver gets on a pure packing (half the limit, if shorter).
const PACKING_TIME: Duration = Duration::from_secs(10);

/// The plan the solver's plan must beat, and what it proves.
pub struct Reference {
    /// The best heuristic plan (`None` if none passes verify).
    pub plan: Option<Plan>,
    /// A lower bound on the cost, when `plan` places every placeable pod (then the placement
    /// stage is proven at its optimum by `plan`).
    pub bound: Option<f64>,
}

/// The best of the greedy plans and, for a pure packing, the bin-packing solver's (which also
/// strengthens the bound); with the cost bound when every placeable pod is placed.
pub fn reference(problem: &Problem, items: &Items<'_>, options: &SolveOptions) -> Reference {
    let mut plan = best_heuristic(problem, options.allow_moves);
    let limit = options
        .time_limit
        .map_or(PACKING_TIME, |t| (t / 2).min(PACKING_TIME));
    let packed = packing::pack(problem, items, Some(limit), options.backend).filter(|packed| {
        verify(problem, &packed.plan, VerifyOptions::default()).is_empty()
            && places_every_placeable_pod(items, &packed.plan)
    });
    if let Some(packed) = &packed
        && plan.as_ref().is_none_or(|plan| {
            !places_every_placeable_pod(items, plan)
                || packed.plan.cost(problem) < plan.cost(problem) - 1e-9
        })
    {
        plan = Some(packed.plan.clone());
    }
    let all_placed = plan
        .as_ref()
        .is_some_and(|plan| places_every_placeable_pod(items, plan));
    let bound = all_placed.then(|| {
        let packing = packed.as_ref().map_or(0.0, |packed| packed.cost_bound);
        cost_bound(problem, items).max(packing)
    });
    Reference { plan, bound }
}

/// The best verified greedy plan: most priority weight placed, then lowest node cost; ties keep
/// the earlier strategy (first-fit decreasing, node-by-node DotProduct filling, then
/// kube-scheduler, which keeps the optimiser never behind the reference).
pub fn best_heuristic(problem: &Problem, allow_moves: bool) -> Option<Plan> {
    let mut best: Option<Plan> = None;
    for strategy in [
        Strategy::FirstFitDecreasing,
        Strategy::DotProduct,
        Strategy::KubeScheduler,
    ] {
        let plan = greedy::schedule(problem, strategy);
        if !verify(problem, &plan, VerifyOptions { allow_moves }).is_empty() {
            continue;
        }
        let better = best.as_ref().is_none_or(|b| {
            let (ours, theirs) = (plan.placed_weight(problem), b.placed_weight(problem));
            ours > theirs + 1e-9
                || ((ours - theirs).abs() <= 1e-9 && plan.cost(problem) < b.cost(problem) - 1e-9)
        });
        if better {
            best = Some(plan);
        }
    }
    best
}

/// Whether `plan` places every pending pod that has an eligible node: then no plan places more,
/// and the placement stage is proven.
pub fn places_every_placeable_pod(items: &Items<'_>, plan: &Plan) -> bool {
    items.items.iter().all(|item| match item.source {
        Source::Group(g) if item.conditional_on.is_none() && !item.eligible.is_empty() => {
            plan.placements[g].iter().all(Option::is_some)
        }
        _ => true,
    })
}

/// A lower bound on [`Plan::cost`] over the plans that place every placeable pending pod:
/// the nodes that keep running pods, plus, for each resource, the cheapest fractional cover of
/// the load they cannot hold by the other nodes (or the fewest such nodes, largest first, times
/// the cheapest node's cost, if higher). Eligibility and DaemonSet overhead on new nodes are
/// left out, which only weakens the bound.
pub fn cost_bound(problem: &Problem, items: &Items<'_>) -> f64 {
    let state = &items.state;
    let nodes: Vec<usize> = state.active_nodes().collect();
    let kept = |n: usize| problem.node_exists(n) && !state.pods_on[n].is_empty();
    let base: f64 = nodes
        .iter()
        .filter(|&&n| kept(n))
        .map(|&n| problem.nodes[n].cost)
        .sum();
    let others: Vec<usize> = nodes.iter().copied().filter(|&n| !kept(n)).collect();
    let cheapest = others
        .iter()
        .map(|&n| problem.nodes[n].cost)
        .min_by(f64::total_cmp)
        .unwrap_or(0.0);
    let mut extra: f64 = 0.0;
    for r in 0..problem.resources.len() {
        let load: f64 = items
            .items
            .iter()
            .filter(|i| i.conditional_on.is_none() && !i.eligible.is_empty())
            .map(|i| i.template.requests[r] as f64 * i.count as f64)
            .sum();
        let free: f64 = nodes
            .iter()
            .filter(|&&n| kept(n))
            .map(|&n| (problem.nodes[n].allocatable[r] - state.used[n][r]).max(0) as f64)
            .sum();
        let mut need = load - free;
        if need <= 0.0 {
            continue;
        }
        // Fewest nodes: largest first.
        let mut sizes: Vec<f64> = others
            .iter()
            .map(|&n| problem.nodes[n].allocatable[r] as f64)
            .collect();
        sizes.sort_by(|a, b| b.total_cmp(a));
        let mut count = 0usize;
        let mut covered = 0.0;
        for size in &sizes {
            if covered >= need {
                break;
            }
            covered += size;
            count += 1;
        }
        // Cheapest fractional cover: lowest cost per unit first.
        let mut by_price: Vec<(f64, f64)> = others
            .iter()
            .map(|&n| {
                (
                    problem.nodes[n].cost,
                    problem.nodes[n].allocatable[r] as f64,
                )
            })
            .filter(|(_, size)| *size > 0.0)
            .collect();
        by_price.sort_by(|a, b| (a.0 / a.1).total_cmp(&(b.0 / b.1)));
        let mut fractional = 0.0;
        for (cost, size) in by_price {
            if need <= 0.0 {
                break;
            }
            let share = (need / size).min(1.0);
            fractional += share * cost;
            need -= share * size;
        }
        extra = extra.max(fractional).max(count as f64 * cheapest);
    }
    base + extra
}

/// The relative gap between a plan's cost and a lower bound (0 when the bound is met).
pub fn relative_gap(cost: f64, bound: f64) -> f64 {
    if cost <= bound + 1e-9 || cost <= 0.0 {
        0.0
    } else {
        (cost - bound) / cost
    }
}
