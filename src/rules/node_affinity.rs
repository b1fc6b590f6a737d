//! NodeAffinity: `nodeSelector` and required node affinity (filter), preferred terms (score).

use crate::model::{Node, PodTemplate};

use super::node_selector;

/// Whether the node satisfies the pod's `nodeSelector` (every pair a label of the node).
pub fn node_selector_matches(template: &PodTemplate, node: &Node) -> bool {
    template
        .node_selector
        .iter()
        .all(|(key, value)| node.labels.get(key) == Some(value))
}

/// Whether the node satisfies the pod's required node affinity (no affinity: yes).
pub fn required_affinity_matches(template: &PodTemplate, node: &Node) -> bool {
    template
        .required_node_affinity
        .as_ref()
        .is_none_or(|selector| node_selector::selector_matches(selector, &node.name, &node.labels))
}

/// The NodeAffinity filter: `nodeSelector` and required affinity both hold.
pub fn matches(template: &PodTemplate, node: &Node) -> bool {
    node_selector_matches(template, node) && required_affinity_matches(template, node)
}

/// Raw NodeAffinity score: the sum of the weights of the preferred terms the node matches.
pub fn preferred_score(template: &PodTemplate, node: &Node) -> i64 {
    template
        .preferred_node_affinity
        .iter()
        .filter(|term| node_selector::term_matches(&term.preference, &node.name, &node.labels))
        .map(|term| i64::from(term.weight))
        .sum()
}
