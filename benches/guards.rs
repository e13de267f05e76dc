//! Cost of one guard set + restore, against the raw std calls it wraps.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

const KEY: &str = "TESTRIG_BENCH_GUARD";

fn env_pairs(c: &mut Criterion) {
    let mut group = c.benchmark_group("env set+restore");
    group.bench_function("raw set_var + remove_var", |b| {
        b.iter(|| {
            // SAFETY: the bench is single-threaded; nothing else reads the environment.
            unsafe {
                std::env::set_var(black_box(KEY), black_box("value"));
                std::env::remove_var(black_box(KEY));
            }
        })
    });
    group.bench_function("raw save + set_var + restore", |b| {
        b.iter(|| {
            let saved = std::env::var_os(black_box(KEY));
            // SAFETY: as above.
            unsafe {
                std::env::set_var(KEY, black_box("value"));
                match saved {
                    Some(v) => std::env::set_var(KEY, v),
                    None => std::env::remove_var(KEY),
                }
            }
        })
    });
    group.bench_function("testrig env::set guard", |b| {
        b.iter(|| drop(testrig::env::set(black_box(KEY), black_box("value"))))
    });
    group.bench_function("testrig nested guards (2 layers)", |b| {
        b.iter(|| {
            let outer = testrig::env::set(black_box(KEY), "outer");
            let inner = testrig::env::set(black_box(KEY), "inner");
            drop(outer);
            drop(inner);
        })
    });
    group.finish();
}

fn serial_key(c: &mut Criterion) {
    let mut group = c.benchmark_group("serial key take+release");
    group.bench_function("lock::serial_local (in-process key)", |b| {
        b.iter(|| drop(testrig::lock::serial_local(black_box("bench-key"))))
    });
    // Also opens and locks a file under target/testrig-locks, so other processes wait too.
    group.bench_function("lock::serial (in-process key + file lock)", |b| {
        b.iter(|| drop(testrig::lock::serial(black_box("bench-key"))))
    });
    group.finish();
}

criterion_group!(benches, env_pairs, serial_key);
criterion_main!(benches);
