//! Bad input gets an error naming the file, the line and the field; never a panic, never a
//! silent skip. Also: directories, stdin and the `check` command's exit status.

use std::io::Write;
use std::process::{Command, Stdio};

use podplan::manifest::load_str;
use podplan::model::Problem;

fn problem_error(text: &str) -> String {
    match load_str("bad.yaml", text) {
        Err(e) => e.to_string(),
        Ok(loaded) => match Problem::from_loaded(&loaded) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("expected an error for:\n{text}"),
        },
    }
}

/// Asserts that `error` starts with `bad.yaml:LINE:` and contains every fragment.
fn assert_error(error: &str, line: usize, fragments: &[&str]) {
    assert!(
        error.starts_with(&format!("bad.yaml:{line}:")),
        "wrong position: {error}"
    );
    for fragment in fragments {
        assert!(error.contains(fragment), "missing {fragment:?} in: {error}");
    }
}

const POD_HEAD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n";

#[test]
fn malformed_yaml() {
    let error = problem_error("apiVersion: v1\nkind: Pod\nmetadata: {name: p\nspec: {}\n");
    assert!(error.starts_with("bad.yaml:"), "{error}");
    assert!(error.contains("syntax error"), "{error}");
    let error = problem_error("apiVersion: v1\nkind: Pod\nkind: Node\n");
    assert_error(&error, 3, &["duplicate key `kind`"]);
}

#[test]
fn invalid_quantity() {
    let text = format!(
        "{POD_HEAD}spec:\n  containers:\n  - name: c\n    resources:\n      requests:\n        cpu: 1K\n"
    );
    let error = problem_error(&text);
    assert_error(
        &error,
        10,
        &[
            "spec.containers[0].resources.requests.cpu",
            "invalid quantity `1K`",
        ],
    );
}

#[test]
fn negative_quantity() {
    let text = format!(
        "{POD_HEAD}spec:\n  containers:\n  - name: c\n    resources:\n      limits: {{memory: -1Gi}}\n"
    );
    let error = problem_error(&text);
    assert_error(&error, 9, &["limits.memory", "must not be negative"]);
}

#[test]
fn unknown_selector_operator() {
    let text = format!(
        "{POD_HEAD}spec:\n  containers: [{{name: c}}]\n  affinity:\n    podAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n      - topologyKey: zone\n        labelSelector:\n          matchExpressions:\n          - {{key: app, operator: Gt, values: ['1']}}\n"
    );
    let error = problem_error(&text);
    assert_error(
        &error,
        13,
        &[
            "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchExpressions[0].operator",
            "unknown variant `Gt`",
        ],
    );
    let text = format!(
        "{POD_HEAD}spec:\n  containers: [{{name: c}}]\n  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchExpressions:\n          - key: zone\n            operator: Near\n"
    );
    let error = problem_error(&text);
    assert_error(
        &error,
        13,
        &["matchExpressions[0].operator", "unknown variant `Near`"],
    );
}

#[test]
fn negative_replicas() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: -2\n  template: {spec: {containers: [{name: c}]}}\n";
    let error = problem_error(text);
    assert_error(&error, 5, &["spec.replicas", "negative"]);
}

#[test]
fn pod_bound_to_a_missing_node() {
    let text = format!("{POD_HEAD}spec:\n  containers: [{{name: c}}]\n  nodeName: nowhere\n");
    let error = problem_error(&text);
    assert_error(
        &error,
        7,
        &["spec.nodeName", "`nowhere`", "not in the input"],
    );
}

#[test]
fn duplicate_names() {
    let node = "apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n";
    let error = problem_error(&format!("{node}---\n{node}"));
    assert_error(
        &error,
        9,
        &["metadata.name", "duplicate Node `n1`", "bad.yaml:4:"],
    );
    // Same name, different namespaces: fine.
    let pod = |ns: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p, namespace: {ns}}}\nspec: {{containers: [{{name: c}}]}}\n"
        )
    };
    assert!(load_str("ok.yaml", &format!("{}---\n{}", pod("a"), pod("b"))).is_ok());
}

#[test]
fn wrong_shapes_and_missing_kind() {
    let error = problem_error(&format!("{POD_HEAD}spec:\n  containers: {{name: c}}\n"));
    assert_error(
        &error,
        6,
        &["spec.containers", "expected a list, found a mapping"],
    );
    let error = problem_error("apiVersion: v1\nmetadata: {name: x}\n");
    assert_error(&error, 1, &["missing field `kind`"]);
    let error = problem_error("- just\n- a list\n");
    assert_error(&error, 1, &["expected a Kubernetes object"]);
    let error = problem_error(&format!(
        "{POD_HEAD}spec:\n  containers: [{{name: c}}]\n  topologySpreadConstraints:\n  - {{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: Sometimes}}\n"
    ));
    assert_error(
        &error,
        8,
        &[
            "topologySpreadConstraints[0].whenUnsatisfiable",
            "Sometimes",
        ],
    );
}

#[test]
fn no_panic_on_hostile_input() {
    for text in [
        "",
        "---\n---\n",
        "{",
        "[",
        ":",
        "!!binary x",
        "a: *unknown",
        "kind: List\napiVersion: v1\nitems: 3\n",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {priority: 99999999999}\n",
        "apiVersion: v1\nkind: Node\nmetadata: {name: n}\nstatus: {allocatable: {cpu: 1E}}\n",
        "\u{feff}apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n",
    ] {
        let _ = load_str("hostile.yaml", text).map(|l| Problem::from_loaded(&l));
    }
}

#[test]
fn directories_load_recursively_in_sorted_order_and_skip_other_files() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tree");
    let problem = podplan::load_problem(&[dir]).unwrap();
    let names: Vec<&str> = problem.nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["node-b", "node-c", "node-a"]); // b-nodes.yaml sorts before sub/
}

#[test]
fn check_reads_stdin_and_fails_with_the_error() {
    let run = |input: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_podplan"))
            .args(["check", "-f", "-", "-o", "json"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let ok = run(
        "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus: {allocatable: {cpu: 1, memory: 1Gi, pods: 10}}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n",
    );
    assert!(ok.status.success());
    let json: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(json["nodes"][0]["name"], "n1");
    assert!(
        json["notes"][0]
            .as_str()
            .unwrap()
            .contains("skipped Service")
    );
    let bad = run(
        "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus: {allocatable: {cpu: lots}}\n",
    );
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("<stdin>:4:") && stderr.contains("status.allocatable.cpu"),
        "{stderr}"
    );
}
