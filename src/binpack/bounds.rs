//! Lower bounds and greedy packings.

use super::instance::Instance;

/// The sum bound: per dimension, the total size over the capacity, rounded up.
pub fn sum_bound(instance: &Instance) -> usize {
    (0..instance.dimensions())
        .map(|d| {
            let total: i64 = instance.items.iter().map(|i| i[d]).sum();
            ((total + instance.capacity[d] - 1) / instance.capacity[d]) as usize
        })
        .max()
        .unwrap_or(0)
}

/// Martello and Toth's L2 bound on one dimension.
pub fn l2_bound(sizes: &[i64], capacity: i64) -> usize {
    let mut best = 0;
    let mut thresholds: Vec<i64> = sizes
        .iter()
        .copied()
        .filter(|&s| s <= capacity / 2)
        .collect();
    thresholds.push(0);
    thresholds.sort_unstable();
    thresholds.dedup();
    for &k in &thresholds {
        let large: Vec<i64> = sizes
            .iter()
            .copied()
            .filter(|&s| s > capacity - k)
            .collect();
        let middle: Vec<i64> = sizes
            .iter()
            .copied()
            .filter(|&s| s > capacity / 2 && s <= capacity - k)
            .collect();
        let small: i64 = sizes
            .iter()
            .copied()
            .filter(|&s| s >= k && s <= capacity / 2)
            .sum();
        let free_in_middle: i64 = middle.len() as i64 * capacity - middle.iter().sum::<i64>();
        let extra = (small - free_in_middle).max(0);
        let bound = large.len() + middle.len() + ((extra + capacity - 1) / capacity) as usize;
        best = best.max(bound);
    }
    best
}

/// The best of first-fit and best-fit decreasing, items ordered by their largest relative size.
pub fn greedy_packing(instance: &Instance) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..instance.items.len()).collect();
    let size = |i: usize| {
        (0..instance.dimensions())
            .map(|d| instance.items[i][d] as f64 / instance.capacity[d] as f64)
            .fold(0.0, f64::max)
    };
    order.sort_by(|&a, &b| size(b).total_cmp(&size(a)).then(a.cmp(&b)));
    let mut best: Option<Vec<Vec<usize>>> = None;
    for best_fit in [false, true] {
        let mut bins: Vec<(Vec<usize>, Vec<i64>)> = Vec::new();
        for &i in &order {
            let item = &instance.items[i];
            let fits = |load: &Vec<i64>| {
                (0..item.len()).all(|d| load[d] + item[d] <= instance.capacity[d])
            };
            let slack = |load: &Vec<i64>| {
                (0..item.len())
                    .map(|d| {
                        (instance.capacity[d] - load[d] - item[d]) as f64
                            / instance.capacity[d] as f64
                    })
                    .sum::<f64>()
            };
            let target = if best_fit {
                bins.iter()
                    .enumerate()
                    .filter(|(_, b)| fits(&b.1))
                    .min_by(|a, b| slack(&a.1.1).total_cmp(&slack(&b.1.1)))
                    .map(|(k, _)| k)
            } else {
                bins.iter().position(|b| fits(&b.1))
            };
            match target {
                Some(k) => {
                    bins[k].0.push(i);
                    for (load, s) in bins[k].1.iter_mut().zip(item) {
                        *load += s;
                    }
                }
                None => bins.push((vec![i], item.clone())),
            }
        }
        let packing: Vec<Vec<usize>> = bins.into_iter().map(|b| b.0).collect();
        if best.as_ref().is_none_or(|b| packing.len() < b.len()) {
            best = Some(packing);
        }
    }
    best.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_and_greedy_on_a_small_instance() {
        let instance = Instance::parse("20\n12\n12\n12\n12\n9\n9\n8\n8\n8\n7\n6\n5\n4\n").unwrap();
        assert_eq!(sum_bound(&instance), 5);
        let packing = greedy_packing(&instance);
        assert!(instance.is_valid_packing(&packing));
        assert_eq!(
            packing.len(),
            6,
            "FFD and BFD both need 6 here; 5 is optimal"
        );
        // L2 beats the sum bound when many items exceed half the capacity.
        assert_eq!(l2_bound(&[6, 6, 6, 1], 10), 3);
    }
}
