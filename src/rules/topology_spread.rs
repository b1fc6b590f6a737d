//! PodTopologySpread: DoNotSchedule constraints filter, ScheduleAnyway constraints score.

use std::collections::{BTreeMap, HashMap};

use crate::cluster::ClusterState;
use crate::manifest::types::InclusionPolicy;
use crate::model::{Node, PodTemplate, SpreadConstraint};

use super::{label_selector, node_affinity, taints};

/// Why a node fails PodTopologySpread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpreadFailure {
    /// The node lacks a constraint's topology key.
    MissingLabel,
    /// Placing the pod would exceed a constraint's skew.
    Skew,
}

impl SpreadFailure {
    /// kube-scheduler's reason text.
    pub fn reason(self) -> &'static str {
        match self {
            SpreadFailure::MissingLabel => {
                "node(s) didn't match pod topology spread constraints (missing required label)"
            }
            SpreadFailure::Skew => "node(s) didn't match pod topology spread constraints",
        }
    }
}

/// Whether `node` takes part in the counts of `constraint` for `pod` (inclusion policies).
pub fn node_counts(constraint: &SpreadConstraint, pod: &PodTemplate, node: &Node) -> bool {
    (constraint.node_affinity_policy == InclusionPolicy::Ignore
        || node_affinity::matches(pod, node))
        && (constraint.node_taints_policy == InclusionPolicy::Ignore
            || taints::first_untolerated(&node.taints, &pod.tolerations).is_none())
}

/// Whether a placed pod counts for `constraint` of `pod`: same namespace, matches the
/// selector, not terminating.
pub fn pod_counts(
    constraint: &SpreadConstraint,
    pod: &PodTemplate,
    other: &PodTemplate,
    terminating: bool,
) -> bool {
    !terminating
        && other.namespace == pod.namespace
        && label_selector::matches(constraint.selector.as_ref(), &other.labels)
}

/// Per-constraint domain counts and global minimum for one pod.
#[derive(Debug)]
pub struct SpreadPrecomputation {
    constraints: Vec<(SpreadConstraint, HashMap<String, i64>, i64, i64)>,
}

impl SpreadPrecomputation {
    /// Counts matching pods per domain for the pod's DoNotSchedule constraints.
    pub fn new(pod: &PodTemplate, state: &ClusterState<'_>) -> Self {
        let hard: Vec<&SpreadConstraint> = pod.spread.iter().filter(|c| c.hard).collect();
        SpreadPrecomputation {
            constraints: domain_counts(pod, state, &hard)
                .into_iter()
                .zip(&hard)
                .map(|(counts, constraint)| {
                    let self_match = i64::from(label_selector::matches(
                        constraint.selector.as_ref(),
                        &pod.labels,
                    ));
                    let min = if (counts.len() as i64) < i64::from(constraint.min_domains) {
                        0
                    } else {
                        counts.values().copied().min().unwrap_or(0)
                    };
                    ((*constraint).clone(), counts, min, self_match)
                })
                .collect(),
        }
    }

    /// The PodTopologySpread filter on `node`.
    pub fn check(&self, node: &Node) -> Option<SpreadFailure> {
        let mut values = Vec::with_capacity(self.constraints.len());
        for (constraint, ..) in &self.constraints {
            match node.labels.get(&constraint.topology_key) {
                Some(value) => values.push(value),
                None => return Some(SpreadFailure::MissingLabel),
            }
        }
        for ((constraint, counts, min, self_match), value) in self.constraints.iter().zip(values) {
            let count = counts.get(value).copied().unwrap_or(0);
            if count + self_match - min > i64::from(constraint.max_skew) {
                return Some(SpreadFailure::Skew);
            }
        }
        None
    }
}

/// For each constraint: matching pod counts per domain value, over the nodes that have every
/// constraint's key and pass the constraint's inclusion policies. A domain appears (with count
/// 0) as soon as one counted node has it.
pub fn domain_counts(
    pod: &PodTemplate,
    state: &ClusterState<'_>,
    constraints: &[&SpreadConstraint],
) -> Vec<HashMap<String, i64>> {
    let problem = state.problem;
    let mut result = vec![HashMap::new(); constraints.len()];
    for node_id in state.active_nodes() {
        let node = &problem.nodes[node_id];
        if !constraints
            .iter()
            .all(|c| node.labels.contains_key(&c.topology_key))
        {
            continue;
        }
        for (index, constraint) in constraints.iter().enumerate() {
            if !node_counts(constraint, pod, node) {
                continue;
            }
            let value = node.labels[&constraint.topology_key].clone();
            let matching = state.pods_on[node_id]
                .iter()
                .filter(|&&p| {
                    let placed = &state.pods[p];
                    pod_counts(constraint, pod, &placed.template, placed.terminating)
                })
                .count() as i64;
            *result[index].entry(value).or_insert(0) += matching;
        }
    }
    result
}

/// The system default constraints (ScheduleAnyway, hostname skew 3, zone skew 5) for a pod of a
/// controller with no constraints of its own; `selector_labels` stand in for the controller's
/// selector.
pub fn default_constraints(selector_labels: &BTreeMap<String, String>) -> Vec<SpreadConstraint> {
    let selector = crate::manifest::types::LabelSelector {
        match_labels: selector_labels.clone(),
        match_expressions: Vec::new(),
    };
    [
        ("kubernetes.io/hostname", 3),
        ("topology.kubernetes.io/zone", 5),
    ]
    .into_iter()
    .map(|(key, skew)| SpreadConstraint {
        max_skew: skew,
        topology_key: key.into(),
        hard: false,
        selector: Some(selector.clone()),
        min_domains: 1,
        node_affinity_policy: InclusionPolicy::Honor,
        node_taints_policy: InclusionPolicy::Ignore,
    })
    .collect()
}

/// PodTopologySpread scores (0..=100, normalised) of `nodes` for the soft constraints given.
pub fn scores(
    pod: &PodTemplate,
    state: &ClusterState<'_>,
    constraints: &[SpreadConstraint],
    nodes: &[usize],
) -> Vec<i64> {
    if constraints.is_empty() {
        return vec![0; nodes.len()];
    }
    let refs: Vec<&SpreadConstraint> = constraints.iter().collect();
    let counts = domain_counts(pod, state, &refs);
    let weights: Vec<f64> = counts.iter().map(|c| ((c.len() + 2) as f64).ln()).collect();
    let problem = state.problem;
    let raw: Vec<Option<i64>> = nodes
        .iter()
        .map(|&n| {
            let node = &problem.nodes[n];
            let mut total = 0.0;
            for ((constraint, count), weight) in constraints.iter().zip(&counts).zip(&weights) {
                let value = node.labels.get(&constraint.topology_key)?;
                let c = count.get(value).copied().unwrap_or(0) as f64;
                total += c * weight + f64::from(constraint.max_skew - 1);
            }
            Some(total.round() as i64)
        })
        .collect();
    let present: Vec<i64> = raw.iter().flatten().copied().collect();
    let max = present.iter().copied().max().unwrap_or(0);
    let min = present.iter().copied().min().unwrap_or(0);
    raw.into_iter()
        .map(|score| match score {
            None => 0,
            Some(_) if max == 0 => 100,
            Some(s) => 100 * (max + min - s) / max,
        })
        .collect()
}
