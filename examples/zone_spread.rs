//! Topology spread and anti-affinity across three zones: web one per host and balanced over the
//! zones, cache one per zone, api next to a cache replica. kube-scheduler places pods in queue
//! order and spreads them; podplan satisfies every rule on the fewest nodes.
//!
//! `cargo run --example zone_spread`

use std::path::Path;

use podplan::greedy::{self, Strategy};
use podplan::report::comparison::Comparison;
use podplan::report::plan_report::PlanReport;
use podplan::solve::{SolveOptions, solve};

fn main() -> Result<(), podplan::Error> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/zone-spread.yaml");
    let problem = podplan::load_problem(&[path])?;
    let greedy = greedy::schedule(&problem, Strategy::KubeScheduler);
    let solution = solve(&problem, &SolveOptions::default());
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
    Ok(())
}
