//! "What is the cheapest set of nodes for these workloads?" Three node pools with hourly prices,
//! a DaemonSet that runs on every node opened (its overhead counts on each), four Deployments.
//!
//! `cargo run --example capacity_planning`

use std::collections::BTreeMap;
use std::path::Path;

use podplan::report::plan_report::PlanReport;
use podplan::solve::{SolveOptions, solve};

fn main() -> Result<(), podplan::Error> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/capacity-planning.yaml");
    let problem = podplan::load_problem(&[path])?;
    let solution = solve(&problem, &SolveOptions::default());
    let mut mix: BTreeMap<&str, usize> = BTreeMap::new();
    for node in solution.plan.used_nodes(&problem) {
        if let Some(pool) = problem.nodes[node].pool {
            *mix.entry(problem.pools[pool].name.as_str()).or_default() += 1;
        }
    }
    println!(
        "cheapest mix ({:?}): {mix:?} at {:.3} per hour\n",
        solution.plan.status,
        solution.plan.cost(&problem)
    );
    for pool in &problem.pools {
        // The same workloads on one pool only, for comparison.
        let only: podplan::Problem = restrict_to_pool(&problem, &pool.name);
        let single = solve(&only, &SolveOptions::default());
        let placed_all = single.plan.unplaced_count(&only) == 0;
        println!(
            "  {} only: {}",
            pool.name,
            if placed_all {
                format!("{:.3} per hour", single.plan.cost(&only))
            } else {
                "cannot place everything".into()
            }
        );
    }
    println!(
        "\n{}",
        PlanReport::of(&problem, &solution.plan, Some(&solution.report)).to_table()
    );
    Ok(())
}

/// The problem with the candidates of every other pool made unusable (cordoned and tainted).
fn restrict_to_pool(problem: &podplan::Problem, name: &str) -> podplan::Problem {
    let mut restricted = problem.clone();
    for node in &mut restricted.nodes {
        if node.pool.is_some_and(|p| problem.pools[p].name != name) {
            node.unschedulable = true;
            node.taints.push(podplan::manifest::types::Taint {
                key: "podplan.dev/excluded".into(),
                value: String::new(),
                effect: podplan::manifest::types::TaintEffect::NoExecute,
            });
        }
    }
    restricted
}
