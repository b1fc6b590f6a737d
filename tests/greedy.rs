//! The greedy reference: every plan passes `verify`; hand-worked examples of kube-scheduler's
//! order and scores; the seed scenario's deadlock.

use std::path::Path;

use podplan::greedy::{self, Strategy};
use podplan::manifest::load_str;
use podplan::model::Problem;
use podplan::plan::Plan;
use podplan::verify::{VerifyOptions, verify};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn checked(problem: &Problem, strategy: Strategy) -> Plan {
    let plan = greedy::schedule(problem, strategy);
    let violations = verify(problem, &plan, VerifyOptions::default());
    assert!(
        violations.is_empty(),
        "greedy plan violates: {violations:#?}"
    );
    plan
}

fn node_of(problem: &Problem, plan: &Plan, group: &str, index: usize) -> Option<String> {
    let g = problem.groups.iter().position(|g| g.name == group).unwrap();
    plan.placements[g][index].map(|n| problem.nodes[n].name.clone())
}

#[test]
fn seed_deployments_alone_deadlock_as_in_kube_scheduler() {
    let seed = fixture("seed");
    let problem = podplan::load_problem(&[
        fixture("seed-nodes.yaml"),
        seed.join("frontend-deployment.yaml"),
        seed.join("backend-deployment.yaml"),
    ])
    .unwrap();
    for strategy in [
        Strategy::KubeScheduler,
        Strategy::MostAllocated,
        Strategy::FirstFitDecreasing,
    ] {
        let plan = checked(&problem, strategy);
        assert_eq!(plan.placed_count(), 0);
        assert_eq!(plan.reasons.len(), 6);
        for reason in plan.reasons.values() {
            assert_eq!(
                reason,
                "0/3 nodes are available: 3 node(s) didn't match pod affinity rules."
            );
        }
    }
}

#[test]
fn seed_with_bare_pods_places_everything() {
    let problem = podplan::load_problem(&[fixture("seed-nodes.yaml"), fixture("seed")]).unwrap();
    let plan = checked(&problem, Strategy::KubeScheduler);
    assert_eq!(plan.placed_count(), 8);
}

const NODES: &str = "apiVersion: v1\nkind: Node\nmetadata: {name: a, labels: {kubernetes.io/hostname: a, zone: z1}}\nstatus: {allocatable: {cpu: 4, memory: 8Gi, pods: 110}}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: b, labels: {kubernetes.io/hostname: b, zone: z2}}\nstatus: {allocatable: {cpu: 4, memory: 8Gi, pods: 110}}\n";

fn problem(extra: &str) -> Problem {
    Problem::from_loaded(&load_str("t.yaml", &format!("{NODES}---\n{extra}")).unwrap()).unwrap()
}

#[test]
fn least_allocated_spreads_and_most_allocated_packs() {
    // A running pod uses 2 cpu / 4Gi on `a`; the incoming pod asks 1 cpu / 1Gi.
    let p = problem(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: running}\nspec: {nodeName: a, containers: [{name: c, resources: {requests: {cpu: 2, memory: 4Gi}}}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: incoming}\nspec: {containers: [{name: c, resources: {requests: {cpu: 1, memory: 1Gi}}}]}\n",
    );
    // LeastAllocated: a = ((4-3)/4·100 + (8-5)/8·100)/2 = (25+37)/2 = 31; b = (75+87)/2 = 81.
    let least = checked(&p, Strategy::KubeScheduler);
    assert_eq!(node_of(&p, &least, "incoming", 0).as_deref(), Some("b"));
    // MostAllocated: a = (75+62)/2 = 68; b = (25+12)/2 = 18.
    let most = checked(&p, Strategy::MostAllocated);
    assert_eq!(node_of(&p, &most, "incoming", 0).as_deref(), Some("a"));
}

#[test]
fn hard_zone_spread_alternates_zones() {
    let p = problem(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 4\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}]\n      containers: [{name: c, resources: {requests: {cpu: 100m}}}]\n",
    );
    for strategy in [
        Strategy::KubeScheduler,
        Strategy::MostAllocated,
        Strategy::FirstFitDecreasing,
    ] {
        let plan = checked(&p, strategy);
        let nodes: Vec<_> = (0..4)
            .map(|i| node_of(&p, &plan, "web", i).unwrap())
            .collect();
        assert_eq!(
            nodes.iter().filter(|n| *n == "a").count(),
            2,
            "{strategy:?}: {nodes:?}"
        );
    }
}

#[test]
fn self_anti_affinity_places_one_per_host_then_reports() {
    let p = problem(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: cache}\nspec:\n  replicas: 3\n  selector: {matchLabels: {app: cache}}\n  template:\n    metadata: {labels: {app: cache}}\n    spec:\n      affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: cache}}}]}}\n      containers: [{name: c}]\n",
    );
    let plan = checked(&p, Strategy::KubeScheduler);
    assert_eq!(plan.placed_count(), 2);
    assert_eq!(
        plan.reasons.values().next().unwrap(),
        "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules."
    );
}

#[test]
fn priority_orders_the_queue() {
    // Room for one 3-cpu pod per node set: the high-priority pod, listed last, gets placed.
    let p = problem(
        "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: high}\nvalue: 1000\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: low}\nspec:\n  replicas: 2\n  template: {metadata: {labels: {app: low}}, spec: {containers: [{name: c, resources: {requests: {cpu: 3}}}]}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: vip}\nspec: {priorityClassName: high, containers: [{name: c, resources: {requests: {cpu: 3}}}]}\n",
    );
    let plan = checked(&p, Strategy::KubeScheduler);
    assert!(node_of(&p, &plan, "vip", 0).is_some());
    assert_eq!(plan.placed_count(), 2);
}

#[test]
fn greedy_plans_on_conformance_cases_pass_verify_and_agree_with_explain() {
    let root = fixture("conformance");
    for dir in std::fs::read_dir(&root).unwrap() {
        for file in std::fs::read_dir(dir.unwrap().path()).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_none_or(|e| e != "yaml") {
                continue;
            }
            let problem = podplan::load_problem(&[&file]).unwrap();
            let diagnosis = podplan::explain::explain(&problem);
            let plan = checked(&problem, Strategy::KubeScheduler);
            let placed = plan
                .placements
                .iter()
                .flatten()
                .flatten()
                .next()
                .map(|&n| problem.nodes[n].name.clone());
            match placed {
                Some(node) => assert!(
                    diagnosis.pods[0].feasible_nodes.contains(&node),
                    "{}",
                    file.display()
                ),
                None => assert!(
                    diagnosis.pods[0].feasible_nodes.is_empty(),
                    "{}",
                    file.display()
                ),
            }
        }
    }
}

#[test]
fn greedy_plans_on_synthetic_clusters_pass_verify() {
    use podplan::synthetic::{Shape, generate};
    for seed in 0..4 {
        let problem = generate(Shape {
            nodes: 30,
            zones: 3,
            pods: 300,
            rules: true,
            seed,
        });
        assert!(problem.pending_pod_count() >= 300);
        for strategy in [
            Strategy::KubeScheduler,
            Strategy::MostAllocated,
            Strategy::FirstFitDecreasing,
        ] {
            let plan = checked(&problem, strategy);
            assert!(plan.placed_count() > 0, "seed {seed}, {strategy:?}");
            assert_eq!(
                plan.placed_count() + plan.unplaced_count(&problem),
                problem.pending_pod_count()
            );
        }
    }
}
