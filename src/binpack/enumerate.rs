//! Every pattern a packing into a given number of bins can use. A packing into `bins` bins
//! wastes `bins × capacity − Σ sizes` in each dimension in all, so no single bin wastes more:
//! when that budget is small, the patterns within it are few, and the integer program over
//! all of them is exact. Its answer settles the number of bins either way: a packing, or a
//! proof that none exists (the lower bound rises by one).

use std::time::Instant;

use super::master::Pattern;
use super::pricing::Types;

/// The patterns of `types` whose waste is at most `waste` in every dimension, or `None` when
/// there are more than `limit` or the search passes `deadline`.
pub fn patterns_within_waste(
    types: &Types,
    waste: &[i64],
    limit: usize,
    deadline: Option<Instant>,
) -> Option<Vec<Pattern>> {
    let m = types.sizes.len();
    let dims = types.capacity.len();
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
    struct Search<'a> {
        types: &'a Types,
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
        /// Whether types order[k..] can bring every dimension into [least, capacity].
        fn completable(&self, k: usize) -> bool {
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
                // Same type again or later ones; `j` keeps patterns unique.
                if self.completable(j) {
                    self.run(j);
                }
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
        let mut found = patterns_within_waste(&types, &[1], 100, None).unwrap();
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
        assert!(patterns_within_waste(&types, &[10], 2, None).is_none());
    }
}
