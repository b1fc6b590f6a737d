//! The optimiser: a [`Problem`] → an integer program → a provably optimal [`Plan`].
//!
//! Objectives are lexicographic (each stage keeps the optimum of the previous ones): place the
//! most pods weighted by priority, then use the cheapest nodes (1 per node unless a pool gives a
//! price: the fewest nodes), then move the fewest running pods (with `allow_moves`), then
//! maximise the soft preferences. `Objective::Balance` replaces the node cost by the peak cpu /
//! memory utilisation.
//!
//! Independent parts of the problem (no shared eligible node, no rule between them) are found
//! with petgraph and solved in parallel with rayon. Every plan returned passes
//! [`verify`](crate::verify::verify); should the solver's tolerances ever produce one that does
//! not, the greedy plan is returned instead with status `Heuristic` and a warning.

pub mod backend;
pub mod formulation;
pub mod incumbent;
pub mod items;
pub mod packing;

use std::time::{Duration, Instant};

use good_lp::{Constraint, Expression};
use petgraph::unionfind::UnionFind;
use rayon::prelude::*;
use serde::Serialize;

pub use backend::Backend;
use backend::{BackendError, Limits, Outcome};
use incumbent::Reference;
use items::{Items, Source};

use crate::cluster::ClusterState;
use crate::greedy::{self, Strategy};
use crate::model::Problem;
use crate::plan::{Plan, Status};
use crate::rules::filter::{PodFilter, summary_message};
use crate::rules::namespaces::pod_matches_term;
use crate::rules::topology_spread;
use crate::verify::{VerifyOptions, verify};

/// What the second stage minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Objective {
    /// Node cost (fewest nodes without prices).
    #[default]
    Cost,
    /// Peak cpu/memory utilisation over the nodes.
    Balance,
}

/// How to solve.
#[derive(Debug, Clone)]
pub struct SolveOptions {
    /// Stage-2 objective.
    pub objective: Objective,
    /// Wall-clock limit for the whole solve (`None`: until proven optimal).
    pub time_limit: Option<Duration>,
    /// Relative gap at which a stage may stop (0: prove optimality).
    pub gap: f64,
    /// Threads: parts are solved in parallel on up to this many threads.
    pub threads: usize,
    /// The solver.
    pub backend: Backend,
    /// Whether running pods may move.
    pub allow_moves: bool,
    /// Whether independent parts are solved separately.
    pub decompose: bool,
    /// Print each stage's result (incumbent, whether proven, elapsed) on standard error.
    pub progress: bool,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            objective: Objective::Cost,
            time_limit: None,
            gap: 0.0,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            backend: Backend::default(),
            allow_moves: false,
            decompose: true,
            progress: false,
        }
    }
}

/// One objective stage's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StageReport {
    /// `placed`, `cost`, `peak`, `moves` or `soft`.
    pub name: &'static str,
    /// The objective value reached (summed over the parts).
    pub value: f64,
    /// Whether every part proved this stage optimal.
    pub proven: bool,
}

/// What a solve did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SolveReport {
    /// The stages, in order.
    pub stages: Vec<StageReport>,
    /// The best proven bound of the last stage solved (equal to its value when optimal).
    pub bound: Option<f64>,
    /// Independent parts solved.
    pub parts: usize,
    /// Variables over all parts.
    pub variables: usize,
    /// Constraints over all parts.
    pub constraints: usize,
    /// Wall-clock time.
    pub seconds: f64,
    /// The backend's name.
    pub backend: &'static str,
    /// Anything the user should know (fallbacks).
    pub warnings: Vec<String>,
}

/// A solved plan and its report.
#[derive(Debug, Clone)]
pub struct Solution {
    /// The plan (every pod placed or unplaced with a reason).
    pub plan: Plan,
    /// How it was found.
    pub report: SolveReport,
}

/// The result of one part.
struct PartResult {
    values: Vec<Vec<(usize, f64)>>,
    item_ids: Vec<usize>,
    stages: Vec<(&'static str, f64, Outcome)>,
    variables: usize,
    constraints: usize,
    error: Option<BackendError>,
}

/// Solves `problem` to (proven, unless limited) optimality.
pub fn solve(problem: &Problem, options: &SolveOptions) -> Solution {
    let start = Instant::now();
    let items = items::build(problem, options.allow_moves);
    let Reference {
        plan: heuristic,
        bound,
    } = incumbent::reference(problem, &items, options);
    let all_placed = bound.is_some();
    if let (Some(plan), Some(bound)) = (heuristic.as_ref(), bound) {
        let cost = plan.cost(problem);
        let gap = incumbent::relative_gap(cost, bound);
        if options.progress {
            eprintln!(
                "podplan: heuristic plan: every pod placed, cost {cost}, bound {bound} (gap {:.2}%) at {:.2}s",
                gap * 100.0,
                start.elapsed().as_secs_f64()
            );
        }
        // With a gap to work to, a heuristic plan within the gap of the bound ends the solve.
        if options.gap > 0.0 && options.objective == Objective::Cost && gap <= options.gap {
            let note = format!(
                "closed by a heuristic plan within {:.2}% of the node-cost bound (requested gap {:.2}%); moves and soft preferences were not optimised",
                gap * 100.0,
                options.gap * 100.0
            );
            return heuristic_solution(problem, plan.clone(), Some(bound), note, options, start);
        }
    }
    // A compact program this large cannot be built and solved within a time limit on one
    // core (250 nodes × 241 Deployments gave no solution in 60 s); the heuristic plan is the
    // answer, with its proven gap when known.
    let count_variables: usize = items.items.iter().map(|i| i.eligible.len()).sum();
    if options.time_limit.is_some()
        && count_variables > LARGEST_COMPACT_PROGRAM
        && let Some(plan) = heuristic.as_ref()
    {
        let note = format!(
            "the program would have {count_variables} count variables (limit {LARGEST_COMPACT_PROGRAM} with a time limit); the best heuristic plan is returned"
        );
        return heuristic_solution(problem, plan.clone(), bound, note, options, start);
    }
    let parts = if options.decompose {
        components(problem, &items)
    } else {
        vec![(0..items.items.len()).collect()]
    };
    let deadline = options.time_limit.map(|limit| start + limit);
    let threads = options.threads.max(1);
    let solve_part =
        |ids: &Vec<usize>| solve_part(problem, &items, ids, options, all_placed, start, deadline);
    let results: Vec<PartResult> = if threads > 1 && parts.len() > 1 {
        match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            Ok(pool) => pool.install(|| parts.par_iter().map(solve_part).collect()),
            Err(_) => parts.iter().map(solve_part).collect(),
        }
    } else {
        parts.iter().map(solve_part).collect()
    };
    let reference = Reference {
        plan: heuristic,
        bound,
    };
    assemble(problem, &items, results, reference, options, start)
}

/// Count variables above which a time-limited solve returns the heuristic plan directly.
pub const LARGEST_COMPACT_PROGRAM: usize = 40_000;

/// A heuristic plan as the solution. With a cost `bound` (every placeable pod placed): the
/// placement stage is proven and the status carries the cost's proven gap; without one: the
/// status is `Heuristic`. Later stages (moves, soft preferences) are not optimised.
fn heuristic_solution(
    problem: &Problem,
    mut plan: Plan,
    bound: Option<f64>,
    note: String,
    options: &SolveOptions,
    start: Instant,
) -> Solution {
    let cost = plan.cost(problem);
    let mut stages = vec![StageReport {
        name: "placed",
        value: plan.placed_weight(problem),
        proven: bound.is_some(),
    }];
    match bound {
        Some(bound) => {
            let gap = incumbent::relative_gap(cost, bound);
            plan.status = Status::Feasible { gap };
            stages.push(StageReport {
                name: "cost",
                value: cost,
                proven: gap <= 0.0,
            });
        }
        None => plan.status = Status::Heuristic,
    }
    Solution {
        report: SolveReport {
            stages,
            bound,
            parts: 1,
            variables: 0,
            constraints: 0,
            seconds: start.elapsed().as_secs_f64(),
            backend: options.backend.name(),
            warnings: vec![note],
        },
        plan,
    }
}

/// Groups items into independent parts: items sharing an eligible node, or tied by a rule.
fn components(problem: &Problem, items: &Items<'_>) -> Vec<Vec<usize>> {
    let count = items.items.len();
    let mut sets = UnionFind::<usize>::new(count + problem.nodes.len());
    for (i, item) in items.items.iter().enumerate() {
        for &(n, _) in &item.eligible {
            sets.union(i, count + n);
        }
        if let Some(n) = item.conditional_on {
            sets.union(i, count + n);
        }
        let t = &item.template;
        for (j, other) in items.items.iter().enumerate() {
            if i == j {
                continue;
            }
            let o = &other.template;
            let o_ns = problem.namespace_labels(&o.namespace);
            let related =
                t.affinity.iter().chain(&t.anti_affinity).any(|term| {
                    pod_matches_term(term, &t.namespace, &o.namespace, &o_ns, &o.labels)
                }) || t
                    .spread
                    .iter()
                    .any(|c| c.hard && topology_spread::pod_counts(c, t, o, false));
            if related {
                sets.union(i, j);
            }
        }
        // A spread constraint's minimum reads every counting node.
        for constraint in t.spread.iter().filter(|c| c.hard) {
            for (n, node) in problem.nodes.iter().enumerate() {
                if node.labels.contains_key(&constraint.topology_key) {
                    sets.union(i, count + n);
                }
            }
        }
    }
    let mut parts: std::collections::BTreeMap<usize, Vec<usize>> =
        std::collections::BTreeMap::new();
    for i in 0..count {
        parts.entry(sets.find(i)).or_default().push(i);
    }
    parts.into_values().collect()
}

fn remaining(deadline: Option<Instant>) -> Option<Duration> {
    deadline.map(|d| d.saturating_duration_since(Instant::now()))
}

/// Solves one part stage by stage.
fn solve_part(
    problem: &Problem,
    items: &Items<'_>,
    ids: &[usize],
    options: &SolveOptions,
    all_placed: bool,
    start: Instant,
    deadline: Option<Instant>,
) -> PartResult {
    let f = formulation::build(problem, items, ids);
    // Pods placed per item (in part order) when a heuristic plan proved every pod placeable.
    let every_pod: Vec<f64> = ids
        .iter()
        .map(|&i| {
            let item = &items.items[i];
            if item.eligible.is_empty() {
                0.0
            } else {
                item.count as f64
            }
        })
        .collect();
    let mut result = PartResult {
        values: vec![Vec::new(); ids.len()],
        item_ids: ids.to_vec(),
        stages: Vec::new(),
        variables: f.variable_count(),
        constraints: f.constraints.len(),
        error: None,
    };
    let has_moves = ids.iter().any(|&i| items.items[i].origin_node.is_some());
    let mut stages: Vec<(&'static str, Expression, bool)> =
        vec![("placed", f.placed.clone(), true)];
    match options.objective {
        Objective::Cost => stages.push(("cost", f.cost.clone(), false)),
        Objective::Balance => stages.push(("peak", Expression::from(f.peak), false)),
    }
    if has_moves {
        stages.push(("moves", f.moves.clone(), false));
    }
    if f.has_soft {
        stages.push(("soft", f.soft.clone(), true));
    }
    let mut constraints: Vec<Constraint> = f.constraints.clone();
    let mut last_values: Option<Vec<f64>> = None;
    for (name, objective, maximise) in stages {
        if name == "placed" && all_placed {
            // Proven by the heuristic plan: keep it as a constraint, no solve needed.
            let value: f64 = ids
                .iter()
                .zip(&every_pod)
                .filter(|(i, _)| items.items[**i].conditional_on.is_none())
                .map(|(&i, &count)| items.items[i].weight * count)
                .sum();
            constraints.push(objective.geq(value - 0.5));
            result.stages.push((name, value, Outcome::Optimal));
            continue;
        }
        let limits = Limits {
            time: remaining(deadline),
            gap: options.gap,
            threads: 1,
        };
        if limits.time.is_some_and(|t| t.is_zero()) && last_values.is_some() {
            break;
        }
        match backend::run(
            options.backend,
            f.variables.clone(),
            &f.all,
            objective.clone(),
            maximise,
            &constraints,
            limits,
        ) {
            Ok(mut solved) => {
                let value = evaluate(&objective, &f.all, &solved.values);
                if name == "cost" && solved.outcome != Outcome::Optimal {
                    // Stop early when the incumbent meets the sum bound: it is optimal.
                    // Only when every pod is placed: then the load is the same in every plan of
                    // this stage, and the bound holds for all of them.
                    let placed = if all_placed {
                        Some(every_pod.clone())
                    } else {
                        last_values.as_ref().map(|values| placed_counts(&f, values))
                    };
                    let all_placed = placed.as_ref().is_some_and(|placed| {
                        f.item_ids.iter().zip(placed).all(|(&i, &count)| {
                            let item = &items.items[i];
                            item.conditional_on.is_some() || count as usize == item.count
                        })
                    });
                    if let Some(placed) = placed.filter(|_| all_placed) {
                        let bound = cost_lower_bound(problem, items, &f, &placed);
                        if value <= bound + 1e-6 {
                            solved.outcome = Outcome::Optimal;
                        }
                    }
                }
                if options.progress {
                    eprintln!(
                        "podplan: part of {} item(s): {name} = {value} ({}) at {:.2}s",
                        ids.len(),
                        if solved.outcome == Outcome::Optimal {
                            "proven"
                        } else {
                            "not proven"
                        },
                        start.elapsed().as_secs_f64()
                    );
                }
                result.stages.push((name, value, solved.outcome));
                // Keep this stage's optimum (objectives are integral except cost and peak).
                let tolerance = 1e-6 * value.abs().max(1.0);
                constraints.push(if maximise {
                    objective.geq(value - tolerance.max(if name == "placed" { 0.5 } else { 0.0 }))
                } else {
                    objective.leq(value + tolerance)
                });
                last_values = Some(solved.values);
                if solved.outcome == Outcome::TimeLimit {
                    break;
                }
            }
            Err(error) => {
                result.error = Some(error);
                break;
            }
        }
    }
    if let Some(values) = last_values {
        let index: std::collections::HashMap<good_lp::Variable, usize> =
            f.all.iter().enumerate().map(|(i, v)| (*v, i)).collect();
        for (k, vars) in f.x.iter().enumerate() {
            result.values[k] = vars.iter().map(|(n, v)| (*n, values[index[v]])).collect();
        }
    }
    result
}

/// Pods placed per item (in part order) at a solution.
fn placed_counts(f: &formulation::Formulation, values: &[f64]) -> Vec<f64> {
    let index: std::collections::HashMap<good_lp::Variable, usize> =
        f.all.iter().enumerate().map(|(i, v)| (*v, i)).collect();
    f.x.iter()
        .map(|vars| vars.iter().map(|(_, v)| values[index[v]].round()).sum())
        .collect()
}

/// A lower bound on the node cost of placing `placed` pods of each item: per resource, the load
/// that the nodes used anyway cannot hold, over the largest node that may be opened, times the
/// cheapest such node.
fn cost_lower_bound(
    problem: &Problem,
    items: &Items<'_>,
    f: &formulation::Formulation,
    placed: &[f64],
) -> f64 {
    let state = &items.state;
    let nodes: std::collections::BTreeSet<usize> = f.x.iter().flatten().map(|(n, _)| *n).collect();
    let Some(min_cost) =
        f.u.keys()
            .map(|&n| problem.nodes[n].cost)
            .min_by(f64::total_cmp)
    else {
        return 0.0;
    };
    let mut needed: f64 = 0.0;
    for r in 0..problem.resources.len() {
        // DaemonSet pods of pool candidates are left out: their number depends on the nodes
        // opened, and leaving them out only weakens the bound.
        let load: f64 = f
            .item_ids
            .iter()
            .zip(placed)
            .filter(|(i, _)| items.items[**i].conditional_on.is_none())
            .map(|(&i, &count)| items.items[i].template.requests[r] as f64 * count)
            .sum();
        let free_anyway: f64 = nodes
            .iter()
            .filter(|n| !f.u.contains_key(n))
            .map(|&n| (problem.nodes[n].allocatable[r] - state.used[n][r]).max(0) as f64)
            .sum();
        let largest =
            f.u.keys()
                .map(|&n| problem.nodes[n].allocatable[r])
                .max()
                .unwrap_or(0) as f64;
        if largest > 0.0 {
            needed = needed.max(((load - free_anyway).max(0.0) / largest).ceil());
        }
    }
    needed * min_cost
}

/// The value of an expression at a solution.
fn evaluate(expression: &Expression, all: &[good_lp::Variable], values: &[f64]) -> f64 {
    struct At<'a>(
        std::collections::HashMap<good_lp::Variable, f64>,
        std::marker::PhantomData<&'a ()>,
    );
    impl good_lp::Solution for At<'_> {
        fn status(&self) -> good_lp::SolutionStatus {
            good_lp::SolutionStatus::Optimal
        }
        fn value(&self, variable: good_lp::Variable) -> f64 {
            self.0.get(&variable).copied().unwrap_or(0.0)
        }
    }
    let at = At(
        all.iter().copied().zip(values.iter().copied()).collect(),
        std::marker::PhantomData,
    );
    good_lp::Solution::eval(&at, expression.clone())
}

/// Turns part results into a plan, checks it, and reports.
fn assemble(
    problem: &Problem,
    items: &Items<'_>,
    results: Vec<PartResult>,
    reference: Reference,
    options: &SolveOptions,
    start: Instant,
) -> Solution {
    let mut plan = Plan::empty(problem, Status::Optimal);
    let mut warnings = Vec::new();
    let mut stage_totals: Vec<StageReport> = Vec::new();
    let mut all_optimal = true;
    let mut any_time_limit = false;
    let mut any_gap = false;
    let mut failed = false;
    let mut unsolved_in_time = false;
    let (mut variables, mut constraints) = (0, 0);
    let parts = results.len();
    for result in &results {
        variables += result.variables;
        constraints += result.constraints;
        if let Some(error) = &result.error {
            if result.stages.is_empty() {
                failed = true;
                unsolved_in_time |= *error == BackendError::NoSolution;
                warnings.push(format!(
                    "a part of {} items could not be solved: {error}",
                    result.item_ids.len()
                ));
            } else {
                all_optimal = false;
                any_time_limit = true;
            }
        }
        for (name, value, outcome) in &result.stages {
            match stage_totals.iter_mut().find(|s| s.name == *name) {
                Some(stage) => {
                    stage.value = if *name == "peak" {
                        stage.value.max(*value)
                    } else {
                        stage.value + value
                    };
                    stage.proven &= *outcome == Outcome::Optimal;
                }
                None => stage_totals.push(StageReport {
                    name,
                    value: *value,
                    proven: *outcome == Outcome::Optimal,
                }),
            }
            all_optimal &= *outcome == Outcome::Optimal;
            any_time_limit |= *outcome == Outcome::TimeLimit;
            any_gap |= *outcome == Outcome::GapLimit;
        }
        for (k, values) in result.values.iter().enumerate() {
            let item = &items.items[result.item_ids[k]];
            let mut slots: Vec<usize> = Vec::new();
            for &(n, value) in values {
                slots.extend(std::iter::repeat_n(n, value.round().max(0.0) as usize));
            }
            match item.source {
                Source::Group(g) => {
                    for (i, node) in slots.into_iter().take(plan.placements[g].len()).enumerate() {
                        plan.placements[g][i] = Some(node);
                    }
                }
                Source::Running(fixed) => {
                    if let Some(&node) = slots.first() {
                        plan.fixed_nodes[fixed] = node;
                    }
                }
            }
        }
    }
    fill_reasons(problem, items, &mut plan);
    plan.status = if failed {
        Status::Heuristic
    } else if any_time_limit {
        Status::TimeLimit
    } else if any_gap || !all_optimal {
        Status::Feasible { gap: options.gap }
    } else {
        Status::Optimal
    };
    let violations = verify(
        problem,
        &plan,
        VerifyOptions {
            allow_moves: options.allow_moves,
        },
    );
    if !violations.is_empty() || failed {
        if !violations.is_empty() {
            warnings.push(format!(
                "the solver's plan broke {} rule(s) (first: {}); the greedy plan is returned instead",
                violations.len(),
                violations[0]
            ));
        }
        debug_assert!(
            failed || violations.is_empty(),
            "solver plan fails verify: {violations:#?}"
        );
        plan = match &reference.plan {
            Some(reference) => reference.clone(),
            None => greedy::schedule(problem, Strategy::KubeScheduler),
        };
        plan.status = if unsolved_in_time {
            Status::TimeLimit
        } else {
            Status::Heuristic
        };
    }
    // A plan stopped early (time limit or gap) may be worse than the best heuristic plan, which
    // is then returned: the optimiser is never behind kube-scheduler (one of the heuristics).
    if plan.status != Status::Optimal
        && let Some(reference) = &reference.plan
    {
        let (ours, theirs) = (
            plan.placed_weight(problem),
            reference.placed_weight(problem),
        );
        let better = theirs > ours + 1e-9
            || ((theirs - ours).abs() <= 1e-9
                && reference.cost(problem) < plan.cost(problem) - 1e-9);
        if better {
            warnings.push(format!(
                "the solver stopped ({}) at a plan behind the best heuristic plan (placed weight {ours} vs {theirs}, cost {} vs {}); the heuristic plan is returned",
                plan.status.name(),
                plan.cost(problem),
                reference.cost(problem)
            ));
            // The solver's status described its own plan: this one is a heuristic's (its gap
            // is measured below when a bound is known).
            plan = reference.clone();
            plan.status = Status::Heuristic;
        }
    }
    // Every placeable pod placed and a cost bound known: an unproven plan reports the gap it is
    // proven to be within.
    if let Some(bound) = reference.bound
        && options.objective == Objective::Cost
        && !matches!(plan.status, Status::Optimal | Status::Infeasible)
        && incumbent::places_every_placeable_pod(items, &plan)
    {
        let measured = incumbent::relative_gap(plan.cost(problem), bound);
        let gap = match plan.status {
            Status::Feasible { gap } => gap.min(measured),
            _ => measured,
        };
        plan.status = Status::Feasible { gap };
    }
    // The bound of the last stage: its value when proven; for an unproven cost stage, or one the
    // solver never reached, the resource-cover bound.
    let cost_not_proven = match stage_totals.last() {
        Some(stage) if stage.name == "cost" => !stage.proven,
        Some(stage) => stage.name == "placed" && options.objective == Objective::Cost,
        None => false,
    };
    let bound = if cost_not_proven {
        reference.bound
    } else {
        stage_totals.last().filter(|s| s.proven).map(|s| s.value)
    };
    Solution {
        plan,
        report: SolveReport {
            stages: stage_totals,
            bound,
            parts,
            variables,
            constraints,
            seconds: start.elapsed().as_secs_f64(),
            backend: options.backend.name(),
            warnings,
        },
    }
}

/// Gives every unplaced pending pod its reason.
fn fill_reasons(problem: &Problem, items: &Items<'_>, plan: &mut Plan) {
    let state = ClusterState::new(problem);
    let nodes: Vec<usize> = state.active_nodes().collect();
    for (g, group) in problem.groups.iter().enumerate() {
        if plan.placements[g].iter().all(Option::is_some) {
            continue;
        }
        let reason = if let Some(blocked) = &group.blocked {
            blocked.clone()
        } else if group.daemon_node.is_some_and(|n| !problem.node_exists(n)) {
            continue;
        } else {
            let eligible = items
                .items
                .iter()
                .find(|i| i.source == Source::Group(g))
                .is_some_and(|i| !i.eligible.is_empty());
            if eligible {
                "the optimal plan has no room for it: capacity and rules are taken by the pods it places".to_string()
            } else {
                let filter = PodFilter::new(&group.template, &state);
                let reasons: Vec<Vec<String>> = nodes
                    .iter()
                    .map(|&n| {
                        filter
                            .rejections(&state, n, true)
                            .into_iter()
                            .flat_map(|r| r.reasons)
                            .collect()
                    })
                    .collect();
                let feasible = reasons.iter().filter(|r| r.is_empty()).count();
                format!(
                    "no node can ever take it: {}",
                    summary_message(nodes.len(), feasible, &reasons)
                )
            }
        };
        for (i, placement) in plan.placements[g].iter().enumerate() {
            if placement.is_none() {
                plan.reasons.insert((g, i), reason.clone());
            }
        }
    }
}
