//! Pods of mixed sizes on 2-cpu nodes: a perfect packing on 5 nodes exists. First-fit
//! decreasing needs 6; kube-scheduler's LeastAllocated scoring spreads the pods over every node.
//! Then the bin-packing entry point on a shipped benchmark instance (Falkenauer u120_00: 120
//! items, first-fit decreasing 49 bins, optimum 48), proven optimal.
//!
//! `cargo run --example bin_packing`

use std::path::Path;

use podplan::greedy::{self, Strategy};
use podplan::report::comparison::Comparison;
use podplan::report::plan_report::PlanReport;
use podplan::solve::{SolveOptions, solve};

fn main() -> Result<(), podplan::Error> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/bin-packing.yaml");
    let problem = podplan::load_problem(&[path])?;
    let kube = greedy::schedule(&problem, Strategy::KubeScheduler);
    let most = greedy::schedule(&problem, Strategy::MostAllocated);
    let ffd = greedy::schedule(&problem, Strategy::FirstFitDecreasing);
    let solution = solve(&problem, &SolveOptions::default());
    println!(
        "nodes used: kube-scheduler {}, MostAllocated {}, first-fit decreasing {}, podplan {} ({:?})\n",
        kube.used_nodes(&problem).len(),
        most.used_nodes(&problem).len(),
        ffd.used_nodes(&problem).len(),
        solution.plan.used_nodes(&problem).len(),
        solution.plan.status,
    );
    println!("{}", Comparison::new(&problem, &kube, &solution).to_table());
    println!(
        "{}",
        PlanReport::of(&problem, &solution.plan, Some(&solution.report)).to_table()
    );
    Ok(())
}
