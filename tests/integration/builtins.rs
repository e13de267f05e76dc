//! The fixtures that come with testrig beyond `tmp_dir` and `test_context`: `mock_server`,
//! `blocking_mock_server`, `logs` and `scope`, used by name like any fixture.

use testrig::prelude::*;

#[cfg(feature = "http")]
mod http {
    use serde_json::json;
    use testrig::http::{Mock, ResponseTemplate, matchers};
    use testrig::prelude::*;

    #[testrig::test]
    #[tokio::test]
    async fn the_mock_server_fixture_is_a_started_strict_server(mock_server: MockServer) {
        Mock::given(matchers::method("POST"))
            .and(matchers::path("/post"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
            .mount(&mock_server)
            .await;
        let reply: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/post", mock_server.uri()))
            .json(&json!({"key_1": "value_1"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(reply, json!({"ok": true}));
        mock_server.assert_received(post("/post").json_includes(json!({"key_1": "value_1"})));
    }

    /// Strict mode through the fixture: the unmatched request fails the test at teardown,
    /// listing the request.
    #[testrig::test]
    #[tokio::test]
    #[should_panic(expected = "GET /nobody-mounted-this")]
    async fn an_unmatched_request_fails_the_test_at_its_end(mock_server: MockServer) {
        let status = reqwest::get(format!("{}/nobody-mounted-this", mock_server.uri()))
            .await
            .unwrap()
            .status();
        assert_eq!(status, 404);
    }

    #[testrig::test]
    fn sync_tests_take_the_blocking_server(blocking_mock_server: BlockingMockServer) {
        blocking_mock_server
            .mount(Mock::given(matchers::method("GET")).respond_with(ResponseTemplate::new(204)));
        let status = reqwest::blocking::get(format!("{}/health", blocking_mock_server.uri()))
            .unwrap()
            .status();
        assert_eq!(status, 204);
        blocking_mock_server.assert_received(get("/health"));
    }

    /// The server's URI reaches the code under test through an env guard held by a fixture.
    #[fixture]
    fn api_url(blocking_mock_server: &BlockingMockServer) -> EnvGuard {
        env::set("TESTRIG_IT_API_URL", blocking_mock_server.uri())
    }

    #[testrig::test]
    #[fixture_use(api_url)]
    fn the_uri_reaches_the_code_through_an_env_fixture(blocking_mock_server: &BlockingMockServer) {
        assert_eq!(
            std::env::var("TESTRIG_IT_API_URL").unwrap(),
            blocking_mock_server.uri()
        );
    }
}

#[cfg(feature = "log")]
mod logs {
    use testrig::prelude::*;

    #[testrig::test]
    fn the_logs_fixture_captures_this_test_and_its_scoped_threads(
        logs: LogCapture,
        scope: TaskScope,
    ) {
        log::warn!("retrying in 2s");
        scope.spawn_thread(|| log::info!("from a worker"));
        scope.finish();
        logs.assert_contains(Level::Warn, "retrying");
        logs.assert_contains(Level::Info, "from a worker");
    }

    #[testrig::test]
    fn another_test_sees_none_of_those_records(logs: LogCapture) {
        log::info!("mine");
        logs.assert_not_contains(Level::Warn, "retrying");
        logs.assert_count((Level::Info, "mine"), 1);
    }
}

#[testrig::test]
#[should_panic(expected = "the worker failed")]
fn a_scope_child_that_panics_after_the_body_fails_the_test(scope: TaskScope) {
    scope.spawn_thread(|| {
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert_eq!(1 + 1, 3, "the worker failed");
    });
    // The body returns at once; the failure surfaces when the fixture is torn down.
}

#[testrig::test]
fn scope_children_run_in_the_tests_context(scope: TaskScope, test_context: TestContext) {
    let name = test_context.name().to_owned();
    scope.spawn_thread(move || {
        let seen = TestContext::current().expect("the child carries the context");
        assert_eq!(seen.name(), name);
    });
}
