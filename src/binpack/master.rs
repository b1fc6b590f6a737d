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
    /// The final basis (pool indices, or surplus columns), to warm-start a related solve.
    pub basis: Vec<usize>,
    /// The dual value of each type's row at the last basis.
    pub duals: Vec<f64>,
}

const EPS: f64 = 1e-9;

/// Basis ids at or above this are surplus columns (`SURPLUS + t` for type `t`).
const SURPLUS: usize = usize::MAX / 2;

/// Gauss–Jordan inverse of the basis matrix, `None` when (nearly) singular.
fn invert(columns: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let m = columns.len();
    // a[i][j]: row i, column j of B; work on [B | I].
    let mut a: Vec<Vec<f64>> = (0..m)
        .map(|i| (0..m).map(|j| columns[j][i]).collect())
        .collect();
    let mut inverse: Vec<Vec<f64>> = (0..m)
        .map(|i| (0..m).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect();
    for c in 0..m {
        let p = (c..m).max_by(|&x, &y| a[x][c].abs().total_cmp(&a[y][c].abs()))?;
        if a[p][c].abs() < 1e-9 {
            return None;
        }
        a.swap(c, p);
        inverse.swap(c, p);
        let pivot = a[c][c];
        for j in 0..m {
            a[c][j] /= pivot;
            inverse[c][j] /= pivot;
        }
        for i in 0..m {
            let factor = a[i][c];
            if i != c && factor != 0.0 {
                for j in 0..m {
                    a[i][j] -= factor * a[c][j];
                    inverse[i][j] -= factor * inverse[c][j];
                }
            }
        }
    }
    Some(inverse)
}

/// Replaces basis row `r` by the column whose representation in the basis is `dir`.
fn pivot(binv: &mut [Vec<f64>], dir: &[f64], r: usize) {
    let m = binv.len();
    let pivot = dir[r];
    for j in 0..m {
        binv[r][j] /= pivot;
    }
    for i in 0..m {
        if i != r && dir[i] != 0.0 {
            let factor = dir[i];
            for j in 0..m {
                binv[i][j] -= factor * binv[r][j];
            }
        }
    }
}

/// Column generation on the master with demands `demand`, pool `pool` (grown in place) and a
/// pricing oracle returning the best pattern for the given duals with its value. `keep_going`
/// is asked between iterations (time limits). A `warm` basis from a solve with other demands
/// (diving lowers them) is repaired by dual simplex steps; the crash basis of single-type
/// patterns is the fallback.
pub fn solve(
    demand: &[u32],
    pool: &mut Vec<Pattern>,
    mut price: impl FnMut(&[f64]) -> Option<(Pattern, f64, bool)>,
    max_copies: &[u32],
    cost_of: &dyn Fn(&Pattern) -> f64,
    warm: Option<&[usize]>,
    mut keep_going: impl FnMut() -> bool,
) -> MasterSolution {
    let m = demand.len();
    // Basis: column ids; columns are pool patterns (id < SURPLUS) or surplus (SURPLUS + t).
    let column = |pool: &Vec<Pattern>, id: usize| -> Vec<f64> {
        if id >= SURPLUS {
            let mut c = vec![0.0; m];
            c[id - SURPLUS] = -1.0;
            c
        } else {
            pool[id].iter().map(|&a| f64::from(a)).collect()
        }
    };
    // Crash basis: single-type patterns (always primal feasible).
    let mut crash = Vec::with_capacity(m);
    {
        let known: std::collections::HashMap<&Pattern, usize> =
            pool.iter().enumerate().map(|(i, p)| (p, i)).collect();
        let mut missing = Vec::new();
        for t in 0..m {
            let mut p = vec![0u32; m];
            p[t] = max_copies[t].clamp(1, demand[t].max(1));
            match known.get(&p) {
                Some(&id) => crash.push(id),
                None => {
                    crash.push(usize::MAX);
                    missing.push((t, p));
                }
            }
        }
        for (t, p) in missing {
            pool.push(p);
            crash[t] = pool.len() - 1;
        }
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
    let warmed = warm
        .filter(|b| b.len() == m && b.iter().all(|&id| id >= SURPLUS || id < pool.len()))
        .and_then(|b| {
            let mut basis = b.to_vec();
            let mut binv = invert(&basis.iter().map(|&id| column(pool, id)).collect::<Vec<_>>())?;
            repair(&mut basis, &mut binv, &d, &nonzeros, &costs).then_some((basis, binv))
        });
    let (mut basis, mut binv) = warmed.unwrap_or_else(|| {
        let mut binv = vec![vec![0.0; m]; m];
        for t in 0..m {
            binv[t][t] = 1.0 / f64::from(pool[crash[t]][t]);
        }
        (crash.clone(), binv)
    });
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
                basis: basis.clone(),
                duals: y.clone(),
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
        pivot(&mut binv, &dir, r);
        basis[r] = q;
    }
}

/// Dual simplex steps until the basic solution `B⁻¹ d` is non-negative: the row of the most
/// negative basic variable leaves, and the column with the least reduced cost per unit of
/// (negative) row entry enters. False when it cannot (then the caller starts afresh).
fn repair(
    basis: &mut [usize],
    binv: &mut [Vec<f64>],
    d: &[f64],
    nonzeros: &[Vec<(usize, f64)>],
    costs: &[f64],
) -> bool {
    let m = d.len();
    for _ in 0..4 * m + 10 {
        let x: Vec<f64> = (0..m)
            .map(|i| (0..m).map(|j| binv[i][j] * d[j]).sum())
            .collect();
        let Some(r) = (0..m)
            .filter(|&i| x[i] < -1e-9)
            .min_by(|&a, &b| x[a].total_cmp(&x[b]))
        else {
            return true;
        };
        let cost = |id: usize| if id >= SURPLUS { 0.0 } else { costs[id] };
        let y: Vec<f64> = (0..m)
            .map(|j| (0..m).map(|i| cost(basis[i]) * binv[i][j]).sum())
            .collect();
        let row = &binv[r];
        let mut best: Option<(f64, f64, usize)> = None; // (ratio, |alpha|, id)
        let mut consider = |id: usize, alpha: f64, reduced: f64| {
            if alpha < -EPS && !basis.contains(&id) {
                let ratio = reduced.max(0.0) / -alpha;
                if best
                    .is_none_or(|(b, a, _)| ratio < b - 1e-12 || (ratio <= b + 1e-12 && -alpha > a))
                {
                    best = Some((ratio, -alpha, id));
                }
            }
        };
        for (id, entries) in nonzeros.iter().enumerate() {
            let alpha: f64 = entries.iter().map(|&(t, a)| row[t] * a).sum();
            if alpha < -EPS {
                let reduced = costs[id] - entries.iter().map(|&(t, a)| a * y[t]).sum::<f64>();
                consider(id, alpha, reduced);
            }
        }
        for t in 0..m {
            consider(SURPLUS + t, -row[t], y[t]);
        }
        let Some((_, _, q)) = best else {
            return false;
        };
        let a: Vec<f64> = if q >= SURPLUS {
            let mut c = vec![0.0; m];
            c[q - SURPLUS] = -1.0;
            c
        } else {
            let mut c = vec![0.0; m];
            for &(t, v) in &nonzeros[q] {
                c[t] = v;
            }
            c
        };
        let dir: Vec<f64> = (0..m)
            .map(|i| (0..m).map(|j| binv[i][j] * a[j]).sum())
            .collect();
        if dir[r].abs() < EPS {
            return false;
        }
        pivot(binv, &dir, r);
        basis[r] = q;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binpack::pricing::Types;

    #[test]
    fn a_warm_start_after_lower_demands_reaches_the_cold_optimum() {
        let types = Types {
            sizes: vec![vec![2], vec![3], vec![4], vec![5], vec![7]],
            demand: vec![7, 5, 6, 4, 3],
            capacity: vec![10],
            min_fill: vec![0],
            deadline: None,
        };
        let copies: Vec<u32> = (0..5).map(|t| types.max_copies(t)).collect();
        let unit = |_: &Pattern| 1.0;
        let mut pool = Vec::new();
        let first = solve(
            &types.demand,
            &mut pool,
            |y| types.price(y),
            &copies,
            &unit,
            None,
            || true,
        );
        assert!(first.converged);
        // Diving fixes a bin: demands fall, and the old basis is no longer primal feasible.
        for lower in [
            vec![5, 5, 6, 4, 3],
            vec![0, 1, 6, 0, 3],
            vec![7, 5, 0, 0, 0],
        ] {
            let sub = Types {
                demand: lower.clone(),
                ..types.clone()
            };
            let warm = solve(
                &lower,
                &mut pool,
                |y| sub.price(y),
                &copies,
                &unit,
                Some(&first.basis),
                || true,
            );
            let cold = solve(
                &lower,
                &mut pool.clone(),
                |y| sub.price(y),
                &copies,
                &unit,
                None,
                || true,
            );
            assert!(warm.converged && cold.converged);
            assert!(
                (warm.objective - cold.objective).abs() < 1e-6,
                "{lower:?}: {} vs {}",
                warm.objective,
                cold.objective
            );
            // The values cover every demand.
            for t in 0..5 {
                let covered: f64 = pool
                    .iter()
                    .zip(&warm.values)
                    .map(|(p, v)| f64::from(p[t]) * v)
                    .sum();
                assert!(covered >= f64::from(lower[t]) - 1e-6);
            }
        }
    }
}
