//! Cost of testrig's request recorder on a round trip, and of an assertion over many requests.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use testrig::http::{Mock, MockServer, ResponseTemplate, matchers, post};

fn round_trip(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let client = reqwest::Client::new();
    let plain = rt.block_on(wiremock::MockServer::start());
    let ours = rt.block_on(MockServer::start());
    rt.block_on(async {
        let ok = || Mock::given(matchers::any()).respond_with(ResponseTemplate::new(200));
        ok().mount(&plain).await;
        ok().mount(&ours).await;
    });

    let mut group = c.benchmark_group("POST round trip");
    let plain_url = format!("{}/ingest", plain.uri());
    group.bench_function("wiremock MockServer", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for n in 0..iters {
                let body = json!({"n": n});
                rt.block_on(client.post(&plain_url).json(&body).send())
                    .unwrap();
            }
            let spent = start.elapsed();
            rt.block_on(plain.reset());
            rt.block_on(
                Mock::given(matchers::any())
                    .respond_with(ResponseTemplate::new(200))
                    .mount(&plain),
            );
            spent
        })
    });
    let ours_url = ours.url("/ingest");
    group.bench_function("testrig MockServer (recorder on)", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for n in 0..iters {
                let body = json!({"n": n});
                rt.block_on(client.post(&ours_url).json(&body).send())
                    .unwrap();
            }
            let spent = start.elapsed();
            rt.block_on(ours.reset());
            rt.block_on(
                ours.mount(Mock::given(matchers::any()).respond_with(ResponseTemplate::new(200))),
            );
            spent
        })
    });
    group.finish();
}

fn assertion(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let client = reqwest::Client::new();
    let server = rt.block_on(MockServer::start());
    rt.block_on(async {
        Mock::given(matchers::any())
            .respond_with(ResponseTemplate::new(200))
            .mount(&server)
            .await;
        for n in 0..1000 {
            let body = json!({"n": n, "level": "info", "tags": ["a", "b"]});
            client
                .post(server.url("/ingest"))
                .json(&body)
                .send()
                .await
                .unwrap();
        }
    });
    c.bench_function("assert_received json_includes over 1000 requests", |b| {
        b.iter(|| {
            let e = post("/ingest").json_includes(json!({"n": 999, "tags": ["a", "b"]}));
            server.assert_received(black_box(e));
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = round_trip, assertion
}
criterion_main!(benches);
