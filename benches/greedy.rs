//! Greedy reference throughput: pods scheduled per second on Kubernetes-shaped clusters with
//! zone spread, anti-affinity and affinity (criterion reports it as elements/s).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use podplan::greedy::{self, Strategy};
use podplan::synthetic::{Shape, generate};

fn greedy_throughput(c: &mut Criterion) {
    let mut group = c.benchmark_group("greedy");
    group.sample_size(10);
    for (nodes, pods) in [(100, 1000), (500, 2000)] {
        let problem = generate(Shape {
            nodes,
            zones: 3,
            pods,
            rules: true,
            uniform_nodes: false,
            seed: 7,
        });
        let pending = problem.pending_pod_count();
        group.throughput(Throughput::Elements(pending as u64));
        group.bench_function(format!("{nodes}_nodes_{pending}_pods"), |b| {
            b.iter(|| greedy::schedule(&problem, Strategy::KubeScheduler))
        });
    }
    group.finish();
}

criterion_group!(benches, greedy_throughput);
criterion_main!(benches);
