//! Node selector terms (`v1.NodeSelector`): required node affinity, preferred node terms and
//! the `matchFields` pinning of DaemonSet pods.
//!
//! Terms are ORed; inside a term every expression and field requirement is ANDed. An empty term
//! matches no node. A term that kube-scheduler cannot turn into a selector (an invalid label key
//! or value, `Gt` with a non-integer, values given to `Exists`) matches nothing, while the other
//! terms are still evaluated.

use std::collections::BTreeMap;

use crate::manifest::types::{
    NodeSelector, NodeSelectorOperator, NodeSelectorRequirement, NodeSelectorTerm,
};

/// Whether a node with `name` and `labels` matches any term of `selector`.
pub fn selector_matches(
    selector: &NodeSelector,
    name: &str,
    labels: &BTreeMap<String, String>,
) -> bool {
    selector
        .node_selector_terms
        .iter()
        .any(|term| term_matches(term, name, labels))
}

/// Whether one term matches (false for empty or unparsable terms).
pub fn term_matches(
    term: &NodeSelectorTerm,
    name: &str,
    labels: &BTreeMap<String, String>,
) -> bool {
    if term.match_expressions.is_empty() && term.match_fields.is_empty() {
        return false;
    }
    if !term.match_expressions.iter().all(expression_is_valid)
        || !term.match_fields.iter().all(field_is_valid)
    {
        return false;
    }
    term.match_expressions
        .iter()
        .all(|r| expression_matches(r, labels))
        && term.match_fields.iter().all(|r| field_matches(r, name))
}

fn expression_is_valid(requirement: &NodeSelectorRequirement) -> bool {
    if !is_valid_label_key(&requirement.key) {
        return false;
    }
    match requirement.operator {
        NodeSelectorOperator::In | NodeSelectorOperator::NotIn => {
            !requirement.values.is_empty()
                && requirement.values.iter().all(|v| is_valid_label_value(v))
        }
        NodeSelectorOperator::Exists | NodeSelectorOperator::DoesNotExist => {
            requirement.values.is_empty()
        }
        NodeSelectorOperator::Gt | NodeSelectorOperator::Lt => {
            requirement.values.len() == 1 && requirement.values[0].parse::<i64>().is_ok()
        }
    }
}

fn field_is_valid(requirement: &NodeSelectorRequirement) -> bool {
    requirement.key == "metadata.name"
        && matches!(
            requirement.operator,
            NodeSelectorOperator::In | NodeSelectorOperator::NotIn
        )
        && requirement.values.len() == 1
}

fn expression_matches(
    requirement: &NodeSelectorRequirement,
    labels: &BTreeMap<String, String>,
) -> bool {
    let value = labels.get(&requirement.key);
    match requirement.operator {
        NodeSelectorOperator::In => value.is_some_and(|v| requirement.values.contains(v)),
        NodeSelectorOperator::NotIn => value.is_none_or(|v| !requirement.values.contains(v)),
        NodeSelectorOperator::Exists => value.is_some(),
        NodeSelectorOperator::DoesNotExist => value.is_none(),
        NodeSelectorOperator::Gt | NodeSelectorOperator::Lt => {
            let (Some(label), Some(bound)) = (
                value.and_then(|v| v.parse::<i64>().ok()),
                requirement
                    .values
                    .first()
                    .and_then(|v| v.parse::<i64>().ok()),
            ) else {
                return false;
            };
            if requirement.operator == NodeSelectorOperator::Gt {
                label > bound
            } else {
                label < bound
            }
        }
    }
}

fn field_matches(requirement: &NodeSelectorRequirement, name: &str) -> bool {
    let listed = requirement.values.iter().any(|v| v == name);
    match requirement.operator {
        NodeSelectorOperator::In => listed,
        NodeSelectorOperator::NotIn => !listed,
        _ => false,
    }
}

/// A label value: empty, or at most 63 characters of `[A-Za-z0-9._-]` beginning and ending with
/// an alphanumeric.
pub fn is_valid_label_value(value: &str) -> bool {
    value.is_empty() || is_valid_name_part(value)
}

/// A label key: an optional DNS-subdomain prefix and `/`, then a non-empty name part.
pub fn is_valid_label_key(key: &str) -> bool {
    let (prefix, name) = match key.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if let Some(prefix) = prefix
        && (prefix.is_empty()
            || prefix.len() > 253
            || !prefix.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            }))
    {
        return false;
    }
    is_valid_name_part(name)
}

fn is_valid_name_part(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(key: &str, operator: NodeSelectorOperator, values: &[&str]) -> NodeSelectorRequirement {
        NodeSelectorRequirement {
            key: key.into(),
            operator,
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn gt_lt_are_integer_comparisons() {
        use NodeSelectorOperator::*;
        let term = |op, v: &str| NodeSelectorTerm {
            match_expressions: vec![req("n", op, &[v])],
            match_fields: vec![],
        };
        assert!(term_matches(
            &term(Gt, "0204"),
            "x",
            &labels(&[("n", "0206")])
        ));
        assert!(!term_matches(&term(Gt, "5"), "x", &labels(&[("n", "5")])));
        assert!(!term_matches(&term(Gt, "5"), "x", &labels(&[("n", "abc")])));
        assert!(!term_matches(&term(Lt, "5"), "x", &labels(&[])));
        assert!(term_matches(&term(Lt, "5"), "x", &labels(&[("n", "-3")])));
        assert!(!term_matches(&term(Gt, "x"), "x", &labels(&[("n", "3")])));
    }

    #[test]
    fn empty_and_invalid_terms_match_nothing_but_do_not_poison_others() {
        use NodeSelectorOperator::*;
        let empty = NodeSelectorTerm::default();
        assert!(!term_matches(&empty, "n", &labels(&[])));
        let invalid = NodeSelectorTerm {
            match_expressions: vec![req("k", NotIn, &["invalid value: ___@#$%^"])],
            match_fields: vec![],
        };
        assert!(!term_matches(&invalid, "n", &labels(&[])));
        let good = NodeSelectorTerm {
            match_expressions: vec![req("k", DoesNotExist, &[])],
            match_fields: vec![],
        };
        let selector = NodeSelector {
            node_selector_terms: vec![invalid, good],
        };
        assert!(selector_matches(&selector, "n", &labels(&[])));
    }

    #[test]
    fn match_fields_see_the_name_only() {
        use NodeSelectorOperator::*;
        let term = NodeSelectorTerm {
            match_expressions: vec![],
            match_fields: vec![req("metadata.name", In, &["node-1"])],
        };
        assert!(term_matches(&term, "node-1", &labels(&[])));
        assert!(!term_matches(
            &term,
            "node-2",
            &labels(&[("metadata.name", "node-1")])
        ));
        let two_values = NodeSelectorTerm {
            match_expressions: vec![],
            match_fields: vec![req("metadata.name", In, &["a", "b"])],
        };
        assert!(!term_matches(&two_values, "a", &labels(&[])));
    }

    #[test]
    fn label_syntax() {
        assert!(is_valid_label_key("kubernetes.io/hostname"));
        assert!(is_valid_label_key("app"));
        assert!(!is_valid_label_key("/app"));
        assert!(!is_valid_label_key("Bad_Prefix/app"));
        assert!(is_valid_label_value(""));
        assert!(is_valid_label_value("a.b-c_d"));
        assert!(!is_valid_label_value("-a"));
        assert!(!is_valid_label_value(&"a".repeat(64)));
    }
}
