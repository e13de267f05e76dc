//! One function that POSTs JSON, tested at three depths:
//!
//! 1. **a patched seam**: the function that does the HTTP call is replaced for the test, so
//!    nothing below it runs (fast, but the JSON encoding and the HTTP client go untested);
//! 2. **a mock of the transport trait** (mockall): the request the code builds is checked
//!    through the trait's arguments, the HTTP client still goes untested;
//! 3. **a real local server** (testrig's `MockServer`): the real client sends real bytes to
//!    127.0.0.1, and the test asserts on what the server received, field by field.
//!
//! Run it against any server: `API_URL=http://127.0.0.1:8080 cargo run --example
//! http_three_depths --features http`.

use serde_json::{Value, json};

/// What can go wrong talking to the service.
#[derive(Debug, PartialEq)]
enum Error {
    /// The request could not be sent or the reply not read.
    Transport(String),
    /// The service answered with an error status.
    Status(u16),
}

/// How the code under test reaches the network (depth 2 mocks this).
#[cfg_attr(test, mockall::automock)]
trait Transport {
    async fn post_json(&self, url: &str, body: &Value) -> Result<Value, Error>;
}

/// The real transport: plain reqwest.
struct Http;

impl Transport for Http {
    async fn post_json(&self, url: &str, body: &Value) -> Result<Value, Error> {
        post_json(url, body).await
    }
}

/// The one function that does HTTP (depth 1 replaces it). `#[patchable]` makes it a seam in
/// test builds only; `cargo build` compiles it exactly as written.
#[testrig::patchable]
async fn post_json(url: &str, body: &Value) -> Result<Value, Error> {
    let response = reqwest::Client::new()
        .post(url)
        .json(body)
        .send()
        .await
        .map_err(|e| Error::Transport(e.to_string()))?;
    if !response.status().is_success() {
        return Err(Error::Status(response.status().as_u16()));
    }
    response
        .json()
        .await
        .map_err(|e| Error::Transport(e.to_string()))
}

/// The code under test: posts one key/value pair to `{base_url}/post` and reports whether
/// the service accepted it.
async fn make_request(
    transport: &impl Transport,
    base_url: &str,
    value: &str,
) -> Result<bool, Error> {
    let body = json!({"key_1": value, "client": "three-depths"});
    let reply = transport
        .post_json(&format!("{base_url}/post"), &body)
        .await?;
    Ok(reply.get("ok") == Some(&Value::Bool(true)))
}

#[tokio::main]
async fn main() {
    let base_url = std::env::var("API_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".into());
    match make_request(&Http, &base_url, "value_1").await {
        Ok(accepted) => println!("accepted: {accepted}"),
        Err(e) => println!("failed: {e:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use testrig::http::{BlockingMockServer, Mock, MockServer, ResponseTemplate, matchers, post};

    // Depth 1: the seam. Nothing below `post_json` runs. The patch is process-wide (the
    // client's worker threads would see it too), but the depth 3 tests, running in parallel
    // as testrig tests of their own, keep calling the real `post_json`.
    #[testrig::test]
    #[tokio::test]
    async fn depth_1_patched_seam() {
        let _seam = testrig::patch!(post_json, |url: &str, body: &Value| {
            assert_eq!(url, "http://service.invalid/post");
            assert_eq!(body["key_1"], "value_1");
            Ok(json!({"ok": true}))
        });
        let accepted = make_request(&Http, "http://service.invalid", "value_1").await;
        assert_eq!(accepted, Ok(true));
    }

    #[testrig::test]
    #[tokio::test]
    async fn depth_1_patched_seam_error() {
        let _seam = testrig::patch!(post_json, |_: &str, _: &Value| Err(Error::Status(503)));
        assert_eq!(
            make_request(&Http, "http://x.invalid", "v").await,
            Err(Error::Status(503))
        );
    }

    // Depth 2: a mock of the transport trait checks the arguments the code passes.
    #[testrig::test]
    #[tokio::test]
    async fn depth_2_mocked_transport() {
        let mut transport = MockTransport::new();
        transport
            .expect_post_json()
            .withf(|url, body| {
                url == "http://service.invalid/post"
                    && body == &json!({"key_1": "value_1", "client": "three-depths"})
            })
            .times(1)
            .returning(|_, _| Ok(json!({"ok": false})));
        let accepted = make_request(&transport, "http://service.invalid", "value_1").await;
        assert_eq!(accepted, Ok(false));
    }

    // Depth 3: the real client against a real local server.
    #[testrig::test]
    #[tokio::test]
    async fn depth_3_local_server() {
        let mock_server = MockServer::start().await;
        Mock::given(matchers::method("POST"))
            .and(matchers::path("/post"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
            .mount(&mock_server)
            .await;

        let accepted = make_request(&Http, &mock_server.uri(), "value_1").await;

        assert_eq!(accepted, Ok(true));
        mock_server.assert_received(
            post("/post")
                .header("content-type", "application/json")
                .json_includes(json!({"key_1": "value_1"})),
        );
    }

    #[testrig::test]
    #[tokio::test]
    async fn depth_3_error_status_reaches_the_caller() {
        let mock_server = MockServer::start().await;
        Mock::given(matchers::any())
            .respond_with(ResponseTemplate::new(503))
            .mount(&mock_server)
            .await;
        assert_eq!(
            make_request(&Http, &mock_server.uri(), "v").await,
            Err(Error::Status(503))
        );
        mock_server.assert_received(post("/post"));
    }

    // What depth 3 shows when the code sends the wrong body: the closest request and a diff.
    // A testrig test like the others: a plain `#[test]` has no context, so it would see
    // depth 1's patch of `post_json` whenever the two run at the same moment.
    #[testrig::test]
    fn depth_3_failure_names_the_differing_field() {
        let mock_server = BlockingMockServer::start();
        mock_server.mount(
            Mock::given(matchers::any())
                .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true}))),
        );
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(make_request(&Http, &mock_server.uri(), "value_2"))
            .unwrap();
        let failure = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            mock_server.assert_received(post("/post").json_includes(json!({"key_1": "value_1"})))
        }))
        .unwrap_err();
        let text = failure.downcast_ref::<String>().unwrap();
        assert!(
            text.contains("  ✗ json includes {\"key_1\":\"value_1\"}\n"),
            "{text}"
        );
        assert!(
            text.contains("$.key_1: expected \"value_1\", got \"value_2\""),
            "{text}"
        );
    }
}
