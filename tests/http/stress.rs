//! Many tests at once on pooled servers: each sees only its own requests.

use serde_json::json;
use testrig::http::{BlockingMockServer, Mock, MockServer, ResponseTemplate, matchers, post};

async fn run_async(id: usize) {
    let mock_server = MockServer::start().await;
    Mock::given(matchers::path("/ingest"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&mock_server)
        .await;
    let client = reqwest::Client::new();
    for n in 0..5 {
        client
            .post(mock_server.url("/ingest"))
            .json(&json!({"test": id, "n": n}))
            .send()
            .await
            .unwrap();
    }
    mock_server.assert_received_only([post("/ingest").json_includes(json!({"test": id})).times(5)]);
    mock_server.assert_received_in_order(
        (0..5).map(|n| post("/ingest").json(json!({"test": id, "n": n}))),
    );
}

fn run_blocking(id: usize) {
    let mock_server = BlockingMockServer::start();
    mock_server
        .mount(Mock::given(matchers::path("/ingest")).respond_with(ResponseTemplate::new(200)));
    for n in 0..5 {
        crate::send(
            "POST",
            &mock_server.url("/ingest"),
            Some(json!({"test": id, "n": n})),
        );
    }
    mock_server.assert_received_only([post("/ingest").json_includes(json!({"test": id})).times(5)]);
}

macro_rules! stress {
    ($($name:ident: $id:expr, $kind:ident;)*) => {$(
        stress!(@ $kind $name $id);
    )*};
    (@ async $name:ident $id:expr) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            run_async($id).await;
        }
    };
    (@ sync $name:ident $id:expr) => {
        #[test]
        fn $name() {
            run_blocking($id);
        }
    };
}

stress! {
    a00: 0, async; a01: 1, async; a02: 2, async; a03: 3, async; a04: 4, async; a05: 5, async;
    a06: 6, async; a07: 7, async; a08: 8, async; a09: 9, async; a10: 10, async; a11: 11, async;
    a12: 12, async; a13: 13, async; a14: 14, async; a15: 15, async; a16: 16, async;
    a17: 17, async; a18: 18, async; a19: 19, async; a20: 20, async; a21: 21, async;
    a22: 22, async; a23: 23, async;
    b24: 24, sync; b25: 25, sync; b26: 26, sync; b27: 27, sync; b28: 28, sync; b29: 29, sync;
    b30: 30, sync; b31: 31, sync; b32: 32, sync; b33: 33, sync; b34: 34, sync; b35: 35, sync;
}
