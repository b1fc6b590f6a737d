//! Which namespaces a pod (anti-)affinity term covers.

use std::collections::BTreeMap;

use crate::model::AffinityTerm;

use super::label_selector;

/// Whether `term`, owned by a pod in `owner_namespace`, covers `namespace` (with its labels):
/// with neither `namespaces` nor `namespaceSelector`, only the owner's namespace; otherwise the
/// listed namespaces and those the selector matches (`{}` matches all).
pub fn covers(
    term: &AffinityTerm,
    owner_namespace: &str,
    namespace: &str,
    namespace_labels: &BTreeMap<String, String>,
) -> bool {
    if term.namespaces.is_empty() && term.namespace_selector.is_none() {
        return namespace == owner_namespace;
    }
    term.namespaces.iter().any(|n| n == namespace)
        || label_selector::matches(term.namespace_selector.as_ref(), namespace_labels)
}

/// Whether a pod (namespace and labels) matches a term owned by a pod in `owner_namespace`.
pub fn pod_matches_term(
    term: &AffinityTerm,
    owner_namespace: &str,
    pod_namespace: &str,
    pod_namespace_labels: &BTreeMap<String, String>,
    pod_labels: &BTreeMap<String, String>,
) -> bool {
    covers(term, owner_namespace, pod_namespace, pod_namespace_labels)
        && label_selector::matches(term.selector.as_ref(), pod_labels)
}
