//! Every conformance case (kube-scheduler's filter tests rewritten as data, plus podplan's own)
//! runs through `explain`: the pending pod's feasible node set must be exactly the expected one.

mod common;

use std::path::Path;

use podplan::manifest::tree::parse_documents;

use common::conformance_cases;

/// The `expect.feasibleNodes` of a case's header.
fn expected(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let docs = parse_documents(&text).unwrap();
    let header = &docs[0];
    assert_eq!(
        header.get("kind").and_then(|k| k.as_str()),
        Some("ConformanceCase")
    );
    match &header
        .get("expect")
        .and_then(|e| e.get("feasibleNodes"))
        .expect("feasibleNodes")
        .value
    {
        podplan::manifest::tree::YamlValue::Sequence(items) => items
            .iter()
            .map(|i| i.as_str().unwrap().to_string())
            .collect(),
        _ => Vec::new(),
    }
}

#[test]
fn explain_matches_every_conformance_case() {
    let mut failures = Vec::new();
    let files = conformance_cases();
    for file in &files {
        let problem = podplan::load_problem(&[file]).unwrap();
        let diagnosis = podplan::explain::explain(&problem);
        assert_eq!(diagnosis.pods.len(), 1, "{}", file.display());
        let mut got = diagnosis.pods[0].feasible_nodes.clone();
        got.sort();
        let mut want = expected(file);
        want.sort();
        if got != want {
            failures.push(format!(
                "{}: expected {want:?}, got {got:?}\n  {:?}",
                file.file_name().unwrap().to_string_lossy(),
                diagnosis.pods[0].rejections
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
