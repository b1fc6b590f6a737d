//! Resource names and the arithmetic of requests: API defaulting (requests from limits,
//! rounding up to milli), init and sidecar containers, pod-level resources, overhead, and the
//! conversion to the scheduler's integers (cpu in millicores, everything else in base units).

use std::collections::BTreeMap;

use crate::manifest::types::{Container, PodSpec, ResourceList};
use crate::quantity::Quantity;

/// Index of `cpu` in every resource vector.
pub const CPU: usize = 0;
/// Index of `memory` in every resource vector.
pub const MEMORY: usize = 1;
/// Index of `pods` (the pod-count slot) in every resource vector.
pub const PODS: usize = 2;

/// The non-zero cpu default used in scoring for a container with no cpu request (100m).
pub const DEFAULT_NONZERO_CPU_MILLI: i64 = 100;
/// The non-zero memory default used in scoring for a container with no memory request (200Mi).
pub const DEFAULT_NONZERO_MEMORY: i64 = 200 * 1024 * 1024;

/// The resource names of a problem, `cpu`, `memory` and `pods` first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceTable {
    names: Vec<String>,
}

impl Default for ResourceTable {
    fn default() -> Self {
        ResourceTable {
            names: vec!["cpu".into(), "memory".into(), "pods".into()],
        }
    }
}

impl ResourceTable {
    /// A table with the three standard resources and `others` (sorted, deduplicated).
    pub fn with<I: IntoIterator<Item = String>>(others: I) -> Self {
        let mut table = ResourceTable::default();
        let mut extra: Vec<String> = others
            .into_iter()
            .filter(|n| !table.names.contains(n))
            .collect();
        extra.sort();
        extra.dedup();
        table.names.extend(extra);
        table
    }

    /// Number of resources.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Always false: cpu, memory and pods are always present.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Name of resource `index`.
    pub fn name(&self, index: usize) -> &str {
        &self.names[index]
    }

    /// All names, in index order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Index of a resource name.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// A dense vector from a map of integer amounts (unknown names are ignored).
    pub fn vector(&self, amounts: &BTreeMap<String, i64>) -> Vec<i64> {
        self.names
            .iter()
            .map(|name| amounts.get(name).copied().unwrap_or(0))
            .collect()
    }
}

/// How the scheduler treats a resource name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceClass {
    /// `cpu`: counted in millicores.
    Cpu,
    /// `memory`, `ephemeral-storage`, `pods`, `hugepages-*`, extended and `kubernetes.io/`
    /// resources: counted in base units.
    Counted,
    /// An unprefixed unknown name (`mem`, `foo`): the scheduler ignores it.
    Ignored,
}

/// Classifies a resource name as kube-scheduler does.
pub fn classify(name: &str) -> ResourceClass {
    match name {
        "cpu" => ResourceClass::Cpu,
        "memory" | "ephemeral-storage" | "pods" => ResourceClass::Counted,
        _ if name.starts_with("hugepages-") || name.contains('/') => ResourceClass::Counted,
        _ => ResourceClass::Ignored,
    }
}

/// Converts an exact quantity of `name` to the scheduler's integer (ceil).
pub fn to_integer(name: &str, quantity: Quantity) -> Option<i64> {
    let value = match classify(name) {
        ResourceClass::Cpu => quantity.to_milli_ceil(),
        _ => quantity.to_base_units_ceil(),
    };
    i64::try_from(value).ok()
}

/// Exact per-resource amounts (nano-units), summed before the single rounding per pod.
type Exact = BTreeMap<String, i128>;

/// A container's requests after API defaulting: limits fill in missing requests, and every
/// quantity is rounded up to milli precision. Ignored resource names are dropped.
fn container_requests(container: &Container) -> Exact {
    defaulted_requests(&container.resources.requests, &container.resources.limits)
}

fn defaulted_requests(requests: &ResourceList, limits: &ResourceList) -> Exact {
    let mut exact = Exact::new();
    for (name, quantity) in limits.iter().chain(requests.iter()) {
        if classify(name) == ResourceClass::Ignored {
            continue;
        }
        // requests come second, so an explicit request (even 0) replaces the limit.
        exact.insert(name.clone(), quantity.round_up_to_milli().nanos());
    }
    exact
}

fn add(into: &mut Exact, other: &Exact) {
    for (name, value) in other {
        *into.entry(name.clone()).or_default() += value;
    }
}

fn max_into(into: &mut Exact, other: &Exact) {
    for (name, value) in other {
        let entry = into.entry(name.clone()).or_default();
        *entry = (*entry).max(*value);
    }
}

/// The effective request of a pod (kube-scheduler's `PodRequests`), in exact nano-units:
/// `max(sum of containers + sidecars, peak of init containers)`, pod-level requests replacing
/// cpu/memory/hugepages, plus overhead. `nonzero` applies the scoring defaults per container.
fn effective_exact(spec: &PodSpec, nonzero: bool) -> Exact {
    let with_defaults = |container: &Container| {
        let mut requests = container_requests(container);
        if nonzero {
            for (name, default) in [
                ("cpu", i128::from(DEFAULT_NONZERO_CPU_MILLI) * 1_000_000),
                ("memory", i128::from(DEFAULT_NONZERO_MEMORY) * 1_000_000_000),
            ] {
                // Only an absent request is replaced; an explicit 0 stays 0.
                requests.entry(name.to_string()).or_insert(default);
            }
        }
        requests
    };
    let mut sum = Exact::new();
    for container in &spec.containers {
        add(&mut sum, &with_defaults(container));
    }
    let mut sidecars = Exact::new();
    let mut init_peak = Exact::new();
    for container in &spec.init_containers {
        let requests = with_defaults(container);
        if container.restart_policy == "Always" {
            add(&mut sidecars, &requests);
            add(&mut sum, &requests);
            max_into(&mut init_peak, &sidecars);
        } else {
            let mut candidate = requests;
            add(&mut candidate, &sidecars);
            max_into(&mut init_peak, &candidate);
        }
    }
    max_into(&mut sum, &init_peak);
    if let Some(pod_level) = &spec.resources {
        let pod_requests = defaulted_requests(&pod_level.requests, &pod_level.limits);
        for (name, value) in pod_requests {
            if name == "cpu" || name == "memory" || name.starts_with("hugepages-") {
                sum.insert(name, value);
            }
        }
    }
    for (name, quantity) in &spec.overhead {
        if classify(name) != ResourceClass::Ignored {
            *sum.entry(name.clone()).or_default() += quantity.round_up_to_milli().nanos();
        }
    }
    sum
}

/// A pod's effective request as scheduler integers, with the `pods` slot set to 1; `None` when
/// a value does not fit in 64 bits.
pub fn effective_request(spec: &PodSpec) -> Option<BTreeMap<String, i64>> {
    let mut integers = BTreeMap::new();
    for (name, nanos) in effective_exact(spec, false) {
        let value = to_integer(&name, Quantity::from_nanos(nanos))?;
        integers.insert(name, value);
    }
    integers.insert("pods".into(), 1);
    Some(integers)
}

/// The cpu (millicores) and memory (bytes) requests used by scoring, with the non-zero
/// defaults for containers that request none.
pub fn nonzero_request(spec: &PodSpec) -> (i64, i64) {
    let exact = effective_exact(spec, true);
    let get = |name: &str| {
        exact
            .get(name)
            .and_then(|n| to_integer(name, Quantity::from_nanos(*n)))
            .unwrap_or(0)
    };
    (get("cpu"), get("memory"))
}

/// Names of resources a pod spec mentions that the scheduler ignores (`mem`, `foo`).
pub fn ignored_names(spec: &PodSpec) -> Vec<String> {
    let mut names: Vec<String> = spec
        .containers
        .iter()
        .chain(&spec.init_containers)
        .flat_map(|c| c.resources.requests.keys().chain(c.resources.limits.keys()))
        .chain(spec.overhead.keys())
        .filter(|n| classify(n) == ResourceClass::Ignored)
        .cloned()
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Node allocatable as scheduler integers (rounded up to milli first, as defaulting does).
pub fn allocatable_integers(list: &ResourceList) -> Option<BTreeMap<String, i64>> {
    let mut integers = BTreeMap::new();
    for (name, quantity) in list {
        if classify(name) == ResourceClass::Ignored {
            continue;
        }
        integers.insert(
            name.clone(),
            to_integer(name, quantity.round_up_to_milli())?,
        );
    }
    Some(integers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::types::ResourceRequirements;

    fn container(cpu: &str, sidecar: bool) -> Container {
        Container {
            resources: ResourceRequirements {
                requests: BTreeMap::from([("cpu".to_string(), cpu.parse().unwrap())]),
                limits: BTreeMap::new(),
            },
            restart_policy: if sidecar {
                "Always".into()
            } else {
                String::new()
            },
            ..Container::default()
        }
    }

    #[test]
    fn init_and_sidecar_arithmetic_matches_the_worked_example() {
        // init 5, sidecars 1, 2, init 5, sidecar 3, container 1 → max(7, 5, 8) = 8.
        let spec = PodSpec {
            containers: vec![container("1", false)],
            init_containers: vec![
                container("5", false),
                container("1", true),
                container("2", true),
                container("5", false),
                container("3", true),
            ],
            ..PodSpec::default()
        };
        assert_eq!(effective_request(&spec).unwrap()["cpu"], 8000);
    }

    #[test]
    fn requests_default_from_limits_and_round_once_per_pod() {
        let mut c = Container::default();
        c.resources
            .limits
            .insert("cpu".into(), "2n".parse().unwrap());
        c.resources
            .limits
            .insert("memory".into(), "1500m".parse().unwrap());
        let spec = PodSpec {
            containers: vec![c.clone(), c],
            ..PodSpec::default()
        };
        let request = effective_request(&spec).unwrap();
        assert_eq!(request["cpu"], 2); // each 2n → 1m
        assert_eq!(request["memory"], 3); // 1.5 + 1.5, rounded once
        assert_eq!(request["pods"], 1);
    }

    #[test]
    fn explicit_zero_request_is_kept_and_unknown_names_ignored() {
        let mut c = Container::default();
        c.resources
            .limits
            .insert("cpu".into(), "1".parse().unwrap());
        c.resources
            .requests
            .insert("cpu".into(), "0".parse().unwrap());
        c.resources
            .requests
            .insert("mem".into(), "1Gi".parse().unwrap());
        let spec = PodSpec {
            containers: vec![c],
            ..PodSpec::default()
        };
        let request = effective_request(&spec).unwrap();
        assert_eq!(request.get("cpu"), Some(&0));
        assert!(!request.contains_key("mem"));
        assert_eq!(ignored_names(&spec), ["mem"]);
        assert_eq!(nonzero_request(&spec), (0, DEFAULT_NONZERO_MEMORY));
    }
}
