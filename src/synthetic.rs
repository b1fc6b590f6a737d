//! Deterministic, Kubernetes-shaped problems for benchmarks, examples and tests.
//!
//! A cluster of nodes of a few sizes spread over zones, and Deployments of mixed sizes, some
//! with zone spread, hostname anti-affinity, or affinity to another Deployment. The same shape
//! and seed always give the same problem.

use std::collections::BTreeMap;

use crate::manifest::types::{
    self, Affinity, Container, LabelSelector, ObjectMeta, PodAffinity, PodAffinityTerm, PodSpec,
    PodTemplateSpec, ReplicatedController, ReplicatedSpec, ResourceRequirements,
    TopologySpreadConstraint, WhenUnsatisfiable,
};
use crate::manifest::{Loaded, Object, ObjectKind, Origin};
use crate::model::Problem;
use crate::quantity::Quantity;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Number of nodes.
    pub nodes: usize,
    /// Number of zones (nodes are dealt round-robin).
    pub zones: usize,
    /// Approximate number of pending pods (Deployments are added until it is reached).
    pub pods: usize,
    /// Whether Deployments carry spread, anti-affinity and affinity rules.
    pub rules: bool,
    /// Whether every node has the same size (16 cpu, 64Gi): one node class.
    pub uniform_nodes: bool,
    /// Random seed.
    pub seed: u64,
}

/// SplitMix64: small, fast, good enough for test data.
#[derive(Debug, Clone)]
pub struct SplitMix(u64);

impl SplitMix {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        SplitMix(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound` > 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound
    }
}

fn origin() -> Origin {
    Origin {
        file: "<synthetic>".into(),
        position: Default::default(),
    }
}

fn object(kind: ObjectKind) -> Object {
    Object {
        kind,
        origin: origin(),
        field_positions: BTreeMap::new(),
    }
}

fn quantity(text: &str) -> Quantity {
    text.parse().unwrap_or_default()
}

/// A Node object.
pub fn node(name: &str, labels: &[(&str, &str)], cpu: &str, memory: &str, pods: u32) -> Object {
    let mut all: BTreeMap<String, String> = labels
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    all.insert("kubernetes.io/hostname".into(), name.into());
    let allocatable = BTreeMap::from([
        ("cpu".to_string(), quantity(cpu)),
        ("memory".to_string(), quantity(memory)),
        ("pods".to_string(), Quantity::from_units(i64::from(pods))),
    ]);
    object(ObjectKind::Node(types::Node {
        metadata: ObjectMeta {
            name: name.into(),
            labels: all,
            ..ObjectMeta::default()
        },
        spec: Default::default(),
        status: types::NodeStatus {
            capacity: None,
            allocatable: Some(allocatable),
        },
    }))
}

/// A Deployment object with one container requesting `cpu` and `memory`.
pub fn deployment(name: &str, replicas: i32, cpu: &str, memory: &str) -> ReplicatedController {
    let labels = BTreeMap::from([("app".to_string(), name.to_string())]);
    ReplicatedController {
        metadata: ObjectMeta {
            name: name.into(),
            namespace: "default".into(),
            ..ObjectMeta::default()
        },
        spec: ReplicatedSpec {
            replicas: Some(replicas),
            selector: Some(LabelSelector {
                match_labels: labels.clone(),
                match_expressions: Vec::new(),
            }),
            template: PodTemplateSpec {
                metadata: ObjectMeta {
                    labels,
                    ..ObjectMeta::default()
                },
                spec: PodSpec {
                    containers: vec![Container {
                        name: "app".into(),
                        resources: ResourceRequirements {
                            requests: BTreeMap::from([
                                ("cpu".to_string(), quantity(cpu)),
                                ("memory".to_string(), quantity(memory)),
                            ]),
                            limits: BTreeMap::new(),
                        },
                        ..Container::default()
                    }],
                    ..PodSpec::default()
                },
            },
        },
    }
}

/// A required (anti-)affinity term selecting `app=<target>` on `key`.
pub fn app_term(target: &str, key: &str) -> PodAffinityTerm {
    PodAffinityTerm {
        label_selector: Some(LabelSelector {
            match_labels: BTreeMap::from([("app".to_string(), target.to_string())]),
            match_expressions: Vec::new(),
        }),
        topology_key: key.into(),
        ..PodAffinityTerm::default()
    }
}

/// Generates the problem of `shape`.
pub fn generate(shape: Shape) -> Problem {
    let mut rng = SplitMix::new(shape.seed);
    let mut loaded = Loaded::default();
    const SIZES: [(&str, &str); 3] = [("4", "16Gi"), ("8", "32Gi"), ("16", "64Gi")];
    for i in 0..shape.nodes {
        let (cpu, memory) = if shape.uniform_nodes {
            SIZES[2]
        } else {
            SIZES[rng.below(3) as usize]
        };
        let zone = format!("zone-{}", i % shape.zones.max(1));
        loaded.objects.push(node(
            &format!("node-{i:04}"),
            &[("topology.kubernetes.io/zone", &zone)],
            cpu,
            memory,
            110,
        ));
    }
    const CPU: [&str; 6] = ["100m", "250m", "500m", "1", "1500m", "2"];
    const MEMORY: [&str; 6] = ["128Mi", "256Mi", "512Mi", "1Gi", "2Gi", "4Gi"];
    let mut placed = 0;
    let mut index = 0;
    while placed < shape.pods {
        let name = format!("app-{index:03}");
        let replicas = (1 + rng.below(20) as usize).min(shape.pods - placed);
        let mut d = deployment(
            &name,
            replicas as i32,
            CPU[rng.below(6) as usize],
            MEMORY[rng.below(6) as usize],
        );
        if shape.rules {
            let spec = &mut d.spec.template.spec;
            match rng.below(6) {
                0 | 1 => spec
                    .topology_spread_constraints
                    .push(TopologySpreadConstraint {
                        max_skew: 1,
                        topology_key: "topology.kubernetes.io/zone".into(),
                        when_unsatisfiable: WhenUnsatisfiable::DoNotSchedule,
                        label_selector: d.spec.selector.clone(),
                        min_domains: None,
                        node_affinity_policy: None,
                        node_taints_policy: None,
                        match_label_keys: Vec::new(),
                    }),
                2 if replicas <= shape.nodes => {
                    spec.affinity = Some(Affinity {
                        pod_anti_affinity: Some(PodAffinity {
                            required: vec![app_term(&name, "kubernetes.io/hostname")],
                            preferred: Vec::new(),
                        }),
                        ..Affinity::default()
                    });
                }
                3 if index > 0 => {
                    let target = format!("app-{:03}", rng.below(index as u64));
                    spec.affinity = Some(Affinity {
                        pod_affinity: Some(PodAffinity {
                            required: vec![app_term(&target, "topology.kubernetes.io/zone")],
                            preferred: Vec::new(),
                        }),
                        ..Affinity::default()
                    });
                }
                _ => {}
            }
        }
        loaded.objects.push(object(ObjectKind::Deployment(d)));
        placed += replicas;
        index += 1;
    }
    // Synthetic objects are valid by construction.
    Problem::from_loaded(&loaded).unwrap_or_default()
}
