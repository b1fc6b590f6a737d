//! InterPodAffinity: required affinity and anti-affinity (filter, in kube-scheduler's
//! sequential semantics) and the preferred terms (score).
//!
//! [`AffinityPrecomputation::new`] does the per-pod work once (like the plugin's PreFilter);
//! [`AffinityPrecomputation::check`] is then cheap per node.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::cluster::ClusterState;
use crate::model::{Node, PodTemplate};

use super::namespaces::pod_matches_term;

/// Why a node fails InterPodAffinity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AffinityFailure {
    /// An existing pod's required anti-affinity rejects the incoming pod.
    ExistingAntiAffinity,
    /// The incoming pod's required anti-affinity is violated.
    AntiAffinity,
    /// The incoming pod's required affinity is not satisfied.
    Affinity,
}

impl AffinityFailure {
    /// kube-scheduler's reason text.
    pub fn reason(self) -> &'static str {
        match self {
            AffinityFailure::ExistingAntiAffinity => {
                "node(s) didn't satisfy existing pods anti-affinity rules"
            }
            AffinityFailure::AntiAffinity => "node(s) didn't match pod anti-affinity rules",
            AffinityFailure::Affinity => "node(s) didn't match pod affinity rules",
        }
    }
}

/// Per-pod precomputed topology pairs.
#[derive(Debug, Default)]
pub struct AffinityPrecomputation {
    /// (key, value) pairs blocked by existing pods' anti-affinity.
    existing_anti: HashSet<(String, String)>,
    /// Per anti-affinity term of the incoming pod: values of its key with a matching pod.
    anti: Vec<(String, HashSet<String>)>,
    /// Per affinity term: values of its key with a pod matching all terms.
    affinity: Vec<(String, HashSet<String>)>,
    /// Whether no pod anywhere matches all affinity terms on a node with the keys.
    affinity_empty: bool,
    /// Whether the incoming pod matches all of its own affinity terms.
    self_match: bool,
}

impl AffinityPrecomputation {
    /// Collects the topology pairs for `pod` from the pods in `state`.
    pub fn new(pod: &PodTemplate, state: &ClusterState<'_>) -> Self {
        let problem = state.problem;
        let pod_ns_labels = problem.namespace_labels(&pod.namespace);
        let mut result = AffinityPrecomputation {
            anti: pod
                .anti_affinity
                .iter()
                .map(|t| (t.topology_key.clone(), HashSet::new()))
                .collect(),
            affinity: pod
                .affinity
                .iter()
                .map(|t| (t.topology_key.clone(), HashSet::new()))
                .collect(),
            ..Default::default()
        };
        let needs_pods = !pod.anti_affinity.is_empty() || !pod.affinity.is_empty();
        if !needs_pods && !state.any_anti_affinity {
            return result;
        }
        let mut ns_cache: HashMap<&str, BTreeMap<String, String>> = HashMap::new();
        for placed in &state.pods {
            let existing = &placed.template;
            let node = &problem.nodes[placed.node];
            for term in &existing.anti_affinity {
                if pod_matches_term(
                    term,
                    &existing.namespace,
                    &pod.namespace,
                    &pod_ns_labels,
                    &pod.labels,
                ) && let Some(value) = node.labels.get(&term.topology_key)
                {
                    result
                        .existing_anti
                        .insert((term.topology_key.clone(), value.clone()));
                }
            }
            if !needs_pods {
                continue;
            }
            let existing_ns_labels = ns_cache
                .entry(existing.namespace.as_str())
                .or_insert_with(|| problem.namespace_labels(&existing.namespace));
            for (index, term) in pod.anti_affinity.iter().enumerate() {
                if pod_matches_term(
                    term,
                    &pod.namespace,
                    &existing.namespace,
                    existing_ns_labels,
                    &existing.labels,
                ) && let Some(value) = node.labels.get(&term.topology_key)
                {
                    result.anti[index].1.insert(value.clone());
                }
            }
            if !pod.affinity.is_empty()
                && pod.affinity.iter().all(|term| {
                    pod_matches_term(
                        term,
                        &pod.namespace,
                        &existing.namespace,
                        existing_ns_labels,
                        &existing.labels,
                    )
                })
            {
                for (index, term) in pod.affinity.iter().enumerate() {
                    if let Some(value) = node.labels.get(&term.topology_key) {
                        result.affinity[index].1.insert(value.clone());
                    }
                }
            }
        }
        result.affinity_empty = result.affinity.iter().all(|(_, values)| values.is_empty());
        result.self_match = pod.affinity.iter().all(|term| {
            pod_matches_term(
                term,
                &pod.namespace,
                &pod.namespace,
                &pod_ns_labels,
                &pod.labels,
            )
        });
        result
    }

    /// The anti-affinity part of the filter only (the pod's terms and existing pods' terms):
    /// what running pods forbid whatever else is placed.
    pub fn anti_affinity_failure(&self, node: &Node) -> Option<AffinityFailure> {
        for (key, values) in &self.anti {
            if node.labels.get(key).is_some_and(|v| values.contains(v)) {
                return Some(AffinityFailure::AntiAffinity);
            }
        }
        if !self.existing_anti.is_empty()
            && node
                .labels
                .iter()
                .any(|(k, v)| self.existing_anti.contains(&(k.clone(), v.clone())))
        {
            return Some(AffinityFailure::ExistingAntiAffinity);
        }
        None
    }

    /// The first InterPodAffinity failure of `node`, if any, in kube-scheduler's order: the
    /// pod's affinity, its anti-affinity, then existing pods' anti-affinity.
    pub fn check(&self, node: &Node) -> Option<AffinityFailure> {
        if !self.affinity.is_empty() {
            let has_keys = self
                .affinity
                .iter()
                .all(|(key, _)| node.labels.contains_key(key));
            let satisfied = self
                .affinity
                .iter()
                .all(|(key, values)| node.labels.get(key).is_some_and(|v| values.contains(v)));
            if !has_keys || !(satisfied || (self.affinity_empty && self.self_match)) {
                return Some(AffinityFailure::Affinity);
            }
        }
        self.anti_affinity_failure(node)
    }
}

/// Raw InterPodAffinity scores of `nodes` for `pod` (before normalisation): preferred terms of
/// the pod and of existing pods, and existing pods' required affinity with weight 1.
pub fn raw_scores(pod: &PodTemplate, state: &ClusterState<'_>, nodes: &[usize]) -> Vec<i64> {
    let problem = state.problem;
    let pod_ns_labels = problem.namespace_labels(&pod.namespace);
    let mut pairs: HashMap<(String, String), i64> = HashMap::new();
    let has_own = !pod.preferred_affinity.is_empty() || !pod.preferred_anti_affinity.is_empty();
    for placed in &state.pods {
        let existing = &placed.template;
        let node = &problem.nodes[placed.node];
        let mut add = |key: &str, weight: i64| {
            if let Some(value) = node.labels.get(key) {
                *pairs.entry((key.to_string(), value.clone())).or_default() += weight;
            }
        };
        if has_own {
            let existing_ns_labels = problem.namespace_labels(&existing.namespace);
            for (key, weight) in matching_preferences(pod, existing, &existing_ns_labels) {
                add(key, weight);
            }
        }
        for term in &existing.affinity {
            if pod_matches_term(
                term,
                &existing.namespace,
                &pod.namespace,
                &pod_ns_labels,
                &pod.labels,
            ) {
                add(&term.topology_key, 1);
            }
        }
        for (key, weight) in matching_preferences(existing, pod, &pod_ns_labels) {
            add(key, weight);
        }
    }
    nodes
        .iter()
        .map(|&n| {
            problem.nodes[n]
                .labels
                .iter()
                .filter_map(|(k, v)| pairs.get(&(k.clone(), v.clone())))
                .sum()
        })
        .collect()
}

/// The topology key and signed weight (+ affinity, − anti-affinity) of each preferred term of
/// `owner` that matches `target` (whose namespace has `target_ns_labels`).
fn matching_preferences<'a>(
    owner: &'a PodTemplate,
    target: &PodTemplate,
    target_ns_labels: &BTreeMap<String, String>,
) -> Vec<(&'a str, i64)> {
    [
        (&owner.preferred_affinity, 1),
        (&owner.preferred_anti_affinity, -1),
    ]
    .into_iter()
    .flat_map(|(terms, sign)| terms.iter().map(move |weighted| (weighted, sign)))
    .filter(|(weighted, _)| {
        pod_matches_term(
            &weighted.term,
            &owner.namespace,
            &target.namespace,
            target_ns_labels,
            &target.labels,
        )
    })
    .map(|(weighted, sign)| {
        (
            weighted.term.topology_key.as_str(),
            sign * i64::from(weighted.weight),
        )
    })
    .collect()
}
