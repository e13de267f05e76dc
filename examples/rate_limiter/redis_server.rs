//! A `redis-server` for the tests: started once per test process on a free loopback port,
//! stopped when the process exits.

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

pub(crate) struct RedisServer {
    port: u16,
}

impl RedisServer {
    pub(crate) fn client(&self) -> redis::Client {
        redis::Client::open(format!("redis://127.0.0.1:{}/", self.port)).expect("a valid url")
    }
}

/// The server shared by every test of this process, started on first use.
pub(crate) fn shared() -> &'static RedisServer {
    static SERVER: OnceLock<RedisServer> = OnceLock::new();
    SERVER.get_or_init(start)
}

/// The child process, killed at exit: statics are never dropped.
static CHILD: Mutex<Option<Child>> = Mutex::new(None);

extern "C" fn stop_at_exit() {
    if let Ok(mut child) = CHILD.lock()
        && let Some(mut child) = child.take()
    {
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// Starts a throwaway server: loopback only, nothing saved to disk.
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
    *CHILD.lock().unwrap() = Some(child);
    unsafe extern "C" {
        fn atexit(callback: extern "C" fn()) -> std::ffi::c_int;
    }
    // SAFETY: `atexit` is the C library's; `stop_at_exit` is a plain `extern "C"` fn that
    // cannot unwind (it only kills and reaps the child, ignoring errors).
    unsafe { atexit(stop_at_exit) };
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
        if let Some(status) = CHILD
            .lock()
            .unwrap()
            .as_mut()
            .and_then(|c| c.try_wait().ok()?)
        {
            panic!("`redis-server` exited at start ({status}); see its output above");
        }
        assert!(
            Instant::now() < deadline,
            "`redis-server` did not listen on 127.0.0.1:{port} within 10 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    RedisServer { port }
}
