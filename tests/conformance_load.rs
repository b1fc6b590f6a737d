//! Every conformance case file loads into a `Problem`; its `ConformanceCase` header is skipped
//! with a note.

use std::path::Path;

#[test]
fn every_conformance_case_loads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/conformance");
    let mut count = 0;
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        for file in std::fs::read_dir(&dir).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_none_or(|e| e != "yaml") {
                continue;
            }
            let problem = podplan::load_problem(&[&file]).unwrap_or_else(|e| panic!("{e}"));
            assert!(
                problem
                    .notes
                    .iter()
                    .any(|n| n.message.contains("skipped ConformanceCase")),
                "{}",
                file.display()
            );
            assert_eq!(problem.pending_pod_count(), 1, "{}", file.display());
            count += 1;
        }
    }
    assert!(count >= 61, "only {count} cases");
}
