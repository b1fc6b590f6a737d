//! `metav1.LabelSelector` matching: the primitive behind pod (anti-)affinity, namespace
//! selectors and topology spread.
//!
//! **A nil selector matches nothing; an empty selector `{}` matches everything.** Callers pass
//! `Option<&LabelSelector>` so that the distinction cannot be lost.

use std::collections::BTreeMap;

use crate::manifest::types::{LabelSelector, LabelSelectorOperator, LabelSelectorRequirement};

/// Whether `labels` satisfy `selector`; `None` (a nil selector) matches nothing.
///
/// ```
/// use std::collections::BTreeMap;
/// use podplan::manifest::types::LabelSelector;
/// use podplan::rules::label_selector::matches;
///
/// let labels = BTreeMap::from([("app".to_string(), "web".to_string())]);
/// assert!(!matches(None, &labels));
/// assert!(matches(Some(&LabelSelector::default()), &labels));
/// ```
pub fn matches(selector: Option<&LabelSelector>, labels: &BTreeMap<String, String>) -> bool {
    let Some(selector) = selector else {
        return false;
    };
    selector
        .match_labels
        .iter()
        .all(|(key, value)| labels.get(key) == Some(value))
        && selector
            .match_expressions
            .iter()
            .all(|requirement| requirement_matches(requirement, labels))
}

/// Whether one requirement holds. `NotIn` and `DoesNotExist` hold when the key is absent.
pub fn requirement_matches(
    requirement: &LabelSelectorRequirement,
    labels: &BTreeMap<String, String>,
) -> bool {
    let value = labels.get(&requirement.key);
    match requirement.operator {
        LabelSelectorOperator::In => value.is_some_and(|v| requirement.values.contains(v)),
        LabelSelectorOperator::NotIn => value.is_none_or(|v| !requirement.values.contains(v)),
        LabelSelectorOperator::Exists => value.is_some(),
        LabelSelectorOperator::DoesNotExist => value.is_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn requirement(key: &str, operator: LabelSelectorOperator, values: &[&str]) -> LabelSelector {
        LabelSelector {
            match_labels: BTreeMap::new(),
            match_expressions: vec![LabelSelectorRequirement {
                key: key.into(),
                operator,
                values: values.iter().map(|v| v.to_string()).collect(),
            }],
        }
    }

    #[test]
    fn operators_and_absent_keys() {
        use LabelSelectorOperator::*;
        let with = labels(&[("app", "web"), ("empty", "")]);
        let none = labels(&[]);
        assert!(matches(
            Some(&requirement("app", In, &["web", "db"])),
            &with
        ));
        assert!(!matches(Some(&requirement("app", In, &["web"])), &none));
        assert!(matches(Some(&requirement("app", NotIn, &["db"])), &with));
        assert!(matches(Some(&requirement("app", NotIn, &["web"])), &none));
        assert!(!matches(Some(&requirement("app", NotIn, &["web"])), &with));
        assert!(matches(Some(&requirement("empty", Exists, &[])), &with));
        assert!(matches(Some(&requirement("empty", In, &[""])), &with));
        assert!(matches(Some(&requirement("app", DoesNotExist, &[])), &none));
        assert!(!matches(
            Some(&requirement("app", DoesNotExist, &[])),
            &with
        ));
    }

    #[test]
    fn match_labels_and_expressions_are_anded() {
        let mut selector = requirement("tier", LabelSelectorOperator::Exists, &[]);
        selector.match_labels.insert("app".into(), "web".into());
        assert!(matches(
            Some(&selector),
            &labels(&[("app", "web"), ("tier", "1")])
        ));
        assert!(!matches(Some(&selector), &labels(&[("app", "web")])));
        assert!(!matches(Some(&selector), &labels(&[("tier", "1")])));
    }
}
