//! NodeResourcesFit: the fit test (filter) and the LeastAllocated / MostAllocated /
//! BalancedAllocation scores.

use crate::model::{CPU, MEMORY, PODS, ResourceTable};

/// The resources a pod does not fit on: `Too many pods` first, then each resource whose
/// positive request exceeds what is free (`Insufficient cpu`). Empty when it fits.
pub fn insufficient(
    request: &[i64],
    allocatable: &[i64],
    used: &[i64],
    table: &ResourceTable,
) -> Vec<String> {
    let mut reasons = Vec::new();
    if used[PODS] + request[PODS] > allocatable[PODS] {
        reasons.push("Too many pods".to_string());
    }
    for r in 0..request.len() {
        if r == PODS || request[r] <= 0 {
            continue;
        }
        if request[r] > allocatable[r] - used[r] {
            reasons.push(format!("Insufficient {}", table.name(r)));
        }
    }
    reasons
}

/// Whether a pod fits (see [`insufficient`]).
pub fn fits(request: &[i64], allocatable: &[i64], used: &[i64]) -> bool {
    if used[PODS] + request[PODS] > allocatable[PODS] {
        return false;
    }
    (0..request.len())
        .all(|r| r == PODS || request[r] <= 0 || request[r] <= allocatable[r] - used[r])
}

/// How node resources are scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScoringStrategy {
    /// Prefer emptier nodes (kube-scheduler's default).
    #[default]
    LeastAllocated,
    /// Prefer fuller nodes (bin packing).
    MostAllocated,
}

/// NodeResourcesFit score (0..=100) over cpu and memory with weight 1 each. `requested` are the
/// non-zero requests of the node's pods plus the incoming pod's.
pub fn fit_score(strategy: ScoringStrategy, requested: [i64; 2], allocatable: [i64; 2]) -> i64 {
    let mut total = 0;
    let mut weights = 0;
    for (req, alloc) in requested.into_iter().zip(allocatable) {
        if alloc == 0 {
            continue;
        }
        let score = match strategy {
            ScoringStrategy::LeastAllocated => {
                if req > alloc {
                    0
                } else {
                    (alloc - req) * 100 / alloc
                }
            }
            ScoringStrategy::MostAllocated => (req.min(alloc)) * 100 / alloc,
        };
        total += score;
        weights += 1;
    }
    if weights == 0 { 0 } else { total / weights }
}

/// NodeResourcesBalancedAllocation score (0..=100) from actual cpu and memory requests
/// (node's pods plus the incoming pod). `None` when the pod requests neither (the plugin skips).
pub fn balanced_score(
    pod_request: [i64; 2],
    requested: [i64; 2],
    allocatable: [i64; 2],
) -> Option<i64> {
    if pod_request[0] == 0 && pod_request[1] == 0 {
        return None;
    }
    let mut fractions = Vec::with_capacity(2);
    for (req, alloc) in requested.into_iter().zip(allocatable) {
        if alloc > 0 {
            fractions.push((req as f64 / alloc as f64).min(1.0));
        }
    }
    let deviation = match fractions.as_slice() {
        [a, b] => (a - b).abs() / 2.0,
        _ => 0.0,
    };
    Some(((1.0 - deviation) * 100.0) as i64)
}

/// The cpu/memory pair of a resource vector.
pub fn cpu_memory(vector: &[i64]) -> [i64; 2] {
    [vector[CPU], vector[MEMORY]]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_requests_are_not_checked_but_the_pod_count_is() {
        let table = ResourceTable::default();
        // Node overcommitted on cpu, pod asks no cpu: fits.
        assert!(fits(&[0, 10, 1], &[1000, 100, 10], &[2000, 0, 0]));
        assert!(!fits(&[0, 0, 1], &[1000, 100, 10], &[0, 0, 10]));
        assert_eq!(
            insufficient(&[0, 0, 1], &[1000, 100, 10], &[0, 0, 10], &table),
            ["Too many pods"]
        );
        assert_eq!(
            insufficient(&[600, 200, 1], &[1000, 100, 10], &[500, 0, 0], &table),
            ["Insufficient cpu", "Insufficient memory"]
        );
        assert!(
            fits(&[500, 100, 1], &[1000, 100, 10], &[500, 0, 0]),
            "equality fits"
        );
    }

    #[test]
    fn scores() {
        assert_eq!(
            fit_score(ScoringStrategy::LeastAllocated, [250, 512], [1000, 1024]),
            (75 + 50) / 2
        );
        assert_eq!(
            fit_score(ScoringStrategy::MostAllocated, [250, 2048], [1000, 1024]),
            (25 + 100) / 2
        );
        assert_eq!(balanced_score([1, 1], [500, 256], [1000, 1024]), Some(87));
        assert_eq!(balanced_score([0, 0], [500, 256], [1000, 1024]), None);
    }
}
