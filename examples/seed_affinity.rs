//! The seed scenario: two Deployments whose pods each require a pod of the other on the same
//! node. kube-scheduler deadlocks (the first frontend needs a backend already running, and the
//! first backend a frontend); podplan co-locates them. With the two bare Pods added, greedy
//! places everything but spreads it; podplan uses the fewest nodes.
//!
//! `cargo run --example seed_affinity`

use std::path::Path;

use podplan::greedy::{self, Strategy};
use podplan::report::comparison::Comparison;
use podplan::report::plan_report::PlanReport;
use podplan::solve::{SolveOptions, solve};

fn main() -> Result<(), podplan::Error> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
    let seed = data.join("seed");
    let scenarios = [
        (
            "the two Deployments alone",
            vec![
                data.join("seed-nodes.yaml"),
                seed.join("frontend-deployment.yaml"),
                seed.join("backend-deployment.yaml"),
            ],
        ),
        (
            "the Deployments and the two bare Pods",
            vec![data.join("seed-nodes.yaml"), seed.clone()],
        ),
    ];
    for (title, paths) in scenarios {
        let problem = podplan::load_problem(&paths)?;
        let greedy = greedy::schedule(&problem, Strategy::KubeScheduler);
        let solution = solve(&problem, &SolveOptions::default());
        println!(
            "== {title}: {} pending pods, {} nodes\n",
            problem.pending_pod_count(),
            problem.nodes.len()
        );
        println!(
            "{}",
            Comparison::new(&problem, &greedy, &solution).to_table()
        );
        println!(
            "-- kube-scheduler --\n{}",
            PlanReport::of(&problem, &greedy, None).to_table()
        );
        println!(
            "-- podplan --\n{}",
            PlanReport::of(&problem, &solution.plan, Some(&solution.report)).to_table()
        );
    }
    Ok(())
}
