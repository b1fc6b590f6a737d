//! Property-based checks of every claim of optimality by an independent route: the verifier,
//! the greedy reference, a brute-force oracle, planted solutions and `explain`.
//!
//! `PROPTEST_CASES=10000 cargo test --release --test properties` runs a long campaign.

mod common;

use common::{
    SMALL, Scenario, TINY, brute_force, cases, objective, planted, scenario, verified_solve,
};
use podplan::greedy::{self, Strategy};
use podplan::model::Problem;
use podplan::plan::{Plan, Status};
use podplan::report::comparison::Comparison;
use podplan::solve::{Solution, SolveOptions, solve};
use podplan::verify::{VerifyOptions, verify};
use proptest::prelude::*;

fn options() -> SolveOptions {
    SolveOptions {
        threads: 1,
        ..SolveOptions::default()
    }
}

/// Solves, checks the plan (see `verified_solve`) and that it claims to be optimal.
fn checked_solve(problem: &Problem, options: &SolveOptions) -> Solution {
    let solution = verified_solve(problem, options);
    assert_eq!(solution.plan.status, Status::Optimal);
    solution
}

fn assert_same_objective(a: (f64, f64, i64), b: (f64, f64, i64), what: &str) {
    assert!(
        (a.0 - b.0).abs() < 1e-6 && (a.1 - b.1).abs() < 1e-6,
        "{what}: {a:?} vs {b:?}"
    );
}

/// Whether soft terms beyond node preferences exist (then the soft stage is not comparable with
/// `Plan::soft_score`).
fn has_pod_soft_terms(problem: &Problem) -> bool {
    problem.groups.iter().any(|g| {
        let t = &g.template;
        !t.preferred_affinity.is_empty()
            || !t.preferred_anti_affinity.is_empty()
            || t.spread.iter().any(|c| !c.hard)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(48), ..ProptestConfig::default() })]

    #[test]
    fn greedy_plans_pass_verify(s in scenario(SMALL)) {
        let problem = s.problem();
        for strategy in [Strategy::KubeScheduler, Strategy::MostAllocated, Strategy::FirstFitDecreasing, Strategy::DotProduct] {
            let plan = greedy::schedule(&problem, strategy);
            let violations = verify(&problem, &plan, VerifyOptions::default());
            prop_assert!(violations.is_empty(), "{strategy:?}: {violations:#?}");
        }
    }

    #[test]
    fn optimiser_plans_pass_verify_and_beat_greedy(s in scenario(SMALL)) {
        let problem = s.problem();
        let solution = checked_solve(&problem, &options());
        let greedy = greedy::schedule(&problem, Strategy::KubeScheduler);
        let (o, g) = (objective(&problem, &solution.plan), objective(&problem, &greedy));
        prop_assert!(o.0 >= g.0 - 1e-9, "placed weight {} < greedy {}", o.0, g.0);
        if (o.0 - g.0).abs() < 1e-9 {
            prop_assert!(o.1 <= g.1 + 1e-9, "cost {} > greedy {} at equal placement", o.1, g.1);
        }
        // `compare` reports the same numbers.
        let comparison = Comparison::new(&problem, &greedy, &solution);
        prop_assert_eq!(comparison.optimal.nodes_used, solution.plan.used_nodes(&problem).len());
        prop_assert_eq!(comparison.greedy.nodes_used, greedy.used_nodes(&problem).len());
        prop_assert_eq!(comparison.optimal.unplaced.len(), solution.plan.unplaced_count(&problem));
        prop_assert!((comparison.optimal.placed_weight - o.0).abs() < 1e-9);
        prop_assert!((comparison.greedy.cost - g.1).abs() < 1e-9);
        // The other backend agrees on every objective value.
        #[cfg(feature = "highs")]
        {
            use podplan::solve::Backend;
            let other = if options().backend == Backend::Highs { Backend::MicroLp } else { Backend::Highs };
            let second = checked_solve(&problem, &SolveOptions { backend: other, ..options() });
            prop_assert_eq!(second.report.stages.len(), solution.report.stages.len());
            for (a, b) in second.report.stages.iter().zip(&solution.report.stages) {
                // Solver tolerances (continuous helper variables) allow tiny differences.
                prop_assert!((a.value - b.value).abs() <= 1e-4 * a.value.abs().max(1.0), "{} differs: {} vs {}", a.name, a.value, b.value);
            }
        }
    }

    #[test]
    fn a_solve_with_a_gap_is_within_that_gap_of_the_optimum(s in scenario(SMALL)) {
        let problem = s.problem();
        let exact = checked_solve(&problem, &options());
        let gap = 0.25;
        let loose = solve(&problem, &SolveOptions { gap, ..options() });
        let violations = verify(&problem, &loose.plan, VerifyOptions::default());
        prop_assert!(violations.is_empty(), "{violations:#?}");
        let (o, e) = (objective(&problem, &loose.plan), objective(&problem, &exact.plan));
        // The first stage short of its optimum is within the claimed gap of it.
        let claimed = match loose.plan.status {
            Status::Optimal => 0.0,
            Status::Feasible { gap } => gap,
            _ => return Ok(()), // no claim to check
        };
        prop_assert!(claimed <= gap + 1e-9 || loose.report.warnings.iter().any(|w| w.contains("heuristic")), "claimed gap {claimed}");
        prop_assert!(o.0 <= e.0 + 1e-9, "placed weight {} above the optimum {}", o.0, e.0);
        if o.0 < e.0 - 1e-9 {
            prop_assert!(o.0 >= e.0 * (1.0 - claimed) - 1e-6, "placed weight {} claims gap {claimed}, optimum {}", o.0, e.0);
        } else {
            prop_assert!(e.1 >= o.1 * (1.0 - claimed) - 1e-6, "cost {} claims gap {claimed} but the optimum is {}: {:?}\n{}", o.1, e.1, loose.report, s.text());
        }
        if let Some(bound) = loose.report.bound.filter(|_| loose.report.stages.last().is_some_and(|s| s.name == "cost")) {
            prop_assert!(bound <= e.1 + 1e-6, "cost bound {bound} above the optimum {}", e.1);
        }
    }

    #[test]
    fn tiny_problems_match_brute_force(s in scenario(TINY)) {
        let problem = s.problem();
        let solution = checked_solve(&problem, &options());
        let exact = brute_force(&problem);
        let found = objective(&problem, &solution.plan);
        assert_same_objective(found, exact, "optimiser vs brute force");
        if !has_pod_soft_terms(&problem) {
            prop_assert_eq!(found.2, exact.2, "soft stage");
        }
    }

    #[test]
    fn planted_problems_are_placed_completely((s, _) in planted()) {
        let problem = s.problem();
        let solution = checked_solve(&problem, &options());
        prop_assert_eq!(solution.plan.unplaced_count(&problem), 0, "{}", s.text());
    }

    #[test]
    fn a_single_pending_pod_goes_where_explain_says(s in scenario(SMALL)) {
        let mut s = s;
        s.groups.truncate(1);
        s.groups[0].replicas = 1;
        let problem = s.problem();
        let feasible = podplan::explain::explain(&problem).pods[0].feasible_nodes.clone();
        let solution = checked_solve(&problem, &options());
        match solution.plan.placements[0][0] {
            Some(n) => prop_assert!(feasible.contains(&problem.nodes[n].name), "{} not in {feasible:?}", problem.nodes[n].name),
            None => prop_assert!(feasible.is_empty(), "unplaced although {feasible:?}"),
        }
    }

    #[test]
    fn solving_is_deterministic_and_order_independent(s in scenario(SMALL), seed in any::<u64>()) {
        let problem = s.problem();
        let first = checked_solve(&problem, &options());
        let again = checked_solve(&problem, &options());
        prop_assert_eq!(&first.plan, &again.plan);
        // Shuffle the documents.
        let mut docs = s.documents();
        let mut rng = podplan::synthetic::SplitMix::new(seed);
        for i in (1..docs.len()).rev() {
            docs.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let text: String = docs.iter().map(|d| format!("---\n{d}")).collect();
        let shuffled = Problem::from_loaded(&podplan::manifest::load_str("shuffled.yaml", &text).unwrap()).unwrap();
        let other = checked_solve(&shuffled, &options());
        assert_same_objective(objective(&problem, &first.plan), objective(&shuffled, &other.plan), "shuffled input");
    }

    #[test]
    fn adding_a_node_never_lowers_what_is_placed(s in scenario(SMALL), pick in any::<prop::sample::Index>()) {
        // Hard topology spread is left out: a new node is a new, empty domain that lowers the
        // global minimum, so it can rightly lower what fits (tests/regressions.rs shows one).
        let mut s = s;
        for g in &mut s.groups {
            g.spread = g.spread.take().filter(|c| !c.hard);
        }
        let problem = s.problem();
        let before = checked_solve(&problem, &options());
        let mut bigger: Scenario = s.clone();
        let copy = bigger.nodes[pick.index(bigger.nodes.len())].clone();
        bigger.nodes.push(copy);
        let bigger_problem = bigger.problem();
        let after = checked_solve(&bigger_problem, &options());
        prop_assert!(after.plan.placed_weight(&bigger_problem) >= before.plan.placed_weight(&problem) - 1e-9);
        if s.groups.iter().all(|g| g.priority == 0) {
            prop_assert!(after.plan.placed_count() >= before.plan.placed_count());
        }
    }

    #[test]
    fn removing_a_pod_never_raises_the_node_count((s, _) in planted(), pick in any::<prop::sample::Index>()) {
        // Without affinity and spread (which a removed pod may be needed for), a plan placing
        // everything (planted problems have one) stays valid without one of its pods.
        let mut s = s;
        for g in &mut s.groups {
            g.affinity = None;
            g.spread = None;
        }
        let problem = s.problem();
        let before = checked_solve(&problem, &options());
        prop_assume!(before.plan.unplaced_count(&problem) == 0);
        let mut smaller = s.clone();
        let g = pick.index(smaller.groups.len());
        if smaller.groups[g].replicas > 1 { smaller.groups[g].replicas -= 1 } else { smaller.groups.remove(g); }
        if smaller.groups.is_empty() {
            return Ok(()); // nothing left to place: nothing to compare
        }
        let smaller_problem = smaller.problem();
        let after = checked_solve(&smaller_problem, &options());
        prop_assert!(after.plan.used_nodes(&smaller_problem).len() <= before.plan.used_nodes(&problem).len());
    }

    #[test]
    fn writing_objects_back_gives_the_same_problem(s in scenario(SMALL)) {
        let loaded = podplan::manifest::load_str("original.yaml", &s.text()).unwrap();
        let written = podplan::manifest::write::to_yaml(&loaded.objects);
        let reloaded = podplan::manifest::load_str("written.yaml", &written).unwrap_or_else(|e| panic!("{e}\n{written}"));
        let (a, b) = (Problem::from_loaded(&loaded).unwrap(), Problem::from_loaded(&reloaded).unwrap());
        prop_assert_eq!(&a.resources, &b.resources);
        prop_assert_eq!(a.nodes.iter().map(|n| (&n.name, &n.labels, &n.taints, n.unschedulable, &n.allocatable)).collect::<Vec<_>>(), b.nodes.iter().map(|n| (&n.name, &n.labels, &n.taints, n.unschedulable, &n.allocatable)).collect::<Vec<_>>());
        prop_assert_eq!(&a.namespaces, &b.namespaces);
        prop_assert_eq!(a.fixed_pods.iter().map(|f| (&f.name, &f.template, f.node, f.terminating)).collect::<Vec<_>>(), b.fixed_pods.iter().map(|f| (&f.name, &f.template, f.node, f.terminating)).collect::<Vec<_>>());
        prop_assert_eq!(a.groups.iter().map(|g| (&g.name, g.kind, &g.template, &g.pod_names)).collect::<Vec<_>>(), b.groups.iter().map(|g| (&g.name, g.kind, &g.template, &g.pod_names)).collect::<Vec<_>>());
    }
}

/// The planted generator's own placement is valid: otherwise the planted property proves
/// nothing.
#[test]
fn planted_generator_builds_satisfiable_problems() {
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    for _ in 0..100 {
        let (s, homes) = planted().new_tree(&mut runner).unwrap().current();
        let problem = s.problem();
        let mut plan = Plan::empty(&problem, Status::Heuristic);
        for (g, home) in homes.iter().enumerate() {
            assert_eq!(problem.groups[g].count(), home.len());
            for (i, &n) in home.iter().enumerate() {
                plan.placements[g][i] = Some(n);
            }
        }
        let violations = verify(&problem, &plan, VerifyOptions::default());
        assert!(
            violations.is_empty(),
            "planted placement invalid: {violations:#?}\n{}",
            s.text()
        );
    }
}
