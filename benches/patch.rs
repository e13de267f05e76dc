//! What a seam costs: an unpatched call (one atomic load before the real body), compared with
//! the same function without `#[patchable]`, and a patched call, from the patching thread and
//! from a thread without a test context.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

#[inline(never)]
fn plain(x: u64) -> u64 {
    x.wrapping_mul(31) ^ 7
}

#[testrig::patchable(always)]
#[inline(never)]
fn seam(x: u64) -> u64 {
    x.wrapping_mul(31) ^ 7
}

fn calls(c: &mut Criterion) {
    let mut group = c.benchmark_group("patch");
    group.bench_function("plain fn", |b| b.iter(|| plain(black_box(3))));
    group.bench_function("patchable fn, unpatched", |b| b.iter(|| seam(black_box(3))));
    {
        let _patch = testrig::patch!(seam, |x| x + 1);
        group.bench_function("patchable fn, patched", |b| b.iter(|| seam(black_box(3))));
    }
    {
        // A test's patch called from a thread without a test context (one of the test's
        // workers): the call also notes whose patch it ran, for a panic message.
        let test = testrig::context::TestContext::new("bench::patching_test", None);
        let entered = test.enter();
        let _patch = testrig::patch!(seam, |x| x + 1);
        drop(entered);
        group.bench_function("patchable fn, a test's patch, contextless caller", |b| {
            b.iter(|| seam(black_box(3)))
        });
    }
    group.bench_function("patch! + drop", |b| {
        b.iter(|| drop(testrig::patch!(seam, |x| x + 1)))
    });
    group.finish();
}

criterion_group!(benches, calls);
criterion_main!(benches);
