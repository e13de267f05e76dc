//! The parent's side of isolation: start the child, relay its output, judge its end.

use std::io::{BufRead as _, BufReader, Read};
use std::panic::{Location, resume_unwind};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use super::child::unescape;
use super::{CHILD_ENV, INDEX_ENV, Isolation, MARK};
use crate::outcome::{TIMEOUT_IS_NO_PANIC, describe_test, human};

#[derive(Clone, Copy)]
enum Stream {
    Out,
    Err,
}

/// Output of one stream of the child. What the child printed from its begin mark on is
/// relayed; libtest's own lines before it are the child harness's noise.
#[derive(Default)]
struct Relay {
    inside: bool,
    seen_begin: bool,
    pending_blank: bool,
    outside: String,
    verdict: Option<Result<(), String>>,
}

impl Relay {
    fn feed(&mut self, line: &[u8], stream: Stream) {
        let text = String::from_utf8_lossy(line);
        if let Some(mark) = text.trim_end_matches(['\n', '\r']).strip_prefix(MARK) {
            // The blank line before a mark is the one the child adds to start it on a line
            // of its own.
            self.pending_blank = false;
            match mark {
                "begin" => {
                    self.inside = true;
                    self.seen_begin = true;
                }
                "end" | "end:ok" => {
                    self.inside = false;
                    self.verdict = Some(Ok(()));
                }
                m => {
                    self.inside = false;
                    let message = m.strip_prefix("end:panic:").unwrap_or(m);
                    self.verdict = Some(Err(unescape(message)));
                }
            }
            return;
        }
        // Before the begin mark is the child harness's noise; after the end mark only the
        // child's exit work (say, a report of guards still live) can speak, so it is relayed.
        if !self.seen_begin {
            self.outside.push_str(&text);
            return;
        }
        if self.pending_blank {
            self.pending_blank = false;
            emit(stream, "\n");
        }
        if text == "\n" {
            self.pending_blank = true;
        } else {
            emit(stream, &text);
        }
    }
}

/// Through `print!`/`eprint!`, so libtest's capture of the test's output sees it.
fn emit(stream: Stream, text: &str) {
    match stream {
        Stream::Out => print!("{text}"),
        Stream::Err => eprint!("{text}"),
    }
}

fn read_lines(pipe: impl Read + Send + 'static, stream: Stream, tx: Sender<(Stream, Vec<u8>)>) {
    std::thread::Builder::new()
        .name("testrig-isolate-relay".to_owned())
        .spawn(move || {
            let mut reader = BufReader::new(pipe);
            loop {
                let mut line = Vec::new();
                match reader.read_until(b'\n', &mut line) {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {
                        if tx.send((stream, line)).is_err() {
                            return;
                        }
                    }
                }
            }
        })
        .expect("testrig: cannot start a thread to relay the isolated child's output");
}

#[track_caller]
pub(super) fn run_child(name: &str, index: u32, iso: &Isolation) {
    run_child_at(name, index, iso, Location::caller());
}

#[track_caller]
pub(super) fn run_child_at(
    name: &str,
    index: u32,
    iso: &Isolation,
    site: &'static Location<'static>,
) {
    let what = describe_test(Some(name));
    let exe = std::env::current_exe().unwrap_or_else(|e| {
        panic!("testrig: cannot find this test binary to isolate {what} (isolated at {site}): {e}")
    });
    let mut cmd = Command::new(&exe);
    cmd.arg(name)
        .args([
            "--exact",
            "--nocapture",
            "--test-threads=1",
            "--include-ignored",
        ])
        .env(CHILD_ENV, name)
        .env(INDEX_ENV, index.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in &iso.env {
        match value {
            Some(value) => cmd.env(key, value),
            None => cmd.env_remove(key),
        };
    }
    let limit = iso.limit();
    let start = Instant::now();
    let mut child = cmd.spawn().unwrap_or_else(|e| {
        panic!(
            "testrig: cannot start the isolated child process of {what} ({}, isolated at \
             {site}): {e}",
            exe.display()
        )
    });
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    if let Some(out) = child.stdout.take() {
        read_lines(out, Stream::Out, tx.clone());
    }
    if let Some(err) = child.stderr.take() {
        read_lines(err, Stream::Err, tx);
    }

    let mut out = Relay::default();
    let mut err = Relay::default();
    let mut status: Option<ExitStatus> = None;
    let mut ended_at: Option<Instant> = None;
    let mut timed_out = None;
    let mut streams_open = true;
    loop {
        let mut wait = Duration::from_millis(if streams_open { 50 } else { 1 });
        if let (Some(limit), None) = (limit, timed_out) {
            wait = wait.min(limit.saturating_sub(start.elapsed()));
        }
        if streams_open {
            match rx.recv_timeout(wait) {
                Ok((Stream::Out, line)) => out.feed(&line, Stream::Out),
                Ok((Stream::Err, line)) => err.feed(&line, Stream::Err),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => streams_open = false,
            }
        } else if limit.is_none() && status.is_none() {
            // Both pipes closed: the child is exiting (or a grandchild is left with nothing
            // to say). Nothing to enforce, so just reap it.
            if let Ok(s) = child.wait() {
                status = Some(s);
                ended_at = Some(Instant::now());
            }
        } else {
            std::thread::sleep(wait);
        }
        if status.is_none()
            && let Ok(Some(s)) = child.try_wait()
        {
            status = Some(s);
            ended_at = Some(Instant::now());
        }
        if status.is_none() && limit.is_some_and(|l| start.elapsed() >= l) {
            let _ = child.kill();
            status = child.wait().ok();
            timed_out = Some(start.elapsed());
            ended_at = Some(Instant::now());
        }
        // Done once the child is gone and its pipes are drained; a grandchild that inherited
        // the pipes gets a short grace, not a hang.
        if let Some(at) = ended_at
            && (!streams_open || at.elapsed() > Duration::from_millis(250))
        {
            break;
        }
    }
    let status = match status {
        Some(status) => status,
        None => child.wait().unwrap_or_else(|e| {
            panic!("testrig: lost the isolated child process of {what} (pid {pid}): {e}")
        }),
    };

    if let (Some(elapsed), Some(limit)) = (timed_out, limit) {
        let message = format!(
            "testrig: {what} timed out after {} (limit {}) in its isolated child process (pid \
             {pid}), which was killed.",
            human(elapsed),
            human(limit)
        );
        if iso.report_timeout {
            eprintln!("{message}\n{TIMEOUT_IS_NO_PANIC}");
            return;
        }
        panic!("{message}");
    }
    match err.verdict.take() {
        Some(Ok(())) if status.success() => {}
        Some(Ok(())) => panic!(
            "testrig: {what} passed in its isolated child process (pid {pid}), but the child \
             then {} while exiting",
            describe_status(status)
        ),
        Some(Err(message)) => {
            // The child's panic line (with its real location) is in the relayed output above;
            // the payload goes on unchanged, without a second, misleading panic line.
            eprintln!("testrig: {what} panicked in its isolated child process (pid {pid})");
            resume_unwind(Box::new(format!(
                "{message}\n(panicked in the isolated child process of {what}, pid {pid})"
            )))
        }
        None if !err.seen_begin && !out.seen_begin => panic!(
            "testrig: the isolated child process of {what} (pid {pid}) {} without running the \
             test body (isolated at {site}). Is `{name}` the exact name `cargo test -- --list` \
             shows? The child's output:\n{}{}",
            describe_status(status),
            out.outside,
            err.outside
        ),
        None => panic!(
            "testrig: the isolated child process of {what} (pid {pid}) {} before the test body \
             finished{}",
            describe_status(status),
            if status.code().is_some() {
                " (does the test call `std::process::exit`?)"
            } else {
                ""
            }
        ),
    }
}

/// "exited with code 3", "was killed by signal 6 (SIGABRT)".
pub(super) fn describe_status(status: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        if let Some(signal) = status.signal() {
            let name = match signal {
                1 => " (SIGHUP)",
                2 => " (SIGINT)",
                3 => " (SIGQUIT)",
                4 => " (SIGILL)",
                5 => " (SIGTRAP)",
                6 => " (SIGABRT)",
                7 => " (SIGBUS)",
                8 => " (SIGFPE)",
                9 => " (SIGKILL)",
                11 => " (SIGSEGV)",
                13 => " (SIGPIPE)",
                14 => " (SIGALRM)",
                15 => " (SIGTERM)",
                _ => "",
            };
            let core = if status.core_dumped() {
                ", core dumped"
            } else {
                ""
            };
            return format!("was killed by signal {signal}{name}{core}");
        }
    }
    match status.code() {
        Some(code) => format!("exited with code {code}"),
        None => format!("ended ({status})"),
    }
}
