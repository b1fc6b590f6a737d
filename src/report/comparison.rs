//! Greedy (kube-scheduler) and the optimiser side by side.

use std::fmt::Write;

use serde::Serialize;

use super::plan_report::{PlanReport, human_number};
use crate::model::Problem;
use crate::plan::Plan;
use crate::solve::Solution;

/// Both plans of one problem, in the same shape.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// kube-scheduler's plan (the greedy reference).
    pub greedy: PlanReport,
    /// podplan's plan.
    pub optimal: PlanReport,
    /// Soft score of each (greedy, optimal).
    #[serde(rename = "softScore")]
    pub soft_score: (i64, i64),
}

impl Comparison {
    /// Compares `greedy` with the optimiser's `solution`.
    pub fn new(problem: &Problem, greedy: &Plan, solution: &Solution) -> Comparison {
        Comparison {
            greedy: PlanReport::of(problem, greedy, None),
            optimal: PlanReport::of(problem, &solution.plan, Some(&solution.report)),
            soft_score: (
                greedy.soft_score(problem),
                solution.plan.soft_score(problem),
            ),
        }
    }

    /// A two-column table.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let (g, o) = (&self.greedy, &self.optimal);
        let pending = |r: &PlanReport| r.placements.iter().filter(|p| !p.running).count();
        let percent = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{:.0}%", 100.0 * v));
        let _ = writeln!(out, "{:<28} {:>16} {:>16}", "", "kube-scheduler", "podplan");
        let mut row = |name: &str, a: String, b: String| {
            let _ = writeln!(out, "{name:<28} {a:>16} {b:>16}");
        };
        row("status", g.status.to_string(), o.status.to_string());
        row(
            "pending pods placed",
            pending(g).to_string(),
            pending(o).to_string(),
        );
        row(
            "pods left unplaced",
            g.unplaced.len().to_string(),
            o.unplaced.len().to_string(),
        );
        row(
            "nodes used",
            g.nodes_used.to_string(),
            o.nodes_used.to_string(),
        );
        row("cost", human_number(g.cost), human_number(o.cost));
        row(
            "mean cpu use (used nodes)",
            percent(g.mean_utilisation("cpu")),
            percent(o.mean_utilisation("cpu")),
        );
        row(
            "mean memory use",
            percent(g.mean_utilisation("memory")),
            percent(o.mean_utilisation("memory")),
        );
        row(
            "running pods moved",
            g.moves.to_string(),
            o.moves.to_string(),
        );
        row(
            "soft score",
            self.soft_score.0.to_string(),
            self.soft_score.1.to_string(),
        );
        if let Some(solver) = &o.solver {
            let _ = writeln!(
                out,
                "\npodplan: {} in {:.2}s ({} part(s), {} variables, {} constraints)",
                solver.backend, solver.seconds, solver.parts, solver.variables, solver.constraints
            );
        }
        out
    }
}
