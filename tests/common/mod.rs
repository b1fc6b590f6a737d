//! Generators shared by the property tests and the benchmarks: random clusters and workloads as
//! manifests (so the loader is exercised too), a planted generator whose problems are known to
//! have a plan placing every pod, and a brute-force oracle for tiny problems.
#![allow(dead_code)]

use std::collections::BTreeMap;

use podplan::model::Problem;
use podplan::plan::{Plan, Status};
use podplan::solve::{Solution, SolveOptions, solve};
use podplan::verify::{VerifyOptions, verify};
use proptest::prelude::*;

/// The case budget: `PROPTEST_CASES` when set, else a budget that keeps `cargo test` quick.
/// Solves and checks what every solve must give: a plan that passes `verify`, no fallback
/// warning, every pending pod placed or unplaced exactly once.
pub fn verified_solve(problem: &Problem, options: &SolveOptions) -> Solution {
    let solution = solve(problem, options);
    let violations = verify(
        problem,
        &solution.plan,
        VerifyOptions {
            allow_moves: options.allow_moves,
        },
    );
    assert!(
        violations.is_empty(),
        "optimiser plan violates {violations:#?}"
    );
    assert!(
        solution.report.warnings.is_empty(),
        "{:?}",
        solution.report.warnings
    );
    // DaemonSet pods of pool nodes the plan does not open do not exist.
    let used = solution.plan.used_nodes(problem);
    let not_existing: usize = problem
        .groups
        .iter()
        .filter(|g| {
            g.daemon_node
                .is_some_and(|n| !problem.node_exists(n) && !used.contains(&n))
        })
        .map(|g| g.count())
        .sum();
    assert_eq!(
        solution.plan.placed_count() + solution.plan.unplaced_count(problem) + not_existing,
        problem.pending_pod_count()
    );
    solution
}

pub fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A node.
#[derive(Debug, Clone)]
pub struct NodeSpec {
    pub cores: u32,
    pub memory_gi: u32,
    pub pods: u32,
    pub zone: u8,
    pub ssd: bool,
    /// 0 none, 1 `dedicated=x:NoSchedule`, 2 `soft=x:PreferNoSchedule`.
    pub taint: u8,
    pub unschedulable: bool,
}

/// A topology key: hostname or zone.
#[derive(Debug, Clone, Copy)]
pub struct Key(pub bool);

impl Key {
    fn name(self) -> &'static str {
        if self.0 {
            "topology.kubernetes.io/zone"
        } else {
            "kubernetes.io/hostname"
        }
    }
}

/// A spread constraint.
#[derive(Debug, Clone)]
pub struct SpreadSpec {
    pub key: Key,
    pub max_skew: u8,
    pub hard: bool,
    pub min_domains: u8,
    pub honor_taints: bool,
    pub ignore_affinity: bool,
}

/// A running pod.
#[derive(Debug, Clone)]
pub struct RunningSpec {
    pub node: usize,
    pub app: u8,
    pub cpu_m: u32,
    pub anti: Option<(u8, Key)>,
    pub terminating: bool,
}

/// A workload: a Deployment, a StatefulSet or a bare pod.
#[derive(Debug, Clone)]
pub struct GroupSpec {
    /// 0 Deployment, 1 StatefulSet, 2 bare Pod (1 replica).
    pub kind: u8,
    pub replicas: u32,
    pub app: u8,
    pub cpu_m: u32,
    pub memory_mi: u32,
    pub limits_only: bool,
    pub init_cpu_m: u32,
    pub ssd_only: bool,
    pub zone_in: Option<u8>,
    pub tolerate: bool,
    pub affinity: Option<(u8, Key)>,
    pub anti: Option<(u8, Key)>,
    pub preferred: Option<(u8, bool, u8)>,
    pub spread: Option<SpreadSpec>,
    pub host_port: bool,
    pub priority: u8,
}

/// A whole scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub nodes: Vec<NodeSpec>,
    pub running: Vec<RunningSpec>,
    pub groups: Vec<GroupSpec>,
}

/// Sizes of the generated scenarios.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub nodes: usize,
    pub running: usize,
    pub groups: usize,
    pub replicas: u32,
    pub rules: bool,
}

/// Tiny scenarios for the brute-force oracle.
pub const TINY: Size = Size {
    nodes: 3,
    running: 2,
    groups: 3,
    replicas: 2,
    rules: true,
};
/// Small scenarios.
pub const SMALL: Size = Size {
    nodes: 6,
    running: 3,
    groups: 4,
    replicas: 4,
    rules: true,
};

fn key() -> impl Strategy<Value = Key> {
    any::<bool>().prop_map(Key)
}

fn node() -> impl Strategy<Value = NodeSpec> {
    (
        1u32..=4,
        prop::sample::select(vec![2u32, 4, 8]),
        prop::sample::select(vec![3u32, 110]),
        0u8..2,
        any::<bool>(),
        prop::sample::select(vec![0u8, 0, 0, 1, 2]),
        prop::bool::weighted(0.1),
    )
        .prop_map(
            |(cores, memory_gi, pods, zone, ssd, taint, unschedulable)| NodeSpec {
                cores,
                memory_gi,
                pods,
                zone,
                ssd,
                taint,
                unschedulable,
            },
        )
}

fn spread() -> impl Strategy<Value = SpreadSpec> {
    (
        key(),
        1u8..=2,
        prop::bool::weighted(0.7),
        prop::sample::select(vec![1u8, 1, 2, 3]),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.2),
    )
        .prop_map(
            |(key, max_skew, hard, min_domains, honor_taints, ignore_affinity)| SpreadSpec {
                key,
                max_skew,
                hard,
                min_domains,
                honor_taints,
                ignore_affinity,
            },
        )
}

fn group(size: Size) -> impl Strategy<Value = GroupSpec> {
    let rule = move |p: f64| prop::bool::weighted(if size.rules { p } else { 0.0 });
    (
        (
            0u8..3,
            1u32..=size.replicas,
            0u8..3,
            prop::sample::select(vec![0u32, 250, 500, 1000, 1500]),
        ),
        (
            prop::sample::select(vec![0u32, 256, 1024, 3072]),
            prop::bool::weighted(0.2),
            prop::sample::select(vec![0u32, 0, 0, 2000]),
        ),
        (
            rule(0.2),
            prop::option::weighted(if size.rules { 0.15 } else { 0.0 }, 0u8..2),
            prop::bool::weighted(0.3),
        ),
        (
            prop::option::weighted(if size.rules { 0.3 } else { 0.0 }, (0u8..3, key())),
            prop::option::weighted(if size.rules { 0.3 } else { 0.0 }, (0u8..3, key())),
        ),
        (
            prop::option::weighted(
                if size.rules { 0.2 } else { 0.0 },
                (0u8..3, any::<bool>(), 1u8..=100),
            ),
            prop::option::weighted(if size.rules { 0.35 } else { 0.0 }, spread()),
        ),
        (rule(0.1), prop::sample::select(vec![0u8, 0, 0, 100, 200])),
    )
        .prop_map(
            |(
                (kind, replicas, app, cpu_m),
                (memory_mi, limits_only, init_cpu_m),
                (ssd_only, zone_in, tolerate),
                (affinity, anti),
                (preferred, spread),
                (host_port, priority),
            )| GroupSpec {
                kind,
                replicas: if kind == 2 { 1 } else { replicas },
                app,
                cpu_m,
                memory_mi,
                limits_only,
                init_cpu_m,
                ssd_only,
                zone_in,
                tolerate,
                affinity,
                anti,
                preferred,
                spread,
                host_port,
                priority,
            },
        )
}

fn running(size: Size) -> impl Strategy<Value = RunningSpec> {
    (
        0usize..size.nodes,
        0u8..3,
        prop::sample::select(vec![0u32, 250, 1000]),
        prop::option::weighted(if size.rules { 0.3 } else { 0.0 }, (0u8..3, key())),
        prop::bool::weighted(0.15),
    )
        .prop_map(|(node, app, cpu_m, anti, terminating)| RunningSpec {
            node,
            app,
            cpu_m,
            anti,
            terminating,
        })
}

/// Random scenarios of `size`.
pub fn scenario(size: Size) -> impl Strategy<Value = Scenario> {
    (
        prop::collection::vec(node(), 1..=size.nodes),
        prop::collection::vec(running(size), 0..=size.running),
        prop::collection::vec(group(size), 1..=size.groups),
    )
        .prop_map(|(nodes, mut running, groups)| {
            for r in &mut running {
                r.node %= nodes.len();
            }
            Scenario {
                nodes,
                running,
                groups,
            }
        })
}

fn term(target: u8, key: Key) -> String {
    format!(
        "{{topologyKey: {}, labelSelector: {{matchLabels: {{app: app{target}}}}}}}",
        key.name()
    )
}

impl Scenario {
    /// The scenario as manifests, one document per object.
    pub fn documents(&self) -> Vec<String> {
        let mut docs = Vec::new();
        for (i, n) in self.nodes.iter().enumerate() {
            let taint = match n.taint {
                1 => "\n  taints: [{key: dedicated, value: x, effect: NoSchedule}]",
                2 => "\n  taints: [{key: soft, value: x, effect: PreferNoSchedule}]",
                _ => "",
            };
            docs.push(format!(
                "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-{i}\n  labels: {{kubernetes.io/hostname: node-{i}, topology.kubernetes.io/zone: zone-{}, disk: {}}}\nspec:\n  unschedulable: {}{taint}\nstatus: {{allocatable: {{cpu: \"{}\", memory: {}Gi, pods: \"{}\"}}}}\n",
                n.zone,
                if n.ssd { "ssd" } else { "hdd" },
                n.unschedulable,
                n.cores,
                n.memory_gi,
                n.pods
            ));
        }
        for (i, r) in self.running.iter().enumerate() {
            let anti = r.anti.map_or(String::new(), |(t, k)| format!("\n  affinity: {{podAntiAffinity: {{requiredDuringSchedulingIgnoredDuringExecution: [{}]}}}}", term(t, k)));
            let deleting = if r.terminating {
                "\n  deletionTimestamp: \"2026-01-01T00:00:00Z\""
            } else {
                ""
            };
            docs.push(format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: running-{i}\n  labels: {{app: app{}}}{deleting}\nspec:\n  nodeName: node-{}{anti}\n  containers: [{{name: c, resources: {{requests: {{cpu: {}m}}}}}}]\n",
                r.app, r.node, r.cpu_m
            ));
        }
        if self.groups.iter().any(|g| g.priority > 0) {
            for p in [100, 200] {
                docs.push(format!("apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {{name: p{p}}}\nvalue: {p}\n"));
            }
        }
        for (i, g) in self.groups.iter().enumerate() {
            docs.push(g.document(i));
        }
        docs
    }

    /// The scenario as one stream.
    pub fn text(&self) -> String {
        self.documents()
            .iter()
            .map(|d| format!("---\n{d}"))
            .collect()
    }

    /// The problem.
    pub fn problem(&self) -> Problem {
        let loaded = podplan::manifest::load_str("scenario.yaml", &self.text())
            .unwrap_or_else(|e| panic!("{e}\n{}", self.text()));
        Problem::from_loaded(&loaded).unwrap_or_else(|e| panic!("{e}"))
    }
}

impl GroupSpec {
    /// The pod spec (indented for a template or a bare pod).
    fn pod_spec(&self, indent: &str) -> String {
        let mut spec = String::new();
        let resources = if self.limits_only {
            format!(
                "{{limits: {{cpu: {}m, memory: {}Mi}}}}",
                self.cpu_m.max(1),
                self.memory_mi.max(1)
            )
        } else {
            format!(
                "{{requests: {{cpu: {}m, memory: {}Mi}}}}",
                self.cpu_m, self.memory_mi
            )
        };
        let port = if self.host_port {
            ", ports: [{containerPort: 80, hostPort: 8080}]"
        } else {
            ""
        };
        spec += &format!("{indent}containers: [{{name: c, resources: {resources}{port}}}]\n");
        if self.init_cpu_m > 0 {
            spec += &format!(
                "{indent}initContainers: [{{name: init, resources: {{requests: {{cpu: {}m}}}}}}]\n",
                self.init_cpu_m
            );
        }
        if self.ssd_only {
            spec += &format!("{indent}nodeSelector: {{disk: ssd}}\n");
        }
        if self.tolerate {
            spec += &format!("{indent}tolerations: [{{key: dedicated, operator: Exists}}]\n");
        }
        if self.priority > 0 {
            spec += &format!("{indent}priorityClassName: p{}\n", self.priority);
        }
        let mut affinity = Vec::new();
        if let Some(zone) = self.zone_in {
            affinity.push(format!("nodeAffinity: {{requiredDuringSchedulingIgnoredDuringExecution: {{nodeSelectorTerms: [{{matchExpressions: [{{key: topology.kubernetes.io/zone, operator: In, values: [zone-{zone}]}}]}}]}}}}"));
        }
        let mut pod_affinity = Vec::new();
        let mut pod_anti = Vec::new();
        if let Some((t, k)) = self.affinity {
            pod_affinity.push(format!(
                "requiredDuringSchedulingIgnoredDuringExecution: [{}]",
                term(t, k)
            ));
        }
        if let Some((t, k)) = self.anti {
            pod_anti.push(format!(
                "requiredDuringSchedulingIgnoredDuringExecution: [{}]",
                term(t, k)
            ));
        }
        if let Some((t, anti, w)) = self.preferred {
            let entry = format!(
                "preferredDuringSchedulingIgnoredDuringExecution: [{{weight: {w}, podAffinityTerm: {}}}]",
                term(t, Key(false))
            );
            if anti {
                pod_anti.push(entry)
            } else {
                pod_affinity.push(entry)
            }
        }
        if !pod_affinity.is_empty() {
            affinity.push(format!("podAffinity: {{{}}}", pod_affinity.join(", ")));
        }
        if !pod_anti.is_empty() {
            affinity.push(format!("podAntiAffinity: {{{}}}", pod_anti.join(", ")));
        }
        if !affinity.is_empty() {
            spec += &format!("{indent}affinity: {{{}}}\n", affinity.join(", "));
        }
        if let Some(s) = &self.spread {
            spec += &format!(
                "{indent}topologySpreadConstraints: [{{maxSkew: {}, topologyKey: {}, whenUnsatisfiable: {}, labelSelector: {{matchLabels: {{app: app{}}}}}{}{}{}}}]\n",
                s.max_skew,
                s.key.name(),
                if s.hard {
                    "DoNotSchedule"
                } else {
                    "ScheduleAnyway"
                },
                self.app,
                if s.hard && s.min_domains > 1 {
                    format!(", minDomains: {}", s.min_domains)
                } else {
                    String::new()
                },
                if s.honor_taints {
                    ", nodeTaintsPolicy: Honor"
                } else {
                    ""
                },
                if s.ignore_affinity {
                    ", nodeAffinityPolicy: Ignore"
                } else {
                    ""
                },
            );
        }
        spec
    }

    fn document(&self, index: usize) -> String {
        match self.kind {
            2 => format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-{index}\n  labels: {{app: app{}}}\nspec:\n{}",
                self.app,
                self.pod_spec("  ")
            ),
            kind => format!(
                "apiVersion: apps/v1\nkind: {}\nmetadata: {{name: group-{index}}}\nspec:\n  replicas: {}\n  selector: {{matchLabels: {{app: app{}}}}}\n  template:\n    metadata: {{labels: {{app: app{}}}}}\n    spec:\n{}",
                if kind == 0 {
                    "Deployment"
                } else {
                    "StatefulSet"
                },
                self.replicas,
                self.app,
                self.app,
                self.pod_spec("      ")
            ),
        }
    }
}

/// Planted scenarios: a placement is drawn first, then the rules are derived from it, so a plan
/// placing every pod exists: the returned homes (per group, the node of each pod).
pub fn planted() -> impl Strategy<Value = (Scenario, Vec<Vec<usize>>)> {
    (
        prop::collection::vec(node(), 2..=5),
        prop::collection::vec(
            (
                1u32..=3,
                prop::sample::select(vec![250u32, 500, 1000]),
                prop::collection::vec(any::<prop::sample::Index>(), 3),
                any::<u8>(),
            ),
            1..=4,
        ),
    )
        .prop_map(|(mut nodes, raw)| {
            for n in &mut nodes {
                n.taint = 0;
                n.unschedulable = false;
                n.pods = 110;
            }
            let mut free: Vec<i64> = nodes.iter().map(|n| i64::from(n.cores) * 1000).collect();
            let mut groups: Vec<GroupSpec> = Vec::new();
            let mut homes: Vec<Vec<usize>> = Vec::new();
            for (replicas, cpu_m, picks, flags) in raw {
                let mut home = Vec::new();
                for pick in picks.iter().take(replicas as usize) {
                    let n = pick.index(nodes.len());
                    if free[n] >= i64::from(cpu_m) {
                        free[n] -= i64::from(cpu_m);
                        home.push(n);
                    }
                }
                if home.is_empty() {
                    continue;
                }
                let distinct = {
                    let mut h = home.clone();
                    h.sort();
                    h.dedup();
                    h.len() == home.len()
                };
                let zones: Vec<u8> = home.iter().map(|&n| nodes[n].zone).collect();
                let mut g = GroupSpec {
                    kind: 0,
                    replicas: home.len() as u32,
                    app: 3 + groups.len() as u8, // distinct apps: rules target exactly one group
                    cpu_m,
                    memory_mi: 256,
                    limits_only: false,
                    init_cpu_m: 0,
                    ssd_only: flags & 1 == 1 && home.iter().all(|&n| nodes[n].ssd),
                    zone_in: (flags & 2 == 2 && zones.iter().all(|&z| z == zones[0]))
                        .then_some(zones[0]),
                    tolerate: false,
                    affinity: None,
                    anti: (flags & 4 == 4 && distinct).then_some((0, Key(false))),
                    preferred: None,
                    spread: None,
                    host_port: false,
                    priority: 0,
                };
                if let Some(anti) = &mut g.anti {
                    anti.0 = g.app;
                }
                if flags & 8 == 8 {
                    // Zone spread with the skew this placement has.
                    let mut per_zone = [0i64; 2];
                    for &z in &zones {
                        per_zone[z as usize] += 1;
                    }
                    let present: Vec<usize> = (0..2)
                        .filter(|&z| nodes.iter().any(|n| n.zone as usize == z))
                        .collect();
                    let counts: Vec<i64> = present.iter().map(|&z| per_zone[z]).collect();
                    let skew = counts.iter().max().unwrap() - counts.iter().min().unwrap();
                    g.spread = Some(SpreadSpec {
                        key: Key(true),
                        max_skew: skew.max(1) as u8,
                        hard: true,
                        min_domains: 1,
                        honor_taints: false,
                        ignore_affinity: true,
                    });
                }
                if flags & 16 == 16
                    && let (Some(last), Some(target_home)) = (groups.last(), homes.last())
                    && let target = last.app
                    && home.iter().all(|n| target_home.contains(n))
                {
                    g.affinity = Some((target, Key(false)));
                }
                groups.push(g);
                homes.push(home);
            }
            if groups.is_empty() {
                groups.push(GroupSpec {
                    kind: 2,
                    replicas: 1,
                    app: 3,
                    cpu_m: 0,
                    memory_mi: 0,
                    limits_only: false,
                    init_cpu_m: 0,
                    ssd_only: false,
                    zone_in: None,
                    tolerate: false,
                    affinity: None,
                    anti: None,
                    preferred: None,
                    spread: None,
                    host_port: false,
                    priority: 0,
                });
                homes.push(vec![0]);
            }
            (
                Scenario {
                    nodes,
                    running: Vec::new(),
                    groups,
                },
                homes,
            )
        })
}

/// Lexicographic objective values of a plan: priority-weighted pods placed, node cost, soft score.
pub fn objective(problem: &Problem, plan: &Plan) -> (f64, f64, i64) {
    (
        plan.placed_weight(problem),
        plan.cost(problem),
        plan.soft_score(problem),
    )
}

/// The lexicographic optimum (weight max, cost min, soft max) over every assignment of the pending
/// pods to nodes, checked by `verify`; groups are spread as counts per node, not per pod.
pub fn brute_force(problem: &Problem) -> (f64, f64, i64) {
    let nodes = problem.nodes.len();
    // Every distribution of each group's pods over nodes and "unplaced".
    fn distributions(count: usize, bins: usize) -> Vec<Vec<usize>> {
        if bins == 1 {
            return vec![vec![count]];
        }
        (0..=count)
            .flat_map(|first| {
                distributions(count - first, bins - 1)
                    .into_iter()
                    .map(move |mut rest| {
                        rest.insert(0, first);
                        rest
                    })
            })
            .collect()
    }
    let options: Vec<Vec<Vec<usize>>> = problem
        .groups
        .iter()
        .map(|g| distributions(g.count(), nodes + 1))
        .collect();
    let mut best: Option<(f64, f64, i64)> = None;
    let mut choice = vec![0usize; options.len()];
    loop {
        let mut plan = Plan::empty(problem, Status::Heuristic);
        for (g, &c) in choice.iter().enumerate() {
            let mut slot = 0;
            for (n, &k) in options[g][c].iter().take(nodes).enumerate() {
                for _ in 0..k {
                    plan.placements[g][slot] = Some(n);
                    slot += 1;
                }
            }
            for i in slot..problem.groups[g].count() {
                plan.reasons.insert((g, i), "brute force".into());
            }
        }
        if verify(problem, &plan, VerifyOptions::default()).is_empty() {
            let value = objective(problem, &plan);
            let better = match best {
                None => true,
                Some(b) => {
                    value.0 > b.0 + 1e-9
                        || ((value.0 - b.0).abs() < 1e-9
                            && (value.1 < b.1 - 1e-9
                                || ((value.1 - b.1).abs() < 1e-9 && value.2 > b.2)))
                }
            };
            if better {
                best = Some(value);
            }
        }
        // Next combination.
        let mut g = 0;
        loop {
            if g == choice.len() {
                return best.unwrap_or((0.0, 0.0, 0));
            }
            choice[g] += 1;
            if choice[g] < options[g].len() {
                break;
            }
            choice[g] = 0;
            g += 1;
        }
    }
}

/// Values of a map, for equality checks that ignore order.
pub fn sorted<K: Ord + Clone, V: Clone>(map: &BTreeMap<K, V>) -> Vec<(K, V)> {
    map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// Every conformance case file (upstream sample and podplan's own), in sorted order.
pub fn conformance_cases() -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/conformance");
    let mut files = Vec::new();
    for dir in std::fs::read_dir(&root).unwrap() {
        for file in std::fs::read_dir(dir.unwrap().path()).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|e| e == "yaml") {
                files.push(file);
            }
        }
    }
    files.sort();
    files
}
