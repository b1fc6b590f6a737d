//! The meaning of each Kubernetes scheduling rule, one module per rule.
//!
//! The greedy reference, `explain` and the integer-program builder all call these functions;
//! the verifier calls only the primitive matchers ([`label_selector`], [`node_selector`],
//! [`taints`], [`namespaces`], [`node_ports::conflicts`]) so that a mistake in a compiled rule
//! cannot hide itself.

pub mod filter;
pub mod label_selector;
pub mod namespaces;
pub mod node_affinity;
pub mod node_ports;
pub mod node_resources;
pub mod node_selector;
pub mod pod_affinity;
pub mod taints;
pub mod topology_spread;
