//! A `redis-server` for the tests: loopback only, on a free port, nothing saved to disk.
//! The tests hold one per process as a session fixture; dropping it at exit stops the server.

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
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
