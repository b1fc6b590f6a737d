//! The integer program of DESIGN.md §3 for a set of items: count variables per (item, eligible
//! node), node-use binaries, and every constraint family, with the stage objectives.
//!
//! Each rule's meaning comes from [`rules`](crate::rules): which pods a term matches, which
//! nodes a spread constraint counts. Only the linearisation lives here.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use good_lp::{Constraint, Expression, ProblemVariables, Variable, VariableDefinition, variable};

use super::items::{Item, Items};
use crate::model::{CPU, MEMORY, NodeId, Problem};
use crate::rules::namespaces::pod_matches_term;
use crate::rules::{node_affinity, node_ports, taints, topology_spread};

/// The program for a subset of items.
pub struct Formulation {
    /// Variables (consumed by each stage's solve; cloned).
    pub variables: ProblemVariables,
    /// Every variable, in creation order.
    pub all: Vec<Variable>,
    /// Per item (in `item_ids` order): its (node, count variable) pairs.
    pub x: Vec<Vec<(NodeId, Variable)>>,
    /// The items this program places (indices into `Items::items`).
    pub item_ids: Vec<usize>,
    /// Node-use binaries.
    pub u: BTreeMap<NodeId, Variable>,
    /// Constraints.
    pub constraints: Vec<Constraint>,
    /// Stage 1: priority-weighted pods placed (maximise).
    pub placed: Expression,
    /// Stage 2: cost of the nodes used (minimise).
    pub cost: Expression,
    /// Stage 2 alternative: peak cpu/memory utilisation (minimise).
    pub peak: Variable,
    /// Stage 3: running pods moved (minimise).
    pub moves: Expression,
    /// Stage 4: soft preferences (maximise).
    pub soft: Expression,
    /// Whether stage 4 has any term.
    pub has_soft: bool,
    /// Upper bound of each count variable.
    caps: HashMap<Variable, f64>,
}

impl Formulation {
    fn add(&mut self, definition: VariableDefinition) -> Variable {
        let v = self.variables.add(definition);
        self.all.push(v);
        v
    }

    /// Number of variables.
    pub fn variable_count(&self) -> usize {
        self.all.len()
    }
}

/// Builds the program for `item_ids`.
pub fn build(problem: &Problem, items: &Items<'_>, item_ids: &[usize]) -> Formulation {
    let state = &items.state;
    let mut variables = ProblemVariables::new();
    let peak = variables.add(variable().min(0));
    let mut f = Formulation {
        variables,
        all: vec![peak],
        x: Vec::new(),
        item_ids: item_ids.to_vec(),
        u: BTreeMap::new(),
        constraints: Vec::new(),
        placed: Expression::default(),
        cost: Expression::default(),
        peak,
        moves: Expression::default(),
        soft: Expression::default(),
        has_soft: false,
        caps: HashMap::new(),
    };
    let members: Vec<&Item> = item_ids.iter().map(|&i| &items.items[i]).collect();
    // Count variables.
    for item in &members {
        let mut vars = Vec::new();
        for &(n, cap) in &item.eligible {
            let v = f.add(variable().integer().min(0).max(cap as f64));
            f.caps.insert(v, cap as f64);
            vars.push((n, v));
        }
        f.x.push(vars);
    }
    // Node-use binaries: nodes that may be used and are not used anyway.
    let nodes: BTreeSet<NodeId> =
        f.x.iter()
            .flatten()
            .map(|(n, _)| *n)
            .chain(members.iter().filter_map(|i| i.conditional_on))
            .collect();
    for &n in &nodes {
        let used_anyway = problem.node_exists(n) && !state.pods_on[n].is_empty();
        if !used_anyway {
            let v = f.add(variable().binary());
            f.u.insert(n, v);
            f.cost += problem.nodes[n].cost * v;
        }
    }
    // Linking: a node holds pods only when used (tightens the relaxation).
    for vars in &f.x {
        for &(n, v) in vars {
            if let Some(&u) = f.u.get(&n) {
                f.constraints
                    .push(Expression::from(v).leq(upper_bound(&f, v) * u));
            }
        }
    }
    symmetry(problem, &members, &mut f);

    // Counts, objectives.
    for (k, item) in members.iter().enumerate() {
        let total: Expression = f.x[k].iter().map(|(_, v)| *v).sum();
        if let Some(n) = item.conditional_on {
            // A DaemonSet pod exists exactly on opened pool nodes.
            let u = f.u[&n];
            let x = f.x[k].iter().find(|(m, _)| *m == n).map(|(_, v)| *v);
            f.constraints.push(match x {
                Some(x) => Expression::from(x).eq(u),
                None => Expression::from(u).eq(0),
            });
            continue;
        }
        if item.must_place {
            f.constraints.push(total.clone().eq(item.count as f64));
        } else {
            f.constraints.push(total.clone().leq(item.count as f64));
        }
        f.placed += item.weight * total;
        if let Some(origin) = item.origin_node {
            let stay: Expression = f.x[k]
                .iter()
                .filter(|(n, _)| *n == origin)
                .map(|(_, v)| *v)
                .sum();
            f.moves += 1.0 - stay;
        }
        for &(n, v) in &f.x[k] {
            let node = &problem.nodes[n];
            let soft = node_affinity::preferred_score(&item.template, node)
                - 100
                    * taints::intolerable_prefer_no_schedule(
                        &node.taints,
                        &item.template.tolerations,
                    ) as i64;
            if soft != 0 {
                f.soft += soft as f64 * v;
                f.has_soft = true;
            }
        }
    }

    resources(problem, items, &members, &mut f, &nodes);
    ports(&members, &mut f, &nodes);
    anti_affinity(problem, &members, &mut f);
    affinity(problem, items, &members, &mut f);
    spread(problem, items, &members, &mut f);
    soft_pod_terms(problem, items, &members, &mut f);
    f
}

/// The soft inter-pod rules in the stage-4 objective: preferred affinity rewards, per pod, a
/// domain holding a matching pod; preferred anti-affinity costs the same; a pod's own group
/// counts from its second pod in the domain. ScheduleAnyway spread costs 50 per pod of skew
/// beyond `maxSkew`. (Existing pods' preferred terms towards the placed pods are not modelled.)
fn soft_pod_terms(problem: &Problem, items: &Items<'_>, members: &[&Item], f: &mut Formulation) {
    let state = &items.state;
    let mut presence = Presence(HashMap::new());
    for (a, item) in members.iter().enumerate() {
        let t = &item.template;
        for (weighted, sign) in t
            .preferred_affinity
            .iter()
            .map(|w| (w, 1.0))
            .chain(t.preferred_anti_affinity.iter().map(|w| (w, -1.0)))
        {
            let term = &weighted.term;
            let weight = f64::from(weighted.weight) * sign;
            let key = term.topology_key.as_str();
            let own = by_domain(problem, &f.x[a], key);
            if own.is_empty() {
                continue;
            }
            let matches = |ns: &str, labels: &std::collections::BTreeMap<String, String>| {
                pod_matches_term(
                    term,
                    &t.namespace,
                    ns,
                    &problem.namespace_labels(ns),
                    labels,
                )
            };
            let self_match = matches(&t.namespace, &t.labels);
            let others: Vec<usize> = (0..members.len())
                .filter(|&b| {
                    b != a && matches(&members[b].template.namespace, &members[b].template.labels)
                })
                .collect();
            let mut fixed: BTreeMap<String, usize> = BTreeMap::new();
            for pod in &state.pods {
                if let Some(value) = problem.nodes[pod.node].labels.get(key)
                    && matches(&pod.template.namespace, &pod.template.labels)
                {
                    *fixed.entry(value.clone()).or_default() += 1;
                }
            }
            let big = 1.0
                + fixed.values().sum::<usize>() as f64
                + others.iter().map(|&b| members[b].count).sum::<usize>() as f64;
            for (value, sum) in own {
                if self_match {
                    // Pods beyond the first of the group in this domain.
                    let p = presence.get(f, a, key, &value, &sum, item.count);
                    f.constraints.push(Expression::from(p).leq(sum.clone()));
                    f.soft += weight * (sum.clone() - p);
                    f.has_soft = true;
                }
                let helpers: Expression = others
                    .iter()
                    .flat_map(|&b| {
                        f.x[b]
                            .iter()
                            .filter(|(n, _)| problem.nodes[*n].labels.get(key) == Some(&value))
                            .map(|(_, v)| *v)
                    })
                    .sum::<Expression>()
                    + fixed.get(&value).copied().unwrap_or(0) as f64;
                if others.is_empty() && !fixed.contains_key(&value) {
                    continue;
                }
                let count = item.count as f64;
                let h = f.add(variable().binary());
                let r = f.add(variable().min(0));
                if sign > 0.0 {
                    // Reward r ≤ pods here, and only where a matching pod is (h ≤ helpers).
                    f.constraints.push(Expression::from(h).leq(helpers));
                    f.constraints.push(Expression::from(r).leq(sum));
                    f.constraints.push(Expression::from(r).leq(count * h));
                } else {
                    // Penalty r ≥ pods here when a matching pod is (big·h ≥ helpers).
                    f.constraints.push(helpers.leq(big * h));
                    f.constraints.push((sum - count * (1 - h)).leq(r));
                }
                f.soft += weight * r;
                f.has_soft = true;
            }
        }
        for constraint in t.spread.iter().filter(|c| !c.hard) {
            let key = constraint.topology_key.as_str();
            let counted: Vec<usize> = (0..members.len())
                .filter(|&b| {
                    topology_spread::pod_counts(constraint, t, &members[b].template, false)
                })
                .collect();
            if !counted.contains(&a) {
                continue;
            }
            let mut domains: BTreeMap<String, Expression> = BTreeMap::new();
            for (n, node) in problem.nodes.iter().enumerate() {
                if !problem.node_exists(n) || !topology_spread::node_counts(constraint, t, node) {
                    continue;
                }
                let Some(value) = node.labels.get(key) else {
                    continue;
                };
                let entry = domains.entry(value.clone()).or_default();
                *entry += fixed_count(state, constraint, t, n) as f64;
                *entry += vars_on(f, &counted, n);
            }
            if domains.len() < 2 {
                continue;
            }
            let high = f.add(variable().min(0));
            let low = f.add(variable().min(0));
            let excess = f.add(variable().min(0));
            for count in domains.values() {
                f.constraints.push(count.clone().leq(high));
                f.constraints.push(Expression::from(low).leq(count.clone()));
            }
            f.constraints
                .push((high - low - constraint.max_skew as f64).leq(excess));
            f.soft -= 50.0 * excess;
            f.has_soft = true;
        }
    }
}

/// The upper bound a count variable was created with.
fn upper_bound(f: &Formulation, v: Variable) -> f64 {
    f.caps.get(&v).copied().unwrap_or(1.0)
}

/// Breaks the symmetry between identical nodes (same allocatable, labels but the hostname,
/// taints, cost and pool, no pods that stay, and the same eligible items): they are used in order,
/// with non-increasing cpu load.
fn symmetry(problem: &Problem, members: &[&Item], f: &mut Formulation) {
    let mut classes: BTreeMap<String, Vec<NodeId>> = BTreeMap::new();
    for &n in f.u.keys() {
        let node = &problem.nodes[n];
        let mut labels = node.labels.clone();
        labels.remove("kubernetes.io/hostname");
        // DaemonSet pods of the node itself move with it: they enter the key by template.
        let eligible: Vec<(usize, usize)> = members
            .iter()
            .enumerate()
            .filter(|(_, item)| item.conditional_on.is_none())
            .filter_map(|(k, item)| {
                item.eligible
                    .iter()
                    .find(|(m, _)| *m == n)
                    .map(|(_, c)| (k, *c))
            })
            .collect();
        let daemons: Vec<String> = members
            .iter()
            .filter(|item| item.conditional_on == Some(n))
            .map(|item| format!("{:?}{:?}", item.template.requests, item.template.labels))
            .collect();
        let key = format!(
            "{:?}|{:?}|{:?}|{}|{}|{:?}|{:?}|{daemons:?}",
            node.allocatable,
            labels,
            node.taints,
            node.unschedulable,
            node.cost,
            node.pool,
            eligible
        );
        classes.entry(key).or_default().push(n);
    }
    let mut on_node: HashMap<NodeId, Vec<(usize, Variable)>> = HashMap::new();
    for (k, vars) in f.x.iter().enumerate() {
        for &(n, v) in vars {
            on_node.entry(n).or_default().push((k, v));
        }
    }
    let load = |n: NodeId| -> Expression {
        on_node
            .get(&n)
            .map(|vars| {
                vars.iter()
                    .map(|&(k, v)| members[k].template.requests[CPU] as f64 * v)
                    .sum()
            })
            .unwrap_or_default()
    };
    for class in classes.values() {
        for pair in class.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            f.constraints.push(Expression::from(f.u[&b]).leq(f.u[&a]));
            f.constraints.push(load(b).leq(load(a)));
        }
    }
}

/// Resource rows per node (the `pods` slot included), linked to node use, and the balance rows.
fn resources(
    problem: &Problem,
    items: &Items<'_>,
    members: &[&Item],
    f: &mut Formulation,
    nodes: &BTreeSet<NodeId>,
) {
    let state = &items.state;
    let mut on_node: HashMap<NodeId, Vec<(usize, Variable)>> = HashMap::new();
    for (k, vars) in f.x.iter().enumerate() {
        for &(n, v) in vars {
            on_node.entry(n).or_default().push((k, v));
        }
    }
    for &n in nodes {
        let Some(vars) = on_node.get(&n) else {
            continue;
        };
        let node = &problem.nodes[n];
        for r in 0..problem.resources.len() {
            let terms: Vec<(i64, Variable)> = vars
                .iter()
                .map(|&(k, v)| (members[k].template.requests[r], v))
                .filter(|(c, _)| *c > 0)
                .collect();
            if terms.is_empty() {
                continue;
            }
            let free = (node.allocatable[r] - state.used[n][r]).max(0);
            let (coefficients, rhs) =
                scaled_row(&terms.iter().map(|t| t.0).collect::<Vec<_>>(), free);
            let lhs: Expression = coefficients
                .iter()
                .zip(&terms)
                .map(|(c, (_, v))| *c * *v)
                .sum();
            f.constraints.push(match f.u.get(&n) {
                Some(&u) => lhs.leq(rhs * u),
                None => lhs.leq(rhs),
            });
        }
        // Balance: used share of cpu and memory ≤ peak.
        for r in [CPU, MEMORY] {
            let alloc = node.allocatable[r];
            if alloc <= 0 {
                continue;
            }
            let share: Expression = vars
                .iter()
                .map(|&(k, v)| (members[k].template.requests[r] as f64 / alloc as f64) * v)
                .sum();
            let base = state.used[n][r] as f64 / alloc as f64;
            f.constraints.push((share + base).leq(f.peak));
        }
    }
}

/// Exact integer row scaling: divide by the gcd of the coefficients (the right-hand side rounds
/// down, which is exact for integer variables); when coefficients stay above 2^20, round them
/// up and the right-hand side down to a coarser unit, which can only forbid, never allow.
fn scaled_row(coefficients: &[i64], rhs: i64) -> (Vec<f64>, f64) {
    let gcd = coefficients.iter().fold(0i64, |g, &c| num_gcd(g, c)).max(1);
    let mut scaled: Vec<i64> = coefficients.iter().map(|c| c / gcd).collect();
    let mut bound = rhs.div_euclid(gcd);
    let max = scaled.iter().copied().max().unwrap_or(1);
    const LIMIT: i64 = 1 << 20;
    if max > LIMIT {
        let unit = max / LIMIT + 1;
        scaled = scaled.iter().map(|c| (c + unit - 1) / unit).collect();
        bound = bound.div_euclid(unit);
    }
    (scaled.into_iter().map(|c| c as f64).collect(), bound as f64)
}

fn num_gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a.abs() } else { num_gcd(b, a % b) }
}

/// Host ports: two items whose ports conflict never share a node.
fn ports(members: &[&Item], f: &mut Formulation, nodes: &BTreeSet<NodeId>) {
    let with_ports: Vec<usize> = (0..members.len())
        .filter(|&k| !members[k].template.host_ports.is_empty())
        .collect();
    for (a_index, &a) in with_ports.iter().enumerate() {
        for &b in &with_ports[a_index + 1..] {
            let conflict = members[a].template.host_ports.iter().any(|p| {
                members[b]
                    .template
                    .host_ports
                    .iter()
                    .any(|q| node_ports::conflicts(p, q))
            });
            if !conflict {
                continue;
            }
            for &n in nodes {
                let va = f.x[a].iter().find(|(m, _)| *m == n).map(|(_, v)| *v);
                let vb = f.x[b].iter().find(|(m, _)| *m == n).map(|(_, v)| *v);
                if let (Some(va), Some(vb)) = (va, vb) {
                    f.constraints.push((va + vb).leq(1));
                }
            }
        }
    }
}

/// Sum of an item's count variables per value of `key` (nodes lacking the key are left out).
fn by_domain(
    problem: &Problem,
    vars: &[(NodeId, Variable)],
    key: &str,
) -> BTreeMap<String, Expression> {
    let mut domains: BTreeMap<String, Expression> = BTreeMap::new();
    for &(n, v) in vars {
        if let Some(value) = problem.nodes[n].labels.get(key) {
            *domains.entry(value.clone()).or_default() += v;
        }
    }
    domains
}

/// Presence binaries `p ≥ [X ≥ 1]` per (item, key, value), created once.
struct Presence(HashMap<(usize, String, String), Variable>);

impl Presence {
    fn get(
        &mut self,
        f: &mut Formulation,
        item: usize,
        key: &str,
        value: &str,
        sum: &Expression,
        count: usize,
    ) -> Variable {
        if let Some(v) = self.0.get(&(item, key.to_string(), value.to_string())) {
            return *v;
        }
        let p = f.add(variable().binary());
        f.constraints.push(sum.clone().leq(count as f64 * p));
        self.0.insert((item, key.to_string(), value.to_string()), p);
        p
    }
}

/// Required anti-affinity, in both directions between items (running pods that stay were
/// handled by eligibility).
fn anti_affinity(problem: &Problem, members: &[&Item], f: &mut Formulation) {
    let mut presence = Presence(HashMap::new());
    for (a, item) in members.iter().enumerate() {
        let t = &item.template;
        for term in &t.anti_affinity {
            let own = by_domain(problem, &f.x[a], &term.topology_key);
            for (b, other) in members.iter().enumerate() {
                let o = &other.template;
                let labels = problem.namespace_labels(&o.namespace);
                if !pod_matches_term(term, &t.namespace, &o.namespace, &labels, &o.labels) {
                    continue;
                }
                if a == b {
                    for sum in own.values() {
                        f.constraints.push(sum.clone().leq(1));
                    }
                    continue;
                }
                let theirs = by_domain(problem, &f.x[b], &term.topology_key);
                for (value, sum_a) in &own {
                    if let Some(sum_b) = theirs.get(value) {
                        let pa = presence.get(f, a, &term.topology_key, value, sum_a, item.count);
                        let pb = presence.get(f, b, &term.topology_key, value, sum_b, other.count);
                        f.constraints.push((pa + pb).leq(1));
                    }
                }
            }
        }
    }
}

/// The domain of a node for a list of topology keys (`None` when it lacks one).
fn tuple_domain(problem: &Problem, n: NodeId, keys: &[&str]) -> Option<Vec<String>> {
    keys.iter()
        .map(|k| problem.nodes[n].labels.get(*k).cloned())
        .collect()
}

/// Required pod affinity: in every domain that receives pods of an item, another pod matching
/// all its terms — or the item is the single seed when nothing else matches anywhere.
fn affinity(problem: &Problem, items: &Items<'_>, members: &[&Item], f: &mut Formulation) {
    let state = &items.state;
    for (a, item) in members.iter().enumerate() {
        let t = &item.template;
        if t.affinity.is_empty() || f.x[a].is_empty() {
            continue;
        }
        let keys: Vec<&str> = t
            .affinity
            .iter()
            .map(|term| term.topology_key.as_str())
            .collect();
        let matches_all = |ns: &str, labels: &std::collections::BTreeMap<String, String>| {
            let ns_labels = problem.namespace_labels(ns);
            t.affinity
                .iter()
                .all(|term| pod_matches_term(term, &t.namespace, ns, &ns_labels, labels))
        };
        let helpers: Vec<usize> = (0..members.len())
            .filter(|&b| {
                b != a && matches_all(&members[b].template.namespace, &members[b].template.labels)
            })
            .collect();
        let self_match = matches_all(&t.namespace, &t.labels);
        // Running pods that stay, per domain and in all.
        let mut fixed_in: BTreeMap<Vec<String>, usize> = BTreeMap::new();
        let mut fixed_total = 0;
        for pod in &state.pods {
            if matches_all(&pod.template.namespace, &pod.template.labels) {
                fixed_total += 1;
                if let Some(d) = tuple_domain(problem, pod.node, &keys) {
                    *fixed_in.entry(d).or_default() += 1;
                }
            }
        }
        let mut own: BTreeMap<Vec<String>, Expression> = BTreeMap::new();
        for &(n, v) in &f.x[a] {
            if let Some(d) = tuple_domain(problem, n, &keys) {
                *own.entry(d).or_default() += v;
            }
        }
        let seed = (self_match && fixed_total == 0).then(|| f.add(variable().binary()));
        if let Some(s) = seed {
            let total: Expression = f.x[a]
                .iter()
                .map(|(_, v)| *v)
                .chain(helpers.iter().flat_map(|&b| f.x[b].iter().map(|(_, v)| *v)))
                .sum();
            let big: usize = item.count + helpers.iter().map(|&b| members[b].count).sum::<usize>();
            f.constraints.push(total.leq(1.0 + big as f64 * (1 - s)));
        }
        for (domain, sum) in own {
            if fixed_in.get(&domain).copied().unwrap_or(0) > 0 {
                continue;
            }
            let others: Expression = helpers
                .iter()
                .flat_map(|&b| {
                    f.x[b]
                        .iter()
                        .filter(|(n, _)| tuple_domain(problem, *n, &keys).as_ref() == Some(&domain))
                        .map(|(_, v)| *v)
                })
                .sum();
            if !self_match {
                f.constraints.push(sum.leq(item.count as f64 * others));
                continue;
            }
            let present = f.add(variable().binary());
            f.constraints
                .push(sum.clone().leq(item.count as f64 * present));
            let need = match seed {
                Some(s) => 2.0 * present - s,
                None => 2.0 * present,
            };
            f.constraints.push((sum + others).geq(need));
        }
    }
}

/// Running pods that stay on node `n` and count for `constraint` of `owner`.
fn fixed_count(
    state: &crate::cluster::ClusterState<'_>,
    constraint: &crate::model::SpreadConstraint,
    owner: &crate::model::PodTemplate,
    n: NodeId,
) -> i64 {
    state.pods_on[n]
        .iter()
        .filter(|&&p| {
            topology_spread::pod_counts(
                constraint,
                owner,
                &state.pods[p].template,
                state.pods[p].terminating,
            )
        })
        .count() as i64
}

/// The count variables of the items `members` (part positions) on node `n`.
fn vars_on(f: &Formulation, members: &[usize], n: NodeId) -> Expression {
    members
        .iter()
        .filter_map(|&b| f.x[b].iter().find(|(m, _)| *m == n).map(|(_, v)| *v))
        .sum()
}

/// DoNotSchedule topology spread in final-state form: for every domain that receives pods of
/// an item, `count(domain) − min ≤ maxSkew`, with `min` over the domains that exist.
fn spread(problem: &Problem, items: &Items<'_>, members: &[&Item], f: &mut Formulation) {
    let state = &items.state;
    for (a, item) in members.iter().enumerate() {
        let t = &item.template;
        let hard: Vec<_> = t.spread.iter().filter(|c| c.hard).collect();
        if hard.is_empty() || f.x[a].is_empty() {
            continue;
        }
        for constraint in &hard {
            let key = constraint.topology_key.as_str();
            let counting: Vec<NodeId> = (0..problem.nodes.len())
                .filter(|&n| {
                    let node = &problem.nodes[n];
                    hard.iter()
                        .all(|c| node.labels.contains_key(&c.topology_key))
                        && topology_spread::node_counts(constraint, t, node)
                })
                .collect();
            let counted: Vec<usize> = (0..members.len())
                .filter(|&b| {
                    topology_spread::pod_counts(constraint, t, &members[b].template, false)
                })
                .collect();
            let mut domains: BTreeMap<String, (Expression, i64, bool, Vec<NodeId>)> =
                BTreeMap::new();
            for &n in &counting {
                let value = problem.nodes[n].labels[key].clone();
                let entry = domains.entry(value).or_default();
                entry.2 |= problem.node_exists(n);
                if !problem.node_exists(n) {
                    entry.3.push(n);
                }
                entry.1 += fixed_count(state, constraint, t, n);
                entry.0 += vars_on(f, &counted, n);
            }
            let big = domains.values().map(|d| d.1).max().unwrap_or(0) as f64
                + counted.iter().map(|&b| members[b].count).sum::<usize>() as f64
                + 1.0;
            let min = f.add(variable().min(0));
            let existing = domains.values().filter(|d| d.2).count();
            let mut domain_count = Expression::from(existing as f64);
            for (expr, fixed, exists, pool_nodes) in domains.values() {
                let count = expr.clone() + *fixed as f64;
                if *exists {
                    f.constraints.push(Expression::from(min).leq(count));
                    continue;
                }
                let opened: Vec<Variable> = pool_nodes
                    .iter()
                    .filter_map(|n| f.u.get(n).copied())
                    .collect();
                if opened.is_empty() {
                    continue;
                }
                let e = f.add(variable().binary());
                let any: Expression = opened.iter().copied().sum();
                f.constraints.push(Expression::from(e).leq(any));
                for &u in &opened {
                    f.constraints.push(Expression::from(u).leq(e));
                }
                f.constraints
                    .push(Expression::from(min).leq(count + big * (1 - e)));
                domain_count += e;
            }
            let min_domains = constraint.min_domains.max(1) as usize;
            if min_domains > existing {
                let z = f.add(variable().binary());
                f.constraints.push(Expression::from(min).leq(big * z));
                f.constraints.push(domain_count.geq(min_domains as f64 * z));
            }
            for (value, sum) in by_domain(problem, &f.x[a], key) {
                let Some((expr, fixed, ..)) = domains.get(&value) else {
                    continue;
                };
                let present = f.add(variable().binary());
                f.constraints.push(sum.leq(item.count as f64 * present));
                let count = expr.clone() + *fixed as f64;
                f.constraints
                    .push((count - min).leq(constraint.max_skew as f64 + big * (1 - present)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::scaled_row;

    #[test]
    fn rows_scale_exactly_by_the_gcd_and_conservatively_beyond() {
        let (c, rhs) = scaled_row(&[134_217_728, 268_435_456], 1_073_741_824 + 5);
        assert_eq!(c, [1.0, 2.0]);
        assert_eq!(rhs, 8.0);
        // Coprime huge coefficients: the scaled row may forbid more, never allow more.
        let original = [3_000_000_001i64, 2_000_000_003];
        let capacity = 5_000_000_004i64;
        let (c, rhs) = scaled_row(&original, capacity);
        assert!(c.iter().all(|&x| x <= (1 << 20) as f64 + 1.0));
        for x0 in 0..4i64 {
            for x1 in 0..4i64 {
                let scaled_ok = c[0] * x0 as f64 + c[1] * x1 as f64 <= rhs;
                let exact_ok = original[0] * x0 + original[1] * x1 <= capacity;
                assert!(!scaled_ok || exact_ok, "scaled row allows ({x0}, {x1})");
            }
        }
    }
}
