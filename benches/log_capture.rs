//! Cost of one log record through testrig's logger and layer: with no capture live, while
//! another test captures (the common case in a parallel suite), and captured.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use testrig::log::LogCapture;

/// Runs `emit` `iters` times into `logs`, emptying it now and then so memory stays flat.
fn captured(logs: &LogCapture, iters: u64, emit: impl Fn(u64)) -> Duration {
    let mut total = Duration::ZERO;
    let mut done = 0;
    while done < iters {
        let n = (iters - done).min(10_000);
        let start = Instant::now();
        for i in 0..n {
            emit(black_box(i));
        }
        total += start.elapsed();
        logs.clear();
        done += n;
    }
    total
}

fn log_records(c: &mut Criterion) {
    let mut group = c.benchmark_group("log::info! one record");
    let installed = LogCapture::start(); // installs testrig's logger
    drop(installed);
    group.bench_function("no capture live", |b| {
        b.iter(|| log::info!(n = black_box(1); "request {} done", black_box(7)))
    });
    // A capture owned by another thread: this thread's records have no capture.
    let other = std::thread::spawn(LogCapture::start).join().unwrap();
    let test = testrig::context::TestContext::new("bench::other_test", None);
    group.bench_function("another test capturing", |b| {
        let _in = test.enter();
        b.iter(|| log::info!(n = black_box(1); "request {} done", black_box(7)))
    });
    drop(other);
    let logs = LogCapture::start();
    group.bench_function("captured", |b| {
        b.iter_custom(|iters| captured(&logs, iters, |i| log::info!(n = i; "request {} done", 7)))
    });
    group.finish();
}

fn tracing_events(c: &mut Criterion) {
    let mut group = c.benchmark_group("tracing::info! one event");
    group.bench_function("no capture live", |b| {
        b.iter(|| tracing::info!(n = black_box(1), "request {} done", black_box(7)))
    });
    let other = std::thread::spawn(LogCapture::start).join().unwrap();
    let test = testrig::context::TestContext::new("bench::other_test", None);
    group.bench_function("another test capturing", |b| {
        let _in = test.enter();
        b.iter(|| tracing::info!(n = black_box(1), "request {} done", black_box(7)))
    });
    drop(other);
    let logs = LogCapture::start();
    group.bench_function("captured", |b| {
        b.iter_custom(|iters| {
            captured(&logs, iters, |i| {
                tracing::info!(n = i, "request {} done", 7)
            })
        })
    });
    let span = tracing::info_span!("request", request_id = 42);
    group.bench_function("captured, in a span", |b| {
        let _entered = span.enter();
        b.iter_custom(|iters| {
            captured(&logs, iters, |i| {
                tracing::info!(n = i, "request {} done", 7)
            })
        })
    });
    group.finish();
}

criterion_group!(benches, log_records, tracing_events);
criterion_main!(benches);
