//! The independent checker: does a [`Plan`] satisfy every rule in final-state semantics?
//!
//! It re-derives everything from pods and nodes with the primitive matchers only (label
//! selectors, node selector terms, tolerations, namespace coverage, port conflicts). It does not
//! use the filter chain, the cluster state or anything the optimiser compiles, so that a bug
//! there cannot hide itself here.
//!
//! Final-state semantics (DESIGN.md §4): every pod the plan places (or moves) must satisfy its
//! rules in the final placement — affinity by another pod in its domain (or as the single seed
//! when nothing else matches anywhere), anti-affinity in both directions, spread skew for the
//! domain it lands in. Running pods that stay are facts: violations among them are not reported.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::manifest::types::{InclusionPolicy, TaintEffect};
use crate::model::{NodeId, PodTemplate, Problem};
use crate::plan::Plan;
use crate::rules::{label_selector, namespaces, node_ports, node_selector, taints};

/// The rule a violation breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Rule {
    /// The plan's shape does not match the problem (a pod lost, duplicated, or moved).
    Replicas,
    /// A pod that cannot be scheduled was placed, or an unplaced pod has no reason.
    Unplaced,
    /// Resources or pod count exceeded.
    Resources,
    /// nodeSelector or required node affinity.
    NodeAffinity,
    /// An untolerated NoSchedule/NoExecute taint, or a cordoned node.
    Taints,
    /// Host port conflict.
    Ports,
    /// Required pod affinity.
    PodAffinity,
    /// Required pod anti-affinity (either direction).
    PodAntiAffinity,
    /// DoNotSchedule topology spread.
    TopologySpread,
    /// A pool node opened without its DaemonSet pods.
    DaemonSet,
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// `namespace/name` of the pod.
    pub pod: String,
    /// The node involved.
    pub node: Option<String>,
    /// The rule.
    pub rule: Rule,
    /// Details.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?}: {} on {}: {}",
            self.rule,
            self.pod,
            self.node.as_deref().unwrap_or("-"),
            self.message
        )
    }
}

/// What the plan may do besides placing pending pods.
#[derive(Debug, Clone, Copy, Default)]
pub struct VerifyOptions {
    /// Running pods may move.
    pub allow_moves: bool,
}

/// One pod in the final placement.
struct FinalPod {
    id: String,
    template: Arc<PodTemplate>,
    node: NodeId,
    terminating: bool,
    /// Placed or moved by the plan (its rules are checked).
    checked: bool,
}

/// Checks `plan` against `problem`; returns every violation (empty when the plan is valid).
pub fn verify(problem: &Problem, plan: &Plan, options: VerifyOptions) -> Vec<Violation> {
    let mut violations = Vec::new();
    let mut violation = |pod: &str, node: Option<&str>, rule: Rule, message: String| {
        violations.push(Violation {
            pod: pod.to_string(),
            node: node.map(str::to_string),
            rule,
            message,
        });
    };
    // Shape: every pod exactly once.
    if plan.placements.len() != problem.groups.len()
        || plan
            .placements
            .iter()
            .zip(&problem.groups)
            .any(|(p, g)| p.len() != g.count())
        || plan.fixed_nodes.len() != problem.fixed_pods.len()
    {
        violation(
            "-",
            None,
            Rule::Replicas,
            "the plan does not list every pod of the problem exactly once".into(),
        );
        return violations;
    }
    let mut pods: Vec<FinalPod> = Vec::new();
    for (fixed, &node) in problem.fixed_pods.iter().zip(&plan.fixed_nodes) {
        let id = format!("{}/{}", fixed.template.namespace, fixed.name);
        let moved = node != fixed.node;
        if moved && !options.allow_moves {
            violation(
                &id,
                Some(&problem.nodes[node].name),
                Rule::Replicas,
                "a running pod was moved".into(),
            );
        }
        pods.push(FinalPod {
            id,
            template: fixed.template.clone(),
            node,
            terminating: fixed.terminating,
            checked: moved,
        });
    }
    for (g, group) in problem.groups.iter().enumerate() {
        for (i, placement) in plan.placements[g].iter().enumerate() {
            let id = group.pod_id(i);
            match placement {
                Some(node) => {
                    if let Some(reason) = &group.blocked {
                        violation(
                            &id,
                            Some(&problem.nodes[*node].name),
                            Rule::Unplaced,
                            format!("placed although {reason}"),
                        );
                    }
                    if *node >= problem.nodes.len() {
                        violation(
                            &id,
                            None,
                            Rule::Replicas,
                            "placed on a node that does not exist".into(),
                        );
                        continue;
                    }
                    pods.push(FinalPod {
                        id,
                        template: group.template.clone(),
                        node: *node,
                        terminating: false,
                        checked: true,
                    });
                }
                None => {
                    let exists = group.daemon_node.is_none_or(|n| problem.node_exists(n));
                    if exists && plan.reasons.get(&(g, i)).is_none_or(|r| r.is_empty()) {
                        violation(
                            &id,
                            None,
                            Rule::Unplaced,
                            "unplaced without a reason".into(),
                        );
                    }
                }
            }
        }
    }
    let mut on_node: Vec<Vec<usize>> = vec![Vec::new(); problem.nodes.len()];
    for (k, pod) in pods.iter().enumerate() {
        on_node[pod.node].push(k);
    }
    // Opened pool nodes and their DaemonSet pods.
    let opened: Vec<bool> = (0..problem.nodes.len())
        .map(|n| problem.node_exists(n) || on_node[n].iter().any(|&k| pods[k].checked))
        .collect();
    for (g, group) in problem.groups.iter().enumerate() {
        if let Some(n) = group.daemon_node
            && !problem.node_exists(n)
            && opened[n]
            && group.blocked.is_none()
            && plan.placements[g].iter().any(Option::is_none)
        {
            violation(
                &group.pod_id(0),
                Some(&problem.nodes[n].name),
                Rule::DaemonSet,
                "the plan opens this pool node without its DaemonSet pod".into(),
            );
        }
    }
    // Namespace labels, computed once per namespace (pairs of pods look them up).
    let namespace_labels: BTreeMap<&str, BTreeMap<String, String>> = pods
        .iter()
        .map(|p| {
            let ns = p.template.namespace.as_str();
            (ns, problem.namespace_labels(ns))
        })
        .collect();
    let no_labels = BTreeMap::new();
    let ns_labels = |ns: &str| namespace_labels.get(ns).unwrap_or(&no_labels);
    // Only pods with anti-affinity terms can exclude others.
    let with_anti_affinity: Vec<usize> = (0..pods.len())
        .filter(|&j| !pods[j].template.anti_affinity.is_empty())
        .collect();

    for (k, pod) in pods.iter().enumerate().filter(|(_, p)| p.checked) {
        let node = &problem.nodes[pod.node];
        let t = &pod.template;
        let here = Some(node.name.as_str());
        // Node-level rules.
        if node.unschedulable && !taints::tolerates_unschedulable(&t.tolerations) {
            violation(&pod.id, here, Rule::Taints, "node is cordoned".into());
        }
        for taint in &node.taints {
            if matches!(
                taint.effect,
                TaintEffect::NoSchedule | TaintEffect::NoExecute
            ) && !taints::tolerated(&t.tolerations, taint)
            {
                violation(
                    &pod.id,
                    here,
                    Rule::Taints,
                    format!("untolerated taint {}", taints::describe(taint)),
                );
            }
        }
        let selector_ok = t
            .node_selector
            .iter()
            .all(|(key, value)| node.labels.get(key) == Some(value));
        let affinity_ok = t
            .required_node_affinity
            .as_ref()
            .is_none_or(|s| node_selector::selector_matches(s, &node.name, &node.labels));
        if !selector_ok || !affinity_ok {
            violation(
                &pod.id,
                here,
                Rule::NodeAffinity,
                "nodeSelector or required node affinity not satisfied".into(),
            );
        }
        // Ports against every other pod on the node.
        for &other in &on_node[pod.node] {
            if other != k {
                for wanted in &t.host_ports {
                    if pods[other]
                        .template
                        .host_ports
                        .iter()
                        .any(|used| node_ports::conflicts(wanted, used))
                    {
                        violation(
                            &pod.id,
                            here,
                            Rule::Ports,
                            format!(
                                "host port {}/{:?} also used by {}",
                                wanted.port, wanted.protocol, pods[other].id
                            ),
                        );
                    }
                }
            }
        }
        // Pod affinity: another pod matching all terms shares every domain, or the single seed.
        if !t.affinity.is_empty() {
            let has_keys = t
                .affinity
                .iter()
                .all(|term| node.labels.contains_key(&term.topology_key));
            let matches_all = |other: &FinalPod| {
                let labels = ns_labels(&other.template.namespace);
                t.affinity.iter().all(|term| {
                    namespaces::pod_matches_term(
                        term,
                        &t.namespace,
                        &other.template.namespace,
                        labels,
                        &other.template.labels,
                    )
                })
            };
            let satisfied = has_keys
                && pods.iter().enumerate().any(|(j, other)| {
                    j != k
                        && matches_all(other)
                        && t.affinity.iter().all(|term| {
                            problem.nodes[other.node].labels.get(&term.topology_key)
                                == node.labels.get(&term.topology_key)
                        })
                });
            let seed = has_keys
                && matches_all(pod)
                && !pods
                    .iter()
                    .enumerate()
                    .any(|(j, other)| j != k && matches_all(other));
            if !satisfied && !seed {
                violation(
                    &pod.id,
                    here,
                    Rule::PodAffinity,
                    "no pod matching its required affinity shares its topology domain".into(),
                );
            }
        }
        // Anti-affinity, both directions.
        let all: Vec<usize>;
        let others: &[usize] = if t.anti_affinity.is_empty() {
            &with_anti_affinity
        } else {
            all = (0..pods.len()).collect();
            &all
        };
        for &j in others {
            let other = &pods[j];
            if j == k {
                continue;
            }
            let other_node = &problem.nodes[other.node];
            let other_ns = ns_labels(&other.template.namespace);
            for term in &t.anti_affinity {
                let same_domain = node
                    .labels
                    .get(&term.topology_key)
                    .is_some_and(|v| other_node.labels.get(&term.topology_key) == Some(v));
                if same_domain
                    && namespaces::pod_matches_term(
                        term,
                        &t.namespace,
                        &other.template.namespace,
                        other_ns,
                        &other.template.labels,
                    )
                {
                    violation(
                        &pod.id,
                        here,
                        Rule::PodAntiAffinity,
                        format!(
                            "shares `{}` with {}, which its anti-affinity excludes",
                            term.topology_key, other.id
                        ),
                    );
                }
            }
            let own_ns = ns_labels(&t.namespace);
            for term in &other.template.anti_affinity {
                let same_domain = node
                    .labels
                    .get(&term.topology_key)
                    .is_some_and(|v| other_node.labels.get(&term.topology_key) == Some(v));
                if same_domain
                    && namespaces::pod_matches_term(
                        term,
                        &other.template.namespace,
                        &t.namespace,
                        own_ns,
                        &t.labels,
                    )
                {
                    violation(
                        &pod.id,
                        here,
                        Rule::PodAntiAffinity,
                        format!(
                            "{}'s anti-affinity excludes it from `{}`",
                            other.id, term.topology_key
                        ),
                    );
                }
            }
        }
        // Topology spread (DoNotSchedule) in the final placement.
        let hard: Vec<_> = t.spread.iter().filter(|c| c.hard).collect();
        for constraint in &hard {
            let Some(value) = node.labels.get(&constraint.topology_key) else {
                violation(
                    &pod.id,
                    here,
                    Rule::TopologySpread,
                    format!("node lacks `{}`", constraint.topology_key),
                );
                continue;
            };
            let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
            for (n, candidate) in problem.nodes.iter().enumerate() {
                if !opened[n]
                    || !hard
                        .iter()
                        .all(|c| candidate.labels.contains_key(&c.topology_key))
                {
                    continue;
                }
                let affinity_ok = constraint.node_affinity_policy == InclusionPolicy::Ignore
                    || (t
                        .node_selector
                        .iter()
                        .all(|(key, v)| candidate.labels.get(key) == Some(v))
                        && t.required_node_affinity.as_ref().is_none_or(|s| {
                            node_selector::selector_matches(s, &candidate.name, &candidate.labels)
                        }));
                let taints_ok = constraint.node_taints_policy == InclusionPolicy::Ignore
                    || candidate.taints.iter().all(|taint| {
                        !matches!(
                            taint.effect,
                            TaintEffect::NoSchedule | TaintEffect::NoExecute
                        ) || taints::tolerated(&t.tolerations, taint)
                    });
                if !affinity_ok || !taints_ok {
                    continue;
                }
                let matching = on_node[n]
                    .iter()
                    .filter(|&&j| {
                        let other = &pods[j];
                        !other.terminating
                            && other.template.namespace == t.namespace
                            && label_selector::matches(
                                constraint.selector.as_ref(),
                                &other.template.labels,
                            )
                    })
                    .count() as i64;
                *counts
                    .entry(candidate.labels[&constraint.topology_key].as_str())
                    .or_insert(0) += matching;
            }
            let min = if (counts.len() as i64) < i64::from(constraint.min_domains) {
                0
            } else {
                counts.values().copied().min().unwrap_or(0)
            };
            let count = counts.get(value.as_str()).copied().unwrap_or(0);
            if count - min > i64::from(constraint.max_skew) {
                violation(
                    &pod.id,
                    here,
                    Rule::TopologySpread,
                    format!(
                        "`{}={value}` holds {count} matching pods, the least-loaded domain {min}; maxSkew is {}",
                        constraint.topology_key, constraint.max_skew
                    ),
                );
            }
        }
    }
    // Resources: on every node that received a pod, each resource a new pod requests must fit.
    for (n, node) in problem.nodes.iter().enumerate() {
        let new: Vec<usize> = on_node[n]
            .iter()
            .copied()
            .filter(|&k| pods[k].checked)
            .collect();
        if new.is_empty() {
            continue;
        }
        for r in 0..problem.resources.len() {
            let requested_by_new = new.iter().any(|&k| pods[k].template.requests[r] > 0);
            if !requested_by_new {
                continue;
            }
            let total: i64 = on_node[n]
                .iter()
                .map(|&k| pods[k].template.requests[r])
                .sum();
            if total > node.allocatable[r] {
                violation(
                    &pods[new[0]].id,
                    Some(&node.name),
                    Rule::Resources,
                    format!(
                        "{} {} requested, {} allocatable",
                        total,
                        problem.resources.name(r),
                        node.allocatable[r]
                    ),
                );
            }
        }
    }
    violations
}
