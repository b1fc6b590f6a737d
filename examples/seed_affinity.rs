//! The seed scenario: two Deployments whose pods each require a pod of the other on the same
//! node. kube-scheduler (and podplan's greedy reference) deadlocks: the first frontend needs a
//! backend already running, and the first backend a frontend.
//!
//! `cargo run --example seed_affinity`

use std::path::Path;

use podplan::greedy::{self, Strategy};
use podplan::verify::{VerifyOptions, verify};

fn main() -> Result<(), podplan::Error> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
    let seed = data.join("seed");
    let scenarios = [
        (
            "Deployments alone",
            vec![
                data.join("seed-nodes.yaml"),
                seed.join("frontend-deployment.yaml"),
                seed.join("backend-deployment.yaml"),
            ],
        ),
        (
            "Deployments and the two bare Pods",
            vec![data.join("seed-nodes.yaml"), seed.clone()],
        ),
    ];
    for (title, paths) in scenarios {
        let problem = podplan::load_problem(&paths)?;
        let plan = greedy::schedule(&problem, Strategy::KubeScheduler);
        let violations = verify(&problem, &plan, VerifyOptions::default());
        println!(
            "== {title}: {} pending pods on {} nodes",
            problem.pending_pod_count(),
            problem.nodes.len()
        );
        println!(
            "greedy (kube-scheduler): {} placed, {} pending, {} nodes used, verify: {}",
            plan.placed_count(),
            plan.unplaced_count(&problem),
            plan.used_nodes(&problem).len(),
            if violations.is_empty() {
                "ok".to_string()
            } else {
                format!("{} violations", violations.len())
            }
        );
        for (g, group) in problem.groups.iter().enumerate() {
            for (i, node) in plan.placements[g].iter().enumerate() {
                match node {
                    Some(n) => println!("  {:<40} -> {}", group.pod_id(i), problem.nodes[*n].name),
                    None => println!(
                        "  {:<40} Pending: {}",
                        group.pod_id(i),
                        plan.reasons.get(&(g, i)).map_or("", String::as_str)
                    ),
                }
            }
        }
        println!();
    }
    println!(
        "The optimiser that co-locates the Deployments is being built (issue 4); `podplan explain` shows why each pod is Pending."
    );
    Ok(())
}
