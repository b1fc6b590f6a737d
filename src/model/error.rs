//! Errors found while turning loaded objects into a [`Problem`](super::Problem).

use thiserror::Error;

use crate::manifest::Origin;

/// Why loaded objects do not make a consistent problem.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum ModelError {
    /// A pod is bound (`spec.nodeName`) to a node that is not in the input.
    #[error(
        "{origin}: spec.nodeName: pod `{pod}` is bound to node `{node}`, which is not in the input"
    )]
    UnknownNode {
        /// Where `spec.nodeName` was written.
        origin: Origin,
        /// `namespace/name` of the pod.
        pod: String,
        /// The missing node.
        node: String,
    },
    /// A value is out of the range podplan can represent, or invalid for the API.
    #[error("{origin}: {path}: {message}")]
    InvalidField {
        /// Where the object was written.
        origin: Origin,
        /// The field path.
        path: String,
        /// What is wrong.
        message: String,
    },
}
