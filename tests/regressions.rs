//! Counterexamples the property tests found, each kept as a named test with what it caught.

use podplan::greedy::{self, Strategy};
use podplan::manifest::load_str;
use podplan::model::Problem;
use podplan::solve::{SolveOptions, solve};
use podplan::verify::{VerifyOptions, verify};

fn problem(text: &str) -> Problem {
    Problem::from_loaded(&load_str("regression.yaml", text).unwrap()).unwrap()
}

fn node(name: &str, zone: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Node\nmetadata: {{name: {name}, labels: {{kubernetes.io/hostname: {name}, zone: {zone}}}}}\nstatus: {{allocatable: {{cpu: 4, memory: 8Gi, pods: 110}}}}\n---\n"
    )
}

/// Caught: greedy placed a pod (no constraint of its own) next to an earlier pod whose hard
/// spread it then broke — kube-scheduler never looks back, but the plan was invalid in final
/// state and the optimiser seemed to place fewer pods than greedy. The greedy reference now
/// refuses such nodes (greedy/guard.rs).
#[test]
fn a_later_pod_may_not_break_an_earlier_pods_spread() {
    let p = problem(&format!(
        "{}apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {{name: high}}\nvalue: 100\n---\napiVersion: v1\nkind: Pod\nmetadata: {{name: first, labels: {{app: web}}}}\nspec:\n  priorityClassName: high\n  topologySpreadConstraints: [{{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, minDomains: 2, labelSelector: {{matchLabels: {{app: web}}}}}}]\n  containers: [{{name: c}}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {{name: second, labels: {{app: web}}}}\nspec: {{containers: [{{name: c}}]}}\n",
        node("n0", "a")
    ));
    let plan = greedy::schedule(&p, Strategy::KubeScheduler);
    assert!(verify(&p, &plan, VerifyOptions::default()).is_empty());
    assert_eq!(
        plan.placed_count(),
        1,
        "the second pod would make the first one's skew 2 with minDomains 2"
    );
    assert!(
        plan.reasons
            .values()
            .next()
            .unwrap()
            .contains("placed earlier in this plan")
    );
    let best = solve(&p, &SolveOptions::default());
    assert_eq!(best.plan.placed_count(), 1);
}

/// Caught: "adding a node never lowers what is placed" is false under hard topology spread — a
/// new node is a new, empty hostname domain, so the global minimum drops to 0. Both the greedy
/// reference and the optimiser agree; the property now leaves hard spread out.
#[test]
fn an_empty_new_node_can_lower_what_fits_under_hard_spread() {
    let spread = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 3\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      nodeSelector: {zone: a}\n      topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, nodeAffinityPolicy: Ignore, labelSelector: {matchLabels: {app: web}}}]\n      containers: [{name: c}]\n";
    // Two zone-a nodes: 3 pods as 2 + 1.
    let before = problem(&format!("{}{}{spread}", node("n0", "a"), node("n1", "a")));
    // A zone-b node joins: it counts as a domain (policy Ignore) but the pods may not go there,
    // so it stays at 0 and every zone-a node may hold at most 1.
    let after = problem(&format!(
        "{}{}{}{spread}",
        node("n0", "a"),
        node("n1", "a"),
        node("n2", "b")
    ));
    for (p, expected) in [(&before, 3), (&after, 2)] {
        let best = solve(p, &SolveOptions::default());
        assert!(verify(p, &best.plan, VerifyOptions::default()).is_empty());
        assert_eq!(best.plan.placed_count(), expected);
        let plan = greedy::schedule(p, Strategy::KubeScheduler);
        assert!(verify(p, &plan, VerifyOptions::default()).is_empty());
        assert_eq!(plan.placed_count(), expected);
    }
}

/// Caught (under `--features highs`): given the greedy plan as a starting point, HiGHS reported
/// an optimum placing 7 of these 8 pods, which a plan placing all 8 refutes. Starting points are
/// no longer passed to any backend.
#[test]
fn every_backend_places_the_planted_warm_start_case_completely() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/regressions/highs-warm-start.yaml");
    let p = podplan::load_problem(&[path]).unwrap();
    let backends = [
        podplan::solve::Backend::MicroLp,
        #[cfg(feature = "highs")]
        podplan::solve::Backend::Highs,
    ];
    for backend in backends {
        let best = solve(
            &p,
            &SolveOptions {
                backend,
                ..SolveOptions::default()
            },
        );
        assert!(verify(&p, &best.plan, VerifyOptions::default()).is_empty());
        assert_eq!(best.plan.placed_count(), 8, "{backend:?}");
    }
}
