//! `verify` sees each kind of violation planted in an otherwise valid plan.

use podplan::manifest::load_str;
use podplan::model::Problem;
use podplan::plan::{Plan, Status};
use podplan::verify::{Rule, VerifyOptions, verify};

const NODES: &str = "apiVersion: v1\nkind: Node\nmetadata: {name: a, labels: {kubernetes.io/hostname: a, zone: z1}}\nstatus: {allocatable: {cpu: 2, memory: 4Gi, pods: 110}}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: b, labels: {kubernetes.io/hostname: b, zone: z2}}\nspec: {taints: [{key: dedicated, value: gpu, effect: NoSchedule}]}\nstatus: {allocatable: {cpu: 2, memory: 4Gi, pods: 110}}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: c, labels: {kubernetes.io/hostname: c, zone: z2}}\nstatus: {allocatable: {cpu: 2, memory: 4Gi, pods: 110}}\n";

fn problem(extra: &str) -> Problem {
    Problem::from_loaded(&load_str("v.yaml", &format!("{NODES}---\n{extra}")).unwrap()).unwrap()
}

/// A plan placing pod i of group g on the named node.
fn plan(problem: &Problem, nodes: &[&[&str]]) -> Plan {
    let mut plan = Plan::empty(problem, Status::Heuristic);
    for (g, pods) in nodes.iter().enumerate() {
        for (i, name) in pods.iter().enumerate() {
            plan.placements[g][i] = Some(problem.node_by_name(name).unwrap());
        }
    }
    plan
}

fn rules(problem: &Problem, plan: &Plan) -> Vec<Rule> {
    let mut rules: Vec<Rule> = verify(problem, plan, VerifyOptions::default())
        .into_iter()
        .map(|v| v.rule)
        .collect();
    rules.dedup();
    rules
}

fn deployment(name: &str, replicas: usize, spec: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec: {spec}\n"
    )
}

#[test]
fn resources() {
    let p = problem(&deployment(
        "big",
        2,
        "{containers: [{name: c, resources: {requests: {cpu: 1500m}}}]}",
    ));
    assert!(rules(&p, &plan(&p, &[&["a", "c"]])).is_empty());
    assert_eq!(rules(&p, &plan(&p, &[&["a", "a"]])), [Rule::Resources]);
}

#[test]
fn taints_and_node_affinity() {
    let p = problem(&deployment(
        "web",
        1,
        "{nodeSelector: {zone: z2}, containers: [{name: c}]}",
    ));
    assert!(rules(&p, &plan(&p, &[&["c"]])).is_empty());
    assert_eq!(rules(&p, &plan(&p, &[&["b"]])), [Rule::Taints]);
    assert_eq!(rules(&p, &plan(&p, &[&["a"]])), [Rule::NodeAffinity]);
}

#[test]
fn ports() {
    let p = problem(&deployment(
        "proxy",
        2,
        "{containers: [{name: c, ports: [{containerPort: 80, hostPort: 8080}]}]}",
    ));
    assert!(rules(&p, &plan(&p, &[&["a", "c"]])).is_empty());
    assert_eq!(rules(&p, &plan(&p, &[&["a", "a"]])), [Rule::Ports]);
}

#[test]
fn pod_affinity_and_the_single_seed() {
    let affinity = "{affinity: {podAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: web}}}]}}, containers: [{name: c}]}";
    let p = problem(&deployment("web", 2, affinity));
    assert!(rules(&p, &plan(&p, &[&["a", "a"]])).is_empty());
    assert_eq!(rules(&p, &plan(&p, &[&["a", "c"]])), [Rule::PodAffinity]);
    let single = problem(&deployment("web", 1, affinity));
    assert!(
        rules(&single, &plan(&single, &[&["a"]])).is_empty(),
        "a lone self-matching pod is the seed"
    );
    // Mutual affinity: satisfied only together.
    let mutual = problem(&format!(
        "{}---\n{}",
        deployment(
            "front",
            1,
            "{affinity: {podAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: back}}}]}}, containers: [{name: c}]}"
        ),
        deployment(
            "back",
            1,
            "{affinity: {podAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: front}}}]}}, containers: [{name: c}]}"
        )
    ));
    assert!(rules(&mutual, &plan(&mutual, &[&["c"], &["c"]])).is_empty());
    assert_eq!(
        rules(&mutual, &plan(&mutual, &[&["a"], &["c"]])),
        [Rule::PodAffinity]
    );
}

#[test]
fn anti_affinity_both_directions() {
    let p = problem(&format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: lonely, labels: {{app: lonely}}}}\nspec:\n  nodeName: a\n  affinity: {{podAntiAffinity: {{requiredDuringSchedulingIgnoredDuringExecution: [{{topologyKey: zone, labelSelector: {{matchLabels: {{app: web}}}}}}]}}}}\n  containers: [{{name: c}}]\n---\n{}",
        deployment("web", 1, "{containers: [{name: c}]}")
    ));
    assert!(rules(&p, &plan(&p, &[&["c"]])).is_empty());
    assert_eq!(rules(&p, &plan(&p, &[&["a"]])), [Rule::PodAntiAffinity]);
    let own = problem(&deployment(
        "solo",
        2,
        "{affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: zone, labelSelector: {matchLabels: {app: solo}}}]}}, containers: [{name: c}]}",
    ));
    assert!(rules(&own, &plan(&own, &[&["a", "c"]])).is_empty());
    assert_eq!(
        rules(&own, &plan(&own, &[&["a", "a"]])),
        [Rule::PodAntiAffinity]
    );
}

#[test]
fn topology_spread() {
    let p = problem(&deployment(
        "spread",
        3,
        "{topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: spread}}}], tolerations: [{operator: Exists}], containers: [{name: c}]}",
    ));
    assert!(rules(&p, &plan(&p, &[&["a", "b", "c"]])).is_empty());
    assert_eq!(
        rules(&p, &plan(&p, &[&["a", "a", "c"]])),
        [Rule::TopologySpread]
    );
}

#[test]
fn shape_moves_and_reasons() {
    let p = problem(&format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: running}}\nspec: {{nodeName: a, containers: [{{name: c}}]}}\n---\n{}",
        deployment("web", 1, "{containers: [{name: c}]}")
    ));
    let mut moved = plan(&p, &[&["a"]]);
    moved.fixed_nodes[0] = p.node_by_name("c").unwrap();
    assert_eq!(rules(&p, &moved), [Rule::Replicas]);
    assert!(verify(&p, &moved, VerifyOptions { allow_moves: true }).is_empty());
    let mut lost = plan(&p, &[&["a"]]);
    lost.placements[0].push(Some(0));
    assert_eq!(rules(&p, &lost), [Rule::Replicas]);
    let unexplained = Plan::empty(&p, Status::Heuristic);
    assert_eq!(rules(&p, &unexplained), [Rule::Unplaced]);
}
