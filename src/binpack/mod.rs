//! Vector bin packing with proven optima: items with a size vector, identical bins.
//!
//! The method, cheapest first:
//! 1. identical items are aggregated into types; a dimension that dominates the others for every
//!    item (any bin feasible in it is feasible in all) reduces the instance to one dimension;
//! 2. lower bounds: the sum bound and Martello–Toth's L2 per dimension;
//! 3. an incumbent from first-fit and best-fit decreasing;
//! 4. exhaustive patterns (see [`enumerate`]): a packing into `b` bins wastes a known amount in
//!    all, so no bin wastes more; when few patterns fit that budget, the integer program over
//!    all of them finds a `b`-bin packing or proves there is none (planted triplets: instantly);
//! 5. the LP bound of the pattern formulation by column generation (our own revised simplex
//!    for the master, a bounded knapsack for pricing), which closes most instances;
//! 6. diving: fix the pattern the LP uses most, re-solve the residual, repeat; plain, then
//!    restricted to the patterns a lower-bound packing can use;
//! 7. the exhaustive step again at the LP bound, price-and-branch (the integer master over every
//!    pattern generated), then limited-discrepancy dives and price-and-branch over the wider
//!    pool, sharing the time left.
//!
//! ```
//! use podplan::binpack::{Instance, BinPackOptions, solve};
//! use podplan::plan::Status;
//!
//! let instance = Instance::parse("20\n12\n12\n12\n12\n9\n9\n8\n8\n8\n7\n6\n5\n4\n").unwrap();
//! let result = solve(&instance, &BinPackOptions::default());
//! assert_eq!(result.bins, 5); // first-fit decreasing needs 6
//! assert_eq!(result.status, Status::Optimal);
//! assert!(instance.is_valid_packing(&result.packing));
//! ```

pub mod bounds;
pub mod enumerate;
pub mod instance;
pub mod master;
pub mod pricing;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use good_lp::{Expression, ProblemVariables, Variable, variable};
use serde::Serialize;

pub use instance::{Instance, InstanceError};
use master::Pattern;
use pricing::Types;

use crate::plan::Status;
use crate::solve::Backend;
use crate::solve::backend::{self, BackendError, Limits};
use crate::synthetic::SplitMix;

/// How to solve.
#[derive(Debug, Clone)]
pub struct BinPackOptions {
    /// Wall-clock limit.
    pub time_limit: Option<Duration>,
    /// Backend for price-and-branch.
    pub backend: Backend,
    /// Print each step's result on standard error.
    pub progress: bool,
}

impl Default for BinPackOptions {
    fn default() -> Self {
        BinPackOptions {
            time_limit: Some(Duration::from_secs(60)),
            backend: Backend::default(),
            progress: false,
        }
    }
}

/// A packing with its proof.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BinPackResult {
    /// `Optimal` when `bins == lower_bound`.
    #[serde(serialize_with = "status_name")]
    pub status: Status,
    /// Bins used.
    pub bins: usize,
    /// The best proven lower bound.
    pub lower_bound: usize,
    /// The LP bound of the pattern formulation, when column generation converged.
    pub lp_bound: Option<f64>,
    /// Item indices per bin (0-based, as in the instance file).
    pub packing: Vec<Vec<usize>>,
    /// Bins used by first-fit/best-fit decreasing.
    pub greedy_bins: usize,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Which step closed the gap (`greedy`, `lp bound`, `diving`, `price-and-branch`), or `open`.
    pub closed_by: &'static str,
}

fn status_name<S: serde::Serializer>(status: &Status, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(status.name())
}

/// Solves `instance`.
pub fn solve(instance: &Instance, options: &BinPackOptions) -> BinPackResult {
    let start = Instant::now();
    let instance = &instance.reduced();
    let deadline = options.time_limit.map(|t| start + t);
    let in_time = || deadline.is_none_or(|d| Instant::now() < d);
    let progress = |what: &str| {
        if options.progress {
            eprintln!(
                "podplan binpack: {what} at {:.2}s",
                start.elapsed().as_secs_f64()
            );
        }
    };
    let mut packing = bounds::greedy_packing(instance);
    let greedy_bins = packing.len();
    let mut lower_bound = bounds::sum_bound(instance);
    for d in 0..instance.dimensions() {
        let sizes: Vec<i64> = instance.items.iter().map(|i| i[d]).collect();
        lower_bound = lower_bound.max(bounds::l2_bound(&sizes, instance.capacity[d]));
    }
    let result = |packing: Vec<Vec<usize>>, lower_bound: usize, lp_bound, closed_by| {
        let bins = packing.len();
        let status = if bins <= lower_bound {
            Status::Optimal
        } else if deadline.is_some_and(|d| Instant::now() >= d) {
            Status::TimeLimit
        } else {
            Status::Feasible {
                gap: (bins - lower_bound) as f64 / bins as f64,
            }
        };
        BinPackResult {
            status,
            bins,
            lower_bound,
            lp_bound,
            packing,
            greedy_bins,
            seconds: start.elapsed().as_secs_f64(),
            closed_by,
        }
    };
    if packing.len() <= lower_bound || instance.items.is_empty() {
        return result(packing, lower_bound, None, "greedy");
    }
    // Types, on the dominant dimension alone when one dominates.
    let dims: Vec<usize> = match dominant_dimension(instance) {
        Some(d) => vec![d],
        None => (0..instance.dimensions()).collect(),
    };
    let mut by_size: BTreeMap<Vec<i64>, Vec<usize>> = BTreeMap::new();
    for (i, item) in instance.items.iter().enumerate() {
        by_size
            .entry(dims.iter().map(|&d| item[d]).collect())
            .or_default()
            .push(i);
    }
    let members: Vec<Vec<usize>> = by_size.values().cloned().collect();
    let types = Types {
        sizes: by_size.keys().cloned().collect(),
        demand: members.iter().map(|m| m.len() as u32).collect(),
        capacity: dims.iter().map(|&d| instance.capacity[d]).collect(),
        min_fill: vec![0; dims.len()],
        deadline,
    };
    let max_copies: Vec<u32> = (0..types.sizes.len())
        .map(|t| types.max_copies(t))
        .collect();
    // Exhaustive search first when it is cheap: few patterns fit the sum bound's waste (the
    // planted triplets have none to spare).
    let share = |fraction: f64| {
        deadline.map(|d| {
            Instant::now()
                + d.saturating_duration_since(Instant::now())
                    .mul_f64(fraction)
        })
    };
    match exhaustive(
        &types,
        lower_bound,
        None,
        EARLY_EXHAUSTIVE_PATTERNS,
        0.05,
        options.backend,
        &share,
    ) {
        Exhaustive::Packed(found) => {
            let packing = to_packing(&found, &members);
            return result(packing, lower_bound, None, "exhaustive patterns");
        }
        Exhaustive::NoneIn(bins) => {
            lower_bound = lower_bound.max(bins + 1);
            if packing.len() <= lower_bound {
                return result(packing, lower_bound, None, "exhaustive patterns");
            }
        }
        Exhaustive::Unknown(why) => progress(&format!("exhaustive patterns: {why}")),
    }
    let mut pool: Vec<Pattern> = Vec::new();
    let unit = |_: &Pattern| 1.0;
    let lp = master::solve(
        &types.demand,
        &mut pool,
        |y| types.price(y),
        &max_copies,
        &unit,
        None,
        in_time,
    );
    lower_bound = lower_bound.max((lp.lower_bound - 1e-6).ceil() as usize);
    let lp_bound = lp.converged.then_some(lp.objective);
    progress(&format!(
        "LP bound {:.3}{} ({} types, {} patterns)",
        lp.objective,
        if lp.converged { "" } else { " (not converged)" },
        types.sizes.len(),
        pool.len()
    ));
    if packing.len() <= lower_bound {
        return result(packing, lower_bound, lp_bound, "lp bound");
    }
    // Plain diving, then diving towards a packing in `lower_bound` bins (whose total waste
    // bounds every bin's).
    let mut dived = dive(
        &types,
        &mut pool,
        &lp,
        &max_copies,
        &in_time,
        None,
        Choice::Best,
    );
    if dived.as_ref().is_none_or(|d| d.len() > lower_bound)
        && let Some(targeted) = dive(
            &types,
            &mut pool,
            &lp,
            &max_copies,
            &in_time,
            Some(lower_bound),
            Choice::Best,
        )
        && dived.as_ref().is_none_or(|d| targeted.len() < d.len())
    {
        dived = Some(targeted);
    }
    progress(&format!(
        "diving: {:?} bins",
        dived.as_ref().map(|d| d.len())
    ));
    if let Some(dived) = dived
        && dived.len() < packing.len()
    {
        packing = to_packing(&dived, &members);
        if packing.len() <= lower_bound {
            return result(packing, lower_bound, lp_bound, "diving");
        }
    }
    // Every pattern within the waste a `lower_bound`-bin packing allows, when they are few: the
    // integer program over them settles `lower_bound` bins either way (then one more).
    for _ in 0..2 {
        match exhaustive(
            &types,
            lower_bound,
            lp.converged.then_some(&lp),
            EXHAUSTIVE_PATTERNS,
            0.5,
            options.backend,
            &share,
        ) {
            Exhaustive::Packed(found) => {
                packing = to_packing(&found, &members);
                return result(packing, lower_bound, lp_bound, "exhaustive patterns");
            }
            Exhaustive::NoneIn(bins) => {
                progress(&format!("exhaustive patterns: no packing in {bins} bins"));
                lower_bound = lower_bound.max(bins + 1);
                if packing.len() <= lower_bound {
                    return result(packing, lower_bound, lp_bound, "exhaustive patterns");
                }
            }
            Exhaustive::Unknown(why) => {
                progress(&format!("exhaustive patterns at {lower_bound} bins: {why}"));
                break;
            }
        }
    }
    // Price-and-branch over every pattern generated, with a third of the time left; then
    // targeted dives that differ from the first at one bin each (a wider pool as well); then
    // price-and-branch again over the wider pool.
    let price_and_branch_within = |packing: &mut Vec<Vec<usize>>, pool: &[Pattern], until| {
        if in_time()
            && let IntegerMaster::Packed(patterns) = price_and_branch(
                &types,
                pool,
                packing.len(),
                lower_bound,
                options.backend,
                until,
                false,
            )
            && patterns.len() < packing.len()
        {
            *packing = to_packing(&patterns, &members);
        }
        packing.len() <= lower_bound
    };
    let pb = price_and_branch_within(&mut packing, &pool, share(1.0 / 3.0));
    progress(&format!("price-and-branch: {} bins", packing.len()));
    if pb {
        return result(packing, lower_bound, lp_bound, "price-and-branch");
    }
    let dives_until = share(2.0 / 3.0);
    let dives_in_time = || dives_until.is_none_or(|d| Instant::now() < d);
    // One discrepancy at each step in turn, then seeded random dives while time is left.
    let choices = (0..lower_bound)
        .map(Choice::SecondAt)
        .chain((1..).map(Choice::Random));
    for choice in choices {
        if !dives_in_time() {
            break;
        }
        if let Some(found) = dive(
            &types,
            &mut pool,
            &lp,
            &max_copies,
            &dives_in_time,
            Some(lower_bound),
            choice,
        ) && found.len() < packing.len()
        {
            packing = to_packing(&found, &members);
            if packing.len() <= lower_bound {
                return result(packing, lower_bound, lp_bound, "diving");
            }
        }
    }
    if price_and_branch_within(&mut packing, &pool, deadline) {
        return result(packing, lower_bound, lp_bound, "price-and-branch");
    }
    result(packing, lower_bound, lp_bound, "open")
}

/// A dimension `d` such that every item's relative size in `d` is at least its relative size in
/// every other dimension: then a bin feasible in `d` is feasible everywhere.
fn dominant_dimension(instance: &Instance) -> Option<usize> {
    let dims = instance.dimensions();
    if dims == 1 {
        return Some(0);
    }
    (0..dims).find(|&d| {
        instance.items.iter().all(|item| {
            (0..dims).all(|e| {
                i128::from(item[e]) * i128::from(instance.capacity[d])
                    <= i128::from(item[d]) * i128::from(instance.capacity[e])
            })
        })
    })
}

/// Which of the patterns the LP uses a dive fixes at each step.
#[derive(Debug, Clone, Copy)]
enum Choice {
    /// The most used.
    Best,
    /// The second most used at step `k`, the most used elsewhere (limited discrepancy).
    SecondAt(usize),
    /// One of the three most used, drawn with weights 6:3:1 (seeded: the same every run).
    Random(u64),
}

/// Fixes the pattern the LP uses most (as many whole copies as it has; see [`Choice`] for the
/// alternatives), re-solves the residual, and repeats until every item is packed. With a
/// `target` number of bins, only patterns whose
/// waste fits the waste a `target`-bin packing can have are generated and fixed (others cost
/// more than the target allows); the dive gives up when the budget runs out.
fn dive(
    types: &Types,
    pool: &mut Vec<Pattern>,
    first: &master::MasterSolution,
    max_copies: &[u32],
    in_time: &impl Fn() -> bool,
    target: Option<usize>,
    choice: Choice,
) -> Option<Vec<Pattern>> {
    let mut rng = SplitMix::new(match choice {
        Choice::Random(seed) => seed,
        _ => 0,
    });
    let mut residual = types.demand.clone();
    let mut chosen: Vec<Pattern> = Vec::new();
    let mut lp = first.clone();
    let mut first_round = target.is_none();
    let mut step = 0usize;
    loop {
        if residual.iter().all(|&d| d == 0) {
            return Some(chosen);
        }
        if !in_time() {
            return None;
        }
        let min_fill: Vec<i64> = match target {
            Some(bins) => {
                let left = bins.checked_sub(chosen.len())? as i64;
                let mut fill = Vec::new();
                for d in 0..types.capacity.len() {
                    let size: i64 = residual
                        .iter()
                        .zip(&types.sizes)
                        .map(|(&r, s)| i64::from(r) * s[d])
                        .sum();
                    let waste = left * types.capacity[d] - size;
                    if waste < 0 {
                        return None;
                    }
                    fill.push((types.capacity[d] - waste).max(0));
                }
                fill
            }
            None => vec![0; types.capacity.len()],
        };
        let full_enough = |p: &Pattern| {
            (0..types.capacity.len()).all(|d| {
                p.iter()
                    .zip(&types.sizes)
                    .map(|(&a, s)| i64::from(a) * s[d])
                    .sum::<i64>()
                    >= min_fill[d]
            })
        };
        if !first_round {
            let sub = Types {
                sizes: types.sizes.clone(),
                demand: residual.clone(),
                capacity: types.capacity.clone(),
                min_fill: min_fill.clone(),
                deadline: types.deadline,
            };
            // Types with no demand left get a dummy copy bound of 1 (their rows are satisfied).
            let sub_copies: Vec<u32> = (0..sub.sizes.len())
                .map(|t| sub.max_copies(t).min(max_copies[t]).max(1))
                .collect();
            let penalty = (residual.iter().sum::<u32>() + 1) as f64;
            let cost = |p: &Pattern| if full_enough(p) { 1.0 } else { penalty };
            let warm = std::mem::take(&mut lp.basis);
            lp = master::solve(
                &residual,
                pool,
                |y| sub.price(y),
                &sub_copies,
                &cost,
                Some(&warm),
                in_time,
            );
        }
        first_round = false;
        let mut ranked: Vec<(usize, f64)> = lp
            .values
            .iter()
            .copied()
            .enumerate()
            .filter(|(i, v)| *v > 1e-9 && full_enough(&pool[*i]))
            .collect();
        // Largest value first; ties by pool index (deterministic).
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let pick = match choice {
            Choice::Best => 0,
            Choice::SecondAt(k) => usize::from(step == k),
            Choice::Random(_) => match rng.below(10) {
                0..=5 => 0,
                6..=8 => 1,
                _ => 2,
            },
        }
        .min(ranked.len().saturating_sub(1));
        step += 1;
        let (index, value) = *ranked.get(pick)?;
        let pattern = pool.get(index)?.clone();
        let copies = if value >= 1.0 - 1e-6 {
            (value + 1e-6).floor() as u32
        } else {
            1
        };
        for _ in 0..copies.max(1) {
            let clamped: Pattern = pattern
                .iter()
                .zip(&residual)
                .map(|(&a, &r)| a.min(r))
                .collect();
            if clamped.iter().all(|&a| a == 0) {
                break;
            }
            for (r, a) in residual.iter_mut().zip(&clamped) {
                *r -= a;
            }
            chosen.push(clamped);
        }
    }
}

/// What the exhaustive step settled.
enum Exhaustive {
    /// A packing in the bins asked for.
    Packed(Vec<Pattern>),
    /// Proof that no packing has this many bins.
    NoneIn(usize),
    /// Too many patterns, or out of time (which, said in the text).
    Unknown(String),
}

/// Whether `bins` bins can hold every item: over every pattern within the waste such a packing
/// allows (when there are at most `limit`), the integer program finds one or proves none,
/// within a `time_share` of the time left. With a converged `lp`, patterns whose reduced cost
/// exceeds what `bins` bins allow are left out. `share(f)` is the instant a fraction `f` of
/// the time left from now.
fn exhaustive(
    types: &Types,
    bins: usize,
    lp: Option<&master::MasterSolution>,
    limit: usize,
    time_share: f64,
    backend: Backend,
    share: &impl Fn(f64) -> Option<Instant>,
) -> Exhaustive {
    if share(1.0).is_some_and(|d| Instant::now() >= d) {
        return Exhaustive::Unknown("out of time".into());
    }
    let waste: Vec<i64> = (0..types.capacity.len())
        .map(|d| {
            bins as i64 * types.capacity[d]
                - types
                    .sizes
                    .iter()
                    .zip(&types.demand)
                    .map(|(s, &n)| s[d] * i64::from(n))
                    .sum::<i64>()
        })
        .collect();
    if waste.iter().any(|&w| w < 0) {
        return Exhaustive::NoneIn(bins);
    }
    // With the duals of a converged LP: only patterns of reduced cost at most `bins − y·d`
    // (see `enumerate`), with a margin for rounding.
    let positive: Vec<f64> = lp.map_or(Vec::new(), |lp| {
        lp.duals.iter().map(|y| y.max(0.0)).collect()
    });
    let value = lp.map(|_| {
        let dual_value: f64 = positive
            .iter()
            .zip(&types.demand)
            .map(|(y, &d)| y * f64::from(d))
            .sum();
        enumerate::ValueFloor {
            duals: &positive,
            floor: 1.0 - (bins as f64 - dual_value) - 1e-6 * (bins as f64 + 1.0),
        }
    });
    let Some(patterns) = enumerate::patterns_within_waste(types, &waste, value, limit, share(0.25))
    else {
        return Exhaustive::Unknown(format!("more than {limit} patterns within the waste"));
    };
    if patterns.is_empty() {
        // Not one bin can be filled that well.
        return Exhaustive::NoneIn(bins);
    }
    // Under the duals' filter the set holds every pattern a `bins`-bin packing can use: a
    // small program over it is the most promising use of the time left.
    let time_share = if lp.is_some() && patterns.len() <= SMALL_EXACT_PROGRAM {
        time_share.max(0.9)
    } else {
        time_share
    };
    match price_and_branch(
        types,
        &patterns,
        bins + 1,
        bins,
        backend,
        share(time_share),
        true,
    ) {
        IntegerMaster::Packed(found) => Exhaustive::Packed(found),
        IntegerMaster::Infeasible => Exhaustive::NoneIn(bins),
        IntegerMaster::Unknown => Exhaustive::Unknown(format!(
            "{} patterns, the integer program undecided",
            patterns.len()
        )),
    }
}

/// Patterns enumerated at most for the exhaustive step (beyond, the integer program is too
/// large to settle within seconds).
const EXHAUSTIVE_PATTERNS: usize = 50_000;

/// Patterns at most for the exhaustive program (under the duals' filter) to get most of the
/// time left.
const SMALL_EXACT_PROGRAM: usize = 5_000;

/// The same before column generation, where the step must be cheap to be worth trying.
const EARLY_EXHAUSTIVE_PATTERNS: usize = 5_000;

/// What the integer master over a pool found.
enum IntegerMaster {
    /// A packing.
    Packed(Vec<Pattern>),
    /// Proof that the pool holds no packing in the bins allowed.
    Infeasible,
    /// Nothing within the time (or a solver failure).
    Unknown,
}

/// The integer master over the pool: fewest patterns covering every demand (exactly, with
/// `partition`), between the lower bound and `bins - 1`.
fn price_and_branch(
    types: &Types,
    pool: &[Pattern],
    incumbent: usize,
    lower_bound: usize,
    backend: Backend,
    deadline: Option<Instant>,
    partition: bool,
) -> IntegerMaster {
    let mut variables = ProblemVariables::new();
    let lambda: Vec<Variable> = pool
        .iter()
        .map(|p| {
            let most = p
                .iter()
                .zip(&types.demand)
                .filter(|(a, _)| **a > 0)
                .map(|(a, d)| d.div_ceil(*a))
                .max()
                .unwrap_or(0);
            variables.add(variable().integer().min(0).max(f64::from(most)))
        })
        .collect();
    let mut constraints = Vec::new();
    for t in 0..types.demand.len() {
        let covered: Expression = pool
            .iter()
            .zip(&lambda)
            .filter(|(p, _)| p[t] > 0)
            .map(|(p, v)| f64::from(p[t]) * *v)
            .sum();
        let demand = f64::from(types.demand[t]);
        constraints.push(if partition {
            covered.eq(demand)
        } else {
            covered.geq(demand)
        });
    }
    let total: Expression = lambda.iter().copied().sum();
    constraints.push(total.clone().leq(incumbent as f64 - 1.0));
    // The proven bound: a solution meeting it ends the search at once.
    constraints.push(total.clone().geq(lower_bound as f64));
    let time = deadline.map(|d| d.saturating_duration_since(Instant::now()));
    let solved = backend::run(
        backend,
        variables,
        &lambda,
        total,
        false,
        &constraints,
        Limits {
            time,
            gap: 0.0,
            threads: 1,
        },
    );
    let solved = match solved {
        Ok(solved) => solved,
        Err(BackendError::Infeasible) => return IntegerMaster::Infeasible,
        Err(_) => return IntegerMaster::Unknown,
    };
    let mut residual = types.demand.clone();
    let mut chosen = Vec::new();
    for (p, value) in pool.iter().zip(&solved.values) {
        for _ in 0..value.round().max(0.0) as usize {
            let clamped: Pattern = p.iter().zip(&residual).map(|(&a, &r)| a.min(r)).collect();
            if clamped.iter().any(|&a| a > 0) {
                for (r, a) in residual.iter_mut().zip(&clamped) {
                    *r -= a;
                }
                chosen.push(clamped);
            }
        }
    }
    if residual.iter().all(|&r| r == 0) {
        IntegerMaster::Packed(chosen)
    } else {
        IntegerMaster::Unknown
    }
}

/// Item indices per bin from patterns over types.
fn to_packing(patterns: &[Pattern], members: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut next = vec![0usize; members.len()];
    patterns
        .iter()
        .map(|p| {
            let mut bin = Vec::new();
            for (t, &count) in p.iter().enumerate() {
                for _ in 0..count {
                    bin.push(members[t][next[t]]);
                    next[t] += 1;
                }
            }
            bin
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types(sizes: &[i64], capacity: i64) -> Types {
        let mut by_size: BTreeMap<i64, u32> = BTreeMap::new();
        for &s in sizes {
            *by_size.entry(s).or_default() += 1;
        }
        Types {
            sizes: by_size.keys().map(|&s| vec![s]).collect(),
            demand: by_size.values().copied().collect(),
            capacity: vec![capacity],
            min_fill: vec![0],
            deadline: None,
        }
    }

    #[test]
    fn the_exhaustive_step_packs_or_proves_none() {
        let share = |_: f64| None;
        // 6 + 6 > 10: three items need three bins although their sum fits two.
        let none = types(&[6, 6, 6], 10);
        assert!(matches!(
            exhaustive(&none, 2, None, 1000, 1.0, Backend::default(), &share),
            Exhaustive::NoneIn(2)
        ));
        // Two exact triples, 5 + 3 + 2 and 4 + 4 + 2, in two bins of 10.
        let two = types(&[5, 3, 2, 4, 4, 2], 10);
        match exhaustive(&two, 2, None, 1000, 1.0, Backend::default(), &share) {
            Exhaustive::Packed(found) => {
                assert_eq!(found.len(), 2);
                for pattern in &found {
                    let load: i64 = pattern
                        .iter()
                        .zip(&two.sizes)
                        .map(|(&a, s)| i64::from(a) * s[0])
                        .sum();
                    assert_eq!(load, 10);
                }
                let mut used = vec![0u32; two.demand.len()];
                for pattern in &found {
                    for (u, a) in used.iter_mut().zip(pattern) {
                        *u += a;
                    }
                }
                assert_eq!(used, two.demand);
            }
            _ => panic!("expected a two-bin packing"),
        }
        // Too many patterns for the limit: undecided, not a false proof.
        assert!(matches!(
            exhaustive(&two, 3, None, 1, 1.0, Backend::default(), &share),
            Exhaustive::Unknown(_)
        ));
    }
}
