//! podplan: provably optimal pod-to-node placement for Kubernetes manifests.
//!
//! The pipeline runs in one direction: **load** manifests ([`manifest`]) → **model** a
//! [`Problem`] ([`model`], every Kubernetes default applied once) → **schedule** with the greedy
//! reference ([`greedy`], kube-scheduler's default profile) → **verify** the plan
//! independently ([`verify`]); [`explain`] answers "why is my pod Pending?".
//!
//! # Tutorial
//!
//! Two Deployments whose pods each require a pod of the other on the same node: kube-scheduler
//! can place none of them, and `explain` says why.
//!
//! ```
//! use podplan::manifest::load_str;
//! use podplan::model::Problem;
//! use podplan::{explain, greedy, verify};
//!
//! let manifests = r#"
//! apiVersion: v1
//! kind: Node
//! metadata: {name: node-1, labels: {kubernetes.io/hostname: node-1}}
//! status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}
//! ---
//! apiVersion: apps/v1
//! kind: Deployment
//! metadata: {name: frontend}
//! spec:
//!   replicas: 2
//!   selector: {matchLabels: {app: frontend}}
//!   template:
//!     metadata: {labels: {app: frontend}}
//!     spec:
//!       affinity:
//!         podAffinity:
//!           requiredDuringSchedulingIgnoredDuringExecution:
//!           - {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: backend}}}
//!       containers: [{name: web, resources: {requests: {cpu: 500m, memory: 256Mi}}}]
//! ---
//! apiVersion: apps/v1
//! kind: Deployment
//! metadata: {name: backend}
//! spec:
//!   replicas: 2
//!   selector: {matchLabels: {app: backend}}
//!   template:
//!     metadata: {labels: {app: backend}}
//!     spec:
//!       affinity:
//!         podAffinity:
//!           requiredDuringSchedulingIgnoredDuringExecution:
//!           - {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: frontend}}}
//!       containers: [{name: api, resources: {requests: {cpu: 500m, memory: 256Mi}}}]
//! "#;
//! // 1. Load and model: two pod groups of two pending pods each.
//! let problem = Problem::from_loaded(&load_str("tutorial.yaml", manifests)?)?;
//! assert_eq!(problem.pending_pod_count(), 4);
//!
//! // 2. The greedy reference deadlocks exactly as kube-scheduler does…
//! let plan = greedy::schedule(&problem, greedy::Strategy::KubeScheduler);
//! assert_eq!(plan.placed_count(), 0);
//! // …and its plan is valid (nothing placed breaks no rule; every pod has its reason).
//! assert!(verify::verify(&problem, &plan, verify::VerifyOptions::default()).is_empty());
//!
//! // 3. Why Pending?
//! let diagnosis = explain::explain(&problem);
//! assert_eq!(
//!     diagnosis.pods[0].message,
//!     "0/1 nodes are available: 1 node(s) didn't match pod affinity rules."
//! );
//! # Ok::<(), podplan::Error>(())
//! ```
#![warn(missing_docs)]

pub mod binpack;
pub mod cluster;
pub mod error;
pub mod explain;
pub mod greedy;
pub mod manifest;
pub mod model;
pub mod plan;
pub mod quantity;
pub mod report;
pub mod rules;
pub mod solve;
pub mod synthetic;
pub mod verify;

pub use error::Error;
pub use model::Problem;

/// Loads manifests from files, directories or `-` (stdin) and builds the problem.
pub fn load_problem<P: AsRef<std::path::Path>>(paths: &[P]) -> Result<Problem, Error> {
    let loaded = manifest::load_paths(paths)?;
    Ok(Problem::from_loaded(&loaded)?)
}
