//! The optimiser on hand-computed instances: every plan goes through `verify`, the status is
//! honest, and each objective reaches the optimum worked out by hand.

mod common;

use std::path::Path;
use std::time::Duration;

use podplan::greedy::{self, Strategy};
use podplan::manifest::load_str;
use podplan::model::Problem;
use podplan::plan::{Plan, Status};
use podplan::solve::{Objective, SolveOptions, solve};
use podplan::synthetic::{Shape, generate};
use podplan::verify::{VerifyOptions, verify};

use common::verified_solve;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn node_names(problem: &Problem, plan: &Plan, group: &str) -> Vec<String> {
    let g = problem.groups.iter().position(|g| g.name == group).unwrap();
    plan.placements[g]
        .iter()
        .map(|n| n.map_or("-".into(), |n| problem.nodes[n].name.clone()))
        .collect()
}

#[test]
fn seed_deployments_are_co_located() {
    let seed = fixture("seed");
    let problem = podplan::load_problem(&[
        fixture("seed-nodes.yaml"),
        seed.join("frontend-deployment.yaml"),
        seed.join("backend-deployment.yaml"),
    ])
    .unwrap();
    let solution = verified_solve(&problem, &SolveOptions::default());
    assert_eq!(solution.plan.status, Status::Optimal);
    assert_eq!(solution.plan.placed_count(), 6);
    let front = node_names(&problem, &solution.plan, "frontend-deployment");
    let back = node_names(&problem, &solution.plan, "backend-deployment");
    for node in &front {
        assert!(
            back.contains(node),
            "frontend on {node} without a backend: {front:?} {back:?}"
        );
    }
    for node in &back {
        assert!(front.contains(node), "backend on {node} without a frontend");
    }
    assert_eq!(
        solution.plan.used_nodes(&problem).len(),
        1,
        "fewest nodes: all six fit on one"
    );
    // Greedy, on the same input, places none.
    assert_eq!(
        greedy::schedule(&problem, Strategy::KubeScheduler).placed_count(),
        0
    );
}

fn problem(text: &str) -> Problem {
    Problem::from_loaded(&load_str("s.yaml", text).unwrap()).unwrap()
}

fn nodes(count: usize, cpu: &str, zone_of: impl Fn(usize) -> &'static str) -> String {
    (0..count)
        .map(|i| format!("apiVersion: v1\nkind: Node\nmetadata: {{name: n{i}, labels: {{kubernetes.io/hostname: n{i}, zone: {}}}}}\nstatus: {{allocatable: {{cpu: \"{cpu}\", memory: 64Gi, pods: 110}}}}\n---\n", zone_of(i)))
        .collect()
}

fn deployment(name: &str, replicas: usize, cpu: &str, extra: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec:\n{extra}      containers: [{{name: c, resources: {{requests: {{cpu: \"{cpu}\"}}}}}}]\n---\n"
    )
}

#[test]
fn fewest_nodes_on_a_packing_greedy_spreads() {
    // 4 pods of 2 cpu and 4 of 1 cpu on 4-cpu nodes: 12 cpu → 3 nodes, proven by the sum bound.
    let p = problem(&format!(
        "{}{}{}",
        nodes(6, "4", |_| "a"),
        deployment("big", 4, "2", ""),
        deployment("small", 4, "1", "")
    ));
    let solution = verified_solve(&p, &SolveOptions::default());
    assert_eq!(solution.plan.status, Status::Optimal);
    assert_eq!(solution.plan.placed_count(), 8);
    assert_eq!(solution.plan.used_nodes(&p).len(), 3);
    assert_eq!(solution.report.stages[1].value, 3.0);
    let greedy = greedy::schedule(&p, Strategy::KubeScheduler);
    assert_eq!(greedy.placed_count(), 8);
    assert!(
        greedy.used_nodes(&p).len() > 3,
        "kube-scheduler spreads over {} nodes",
        greedy.used_nodes(&p).len()
    );
}

#[test]
fn priority_decides_who_gets_the_last_room() {
    let text = format!(
        "{}apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {{name: high}}\nvalue: 1000\n---\n{}{}",
        nodes(1, "4", |_| "a"),
        deployment("low", 2, "2", ""),
        deployment("vip", 1, "3", "      priorityClassName: high\n")
    );
    let p = problem(&text);
    let solution = verified_solve(&p, &SolveOptions::default());
    assert_eq!(node_names(&p, &solution.plan, "vip"), ["n0"]);
    assert_eq!(
        solution.plan.placed_count(),
        1,
        "3 + 2 > 4: the vip pod alone"
    );
    // Priority weights: 1 + floor(log2 1000) = 10 for the vip pod, 1 per low pod.
    assert_eq!(solution.report.stages[0].value, 10.0);
    let g = p.groups.iter().position(|g| g.name == "low").unwrap();
    assert!(solution.plan.reasons[&(g, 0)].contains("no room"));
}

#[test]
fn balance_spreads_what_cost_packs() {
    let p = problem(&format!(
        "{}{}",
        nodes(2, "4", |_| "a"),
        deployment("web", 4, "1", "")
    ));
    let cost = verified_solve(&p, &SolveOptions::default());
    assert_eq!(cost.plan.used_nodes(&p).len(), 1);
    let balance = verified_solve(
        &p,
        &SolveOptions {
            objective: Objective::Balance,
            ..SolveOptions::default()
        },
    );
    assert_eq!(balance.plan.used_nodes(&p).len(), 2);
    assert!(
        (balance.report.stages[1].value - 0.5).abs() < 1e-6,
        "peak cpu 2/4"
    );
}

#[test]
fn hard_rules_hold_in_the_optimum() {
    // 6 replicas, one per host (anti-affinity), spread over 2 zones with skew 1, on 8 nodes:
    // 3 per zone, 6 nodes.
    let anti = "      affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: web}}}]}}\n      topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}]\n";
    let p = problem(&format!(
        "{}{}",
        nodes(8, "4", |i| if i < 5 { "a" } else { "b" }),
        deployment("web", 6, "1", anti)
    ));
    let solution = verified_solve(&p, &SolveOptions::default());
    assert_eq!(solution.plan.status, Status::Optimal);
    assert_eq!(solution.plan.placed_count(), 6);
    assert_eq!(solution.plan.used_nodes(&p).len(), 6);
    let zones: Vec<_> = node_names(&p, &solution.plan, "web")
        .iter()
        .map(|n| p.nodes[p.node_by_name(n).unwrap()].labels["zone"].clone())
        .collect();
    assert_eq!(zones.iter().filter(|z| *z == "a").count(), 3, "{zones:?}");
}

#[test]
fn node_pools_give_the_cheapest_mix_with_daemonset_overhead() {
    let pools = "apiVersion: podplan.dev/v1alpha1\nkind: NodePool\nmetadata: {name: small}\nspec: {labels: {size: small}, allocatable: {cpu: 2, memory: 8Gi, pods: 110}, price: 1, maxCount: 10}\n---\napiVersion: podplan.dev/v1alpha1\nkind: NodePool\nmetadata: {name: large}\nspec: {labels: {size: large}, allocatable: {cpu: 8, memory: 32Gi, pods: 110}, price: 3, maxCount: 3}\n---\n";
    let daemon = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec: {containers: [{name: c, resources: {requests: {cpu: 500m}}}]}\n---\n";
    // Without the DaemonSet: one large node (cost 3) holds 8 × 1 cpu.
    let p = problem(&format!("{pools}{}", deployment("web", 8, "1", "")));
    let solution = verified_solve(&p, &SolveOptions::default());
    assert_eq!(solution.plan.placed_count(), 8);
    assert_eq!(solution.plan.cost(&p), 3.0);
    // With 500m of DaemonSet per node: a large node holds 7, a small one 1: 3 + 1 = 4.
    let p = problem(&format!("{pools}{daemon}{}", deployment("web", 8, "1", "")));
    let solution = verified_solve(&p, &SolveOptions::default());
    let web = p.groups.iter().position(|g| g.name == "web").unwrap();
    assert_eq!(solution.plan.placements[web].iter().flatten().count(), 8);
    assert_eq!(solution.plan.cost(&p), 4.0);
    for node in solution.plan.used_nodes(&p) {
        let agent = p
            .groups
            .iter()
            .position(|g| g.daemon_node == Some(node))
            .unwrap();
        assert_eq!(
            solution.plan.placements[agent],
            [Some(node)],
            "every opened node runs the agent"
        );
    }
}

#[test]
fn fewest_moves_to_free_a_node() {
    let running = |name: &str, node: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec: {{nodeName: {node}, containers: [{{name: c, resources: {{requests: {{cpu: 1}}}}}}]}}\n---\n"
        )
    };
    let p = problem(&format!(
        "{}{}{}{}",
        nodes(3, "4", |_| "a"),
        running("p1", "n0"),
        running("p2", "n0"),
        running("p3", "n1")
    ));
    let stay = verified_solve(&p, &SolveOptions::default());
    assert_eq!(stay.plan.moves(&p), 0);
    assert_eq!(stay.plan.used_nodes(&p).len(), 2);
    let moved = verified_solve(
        &p,
        &SolveOptions {
            allow_moves: true,
            ..SolveOptions::default()
        },
    );
    assert_eq!(moved.plan.used_nodes(&p).len(), 1);
    assert_eq!(
        moved.plan.moves(&p),
        1,
        "p3 joins n0; moving p1 and p2 would take two moves"
    );
}

#[test]
fn soft_preferences_break_ties() {
    let prefer = "      affinity: {nodeAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 10, preference: {matchExpressions: [{key: zone, operator: In, values: [b]}]}}]}}\n";
    let p = problem(&format!(
        "{}{}",
        nodes(2, "4", |i| if i == 0 { "a" } else { "b" }),
        deployment("web", 2, "1", prefer)
    ));
    let solution = verified_solve(&p, &SolveOptions::default());
    assert_eq!(node_names(&p, &solution.plan, "web"), ["n1", "n1"]);
    assert_eq!(solution.report.stages.last().unwrap().value, 20.0);
}

#[test]
fn a_time_limited_run_never_claims_optimal() {
    let p = generate(Shape {
        nodes: 40,
        zones: 3,
        pods: 400,
        rules: true,
        uniform_nodes: false,
        seed: 3,
    });
    let solution = solve(
        &p,
        &SolveOptions {
            time_limit: Some(Duration::from_millis(1)),
            decompose: false,
            ..SolveOptions::default()
        },
    );
    assert_ne!(solution.plan.status, Status::Optimal);
    assert!(verify(&p, &solution.plan, VerifyOptions::default()).is_empty());
    // Stopped early, it still never falls behind the greedy reference.
    let greedy = greedy::schedule(&p, Strategy::KubeScheduler);
    assert!(solution.plan.placed_weight(&p) >= greedy.placed_weight(&p));
    assert_eq!(
        solution.plan.placed_count() + solution.plan.unplaced_count(&p),
        p.pending_pod_count()
    );
}

#[test]
fn every_conformance_case_is_solved_within_its_feasible_set() {
    for file in common::conformance_cases() {
        let problem = podplan::load_problem(&[&file]).unwrap();
        let feasible = podplan::explain::explain(&problem).pods[0]
            .feasible_nodes
            .clone();
        let solution = verified_solve(&problem, &SolveOptions::default());
        assert_eq!(solution.plan.status, Status::Optimal, "{}", file.display());
        match solution.plan.placements.iter().flatten().flatten().next() {
            Some(&n) => assert!(
                feasible.contains(&problem.nodes[n].name),
                "{}",
                file.display()
            ),
            None => {
                assert!(
                    feasible.is_empty(),
                    "{}: unplaced although {feasible:?} fit",
                    file.display()
                );
                assert!(!solution.plan.reasons.is_empty());
            }
        }
    }
}

#[test]
fn soft_pod_affinity_and_schedule_anyway_spread_enter_the_last_stage() {
    // Preferred affinity to the db pod running on n1 (all else equal).
    let db = "apiVersion: v1\nkind: Pod\nmetadata: {name: db, labels: {app: db}}\nspec: {nodeName: n1, containers: [{name: c}]}\n---\n";
    let prefer = "      affinity: {podAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 30, podAffinityTerm: {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: db}}}}]}}\n";
    let p = problem(&format!(
        "{}{db}{}",
        nodes(2, "4", |_| "a"),
        deployment("web", 2, "1", prefer)
    ));
    let solution = verified_solve(&p, &SolveOptions::default());
    assert_eq!(node_names(&p, &solution.plan, "web"), ["n1", "n1"]);
    assert_eq!(
        solution.report.stages.last().unwrap().value,
        60.0,
        "2 pods × weight 30"
    );
    // The same term as anti-affinity pushes them away (n0 is as cheap: n1 is used anyway).
    let avoid = prefer.replace("podAffinity: {", "podAntiAffinity: {");
    let p = problem(&format!(
        "{}{db}{}",
        nodes(2, "4", |_| "a"),
        deployment("web", 2, "1", &avoid)
    ));
    let solution = verified_solve(&p, &SolveOptions::default());
    assert_eq!(
        node_names(&p, &solution.plan, "web"),
        ["n1", "n1"],
        "fewest nodes first: n1 runs the db anyway"
    );
    assert_eq!(solution.report.stages.last().unwrap().value, -60.0);
    // ScheduleAnyway zone spread: 4 × 1 cpu on 2-cpu nodes needs 2 nodes; the soft stage picks
    // one per zone.
    let spread = "      topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}]\n";
    let p = problem(&format!(
        "{}{}",
        nodes(4, "2", |i| if i < 2 { "a" } else { "b" }),
        deployment("web", 4, "1", spread)
    ));
    let solution = verified_solve(&p, &SolveOptions::default());
    assert_eq!(solution.plan.used_nodes(&p).len(), 2);
    let zones: std::collections::BTreeSet<_> = solution
        .plan
        .used_nodes(&p)
        .iter()
        .map(|&n| p.nodes[n].labels["zone"].clone())
        .collect();
    assert_eq!(zones.len(), 2, "one node per zone");
    assert_eq!(solution.report.stages.last().unwrap().value, 0.0);
}

#[test]
fn a_pure_packing_goes_to_the_bin_packing_solver() {
    // Identical nodes, no rule between pods: vector bin packing. The bin-packing solver's
    // packing and bound make the plan provably within 1% at once.
    let problem = generate(Shape {
        nodes: 80,
        zones: 3,
        pods: 600,
        rules: false,
        uniform_nodes: true,
        seed: 11,
    });
    let solution = solve(
        &problem,
        &SolveOptions {
            time_limit: Some(Duration::from_secs(60)),
            gap: 0.01,
            ..SolveOptions::default()
        },
    );
    assert!(verify(&problem, &solution.plan, VerifyOptions::default()).is_empty());
    assert_eq!(solution.plan.unplaced_count(&problem), 0);
    let used = solution.plan.used_nodes(&problem).len() as f64;
    let bound = solution.report.bound.unwrap();
    let Status::Feasible { gap } = solution.plan.status else {
        panic!("{:?}", solution.plan.status);
    };
    assert!(
        gap <= 0.01 && (used - bound) / used <= gap + 1e-9,
        "{used} nodes, bound {bound}"
    );
    let ffd = greedy::schedule(&problem, Strategy::FirstFitDecreasing);
    assert!(used <= ffd.used_nodes(&problem).len() as f64);
}

#[test]
fn a_program_too_large_for_the_time_limit_gives_the_heuristic_plan_with_its_gap() {
    // 250 nodes × 241 Deployments: more count variables than a time-limited solve builds.
    let problem = generate(Shape {
        nodes: 250,
        zones: 3,
        pods: 2500,
        rules: true,
        uniform_nodes: false,
        seed: 42,
    });
    let solution = solve(
        &problem,
        &SolveOptions {
            time_limit: Some(Duration::from_secs(60)),
            ..SolveOptions::default()
        },
    );
    assert!(verify(&problem, &solution.plan, VerifyOptions::default()).is_empty());
    assert!(
        solution.report.warnings[0].contains("count variables"),
        "{:?}",
        solution.report.warnings
    );
    assert_eq!(solution.plan.unplaced_count(&problem), 0);
    // The gap claimed is the one between the plan and the reported bound.
    let cost = solution.plan.cost(&problem);
    let bound = solution.report.bound.unwrap();
    let Status::Feasible { gap } = solution.plan.status else {
        panic!("{:?}", solution.plan.status);
    };
    assert!(bound <= cost && ((cost - bound) / cost - gap).abs() < 1e-9);
    let greedy = greedy::schedule(&problem, Strategy::KubeScheduler);
    assert!(cost <= greedy.cost(&problem));
}
