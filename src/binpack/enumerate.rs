//! Every pattern a packing into a given number of bins can use. A packing into `bins` bins
//! wastes `bins × capacity − Σ sizes` in each dimension in all, so no single bin wastes more:
//! when that budget is small, the patterns within it are few, and the integer program over
//! all of them is exact. Its answer settles the number of bins either way: a packing, or a
//! proof that none exists (the lower bound rises by one).
//!
//! Duals of the converged pattern LP narrow the set much further. With `y` optimal (every
//! pattern's reduced cost `1 − y·a` is non-negative) and `y·d = z` the LP value, any packing
//! into `b` bins has `Σ_p (1 − y·a_p) λ_p = b − z`: none of its patterns has a reduced cost
//! above `b − z`, that is, a dual value below `1 − (b − z)`. When the LP value is within a
//! fraction of `b`, only patterns of nearly zero reduced cost remain.

use std::time::Instant;

use super::master::Pattern;
use super::pricing::Types;

/// A floor on the dual value `Σ_t duals[t] a_t` of the patterns wanted.
#[derive(Debug, Clone, Copy)]
pub struct ValueFloor<'a> {
    /// Value per type (non-negative).
    pub duals: &'a [f64],
    /// The least total value.
    pub floor: f64,
}

/// The patterns of `types` whose waste is at most `waste` in every dimension (and whose value
/// reaches `value`, when given), or `None` when there are more than `limit` or the search
/// passes `deadline`.
pub fn patterns_within_waste(
    types: &Types,
    waste: &[i64],
    value: Option<ValueFloor<'_>>,
    limit: usize,
    deadline: Option<Instant>,
) -> Option<Vec<Pattern>> {
    let m = types.sizes.len();
    let dims = types.capacity.len();
    // The reachability tables hold one entry per unit of capacity.
    if types.capacity.iter().any(|&c| c > 1 << 22) {
        return None;
    }
    // Largest first (by the first dimension): big items fix most of a pattern early.
    let mut order: Vec<usize> = (0..m).filter(|&t| types.demand[t] > 0).collect();
    order.sort_by(|&a, &b| types.sizes[b][0].cmp(&types.sizes[a][0]).then(a.cmp(&b)));
    // reachable[k][d]: the loads of dimension d that types order[k..] can make (each
    // dimension alone, which over-approximates and so only prunes what cannot be completed).
    let mut reachable: Vec<Vec<Vec<bool>>> = vec![Vec::new(); order.len() + 1];
    reachable[order.len()] = (0..dims)
        .map(|d| {
            let mut r = vec![false; types.capacity[d] as usize + 1];
            r[0] = true;
            r
        })
        .collect();
    for k in (0..order.len()).rev() {
        let t = order[k];
        let copies = types.max_copies(t) as usize;
        reachable[k] = (0..dims)
            .map(|d| {
                let size = types.sizes[t][d] as usize;
                let mut r = reachable[k + 1][d].clone();
                if size > 0 {
                    // Bounded multiplicity: add one copy at a time.
                    for _ in 0..copies {
                        let before = r.clone();
                        let mut changed = false;
                        for load in (size..r.len()).rev() {
                            if before[load - size] && !r[load] {
                                r[load] = true;
                                changed = true;
                            }
                        }
                        if !changed {
                            break;
                        }
                    }
                }
                r
            })
            .collect();
    }
    // Per suffix k and dimension d: the suffix types by value per unit of size, for the
    // fractional-knapsack bound on the value still reachable.
    let by_ratio: Vec<Vec<Vec<usize>>> = match value {
        Some(v) => (0..=order.len())
            .map(|k| {
                (0..dims)
                    .map(|d| {
                        let mut suffix: Vec<usize> = order[k..]
                            .iter()
                            .copied()
                            .filter(|&t| v.duals[t] > 0.0)
                            .collect();
                        let ratio = |t: usize| v.duals[t] / types.sizes[t][d].max(1) as f64;
                        suffix.sort_by(|&a, &b| ratio(b).total_cmp(&ratio(a)));
                        suffix
                    })
                    .collect()
            })
            .collect(),
        None => Vec::new(),
    };
    struct Search<'a> {
        types: &'a Types,
        value: Option<ValueFloor<'a>>,
        by_ratio: &'a [Vec<Vec<usize>>],
        gained: f64,
        order: &'a [usize],
        reachable: &'a [Vec<Vec<bool>>],
        least: Vec<i64>,
        load: Vec<i64>,
        current: Pattern,
        found: Vec<Pattern>,
        limit: usize,
        deadline: Option<Instant>,
        nodes: usize,
        stopped: bool,
    }
    impl Search<'_> {
        /// The most value types order[k..] can still add (fractional knapsack, the least over
        /// the dimensions), beyond what the pattern already holds.
        fn reachable_value(&self, k: usize, duals: &[f64]) -> f64 {
            let mut least = f64::INFINITY;
            for d in 0..self.load.len() {
                let mut room = (self.types.capacity[d] - self.load[d]) as f64;
                let mut total = 0.0;
                for &t in &self.by_ratio[k][d] {
                    let size = self.types.sizes[t][d] as f64;
                    let left = f64::from(self.types.max_copies(t) - self.current[t]);
                    if size <= 0.0 {
                        total += duals[t] * left;
                        continue;
                    }
                    let take = (room / size).min(left);
                    total += duals[t] * take;
                    room -= take * size;
                    if room <= 0.0 {
                        break;
                    }
                }
                least = least.min(total);
            }
            least
        }
        /// Whether types order[k..] can bring every dimension into [least, capacity], and the
        /// value up to its floor.
        fn completable(&self, k: usize) -> bool {
            if let Some(v) = self.value
                && self.gained + self.reachable_value(k, v.duals) < v.floor - 1e-9
            {
                return false;
            }
            (0..self.load.len()).all(|d| {
                let room = (self.types.capacity[d] - self.load[d]) as usize;
                let need = (self.least[d] - self.load[d]).max(0) as usize;
                need <= room && self.reachable[k][d][need..=room].iter().any(|&r| r)
            })
        }
        fn run(&mut self, k: usize) {
            self.nodes += 1;
            if self.stopped {
                return;
            }
            if self.nodes.is_multiple_of(4096) && self.deadline.is_some_and(|d| Instant::now() >= d)
            {
                self.stopped = true;
                return;
            }
            if self.load.iter().zip(&self.least).all(|(l, m)| l >= m)
                && self.current.iter().any(|&a| a > 0)
                && self.value.is_none_or(|v| self.gained >= v.floor - 1e-9)
            {
                if self.found.len() >= self.limit {
                    self.stopped = true;
                    return;
                }
                self.found.push(self.current.clone());
            }
            for j in k..self.order.len() {
                let t = self.order[j];
                if self.current[t] >= self.types.max_copies(t) {
                    continue;
                }
                let fits = (0..self.load.len())
                    .all(|d| self.load[d] + self.types.sizes[t][d] <= self.types.capacity[d]);
                if !fits {
                    continue;
                }
                for d in 0..self.load.len() {
                    self.load[d] += self.types.sizes[t][d];
                }
                self.current[t] += 1;
                let gain = self.value.map_or(0.0, |v| v.duals[t]);
                self.gained += gain;
                // Same type again or later ones; `j` keeps patterns unique.
                if self.completable(j) {
                    self.run(j);
                }
                self.gained -= gain;
                self.current[t] -= 1;
                for d in 0..self.load.len() {
                    self.load[d] -= self.types.sizes[t][d];
                }
                if self.stopped {
                    return;
                }
            }
        }
    }
    let mut search = Search {
        types,
        value,
        by_ratio: &by_ratio,
        gained: 0.0,
        order: &order,
        reachable: &reachable,
        least: (0..dims).map(|d| types.capacity[d] - waste[d]).collect(),
        load: vec![0; dims],
        current: vec![0; m],
        found: Vec::new(),
        limit,
        deadline,
        nodes: 0,
        stopped: false,
    };
    if search.completable(0) {
        search.run(0);
    }
    (!search.stopped).then_some(search.found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_exactly_the_patterns_within_the_waste() {
        // Capacity 10, sizes 6, 5, 4, 3 (two of each).
        let types = Types {
            sizes: vec![vec![3], vec![4], vec![5], vec![6]],
            demand: vec![2, 2, 2, 2],
            capacity: vec![10],
            min_fill: vec![0],
            deadline: None,
        };
        let mut found = patterns_within_waste(&types, &[1], None, 100, None).unwrap();
        found.sort();
        // Loads 9 or 10: 3+3+4, 3+6, 4+5, 4+6, 5+5, 3+3+... (3+3+3 needs three threes).
        let mut expected: Vec<Pattern> = vec![
            vec![2, 1, 0, 0], // 10
            vec![1, 0, 0, 1], // 9
            vec![0, 1, 1, 0], // 9
            vec![0, 1, 0, 1], // 10
            vec![0, 0, 2, 0], // 10
        ];
        expected.sort();
        assert_eq!(found, expected);
        // Brute force over every pattern agrees.
        let mut brute = Vec::new();
        for a in 0..=2u32 {
            for b in 0..=2u32 {
                for c in 0..=2u32 {
                    for d in 0..=2u32 {
                        let load = 3 * a + 4 * b + 5 * c + 6 * d;
                        if (9..=10).contains(&load) {
                            brute.push(vec![a, b, c, d]);
                        }
                    }
                }
            }
        }
        brute.sort();
        assert_eq!(found, brute);
        assert!(patterns_within_waste(&types, &[10], None, 2, None).is_none());
    }
}
