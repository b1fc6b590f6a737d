//! The greedy reference: every plan passes `verify`; hand-worked examples of kube-scheduler's
//! order and scores; the seed scenario's deadlock.

mod common;

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
        Strategy::DotProduct,
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
        Strategy::DotProduct,
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
    for file in common::conformance_cases() {
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

#[test]
fn greedy_plans_on_synthetic_clusters_pass_verify() {
    use podplan::synthetic::{Shape, generate};
    for seed in 0..4 {
        let problem = generate(Shape {
            nodes: 30,
            zones: 3,
            pods: 300,
            rules: true,
            uniform_nodes: false,
            seed,
        });
        assert!(problem.pending_pod_count() >= 300);
        for strategy in [
            Strategy::KubeScheduler,
            Strategy::MostAllocated,
            Strategy::FirstFitDecreasing,
            Strategy::DotProduct,
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

/// Scores worked by hand from kube-scheduler's formulas (see the comments), checked exactly.
#[test]
fn scores_match_hand_worked_examples() {
    use podplan::cluster::ClusterState;
    use podplan::rules::node_resources::ScoringStrategy;
    let score = |p: &Problem| {
        let state = ClusterState::new(p);
        let g = p.groups.len() - 1;
        greedy::score_nodes(
            p,
            &state,
            &p.groups[g].template,
            p.groups[g].kind,
            &[0, 1],
            ScoringStrategy::LeastAllocated,
        )
    };
    let running = |name: &str, node: &str, app: &str, requests: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, labels: {{app: {app}}}}}\nspec: {{nodeName: {node}, containers: [{{name: c{requests}}}]}}\n---\n"
        )
    };
    // Soft hostname spread: a runs 2 web pods, b one 1-cpu/2Gi pod of another app.
    //   taints 3·100 each; spread raw a = round(2·ln 4) = 3, b = 0 → a 0, b 100 (×2);
    //   LeastAllocated a = (92 + 95)/2 = 93, b = (72 + 73)/2 = 72; balanced a 98, b 99.
    let small = ", resources: {requests: {cpu: 100m, memory: 128Mi}}";
    let p = problem(&format!(
        "{}{}{}apiVersion: v1\nkind: Pod\nmetadata: {{name: incoming, labels: {{app: web}}}}\nspec:\n  topologySpreadConstraints: [{{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {{matchLabels: {{app: web}}}}}}]\n  containers: [{{name: c{small}}}]\n",
        running("w1", "a", "web", small),
        running("w2", "a", "web", small),
        running(
            "o1",
            "b",
            "other",
            ", resources: {requests: {cpu: 1, memory: 2Gi}}"
        ),
    ));
    assert_eq!(score(&p), [300 + 93 + 98, 300 + 200 + 72 + 99]);
    // Preferred pod affinity (weight 80) to the db pod on a (which requests nothing: the
    // non-zero defaults 100m/200Mi count for LeastAllocated, not for balance).
    //   inter-pod a 100, b 0 (×2); LeastAllocated a = (95 + 95)/2 = 95, b = (97 + 98)/2 = 97;
    //   balanced 99 both.
    let p = problem(&format!(
        "{}apiVersion: v1\nkind: Pod\nmetadata: {{name: incoming, labels: {{app: web}}}}\nspec:\n  affinity: {{podAffinity: {{preferredDuringSchedulingIgnoredDuringExecution: [{{weight: 80, podAffinityTerm: {{topologyKey: kubernetes.io/hostname, labelSelector: {{matchLabels: {{app: db}}}}}}}}]}}}}\n  containers: [{{name: c{small}}}]\n",
        running("db", "a", "db", ""),
    ));
    assert_eq!(score(&p), [300 + 200 + 95 + 99, 300 + 97 + 99]);
}
