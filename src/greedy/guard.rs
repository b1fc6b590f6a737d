//! What kube-scheduler never looks back at: a pod placed later can break the topology spread
//! of a pod placed earlier (spread is not symmetric), or take away the single-seed standing of
//! a pod placed by the self-affinity exception. The reference refuses such placements, so that
//! its plans are valid in the final-state semantics that `verify` and the optimiser use.

use std::collections::{BTreeMap, BTreeSet};

use crate::cluster::ClusterState;
use crate::model::{GroupId, NodeId, PodTemplate, Problem, SpreadConstraint};
use crate::rules::namespaces::pod_matches_term;
use crate::rules::topology_spread;

/// The pods this plan has placed, and what they need from later pods.
#[derive(Debug, Default)]
pub struct FinalStateGuard {
    /// Nodes of the pods placed so far, per group.
    placed: BTreeMap<GroupId, Vec<NodeId>>,
}

/// One placed group's spread constraint that the incoming pod counts in.
struct SpreadEntry {
    constraint: SpreadConstraint,
    counts: BTreeMap<String, i64>,
    owner_domains: BTreeSet<String>,
    hard_keys: Vec<String>,
    owner: GroupId,
}

/// The checks for one incoming pod.
pub struct Check<'a> {
    problem: &'a Problem,
    spread: Vec<SpreadEntry>,
    /// Domains (values of the affinity keys) the pod must land in, one per seed it matches.
    seed_domains: Vec<(Vec<String>, Vec<String>)>,
}

impl FinalStateGuard {
    /// Records a placement.
    pub fn record(&mut self, group: GroupId, node: NodeId) {
        self.placed.entry(group).or_default().push(node);
    }

    /// Prepares the checks for `incoming`.
    pub fn check<'a>(
        &self,
        problem: &'a Problem,
        state: &ClusterState<'_>,
        incoming: &PodTemplate,
    ) -> Check<'a> {
        let mut spread = Vec::new();
        for (&g, nodes) in &self.placed {
            let owner = &problem.groups[g].template;
            let hard: Vec<&SpreadConstraint> = owner.spread.iter().filter(|c| c.hard).collect();
            // Only constraints the incoming pod counts in matter; counting domains is the
            // expensive part, so it is done only for those.
            if !hard
                .iter()
                .any(|c| topology_spread::pod_counts(c, owner, incoming, false))
            {
                continue;
            }
            let counts = topology_spread::domain_counts(owner, state, &hard);
            for (constraint, counts) in hard.iter().zip(counts) {
                if !topology_spread::pod_counts(constraint, owner, incoming, false) {
                    continue;
                }
                let owner_domains = nodes
                    .iter()
                    .filter_map(|n| {
                        problem.nodes[*n]
                            .labels
                            .get(&constraint.topology_key)
                            .cloned()
                    })
                    .collect();
                spread.push(SpreadEntry {
                    constraint: (*constraint).clone(),
                    counts: counts.into_iter().collect(),
                    owner_domains,
                    hard_keys: hard.iter().map(|c| c.topology_key.clone()).collect(),
                    owner: g,
                });
            }
        }
        let mut seed_domains = Vec::new();
        let incoming_ns = problem.namespace_labels(&incoming.namespace);
        for (&g, nodes) in &self.placed {
            let owner = &problem.groups[g].template;
            if owner.affinity.is_empty() {
                continue;
            }
            let matches_all = |t: &PodTemplate, ns: &std::collections::BTreeMap<String, String>| {
                owner.affinity.iter().all(|term| {
                    pod_matches_term(term, &owner.namespace, &t.namespace, ns, &t.labels)
                })
            };
            if !matches_all(incoming, &incoming_ns) {
                continue;
            }
            let keys: Vec<String> = owner
                .affinity
                .iter()
                .map(|t| t.topology_key.clone())
                .collect();
            let domain = |n: NodeId| -> Option<Vec<String>> {
                keys.iter()
                    .map(|k| problem.nodes[n].labels.get(k).cloned())
                    .collect()
            };
            let self_counts = usize::from(matches_all(
                owner,
                &problem.namespace_labels(&owner.namespace),
            ));
            for &node in nodes {
                let Some(own) = domain(node) else { continue };
                // A seed: no other pod matching all terms shares its domain.
                let others = state
                    .pods
                    .iter()
                    .filter(|p| {
                        domain(p.node).as_ref() == Some(&own)
                            && matches_all(
                                &p.template,
                                &problem.namespace_labels(&p.template.namespace),
                            )
                    })
                    .count();
                if others <= self_counts {
                    seed_domains.push((keys.clone(), own));
                }
            }
        }
        Check {
            problem,
            spread,
            seed_domains,
        }
    }
}

impl Check<'_> {
    /// Whether placing the incoming pod on `node` keeps every earlier placement valid.
    pub fn allows(&self, node: NodeId) -> bool {
        let n = &self.problem.nodes[node];
        for (keys, domain) in &self.seed_domains {
            let here: Option<Vec<String>> = keys.iter().map(|k| n.labels.get(k).cloned()).collect();
            if here.as_ref() != Some(domain) {
                return false;
            }
        }
        for entry in &self.spread {
            let owner = &self.problem.groups[entry.owner].template;
            if !entry.hard_keys.iter().all(|k| n.labels.contains_key(k))
                || !topology_spread::node_counts(&entry.constraint, owner, n)
            {
                continue;
            }
            let value = &n.labels[&entry.constraint.topology_key];
            if !entry.owner_domains.contains(value) {
                continue;
            }
            let mut counts = entry.counts.clone();
            *counts.entry(value.clone()).or_insert(0) += 1;
            let min = if (counts.len() as i64) < i64::from(entry.constraint.min_domains) {
                0
            } else {
                counts.values().copied().min().unwrap_or(0)
            };
            if counts[value] - min > i64::from(entry.constraint.max_skew) {
                return false;
            }
        }
        true
    }
}
