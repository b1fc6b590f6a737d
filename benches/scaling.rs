//! Kubernetes-shaped clusters: greedy (kube-scheduler) against the optimiser on the same
//! generated problems (zone spread, anti-affinity, affinity). `bench_report` runs the larger
//! sizes once and writes the ratios to BENCHMARKS.md.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use podplan::greedy::{self, Strategy};
use podplan::solve::{SolveOptions, solve};
use podplan::synthetic::{Shape, generate};

fn scaling(c: &mut Criterion) {
    let mut group = c.benchmark_group("scaling");
    group.sample_size(10);
    for (nodes, pods) in [(10, 100), (50, 500)] {
        let problem = generate(Shape {
            nodes,
            zones: 3,
            pods,
            rules: true,
            uniform_nodes: false,
            seed: 42,
        });
        group.bench_function(format!("greedy/{nodes}x{pods}"), |b| {
            b.iter(|| greedy::schedule(&problem, Strategy::KubeScheduler))
        });
        group.bench_function(format!("optimiser/{nodes}x{pods}"), |b| {
            b.iter(|| {
                solve(
                    &problem,
                    &SolveOptions {
                        time_limit: Some(Duration::from_secs(30)),
                        gap: 0.01,
                        ..SolveOptions::default()
                    },
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, scaling);
criterion_main!(benches);
