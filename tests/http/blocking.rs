use std::net::TcpStream;
use std::time::{Duration, Instant};

use testrig::http::{BlockingMockServer, Mock, MockServer, ResponseTemplate, get, matchers};

use crate::{panic_message, send};

#[tokio::test]
async fn blocking_server_inside_a_runtime_is_a_clear_error() {
    let msg = panic_message(|| {
        let _ = BlockingMockServer::start();
    });
    assert!(
        msg.starts_with(
            "testrig::http: `BlockingMockServer::start()` was called inside an async runtime"
        ),
        "{msg}"
    );
    assert!(msg.contains("use `MockServer::start().await`"), "{msg}");
}

#[test]
fn blocking_mount_inside_a_runtime_is_a_clear_error() {
    let s = BlockingMockServer::start();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let msg = rt.block_on(async {
        panic_message(|| {
            s.mount(Mock::given(matchers::any()).respond_with(ResponseTemplate::new(200)))
        })
    });
    assert!(
        msg.contains("`BlockingMockServer::mount()` was called inside an async runtime"),
        "{msg}"
    );
}

#[test]
fn blocking_server_serves_and_asserts() {
    let s = BlockingMockServer::start();
    // the test's own wiremock dependency builds the mock
    s.mount(
        wiremock::Mock::given(wiremock::matchers::path("/hello"))
            .respond_with(wiremock::ResponseTemplate::new(200).set_body_string("hi")),
    );
    let body = reqwest::blocking::get(s.url("/hello"))
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(body, "hi");
    s.assert_received(get("/hello"));
    assert_eq!(s.received().len(), 1);
    assert!(s.uri().starts_with("http://127.0.0.1:"));
    assert_eq!(s.as_async().uri(), s.uri());
}

#[test]
fn uri_in_env_sets_and_restores() {
    let s = BlockingMockServer::start();
    let key = "TESTRIG_HTTP_TEST_API_URL";
    assert!(std::env::var_os(key).is_none());
    {
        let _g = s.uri_in_env(key);
        assert_eq!(std::env::var(key).unwrap(), s.uri());
    }
    assert!(std::env::var_os(key).is_none());
}

#[test]
fn unpooled_server_closes_its_port() {
    let s = MockServer::builder().unpooled().start_blocking();
    s.mount(Mock::given(matchers::any()).respond_with(ResponseTemplate::new(200)));
    assert_eq!(send("GET", &s.url("/"), None), 200);
    let address = s.address();
    drop(s);
    // the server shuts down on its own thread; wait until it did
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(address).is_ok() {
        assert!(
            Instant::now() < deadline,
            "{address} still accepts connections"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn listener_serves_on_its_port_and_must_be_loopback() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let s = MockServer::builder().listener(listener).start_blocking();
    assert_eq!(s.address(), address);
    let open = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
    let msg = panic_message(|| {
        let _ = MockServer::builder().listener(open);
    });
    assert!(msg.contains("bind it to 127.0.0.1"), "{msg}");
}
