//! The pattern (set-covering) master LP of column generation, solved by a small revised simplex
//! of our own so that every backend gets dual values:
//!
//! `min Σ_p λ_p  s.t.  Σ_p a_tp λ_p ≥ d_t (every item type t),  λ ≥ 0`.
//!
//! The basis starts from one single-type pattern per type (feasible at once); new patterns come
//! from a pricing oracle (a knapsack over the duals).

// Dense matrix arithmetic reads best with explicit row and column indices.
#![allow(clippy::needless_range_loop)]

/// A packing pattern: how many items of each type one bin holds.
pub type Pattern = Vec<u32>;

/// The result of solving the master to LP optimality (or stopping early).
#[derive(Debug, Clone)]
pub struct MasterSolution {
    /// Value of every pattern in the pool (0 for non-basic ones).
    pub values: Vec<f64>,
    /// The LP objective at the last basis.
    pub objective: f64,
    /// A valid lower bound on the LP optimum (Farley's bound while not converged; the optimum
    /// itself once converged).
    pub lower_bound: f64,
    /// Whether LP optimality was proven.
    pub converged: bool,
}

const EPS: f64 = 1e-9;

/// Column generation on the master with demands `demand`, pool `pool` (grown in place) and a
/// pricing oracle returning the best pattern for the given duals with its value. `keep_going`
/// is asked between iterations (time limits).
pub fn solve(
    demand: &[u32],
    pool: &mut Vec<Pattern>,
    mut price: impl FnMut(&[f64]) -> Option<(Pattern, f64, bool)>,
    max_copies: &[u32],
    cost_of: &dyn Fn(&Pattern) -> f64,
    mut keep_going: impl FnMut() -> bool,
) -> MasterSolution {
    let m = demand.len();
    // Basis: column ids; columns are pool patterns (id < POOL_BASE) or surplus (POOL_BASE + t).
    const SURPLUS: usize = usize::MAX / 2;
    let column = |pool: &Vec<Pattern>, id: usize| -> Vec<f64> {
        if id >= SURPLUS {
            let mut c = vec![0.0; m];
            c[id - SURPLUS] = -1.0;
            c
        } else {
            pool[id].iter().map(|&a| f64::from(a)).collect()
        }
    };
    // Initial basis: single-type patterns.
    let mut basis = Vec::with_capacity(m);
    for t in 0..m {
        let mut p = vec![0u32; m];
        p[t] = max_copies[t].clamp(1, demand[t].max(1));
        let id = match pool.iter().position(|q| *q == p) {
            Some(id) => id,
            None => {
                pool.push(p);
                pool.len() - 1
            }
        };
        basis.push(id);
    }
    let mut binv = vec![vec![0.0; m]; m];
    for t in 0..m {
        binv[t][t] = 1.0 / f64::from(pool[basis[t]][t]);
    }
    let d: Vec<f64> = demand.iter().map(|&x| f64::from(x)).collect();
    // Pattern costs and nonzeros, computed once per pattern (the pool is scanned every
    // iteration; a pattern holds a few of the many types).
    let mut costs: Vec<f64> = pool.iter().map(cost_of).collect();
    let sparse = |p: &Pattern| -> Vec<(usize, f64)> {
        p.iter()
            .enumerate()
            .filter(|(_, a)| **a > 0)
            .map(|(t, &a)| (t, f64::from(a)))
            .collect()
    };
    let mut nonzeros: Vec<Vec<(usize, f64)>> = pool.iter().map(sparse).collect();
    let mut lower_bound: f64 = 0.0;
    let mut degenerate_steps = 0usize;
    let mut iterations = 0usize;
    loop {
        iterations += 1;
        let x: Vec<f64> = (0..m)
            .map(|i| (0..m).map(|j| binv[i][j] * d[j]).sum())
            .collect();
        let cost = |id: usize| if id >= SURPLUS { 0.0 } else { costs[id] };
        let y: Vec<f64> = (0..m)
            .map(|j| (0..m).map(|i| cost(basis[i]) * binv[i][j]).sum())
            .collect();
        let objective: f64 = (0..m).map(|i| cost(basis[i]) * x[i]).sum();
        let finish = |converged: bool, lower_bound: f64, pool: &Vec<Pattern>| {
            let mut values = vec![0.0; pool.len()];
            for (i, &id) in basis.iter().enumerate() {
                if id < SURPLUS {
                    values[id] += x[i].max(0.0);
                }
            }
            MasterSolution {
                values,
                objective,
                lower_bound: if converged { objective } else { lower_bound },
                converged,
            }
        };
        // Entering column: a surplus with negative dual, a pool pattern, or a new one.
        let bland = degenerate_steps > 50;
        let mut entering: Option<usize> = None;
        let mut best = -1e-9;
        for t in 0..m {
            if y[t] < best && !basis.contains(&(SURPLUS + t)) {
                best = y[t];
                entering = Some(SURPLUS + t);
                if bland {
                    break;
                }
            }
        }
        if entering.is_none() || !bland {
            for (id, (entries, &c)) in nonzeros.iter().zip(&costs).enumerate() {
                let rc = c - entries.iter().map(|&(t, a)| a * y[t]).sum::<f64>();
                if rc < best - 1e-12 && !basis.contains(&id) {
                    best = rc;
                    entering = Some(id);
                    if bland {
                        break;
                    }
                }
            }
        }
        if entering.is_none() {
            let positive: Vec<f64> = y.iter().map(|v| v.max(0.0)).collect();
            match price(&positive) {
                Some((pattern, value, exact)) => {
                    // Farley's bound y⁺·d / max(1, best pattern value), and LP optimality, hold
                    // only when the pricing is proven best.
                    if exact {
                        let dual_value: f64 = positive.iter().zip(&d).map(|(a, b)| a * b).sum();
                        lower_bound = lower_bound.max(dual_value / value.max(1.0));
                    }
                    let pattern_cost = cost_of(&pattern);
                    if value <= pattern_cost + 1e-9 || pool.contains(&pattern) {
                        return finish(exact, lower_bound, pool);
                    }
                    nonzeros.push(sparse(&pattern));
                    pool.push(pattern);
                    costs.push(pattern_cost);
                    entering = Some(pool.len() - 1);
                }
                None => return finish(true, lower_bound, pool),
            }
        }
        if !keep_going() || iterations > 200_000 {
            return finish(false, lower_bound, pool);
        }
        let q = entering.unwrap_or(0);
        let a = column(pool, q);
        let dir: Vec<f64> = (0..m)
            .map(|i| (0..m).map(|j| binv[i][j] * a[j]).sum())
            .collect();
        let mut leave: Option<usize> = None;
        let mut ratio = f64::INFINITY;
        for i in 0..m {
            if dir[i] > EPS {
                let r = x[i].max(0.0) / dir[i];
                if r < ratio - 1e-12
                    || (r <= ratio + 1e-12 && leave.is_some_and(|l| basis[i] < basis[l]))
                {
                    ratio = r;
                    leave = Some(i);
                }
            }
        }
        let Some(r) = leave else {
            // Unbounded cannot happen (costs are non-negative); stop safely.
            return finish(false, lower_bound, pool);
        };
        degenerate_steps = if ratio < 1e-12 {
            degenerate_steps + 1
        } else {
            0
        };
        let pivot = dir[r];
        for j in 0..m {
            binv[r][j] /= pivot;
        }
        for i in 0..m {
            if i != r && dir[i].abs() > 0.0 {
                let factor = dir[i];
                for j in 0..m {
                    binv[i][j] -= factor * binv[r][j];
                }
            }
        }
        basis[r] = q;
    }
}
