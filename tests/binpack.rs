//! Bin packing on shipped benchmark instances: the optimum is found and proven with the default
//! backend, every packing is valid, and the lower bound never exceeds the known optimum.

use std::path::Path;
use std::time::Duration;

use podplan::binpack::{BinPackOptions, Instance, solve};
use podplan::plan::Status;

fn optimum(name: &str) -> usize {
    let csv = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/binpacking/optima.csv"),
    )
    .unwrap();
    csv.lines()
        .find(|l| l.starts_with(&format!("{name},")))
        .and_then(|l| l.split(',').nth(3))
        .unwrap()
        .parse()
        .unwrap()
}

fn instance(name: &str) -> Instance {
    let dir = if name.starts_with("Vec") { "2d" } else { "1d" };
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("tests/fixtures/binpacking/{dir}/{name}.txt"));
    Instance::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn optima_are_found_and_proven_on_shipped_instances() {
    // One closed by the greedy bound, others by column generation and diving, one 2-D instance
    // reduced to one dimension by dominance, two planted 2-D triplet instances by exhaustive
    // patterns (no waste to spare), and two whose optimum lies above the LP bound (proven by
    // exhaustive patterns of small reduced cost).
    for name in [
        "VecDom_Waescher_TEST0022",
        "VecDom_Hard28_BPP14",
        "Falkenauer_u120_01",
        "Falkenauer_u120_00",
        "Falkenauer_u120_03",
        "Falkenauer_t60_00",
        "Falkenauer_u250_03",
        "VecDom_Falkenauer_u120_08",
        "VecTriplet_1000x1000_n120_01",
        "VecTriplet_16000x65536_n60_02",
    ] {
        let instance = instance(name);
        let result = solve(
            &instance,
            &BinPackOptions {
                time_limit: Some(Duration::from_secs(120)),
                ..BinPackOptions::default()
            },
        );
        assert!(
            instance.is_valid_packing(&result.packing),
            "{name}: invalid packing"
        );
        assert_eq!(result.bins, result.packing.len());
        assert_eq!(
            result.status,
            Status::Optimal,
            "{name}: {} bins, bound {}",
            result.bins,
            result.lower_bound
        );
        assert_eq!(result.bins, optimum(name), "{name}");
    }
}

#[test]
fn lower_bounds_never_exceed_the_known_optimum() {
    // Caught: a node-limited 2-D pricing search once produced a "converged" LP bound of 41 on
    // a 40-bin instance. Bounds now come only from proven pricing.
    for name in [
        "VecTriplet_1000x1000_n120_01",
        "Falkenauer_u250_13",
        "Falkenauer_t60_03",
    ] {
        let instance = instance(name);
        let result = solve(
            &instance,
            &BinPackOptions {
                time_limit: Some(Duration::from_secs(1)),
                ..BinPackOptions::default()
            },
        );
        assert!(instance.is_valid_packing(&result.packing));
        assert!(
            result.lower_bound <= optimum(name),
            "{name}: bound {} > optimum {}",
            result.lower_bound,
            optimum(name)
        );
        assert!(result.bins >= optimum(name));
        if result.status != Status::Optimal {
            assert!(result.bins > result.lower_bound);
        }
    }
}

#[test]
fn the_cli_prints_the_documented_json() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/binpacking/1d/Falkenauer_u120_01.txt");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_podplan"))
        .args(["binpack", path.to_str().unwrap(), "-o", "json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["status"], "optimal");
    assert_eq!(json["bins"], 49);
    assert_eq!(json["lowerBound"], 49);
    assert_eq!(json["packing"].as_array().unwrap().len(), 49);
}
