//! Bin packing: time to a proven optimum on shipped benchmark instances (and on every instance
//! of `$PODPLAN_BINPACKING_DIR` when set), against first-fit decreasing. `bench_report` writes
//! the full table to BENCHMARKS.md.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use podplan::binpack::{BinPackOptions, Instance, bounds, solve};

fn instances() -> Vec<(String, Instance)> {
    let shipped = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/binpacking");
    let mut list = Vec::new();
    let mut add = |dir: &str, names: &[&str]| {
        for name in names {
            let sub = if name.starts_with("Vec") { "2d" } else { "1d" };
            if let Ok(text) = std::fs::read_to_string(format!("{dir}/{sub}/{name}.txt"))
                && let Ok(instance) = Instance::parse(&text)
            {
                list.push((name.to_string(), instance));
            }
        }
    };
    add(
        shipped,
        &[
            "Falkenauer_u120_00",
            "Falkenauer_u250_00",
            "Falkenauer_t60_00",
            "VecDom_Falkenauer_u120_08",
        ],
    );
    if let Ok(dir) = std::env::var("PODPLAN_BINPACKING_DIR") {
        add(
            &dir,
            &["Falkenauer_t120_00", "Schwerin1_BPP1", "Hard28_BPP14"],
        );
    }
    list
}

fn binpacking(c: &mut Criterion) {
    let mut group = c.benchmark_group("binpack");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    for (name, instance) in instances() {
        group.bench_function(format!("optimal/{name}"), |b| {
            b.iter(|| {
                solve(
                    &instance,
                    &BinPackOptions {
                        time_limit: Some(Duration::from_secs(10)),
                        ..BinPackOptions::default()
                    },
                )
            })
        });
        group.bench_function(format!("ffd/{name}"), |b| {
            b.iter(|| bounds::greedy_packing(&instance))
        });
    }
    group.finish();
}

criterion_group!(benches, binpacking);
criterion_main!(benches);
