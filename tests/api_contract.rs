//! The user-facing contract, written the way its examples write it: fixtures (explicit,
//! implicit, session), cases with ids and marks, the guard forms, function seams, HTTP and log
//! capture. If a form stops compiling or behaving as shown, this binary says so.

use std::f64::consts::{FRAC_PI_4, SQRT_2};
use std::io;
use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use testrig::prelude::*;

// ---- fixtures -------------------------------------------------------------------------------

struct Settings {
    key: String,
}

impl Settings {
    fn from_env() -> Settings {
        Settings {
            key: std::env::var("IMPLICIT_KEY").unwrap_or_default(),
        }
    }
}

struct Corpus {
    words: Vec<&'static str>,
}

impl Corpus {
    fn load() -> Corpus {
        Corpus {
            words: vec!["alpha", "beta"],
        }
    }
}

#[fixture]
fn mock_env() -> EnvGuard {
    env::set("IMPLICIT_KEY", "IMPLICIT_VALUE")
}

#[fixture]
fn settings(_mock_env: &EnvGuard) -> Settings {
    Settings::from_env()
}

#[fixture(scope = "session")]
fn big_corpus() -> Corpus {
    Corpus::load()
}

#[test]
#[fixture_use(mock_env)]
fn reads_env() {
    assert_eq!(std::env::var("IMPLICIT_KEY").unwrap(), "IMPLICIT_VALUE");
}

#[testrig::test]
fn uses_settings(settings: Settings, big_corpus: &Corpus) {
    // `settings` took `&EnvGuard`: the patch was still live while the fixture was built.
    assert_eq!(settings.key, "IMPLICIT_VALUE");
    assert_eq!(big_corpus.words, ["alpha", "beta"]);
}

// ---- cases ----------------------------------------------------------------------------------

fn polar(x: f64, y: f64) -> (f64, f64) {
    (x.hypot(y), y.atan2(x))
}

#[testrig::test]
#[case(0.0, 0.0, (0.0, 0.0), id = "origin")]
#[case(1.0, 1.0, (SQRT_2, FRAC_PI_4), id = "first quadrant")]
#[case(-1.0, -1.0, (SQRT_2, -2.356194490192345), id = "third quadrant")]
#[case(f64::NAN, 0.0, (f64::NAN, 0.0), id = "nan input", xfail = "NaN is not handled yet")]
#[case(1e308, 1e308, (f64::INFINITY, FRAC_PI_4), ignore = "slow on CI")]
fn polarify(x: f64, y: f64, expected: (f64, f64), tmp_dir: TempDir) {
    assert_approx!(polar(x, y), expected);
    assert!(tmp_dir.exists());
}

#[test]
fn approximate_comparison_forms() {
    assert_approx!(polar(1.0, 1.0), (SQRT_2, FRAC_PI_4)); // pytest.approx: rel 1e-6, abs 1e-12
    let (measured, expected) = (vec![1.0004, 2.0], [1.0, 2.0]);
    assert_approx!(measured, expected, rel = 1e-3);
    assert!(approx(expected).rel(1e-3) == measured);
}

#[test]
fn the_cases_are_listed_by_id() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--list", "--include-ignored"])
        .output()
        .unwrap();
    let listing = String::from_utf8(out.stdout).unwrap();
    for id in [
        "origin",
        "first_quadrant",
        "third_quadrant",
        "nan_input",
        "case_5",
    ] {
        let name = format!("polarify::{id}: test");
        assert!(
            listing.lines().any(|l| l == name),
            "{name} missing:\n{listing}"
        );
    }
}

// ---- guards ---------------------------------------------------------------------------------

#[test]
fn guard_forms() {
    let tmp = fs::tmp_dir();
    let before = {
        let _hold = fs::chdir(".");
        std::env::current_dir().unwrap()
    };
    {
        let _g = env::set("API_URL", "http://127.0.0.1:1");
        let _h = env::remove("HOME");
        let _d = fs::chdir(tmp.path());
        let clock = clock::freeze_at(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
        let start = clock::Instant::now();
        clock.advance(Duration::from_secs(30 * 60));
        assert_eq!(start.elapsed(), Duration::from_secs(30 * 60));
        assert_eq!(
            clock::SystemTime::now(),
            UNIX_EPOCH + Duration::from_secs(1_700_000_000 + 30 * 60)
        );
        assert_eq!(std::env::var("API_URL").unwrap(), "http://127.0.0.1:1");
        assert!(std::env::var_os("HOME").is_none());
    }
    assert!(std::env::var_os("API_URL").is_none());
    let _hold = fs::chdir(".");
    assert_eq!(std::env::current_dir().unwrap(), before);
}

#[test]
fn whole_environment_forms() {
    let _all = env::lock_all(); // this test reads the whole environment
    let _mine = env::set("API_CONTRACT_WHOLE", "1"); // and may still patch
    let _many = env::set_many([
        ("API_CONTRACT_SET", Some("1")),
        ("API_CONTRACT_UNSET", None),
    ]);
    assert_eq!(std::env::var("API_CONTRACT_SET").as_deref(), Ok("1"));
}

#[test]
#[fixture_use(whole_env)]
fn whole_env_fixture_form() {
    let _g = env::set("API_CONTRACT_WHOLE_FIXTURE", "1");
}

// ---- serial and shared keys -----------------------------------------------------------------

#[testrig::test(serial = "api-contract-db")]
fn serial_form() {
    assert!(lock::is_held("api-contract-db"));
}

#[testrig::test(shared = "api-contract-db")]
fn shared_form() {
    assert!(lock::is_held("api-contract-db"));
}

#[testrig::test(serial)]
fn keyless_serial_form() {
    assert!(lock::is_held(""));
}

#[test]
fn key_guard_forms() {
    let shared = lock::shared("api-contract-guard-db");
    assert!(lock::is_held("api-contract-guard-db"));
    drop(shared);
    let _x = lock::serial("api-contract-guard-db");
    assert!(lock::is_held("api-contract-guard-db"));
}

#[testrig::test(serial = "api-contract-nested")]
fn nested_inner() {}

#[testrig::test(serial = "api-contract-nested")]
fn nested_outer_reenters() {
    nested_inner();
}

// ---- function patches -----------------------------------------------------------------------

/// Creates the cache directory (the seam the tests replace).
#[testrig::patchable]
pub fn make_dir(path: &Path) -> io::Result<()> {
    std::fs::create_dir(path)
}

#[test]
fn patched_make_dir_fails_then_comes_back() {
    let tmp = fs::tmp_dir();
    {
        let _p = patch!(make_dir, |_path: &Path| Err(
            io::ErrorKind::PermissionDenied.into()
        ));
        let err = make_dir(&tmp.join("cache")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
    }
    make_dir(&tmp.join("cache")).unwrap();
    assert!(tmp.join("cache").is_dir());
}

// ---- HTTP -----------------------------------------------------------------------------------

#[cfg(feature = "http")]
mod http_contract {
    use serde_json::json;
    use testrig::prelude::*;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, ResponseTemplate};

    async fn make_request(url: &str) {
        reqwest::Client::new()
            .post(url)
            .json(&json!({"key_1": "value_1", "other": 2}))
            .send()
            .await
            .unwrap();
    }

    #[testrig::test]
    #[tokio::test]
    async fn posts_json(mock_server: MockServer) {
        Mock::given(method("POST"))
            .and(path("/post"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
            .mount(&mock_server)
            .await;
        make_request(&format!("{}/post", mock_server.uri())).await;
        mock_server.assert_received(post("/post").json_includes(json!({"key_1": "value_1"})));
    }

    #[test]
    fn blocking_server() {
        let server = BlockingMockServer::start();
        server.mount(Mock::given(method("GET")).respond_with(ResponseTemplate::new(204)));
        let status = reqwest::blocking::get(format!("{}/health", server.uri()))
            .unwrap()
            .status();
        assert_eq!(status, 204);
        server.assert_received(get("/health").times(1));
        server.assert_no_unmatched();
    }
}

// ---- log capture ----------------------------------------------------------------------------

#[cfg(feature = "log")]
mod log_contract {
    use testrig::prelude::*;

    struct Client;

    impl Client {
        fn call(&self) {
            log::warn!("retrying in 2s");
        }
    }

    #[testrig::test]
    fn warns_on_retry(logs: LogCapture) {
        let client = Client;
        client.call();
        logs.assert_contains(Level::Warn, "retrying");
        let _: testrig::log::Level = Level::Warn;
        assert_eq!(logs.records().len(), 1);
    }
}
