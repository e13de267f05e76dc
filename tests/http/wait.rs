use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use testrig::http::{BlockingMockServer, Mock, MockServer, ResponseTemplate, matchers, post};

use crate::{panic_message, send};

fn ok() -> Mock {
    Mock::given(matchers::any()).respond_with(ResponseTemplate::new(200))
}

fn payload(err: tokio::task::JoinError) -> String {
    let payload = err.into_panic();
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(p) => (*p.downcast::<&str>().unwrap()).to_owned(),
    }
}

#[tokio::test]
async fn wait_for_requests_from_a_background_thread() {
    let mock_server = MockServer::start().await;
    mock_server.mount(ok()).await;
    let url = mock_server.url("/logs");
    let sender = std::thread::spawn(move || {
        for n in 0..3 {
            std::thread::sleep(Duration::from_millis(20));
            send("POST", &url, Some(json!({"n": n})));
        }
    });
    mock_server
        .wait_for(post("/logs").times(3), Duration::from_secs(30))
        .await;
    mock_server.assert_received(post("/logs").json(json!({"n": 2})));
    sender.join().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_for_requests_from_a_background_task() {
    let mock_server = MockServer::start().await;
    mock_server.mount(ok()).await;
    let url = mock_server.url("/event");
    let task = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(30)).await;
        reqwest::Client::new().post(url).send().await.unwrap();
    });
    mock_server
        .wait_for(post("/event"), Duration::from_secs(30))
        .await;
    task.await.unwrap();
}

#[tokio::test]
async fn wait_for_times_out_with_diagnostics_and_the_calling_line() {
    let mock_server = Arc::new(MockServer::start().await);
    mock_server.mount(ok()).await;
    reqwest::Client::new()
        .post(mock_server.url("/log"))
        .json(&json!({"level": "info"}))
        .send()
        .await
        .unwrap();
    let server = mock_server.clone();
    let err = tokio::spawn(async move {
        server
            .wait_for(
                post("/log").json_includes(json!({"level": "warn"})),
                Duration::from_millis(100),
            )
            .await;
    })
    .await
    .unwrap_err();
    let msg = payload(err);
    assert!(
        msg.starts_with(
            "testrig::http: expected 1 request matching `POST /log, json includes \
             {\"level\":\"warn\"}`, got 0 after waiting 100ms (`wait_for` at tests/http/wait.rs:"
        ),
        "{msg}"
    );
    assert!(
        msg.contains("      $.level: expected \"warn\", got \"info\"\n"),
        "{msg}"
    );
}

#[tokio::test]
async fn wait_for_fails_when_more_than_the_exact_count_arrived() {
    let mock_server = Arc::new(MockServer::start().await);
    mock_server.mount(ok()).await;
    for _ in 0..2 {
        reqwest::Client::new()
            .post(mock_server.url("/x"))
            .send()
            .await
            .unwrap();
    }
    let server = mock_server.clone();
    let err = tokio::spawn(async move {
        server.wait_for(post("/x"), Duration::from_secs(30)).await;
    })
    .await
    .unwrap_err();
    assert!(payload(err).contains("expected 1 request matching `POST /x`, got 2 (#1, #2)"));
}

#[test]
fn blocking_wait_for_success_and_timeout() {
    let s = BlockingMockServer::start();
    s.mount(ok());
    let url = s.url("/beat");
    let sender = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        send("POST", &url, None);
        send("POST", &url, None);
    });
    s.wait_for(post("/beat").times(2), Duration::from_secs(30));
    sender.join().unwrap();
    let msg = panic_message(|| s.wait_for(post("/beat").times(3), Duration::from_millis(50)));
    assert!(
        msg.starts_with(
            "testrig::http: expected 3 requests matching `POST /beat`, got 2 (#1, #2) after \
             waiting 50ms\n"
        ),
        "{msg}"
    );
}

#[test]
fn wait_for_never_waits_the_whole_timeout_and_fails_on_a_match() {
    let s = BlockingMockServer::start();
    s.mount(ok());
    s.wait_for(post("/alarm").never(), Duration::from_millis(50));
    let url = s.url("/alarm");
    let sender = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        send("POST", &url, None);
    });
    let msg = panic_message(|| s.wait_for(post("/alarm").never(), Duration::from_secs(30)));
    assert!(
        msg.contains("expected 0 requests matching `POST /alarm`, got 1 (#1)"),
        "{msg}"
    );
    sender.join().unwrap();
}

/// A limit too long to count (`Duration::MAX`) means "no deadline", on both servers: no
/// overflow inside std when the deadline is computed.
#[tokio::test]
async fn a_wait_without_a_deadline_does_not_overflow() {
    let mock_server = MockServer::start().await;
    mock_server.mount(ok()).await;
    let url = mock_server.url("/logs");
    std::thread::spawn(move || send("POST", &url, None))
        .join()
        .unwrap();
    mock_server.wait_for(post("/logs"), Duration::MAX).await;
}

#[test]
fn a_blocking_wait_without_a_deadline_does_not_overflow() {
    let server = BlockingMockServer::start();
    server.mount(ok());
    send("POST", &server.url("/logs"), None);
    server.wait_for(post("/logs"), Duration::MAX);
}
