//! The meaning of each Kubernetes scheduling rule, one module per rule.
//!
//! The greedy reference, `explain` and the integer-program builder all call these functions;
//! the verifier calls only the primitive matchers ([`label_selector`], [`node_selector`],
//! [`taints`]) so that a mistake in a compiled rule cannot hide itself.

pub mod label_selector;
pub mod node_affinity;
pub mod node_selector;
pub mod taints;
