//! Pricing: the most valuable pattern for given duals (a bounded knapsack).

use std::time::Instant;

use super::master::Pattern;

/// Item types: size per dimension and how many items there are.
#[derive(Debug, Clone)]
pub struct Types {
    /// Size per type and dimension.
    pub sizes: Vec<Vec<i64>>,
    /// Items per type.
    pub demand: Vec<u32>,
    /// Bin capacity per dimension.
    pub capacity: Vec<i64>,
    /// Least load per dimension a pattern must have (0: any); set when looking for a packing
    /// with a given number of bins, whose total waste bounds each bin's.
    pub min_fill: Vec<i64>,
    /// When the multi-dimensional search must stop (its pattern is then not proven best).
    pub deadline: Option<Instant>,
}

impl Types {
    /// How many items of type `t` one bin holds at most.
    pub fn max_copies(&self, t: usize) -> u32 {
        let fit = self.sizes[t]
            .iter()
            .zip(&self.capacity)
            .filter(|(s, _)| **s > 0)
            .map(|(s, c)| c / s)
            .min()
            .unwrap_or(i64::from(self.demand[t]));
        fit.min(i64::from(self.demand[t])).max(0) as u32
    }

    /// The best pattern for `values` (per type), its value, and whether it is proven best (the
    /// multi-dimensional search may stop at its node limit with a good but unproven pattern).
    pub fn price(&self, values: &[f64]) -> Option<(Pattern, f64, bool)> {
        // The dynamic program's tables grow with the capacity; beyond a million units (which
        // gcd reduction seldom leaves) branch and bound is the safe choice.
        if self.capacity.len() == 1 && self.capacity[0] <= 1 << 20 {
            self.price_one_dimension(values).map(|(p, v)| (p, v, true))
        } else {
            self.price_search(values)
        }
    }

    /// Bounded knapsack by dynamic programming over the capacity (binary splitting).
    fn price_one_dimension(&self, values: &[f64]) -> Option<(Pattern, f64)> {
        let capacity = self.capacity[0] as usize;
        let mut pieces: Vec<(usize, u32, usize, f64)> = Vec::new(); // (type, copies, weight, value)
        for (t, &value) in values.iter().enumerate().take(self.sizes.len()) {
            if value <= 1e-12 {
                continue;
            }
            let mut left = self.max_copies(t);
            let mut chunk = 1;
            while left > 0 {
                let k = chunk.min(left);
                pieces.push((
                    t,
                    k,
                    self.sizes[t][0] as usize * k as usize,
                    values[t] * f64::from(k),
                ));
                left -= k;
                chunk *= 2;
            }
        }
        if pieces.is_empty() {
            return None;
        }
        let words = capacity / 64 + 1;
        // With a least fill, best[c] is the most value with weight exactly c (−∞ when
        // unreachable); without, the most value with weight at most c.
        let least = self.min_fill.first().copied().unwrap_or(0).max(0) as usize;
        let mut best = vec![if least > 0 { f64::NEG_INFINITY } else { 0.0 }; capacity + 1];
        best[0] = 0.0;
        let mut taken = vec![0u64; pieces.len() * words];
        for (k, &(_, _, weight, value)) in pieces.iter().enumerate() {
            if weight > capacity {
                continue;
            }
            for c in (weight..=capacity).rev() {
                let candidate = best[c - weight] + value;
                if candidate > best[c] + 1e-12 {
                    best[c] = candidate;
                    taken[k * words + c / 64] |= 1 << (c % 64);
                }
            }
        }
        let (mut c, top) = if least > 0 {
            (least..=capacity)
                .map(|c| (c, best[c]))
                .fold((0, f64::NEG_INFINITY), |a, b| {
                    if b.1 > a.1 + 1e-12 { b } else { a }
                })
        } else {
            (capacity, best[capacity])
        };
        if top == f64::NEG_INFINITY {
            return None;
        }
        let mut pattern = vec![0u32; self.sizes.len()];
        for k in (0..pieces.len()).rev() {
            if taken[k * words + c / 64] >> (c % 64) & 1 == 1 {
                pattern[pieces[k].0] += pieces[k].1;
                c -= pieces[k].2;
            }
        }
        let value = pattern
            .iter()
            .zip(values)
            .map(|(&a, &v)| f64::from(a) * v)
            .sum();
        Some((pattern, value))
    }

    /// Depth-first branch and bound for several dimensions; the bound is the smallest of the
    /// fractional knapsacks of each dimension alone.
    fn price_search(&self, values: &[f64]) -> Option<(Pattern, f64, bool)> {
        let dims = self.capacity.len();
        let weight = |t: usize| -> f64 {
            (0..dims)
                .map(|d| self.sizes[t][d] as f64 / self.capacity[d] as f64)
                .sum::<f64>()
                / dims as f64
        };
        let mut order: Vec<usize> = (0..self.sizes.len())
            .filter(|&t| values[t] > 1e-12)
            .collect();
        order.sort_by(|&a, &b| {
            (values[b] / weight(b).max(1e-12)).total_cmp(&(values[a] / weight(a).max(1e-12)))
        });
        if order.is_empty() {
            return None;
        }
        // Per dimension: the types by value per unit of size (zero sizes first).
        let by_ratio: Vec<Vec<usize>> = (0..dims)
            .map(|d| {
                let ratio = |t: usize| {
                    let w = self.sizes[t][d] as f64;
                    if w <= 0.0 {
                        f64::INFINITY
                    } else {
                        values[t] / w
                    }
                };
                let mut ranked = order.clone();
                ranked.sort_by(|&a, &b| ratio(b).total_cmp(&ratio(a)));
                ranked
            })
            .collect();
        let mut position = vec![usize::MAX; self.sizes.len()];
        for (i, &t) in order.iter().enumerate() {
            position[t] = i;
        }
        struct Search<'a> {
            types: &'a Types,
            values: &'a [f64],
            by_ratio: Vec<Vec<usize>>,
            position: Vec<usize>,
            order: Vec<usize>,
            best: f64,
            best_pattern: Pattern,
            current: Pattern,
            load: Vec<i64>,
            nodes: usize,
            out_of_time: bool,
        }
        impl Search<'_> {
            /// The least over the dimensions of the fractional knapsack over types
            /// order[from..] (each dimension's ratio order is computed once per search).
            fn bound(&self, from: usize, value: f64) -> f64 {
                let mut best = f64::INFINITY;
                for (d, ranked) in self.by_ratio.iter().enumerate() {
                    let mut room = (self.types.capacity[d] - self.load[d]) as f64;
                    let mut bound = value;
                    for &t in ranked {
                        if self.position[t] < from {
                            continue;
                        }
                        let (v, w) = (self.values[t], self.types.sizes[t][d] as f64);
                        let copies = f64::from(self.types.max_copies(t));
                        if w <= 0.0 {
                            bound += v * copies;
                            continue;
                        }
                        let take = (room / w).min(copies);
                        bound += take * v;
                        room -= take * w;
                        if room <= 1e-9 {
                            break;
                        }
                    }
                    best = best.min(bound);
                }
                best
            }
            fn run(&mut self, from: usize, value: f64) {
                self.nodes += 1;
                let full_enough = self
                    .load
                    .iter()
                    .zip(&self.types.min_fill)
                    .all(|(l, m)| l >= m);
                if value > self.best + 1e-12 && full_enough {
                    self.best = value;
                    self.best_pattern = self.current.clone();
                }
                if self.nodes.is_multiple_of(4096)
                    && self.types.deadline.is_some_and(|d| Instant::now() >= d)
                {
                    self.out_of_time = true;
                }
                if from == self.order.len()
                    || self.nodes > 2_000_000
                    || self.out_of_time
                    || self.bound(from, value) <= self.best + 1e-12
                {
                    return;
                }
                let t = self.order[from];
                let dims = self.load.len();
                let mut copies = self.types.max_copies(t);
                for d in 0..dims {
                    let size = self.types.sizes[t][d];
                    if size > 0 {
                        copies = copies
                            .min(((self.types.capacity[d] - self.load[d]) / size).max(0) as u32);
                    }
                }
                for k in (0..=copies).rev() {
                    for d in 0..dims {
                        self.load[d] += self.types.sizes[t][d] * i64::from(k);
                    }
                    self.current[t] = k;
                    self.run(from + 1, value + f64::from(k) * self.values[t]);
                    self.current[t] = 0;
                    for d in 0..dims {
                        self.load[d] -= self.types.sizes[t][d] * i64::from(k);
                    }
                }
            }
        }
        let mut search = Search {
            types: self,
            values,
            by_ratio,
            position,
            order,
            best: 0.0,
            best_pattern: vec![0; self.sizes.len()],
            current: vec![0; self.sizes.len()],
            load: vec![0; dims],
            nodes: 0,
            out_of_time: false,
        };
        search.best = f64::NEG_INFINITY;
        search.run(0, 0.0);
        let exact = search.nodes <= 2_000_000 && !search.out_of_time;
        (search.best > f64::NEG_INFINITY).then_some((search.best_pattern, search.best, exact))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knapsacks_find_the_best_pattern() {
        let types = Types {
            sizes: vec![vec![6], vec![5], vec![4]],
            demand: vec![1, 2, 2],
            capacity: vec![10],
            min_fill: vec![0],
            deadline: None,
        };
        let (pattern, value, exact) = types.price(&[0.6, 0.5, 0.45]).unwrap();
        assert_eq!(pattern, [1, 0, 1]); // 6 + 4 = 10 → 1.05 beats 5 + 5 → 1.0
        assert!((value - 1.05).abs() < 1e-9 && exact);
        let two = Types {
            sizes: vec![vec![6, 1], vec![5, 9], vec![4, 1]],
            demand: vec![1, 2, 2],
            capacity: vec![10, 10],
            min_fill: vec![0, 0],
            deadline: None,
        };
        let (pattern, _, _) = two.price(&[0.6, 0.5, 0.45]).unwrap();
        assert_eq!(pattern, [1, 0, 1]);
        // With a least fill of 10, only exactly full bins: 5 + 5 or 6 + 4.
        let full = Types {
            min_fill: vec![10],
            ..types.clone()
        };
        let (pattern, _, _) = full.price(&[0.2, 0.5, 0.1]).unwrap();
        assert_eq!(pattern, [0, 2, 0]);
    }
}
