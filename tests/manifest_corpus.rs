//! Every real-world manifest in `tests/fixtures/manifests/` (84 files written by others) is
//! handled as its `index.csv` `expect` column says, and `warn` files as podplan's documented
//! policy says (README, "Loading policy").

use std::path::Path;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/manifests");

/// podplan's policy for the files the collector marked `warn`: `Ok(note)` loads with a note
/// containing the text, `Err(text)` is an error containing the text.
fn warn_policy(file: &str) -> Result<&'static str, &'static str> {
    match file {
        "nodes/kube-scheduler-simulator__node-template-kindless.yaml"
        | "nodes/openshift-lab__worker-0-kindless.json" => Err("missing field `kind`"),
        "nodes/kwok__fake-node.yaml" | "nodes/popeye__node-list.yaml" => {
            Ok("neither status.allocatable nor status.capacity")
        }
        "workloads/k8s-addons__coredns-yaml-base.yaml" => {
            Err("limits.memory: invalid quantity `__DNS__MEMORY__LIMIT__`")
        }
        "workloads/k8s-schedperf__pod-with-node-inclusion-policy.yaml" => {
            Ok("read as `nodeAffinityPolicy`")
        }
        "workloads/k8s-website__deployment-with-capacity-reservation.yaml" => {
            Err("preferredDuringSchedulingIgnoredDuringExecution[0]: missing field `weight`")
        }
        "workloads/k8s-website__pod-with-node-affinity-broken.yaml" => {
            Err("requiredDuringSchedulingIgnoredDuringExecution: expected a mapping, found a list")
        }
        "workloads/k8s-website__pod-with-numeric-toleration.yaml" => {
            Err("spec.tolerations[0].operator: unknown variant `Gt`")
        }
        // The typo is in securityContext, a field podplan does not read.
        "workloads/karpenter__disruption-budget.yaml" => Ok("skipped PodDisruptionBudget"),
        "workloads/karpenter__gpu-nvidia.yaml" => Ok(""),
        "workloads/metrics-server__base-deployment.yaml"
        | "workloads/open-simulator__rs-calico.yaml" => Ok("has no spec.selector"),
        "workloads/metrics-server__ha-patch.yaml" | "workloads/popeye__mixed-pod-list.yaml" => {
            Ok("has no containers")
        }
        "workloads/popeye__dp-list.yaml" => Ok("does not match the template's labels"),
        other => panic!("no policy written for warn file {other}"),
    }
}

/// Splits one CSV line (quoted fields may contain commas).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            _ => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

#[test]
fn every_corpus_file_is_handled_as_the_index_says() {
    let index = std::fs::read_to_string(Path::new(ROOT).join("index.csv")).unwrap();
    let mut checked = 0;
    for line in index.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let fields = csv_fields(line);
        let (file, expect) = (fields[0].as_str(), fields[1].as_str());
        let path = Path::new(ROOT).join(file);
        let result = if file.ends_with("kube-scheduler-static-pods.yaml") {
            // Its static pods are bound to master-1..3: alone, that is a pod bound to a node
            // not in the input (an error, checked below); with the nodes it loads.
            let alone = podplan::load_problem(&[&path]).unwrap_err().to_string();
            assert!(
                alone.contains("spec.nodeName") && alone.contains("master-1"),
                "{alone}"
            );
            let masters = Path::new(ROOT).join("../open-simulator-masters.yaml");
            podplan::load_problem(&[masters, path.clone()])
        } else {
            podplan::load_problem(&[&path])
        };
        let name = path.display().to_string();
        match expect {
            "load" | "load (large)" | "reject-or-split" => {
                let problem = result.unwrap_or_else(|e| panic!("{file}: {e}"));
                if expect == "reject-or-split" {
                    // Two concatenated JSON objects, both skip kinds: two notes.
                    let skipped = problem
                        .notes
                        .iter()
                        .filter(|n| n.message.starts_with("skipped"))
                        .count();
                    assert_eq!(skipped, 2, "{file}");
                }
                if expect == "load (large)" {
                    assert_eq!(problem.nodes.len(), 1213, "{file}");
                }
            }
            "load+skip" => {
                let problem = result.unwrap_or_else(|e| panic!("{file}: {e}"));
                assert!(
                    problem.notes.iter().any(|n| n.message.starts_with("skipped") && n.origin.file.as_ref() == name),
                    "{file}: expected a skip note, got {:?}",
                    problem.notes
                );
            }
            "reject" => {
                let err = result
                    .err()
                    .unwrap_or_else(|| panic!("{file}: expected an error"))
                    .to_string();
                assert!(err.starts_with(&format!("{name}:")), "{file}: {err}");
                let line_no: usize = err[name.len() + 1..]
                    .split(':')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!(line_no > 0, "{err}");
            }
            "warn" => match (warn_policy(file), result) {
                (Ok(note), Ok(problem)) => assert!(
                    note.is_empty() || problem.notes.iter().any(|n| n.message.contains(note)),
                    "{file}: expected a note containing {note:?}, got {:?}",
                    problem.notes
                ),
                (Err(text), Err(err)) => {
                    let err = err.to_string();
                    assert!(
                        err.starts_with(&format!("{name}:")) && err.contains(text),
                        "{file}: {err}"
                    );
                }
                (policy, result) => panic!(
                    "{file}: policy {policy:?}, got {:?}",
                    result.map(|p| p.notes)
                ),
            },
            other => panic!("{file}: unknown expectation {other}"),
        }
        checked += 1;
    }
    assert_eq!(checked, 84);
}

#[test]
fn yaml_and_kyaml_forms_of_one_object_load_the_same() {
    let yaml = podplan::load_problem(&[
        Path::new(ROOT).join("workloads/k8s-website__pod-with-pod-affinity.yaml")
    ])
    .unwrap();
    let kyaml = podplan::load_problem(&[
        Path::new(ROOT).join("workloads/k8s-website__pod-with-pod-affinity-kyaml.yaml")
    ])
    .unwrap();
    assert_eq!(yaml.groups[0].template, kyaml.groups[0].template);
}
