//! A fragmented running cluster: 11 pods over 6 nodes. With moves allowed, podplan finds the
//! fewest nodes that can hold everything, then the fewest pods to move to get there, and lists
//! the moves. Without moves, nothing changes.
//!
//! `cargo run --example rebalance`

use std::path::Path;

use podplan::report::plan_report::PlanReport;
use podplan::solve::{SolveOptions, solve};

fn main() -> Result<(), podplan::Error> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/rebalance.yaml");
    let problem = podplan::load_problem(&[path])?;
    let before = solve(&problem, &SolveOptions::default());
    let after = solve(
        &problem,
        &SolveOptions {
            allow_moves: true,
            ..SolveOptions::default()
        },
    );
    println!(
        "nodes in use: {} now; {} after moving {} pod(s) ({:?})\n",
        before.plan.used_nodes(&problem).len(),
        after.plan.used_nodes(&problem).len(),
        after.plan.moves(&problem),
        after.plan.status
    );
    for (fixed, &node) in problem.fixed_pods.iter().zip(&after.plan.fixed_nodes) {
        if node != fixed.node {
            println!(
                "  move {}/{}: {} -> {}",
                fixed.template.namespace,
                fixed.name,
                problem.nodes[fixed.node].name,
                problem.nodes[node].name
            );
        }
    }
    println!(
        "\n{}",
        PlanReport::of(&problem, &after.plan, Some(&after.report)).to_table()
    );
    Ok(())
}
