//! A `redis-server` for the tests: loopback only, on a free port, nothing saved to disk.
//!
//! [`shared`] starts one per test process on first use and stops it when the process exits.
//! With testrig's fixtures it becomes a session fixture, one line instead of `shared`'s body:
//! `#[fixture(scope = "session")] fn redis() -> RedisServer { start() }` (dropping the value at
//! exit stops the server).

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

pub(crate) struct RedisServer {
    port: u16,
    child: Mutex<Option<Child>>,
}

impl RedisServer {
    pub(crate) fn client(&self) -> redis::Client {
        redis::Client::open(format!("redis://127.0.0.1:{}/", self.port)).expect("a valid url")
    }

    fn stop(&self) {
        let child = self.child.lock().map(|mut c| c.take());
        if let Ok(Some(mut child)) = child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

static SHARED: OnceLock<RedisServer> = OnceLock::new();

/// The server shared by every test of this process, started on first use.
pub(crate) fn shared() -> &'static RedisServer {
    SHARED.get_or_init(|| {
        unsafe extern "C" {
            fn atexit(callback: extern "C" fn()) -> std::ffi::c_int;
        }
        // SAFETY: `atexit` is the C library's; `stop_shared` is a plain `extern "C"` fn that
        // cannot unwind (it only kills and reaps the child, ignoring errors).
        unsafe { atexit(stop_shared) };
        start()
    })
}

/// Statics are never dropped: stop the shared server when the process exits.
extern "C" fn stop_shared() {
    if let Some(server) = SHARED.get() {
        server.stop();
    }
}

/// Starts a throwaway server and waits until it accepts connections.
pub(crate) fn start() -> RedisServer {
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port();
    let child = Command::new("redis-server")
        .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
        .args([
            "--save",
            "",
            "--appendonly",
            "no",
            "--protected-mode",
            "yes",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|err| {
            panic!(
                "cannot start `redis-server` ({err}); these tests need it on PATH: run \
                 `.ci/install-redis` (or `apt-get install redis-server`)"
            )
        });
    let server = RedisServer {
        port,
        child: Mutex::new(Some(child)),
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
        let exited = server
            .child
            .lock()
            .unwrap()
            .as_mut()
            .and_then(|c| c.try_wait().ok().flatten());
        if let Some(status) = exited {
            panic!("`redis-server` exited at start ({status}); see its output above");
        }
        assert!(
            Instant::now() < deadline,
            "`redis-server` did not listen on 127.0.0.1:{port} within 10 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    server
}
