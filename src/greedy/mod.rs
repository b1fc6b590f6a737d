//! The greedy reference scheduler: kube-scheduler's default profile, one pod at a time.
//!
//! Pods are queued by priority (higher first), then input order. For each pod the filter chain
//! of [`rules::filter`](crate::rules::filter) runs on every node; the feasible nodes are scored
//! with the default plugins and weights (TaintToleration 3, NodeAffinity 2, PodTopologySpread 2,
//! InterPodAffinity 2, NodeResourcesFit 1, BalancedAllocation 1), the highest total wins, and ties
//! go to the node whose name sorts first (kube-scheduler breaks them at random). The placed pod
//! joins the cluster state before the next pod is scheduled.
//!
//! Unlike kube-scheduler above 100 nodes, **every feasible node is scored** (no sampling), so the
//! reference is deterministic and never worse for having looked at fewer nodes. And unlike
//! kube-scheduler, it refuses a node where the pod would break the hard topology spread, or the
//! single-seed affinity, of a pod it placed earlier (see `guard`): its plans are then valid in
//! final-state semantics, the ones `verify` checks and the optimiser uses.

mod guard;
mod packing;

use std::sync::Arc;

use guard::FinalStateGuard;

use crate::cluster::ClusterState;
use crate::model::{GroupKind, PodTemplate, Problem};
use crate::plan::{Plan, Status};
use crate::rules::filter::{PodFilter, summary_message};
use crate::rules::node_resources::{self, ScoringStrategy};
use crate::rules::{node_affinity, pod_affinity, taints, topology_spread};

/// Why a node that passes every filter is still refused (see [`guard`]).
const GUARD_REASON: &str =
    "node(s) would break the topology spread or seed affinity of pods placed earlier in this plan";

/// How the greedy scheduler picks among feasible nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strategy {
    /// kube-scheduler's default scoring (LeastAllocated).
    #[default]
    KubeScheduler,
    /// kube-scheduler with the MostAllocated scoring strategy (bin packing).
    MostAllocated,
    /// First-fit decreasing: largest pods first, each on the first feasible node, nodes taken
    /// largest (capacity per unit of cost) first.
    FirstFitDecreasing,
    /// Node-by-node filling: nodes in first-fit-decreasing order, each filled with the pod that
    /// best matches its remaining capacity (see `packing`); what is left goes first-fit.
    DotProduct,
}

/// Schedules every pending pod with `strategy`; the plan's status is [`Status::Heuristic`].
pub fn schedule(problem: &Problem, strategy: Strategy) -> Plan {
    let mut state = ClusterState::new(problem);
    let mut plan = Plan::empty(problem, Status::Heuristic);
    let mut queue: Vec<(usize, usize)> = Vec::new();
    for (g, group) in problem.groups.iter().enumerate() {
        if let Some(reason) = &group.blocked {
            for i in 0..group.count() {
                plan.reasons.insert((g, i), reason.clone());
            }
            continue;
        }
        if group.daemon_node.is_some_and(|n| !state.active[n]) {
            continue;
        }
        queue.extend((0..group.count()).map(|i| (g, i)));
    }
    match strategy {
        Strategy::FirstFitDecreasing | Strategy::DotProduct => {
            let size = |g: usize| pod_size(problem, &problem.groups[g].template);
            queue.sort_by(|a, b| size(b.0).total_cmp(&size(a.0)));
        }
        _ => queue.sort_by_key(|&(g, _)| std::cmp::Reverse(problem.groups[g].template.priority)),
    }
    let mut nodes: Vec<usize> = state.active_nodes().collect();
    let first_fit = matches!(
        strategy,
        Strategy::FirstFitDecreasing | Strategy::DotProduct
    );
    if first_fit {
        // Bins largest first (capacity per unit of cost), as first-fit decreasing does for
        // bins of several sizes; ties keep name order.
        let efficiency = |n: usize| node_size(problem, n) / problem.nodes[n].cost.max(1e-9);
        nodes.sort_by(|&a, &b| efficiency(b).total_cmp(&efficiency(a)));
    }
    let mut guard = FinalStateGuard::default();
    let waiting = if strategy == Strategy::DotProduct {
        // Pods with placement rules first, first-fit (rules tie them to other pods and
        // domains); then node-by-node filling with the rest; what is left goes first-fit.
        let (ruled, free): (Vec<_>, Vec<_>) = queue
            .into_iter()
            .partition(|&(g, _)| has_placement_rules(&problem.groups[g].template));
        let mut left = place_in_turn(
            problem, &mut state, &mut plan, &mut guard, &nodes, strategy, ruled,
        );
        left.extend(packing::fill_nodes(
            problem, &mut state, &mut plan, &mut guard, &nodes, free,
        ));
        left
    } else {
        queue
    };
    place_in_turn(
        problem, &mut state, &mut plan, &mut guard, &nodes, strategy, waiting,
    );
    plan
}

/// Whether a pod's placement depends on other pods or domains: hard spread, required pod
/// affinity or anti-affinity.
fn has_placement_rules(template: &PodTemplate) -> bool {
    template.spread.iter().any(|c| c.hard)
        || !template.affinity.is_empty()
        || !template.anti_affinity.is_empty()
}

/// Places the `waiting` pods one at a time; kube-scheduler puts a pod that fits nowhere aside
/// and retries it when the cluster changes: here, passes over the pods left while the previous
/// pass placed something. Returns the pods left (their reasons recorded in `plan`).
fn place_in_turn<'p>(
    problem: &'p Problem,
    state: &mut ClusterState<'p>,
    plan: &mut Plan,
    guard: &mut FinalStateGuard,
    nodes: &[usize],
    strategy: Strategy,
    mut waiting: Vec<(usize, usize)>,
) -> Vec<(usize, usize)> {
    let first_fit = matches!(
        strategy,
        Strategy::FirstFitDecreasing | Strategy::DotProduct
    );
    loop {
        let mut still_waiting = Vec::new();
        for (g, i) in waiting.iter().copied() {
            let group = &problem.groups[g];
            let template = &group.template;
            let filter = PodFilter::new(template, &*state);
            let check = guard.check(problem, &*state, template);
            let allowed = |n: usize| filter.feasible(&*state, n) && check.allows(n);
            let chosen = if first_fit {
                nodes.iter().copied().find(|&n| allowed(n))
            } else {
                let feasible: Vec<usize> = nodes.iter().copied().filter(|&n| allowed(n)).collect();
                let scoring = if strategy == Strategy::MostAllocated {
                    ScoringStrategy::MostAllocated
                } else {
                    ScoringStrategy::LeastAllocated
                };
                best_node(problem, &*state, template, group.kind, &feasible, scoring)
            };
            match chosen {
                Some(node) => {
                    plan.placements[g][i] = Some(node);
                    plan.reasons.remove(&(g, i));
                    state.place(Arc::clone(template), node, false);
                    guard.record(g, node);
                }
                None => {
                    let reasons: Vec<Vec<String>> = nodes
                        .iter()
                        .map(|&n| {
                            let reasons: Vec<String> = filter
                                .rejections(&*state, n, true)
                                .into_iter()
                                .flat_map(|r| r.reasons)
                                .collect();
                            if reasons.is_empty() {
                                vec![GUARD_REASON.to_string()]
                            } else {
                                reasons
                            }
                        })
                        .collect();
                    plan.reasons
                        .insert((g, i), summary_message(nodes.len(), 0, &reasons));
                    still_waiting.push((g, i));
                }
            }
        }
        if still_waiting.len() == waiting.len() {
            return still_waiting;
        }
        waiting = still_waiting;
    }
}

/// A node's size for first-fit decreasing: the sum over resources of its allocatable relative to
/// the largest allocatable of that resource.
fn node_size(problem: &Problem, node: usize) -> f64 {
    relative_sum(problem, &problem.nodes[node].allocatable)
}

/// A pod's size for first-fit decreasing: the sum over resources of its request relative to the
/// largest allocatable of that resource.
fn pod_size(problem: &Problem, template: &PodTemplate) -> f64 {
    relative_sum(problem, &template.requests)
}

/// Σ over resources of `amounts[r]` over the largest allocatable of `r`.
fn relative_sum(problem: &Problem, amounts: &[i64]) -> f64 {
    (0..problem.resources.len())
        .map(|r| {
            let max = problem
                .nodes
                .iter()
                .map(|n| n.allocatable[r])
                .max()
                .unwrap_or(0);
            if max > 0 {
                amounts[r] as f64 / max as f64
            } else {
                0.0
            }
        })
        .sum()
}

/// The feasible node with the highest weighted score (ties: the first in name order).
fn best_node(
    problem: &Problem,
    state: &ClusterState<'_>,
    template: &PodTemplate,
    kind: GroupKind,
    feasible: &[usize],
    scoring: ScoringStrategy,
) -> Option<usize> {
    match feasible {
        [] => None,
        [only] => Some(*only),
        _ => {
            let totals = score_nodes(problem, state, template, kind, feasible, scoring);
            feasible
                .iter()
                .zip(totals)
                .max_by(|(a, sa), (b, sb)| {
                    sa.cmp(sb)
                        .then_with(|| problem.nodes[**b].name.cmp(&problem.nodes[**a].name))
                })
                .map(|(n, _)| *n)
        }
    }
}

/// The weighted total score of each feasible node, as kube-scheduler's default profile computes
/// it (each plugin normalised to 0..=100 over the feasible nodes, then weighted).
pub fn score_nodes(
    problem: &Problem,
    state: &ClusterState<'_>,
    template: &PodTemplate,
    kind: GroupKind,
    feasible: &[usize],
    scoring: ScoringStrategy,
) -> Vec<i64> {
    let nodes = &problem.nodes;
    // TaintToleration (3): fewer intolerable PreferNoSchedule taints is better.
    let taint_counts: Vec<i64> = feasible
        .iter()
        .map(|&n| {
            taints::intolerable_prefer_no_schedule(&nodes[n].taints, &template.tolerations) as i64
        })
        .collect();
    let taint_max = taint_counts.iter().copied().max().unwrap_or(0);
    // NodeAffinity (2).
    let affinity_raw: Vec<i64> = feasible
        .iter()
        .map(|&n| node_affinity::preferred_score(template, &nodes[n]))
        .collect();
    let affinity_max = affinity_raw.iter().copied().max().unwrap_or(0);
    // PodTopologySpread (2): soft constraints, or the system defaults for controller pods.
    let soft: Vec<_> = template
        .spread
        .iter()
        .filter(|c| !c.hard)
        .cloned()
        .collect();
    let soft = if template.spread.is_empty()
        && matches!(
            kind,
            GroupKind::Deployment | GroupKind::ReplicaSet | GroupKind::StatefulSet
        ) {
        topology_spread::default_constraints(&template.labels)
    } else {
        soft
    };
    let spread = topology_spread::scores(template, state, &soft, feasible);
    // InterPodAffinity (2): min-max normalised.
    let inter = pod_affinity::raw_scores(template, state, feasible);
    let (inter_min, inter_max) = (
        inter.iter().copied().min().unwrap_or(0),
        inter.iter().copied().max().unwrap_or(0),
    );
    let pod_actual = node_resources::cpu_memory(&template.requests);
    feasible
        .iter()
        .enumerate()
        .map(|(k, &n)| {
            let node = &nodes[n];
            let taint = if taint_max == 0 {
                100
            } else {
                100 - taint_counts[k] * 100 / taint_max
            };
            let affinity = if affinity_max == 0 {
                0
            } else {
                affinity_raw[k] * 100 / affinity_max
            };
            let inter_score = if inter_max == inter_min {
                0
            } else {
                100 * (inter[k] - inter_min) / (inter_max - inter_min)
            };
            let alloc = node_resources::cpu_memory(&node.allocatable);
            let requested = [
                state.nonzero_used[n][0] + template.nonzero_cpu,
                state.nonzero_used[n][1] + template.nonzero_memory,
            ];
            let fit = node_resources::fit_score(scoring, requested, alloc);
            let used = node_resources::cpu_memory(&state.used[n]);
            let balanced = node_resources::balanced_score(
                pod_actual,
                [used[0] + pod_actual[0], used[1] + pod_actual[1]],
                alloc,
            )
            .unwrap_or(0);
            3 * taint + 2 * affinity + 2 * spread[k] + 2 * inter_score + fit + balanced
        })
        .collect()
}
