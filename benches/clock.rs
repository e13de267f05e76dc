//! What reading testrig's clock costs, against std's, with the real clock and a frozen one.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

fn reads(c: &mut Criterion) {
    let mut group = c.benchmark_group("clock");
    group.bench_function("std Instant::now", |b| {
        b.iter(|| black_box(std::time::Instant::now()))
    });
    group.bench_function("testrig Instant::now, real", |b| {
        b.iter(|| black_box(testrig::clock::Instant::now()))
    });
    group.bench_function("std SystemTime::now", |b| {
        b.iter(|| black_box(std::time::SystemTime::now()))
    });
    group.bench_function("testrig SystemTime::now, real", |b| {
        b.iter(|| black_box(testrig::clock::SystemTime::now()))
    });
    {
        let _clock = testrig::clock::freeze();
        group.bench_function("testrig Instant::now, frozen", |b| {
            b.iter(|| black_box(testrig::clock::Instant::now()))
        });
    }
    group.finish();
}

criterion_group!(benches, reads);
criterion_main!(benches);
