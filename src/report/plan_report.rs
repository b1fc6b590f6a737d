//! A plan as people and programs read it: JSON (`status`, `placements`, `unplaced`,
//! `nodesUsed`, …), a table per node with utilisation, YAML Pods with `spec.nodeName` set
//! (ready to apply), and an SVG picture of the packing.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use crate::manifest::types;
use crate::model::{NodeId, Problem};
use crate::plan::{Plan, Status};
use crate::solve::SolveReport;

/// A number for people: at most 4 decimals, no trailing zeros, no negative zero.
pub fn human_number(value: f64) -> String {
    let text = format!("{:.4}", value + 0.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

/// The serialisable form of a plan.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanReport {
    /// `optimal`, `feasible`, `timeLimit`, `infeasible` or `heuristic`.
    pub status: &'static str,
    /// Relative gap, for `feasible`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap: Option<f64>,
    /// Every placed pod, running ones included.
    pub placements: Vec<Placement>,
    /// Every pending pod left unplaced, with the reason.
    pub unplaced: Vec<Unplaced>,
    /// Nodes that run at least one pod.
    pub nodes_used: usize,
    /// Cost of those nodes.
    pub cost: f64,
    /// Running pods moved.
    pub moves: usize,
    /// Priority-weighted pods placed.
    pub placed_weight: f64,
    /// Per used node: resource utilisation.
    pub nodes: Vec<NodeUsage>,
    /// Solver details (absent for greedy plans).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub solver: Option<SolveReport>,
}

/// A placed pod.
#[derive(Debug, Clone, Serialize)]
pub struct Placement {
    /// `namespace/name`.
    pub pod: String,
    /// Node name.
    pub node: String,
    /// Whether it was running before the plan.
    pub running: bool,
    /// Whether the plan moves it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub moved: bool,
}

/// An unplaced pod.
#[derive(Debug, Clone, Serialize)]
pub struct Unplaced {
    /// `namespace/name`.
    pub pod: String,
    /// Why.
    pub reason: String,
}

/// One used node's load.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeUsage {
    /// Node name.
    pub node: String,
    /// Pods on it.
    pub pods: Vec<String>,
    /// Per resource: (name, requested, allocatable).
    pub resources: Vec<(String, i64, i64)>,
}

fn status_name(status: Status) -> (&'static str, Option<f64>) {
    match status {
        Status::Feasible { gap } => (status.name(), Some(gap)),
        _ => (status.name(), None),
    }
}

/// Every pod on a node in the final placement: `(namespace/name, resource vector, running)`.
fn pods_by_node(problem: &Problem, plan: &Plan) -> BTreeMap<NodeId, Vec<(String, Vec<i64>, bool)>> {
    let mut by_node: BTreeMap<NodeId, Vec<(String, Vec<i64>, bool)>> = BTreeMap::new();
    for (fixed, &node) in problem.fixed_pods.iter().zip(&plan.fixed_nodes) {
        by_node.entry(node).or_default().push((
            format!("{}/{}", fixed.template.namespace, fixed.name),
            fixed.template.requests.clone(),
            true,
        ));
    }
    for (g, group) in problem.groups.iter().enumerate() {
        for (i, placement) in plan.placements[g].iter().enumerate() {
            if let Some(node) = placement {
                by_node.entry(*node).or_default().push((
                    group.pod_id(i),
                    group.template.requests.clone(),
                    false,
                ));
            }
        }
    }
    by_node
}

impl PlanReport {
    /// Builds the report of `plan`.
    pub fn of(problem: &Problem, plan: &Plan, solver: Option<&SolveReport>) -> PlanReport {
        let (status, gap) = status_name(plan.status);
        let mut placements = Vec::new();
        for (f, fixed) in problem.fixed_pods.iter().enumerate() {
            placements.push(Placement {
                pod: format!("{}/{}", fixed.template.namespace, fixed.name),
                node: problem.nodes[plan.fixed_nodes[f]].name.clone(),
                running: true,
                moved: plan.fixed_nodes[f] != fixed.node,
            });
        }
        let mut unplaced = Vec::new();
        let used = plan.used_nodes(problem);
        for (g, group) in problem.groups.iter().enumerate() {
            for (i, placement) in plan.placements[g].iter().enumerate() {
                match placement {
                    Some(node) => placements.push(Placement {
                        pod: group.pod_id(i),
                        node: problem.nodes[*node].name.clone(),
                        running: false,
                        moved: false,
                    }),
                    None => {
                        if group
                            .daemon_node
                            .is_some_and(|n| !problem.node_exists(n) && !used.contains(&n))
                        {
                            continue; // the node is not opened: the pod does not exist
                        }
                        unplaced.push(Unplaced {
                            pod: group.pod_id(i),
                            reason: plan
                                .reasons
                                .get(&(g, i))
                                .cloned()
                                .unwrap_or_else(|| "unplaced".into()),
                        });
                    }
                }
            }
        }
        let nodes = pods_by_node(problem, plan)
            .into_iter()
            .filter(|(n, _)| used.contains(n))
            .map(|(n, pods)| {
                let node = &problem.nodes[n];
                let resources = (0..problem.resources.len())
                    .filter(|&r| node.allocatable[r] > 0 || pods.iter().any(|p| p.1[r] > 0))
                    .map(|r| {
                        (
                            problem.resources.name(r).to_string(),
                            pods.iter().map(|p| p.1[r]).sum(),
                            node.allocatable[r],
                        )
                    })
                    .collect();
                NodeUsage {
                    node: node.name.clone(),
                    pods: pods.into_iter().map(|p| p.0).collect(),
                    resources,
                }
            })
            .collect();
        PlanReport {
            status,
            gap,
            placements,
            unplaced,
            nodes_used: used.len(),
            cost: plan.cost(problem),
            moves: plan.moves(problem),
            placed_weight: plan.placed_weight(problem),
            nodes,
            solver: solver.cloned(),
        }
    }

    /// Mean utilisation of a resource over the used nodes (0..1), when any node has it.
    pub fn mean_utilisation(&self, resource: &str) -> Option<f64> {
        let shares: Vec<f64> = self
            .nodes
            .iter()
            .filter_map(|n| n.resources.iter().find(|r| r.0 == resource))
            .filter(|r| r.2 > 0)
            .map(|r| r.1 as f64 / r.2 as f64)
            .collect();
        (!shares.is_empty()).then(|| shares.iter().sum::<f64>() / shares.len() as f64)
    }

    /// A readable table: one block per used node, then the unplaced pods.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "status: {}{}   pods placed: {}   unplaced: {}   nodes used: {}   cost: {}",
            self.status,
            self.gap.map(|g| format!(" (gap {g})")).unwrap_or_default(),
            self.placements.len(),
            self.unplaced.len(),
            self.nodes_used,
            human_number(self.cost)
        );
        if let Some(solver) = &self.solver {
            let stages: Vec<String> = solver
                .stages
                .iter()
                .map(|s| {
                    format!(
                        "{} {}{}",
                        s.name,
                        human_number(s.value),
                        if s.proven { "" } else { " (not proven)" }
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "solver: {} in {:.2}s, {} part(s), {} variables, {} constraints; {}",
                solver.backend,
                solver.seconds,
                solver.parts,
                solver.variables,
                solver.constraints,
                stages.join(", ")
            );
            for warning in &solver.warnings {
                let _ = writeln!(out, "warning: {warning}");
            }
        }
        for node in &self.nodes {
            let usage: Vec<String> = node
                .resources
                .iter()
                .map(|(name, used, alloc)| {
                    if *alloc > 0 {
                        format!("{name} {:.0}%", 100.0 * *used as f64 / *alloc as f64)
                    } else {
                        format!("{name} {used}/0")
                    }
                })
                .collect();
            let _ = writeln!(out, "\n{}  [{}]", node.node, usage.join(", "));
            for pod in &node.pods {
                let _ = writeln!(out, "  {pod}");
            }
        }
        if !self.unplaced.is_empty() {
            let _ = writeln!(out, "\nunplaced:");
            for pod in &self.unplaced {
                let _ = writeln!(out, "  {}: {}", pod.pod, pod.reason);
            }
        }
        out
    }
}

/// The pending pods the plan places, as Pod manifests with `spec.nodeName` set.
pub fn to_pod_manifests(problem: &Problem, plan: &Plan) -> String {
    let mut documents = Vec::new();
    for (g, group) in problem.groups.iter().enumerate() {
        for (i, placement) in plan.placements[g].iter().enumerate() {
            let Some(node) = placement else { continue };
            let mut spec = (*group.spec).clone();
            spec.node_name = problem.nodes[*node].name.clone();
            let pod = types::Pod {
                metadata: types::ObjectMeta {
                    name: group.pod_names[i].clone(),
                    namespace: group.template.namespace.clone(),
                    labels: group.template.labels.clone(),
                    ..types::ObjectMeta::default()
                },
                spec,
                status: types::PodStatus::default(),
            };
            #[derive(Serialize)]
            #[serde(rename_all = "camelCase")]
            struct Document<'a> {
                api_version: &'static str,
                kind: &'static str,
                #[serde(flatten)]
                pod: &'a types::Pod,
            }
            documents.push(
                serde_saphyr::to_string(&Document {
                    api_version: "v1",
                    kind: "Pod",
                    pod: &pod,
                })
                .unwrap_or_default(),
            );
        }
    }
    documents.iter().map(|d| format!("---\n{d}")).collect()
}

/// An SVG picture: one column per used node with a cpu and a memory bar, pods stacked in each;
/// unplaced pods listed aside.
pub fn to_svg(problem: &Problem, plan: &Plan, title: &str) -> String {
    let (body, width, height) = svg_body(problem, plan, title, 0.0);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"11\">\n{body}</svg>\n"
    )
}

/// Two plans side by side.
pub fn to_svg_pair(problem: &Problem, left: (&Plan, &str), right: (&Plan, &str)) -> String {
    let (a, wa, ha) = svg_body(problem, left.0, left.1, 0.0);
    let (b, wb, hb) = svg_body(problem, right.0, right.1, wa + 30.0);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" font-family=\"sans-serif\" font-size=\"11\">\n{a}{b}</svg>\n",
        wa + 30.0 + wb,
        ha.max(hb)
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The drawing of one plan at horizontal offset `x0`: (svg elements, width, height).
fn svg_body(problem: &Problem, plan: &Plan, title: &str, x0: f64) -> (String, f64, f64) {
    const BAR: f64 = 18.0;
    const COLUMN: f64 = 60.0;
    const HEIGHT: f64 = 240.0;
    const TOP: f64 = 40.0;
    let used = plan.used_nodes(problem);
    let by_node = pods_by_node(problem, plan);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"18\" font-size=\"14\">{}</text>",
        x0 + 4.0,
        escape(title)
    );
    let palette = [
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
        "#9c755f", "#bab0ac",
    ];
    let colour = |pod: &str| {
        let owner = pod.rsplit_once('-').map_or(pod, |(o, _)| o);
        let hash = owner
            .bytes()
            .fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize));
        palette[hash % palette.len()]
    };
    for (column, &n) in used.iter().enumerate() {
        let node = &problem.nodes[n];
        let x = x0 + 10.0 + column as f64 * COLUMN;
        for (k, r) in [crate::model::CPU, crate::model::MEMORY]
            .into_iter()
            .enumerate()
        {
            let bx = x + k as f64 * (BAR + 4.0);
            let _ = writeln!(
                out,
                "<rect x=\"{bx}\" y=\"{TOP}\" width=\"{BAR}\" height=\"{HEIGHT}\" fill=\"none\" stroke=\"#888\"/>"
            );
            let alloc = node.allocatable[r].max(1) as f64;
            let mut y = TOP + HEIGHT;
            for (pod, requests, running) in by_node.get(&n).into_iter().flatten() {
                let h = HEIGHT * requests[r] as f64 / alloc;
                if h <= 0.0 {
                    continue;
                }
                y -= h;
                let opacity = if *running { 0.45 } else { 0.9 };
                let _ = writeln!(
                    out,
                    "<rect x=\"{bx}\" y=\"{y:.1}\" width=\"{BAR}\" height=\"{h:.1}\" fill=\"{}\" fill-opacity=\"{opacity}\" stroke=\"white\"><title>{} ({})</title></rect>",
                    colour(pod),
                    escape(pod),
                    problem.resources.name(r)
                );
            }
        }
        let _ = writeln!(
            out,
            "<text x=\"{x}\" y=\"{}\" transform=\"rotate(30 {x} {})\">{}</text>",
            TOP + HEIGHT + 14.0,
            TOP + HEIGHT + 14.0,
            escape(&node.name)
        );
        let _ = writeln!(
            out,
            "<text x=\"{x}\" y=\"{}\" font-size=\"9\">cpu mem</text>",
            TOP - 4.0
        );
    }
    let width_nodes = 20.0 + used.len() as f64 * COLUMN;
    let mut unplaced_y = TOP;
    let ux = x0 + width_nodes + 10.0;
    let mut any = false;
    for (g, group) in problem.groups.iter().enumerate() {
        for (i, placement) in plan.placements[g].iter().enumerate() {
            if placement.is_none() && group.daemon_node.is_none_or(|n| problem.node_exists(n)) {
                if !any {
                    let _ = writeln!(
                        out,
                        "<text x=\"{ux}\" y=\"{}\" font-weight=\"bold\">unplaced</text>",
                        unplaced_y - 10.0
                    );
                    any = true;
                }
                let _ = writeln!(
                    out,
                    "<rect x=\"{ux}\" y=\"{unplaced_y}\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>",
                    colour(&group.pod_id(i)),
                    ux + 14.0,
                    unplaced_y + 9.0,
                    escape(&group.pod_id(i))
                );
                unplaced_y += 14.0;
            }
        }
    }
    let width = width_nodes + if any { 260.0 } else { 0.0 };
    (
        out,
        width.max(200.0),
        (TOP + HEIGHT + 60.0).max(unplaced_y + 20.0),
    )
}
