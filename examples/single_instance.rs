//! Only one copy of this program runs at a time.
//!
//! It takes an exclusive OS lock on a pid file (`File::try_lock`, `flock` on Unix) and keeps it
//! for as long as it runs. A second copy finds the lock taken, says which process holds it and
//! exits with code 1. The OS drops the lock when its holder exits *or dies*, so a pid file left
//! behind by a crash never stops the next start: the file stays, the lock does not. This is
//! the mechanism behind `testrig::lock::serial` across processes.
//!
//! ```text
//! single_instance [PID_FILE]     # default: $TMPDIR/single_instance.pid
//! ```
//!
//! It runs until its standard input closes or reads the line `quit`.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, BufRead, Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("single_instance.pid"));
    ExitCode::from(run(&path, io::stdin().lock()))
}

/// The whole program; returns its exit code.
fn run(pid_file: &Path, input: impl BufRead) -> u8 {
    let _instance = match Instance::acquire(pid_file) {
        Ok(instance) => instance,
        Err(Refused::Running(holder)) => {
            eprintln!(
                "single_instance: another instance is already running (pid {holder}, lock on \
                 {}); exiting",
                pid_file.display()
            );
            return 1;
        }
        Err(Refused::Io(e)) => {
            eprintln!("single_instance: cannot use {}: {e}", pid_file.display());
            return 2;
        }
    };
    println!("single_instance: running as pid {}", std::process::id());
    let _ = io::stdout().flush();
    for line in input.lines() {
        match line {
            Ok(line) if line.trim() == "quit" => break,
            Ok(_) => {}
            Err(_) => break,
        }
    }
    println!("single_instance: stopping");
    0
}

/// Proof that this process is the only instance: the locked pid file.
struct Instance {
    file: File,
}

enum Refused {
    /// Another process holds the lock; what its pid file says.
    Running(String),
    Io(io::Error),
}

impl From<io::Error> for Refused {
    fn from(e: io::Error) -> Self {
        Refused::Io(e)
    }
}

impl Instance {
    fn acquire(path: &Path) -> Result<Instance, Refused> {
        // No truncation on open: the file may be the live holder's, and its pid is the message.
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                file.read_to_string(&mut holder)?;
                let holder = holder.trim();
                return Err(Refused::Running(if holder.is_empty() {
                    "unknown".to_owned()
                } else {
                    holder.to_owned()
                }));
            }
            Err(TryLockError::Error(e)) => return Err(Refused::Io(e)),
        }
        file.set_len(0)?;
        file.rewind()?;
        write!(file, "{}", std::process::id())?;
        file.flush()?;
        Ok(Instance { file })
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        // A clean exit leaves an empty file; only a crash leaves a pid behind (harmlessly).
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufReader, Lines};
    use std::process::{Child, ChildStdout, Command, Stdio};

    /// Set when the test binary itself plays the program (see [`program`]).
    const AS_PROGRAM: &str = "SINGLE_INSTANCE_AS_PROGRAM";

    /// A command that starts the program as a process of its own. The example binary
    /// `target/<profile>/examples/single_instance` sits beside this test binary once built
    /// (`cargo build --examples`); it is used when it is at least as new as this test binary.
    /// Otherwise (not built, or maybe stale) this test binary runs the same `run` through the
    /// `as_program` entry below: still a real, separate process.
    fn program(pid_file: &Path) -> Command {
        let exe = std::env::current_exe().unwrap();
        let sibling = exe
            .with_file_name("single_instance")
            .with_extension(std::env::consts::EXE_EXTENSION);
        let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        let fresh = match (modified(&sibling), modified(&exe)) {
            (Some(sibling), Some(exe)) => sibling >= exe,
            _ => false,
        };
        let mut cmd;
        if fresh && sibling != exe {
            cmd = Command::new(sibling);
            cmd.arg(pid_file);
        } else {
            cmd = Command::new(exe);
            cmd.args(["tests::as_program", "--exact", "--nocapture"])
                .env(AS_PROGRAM, pid_file);
        }
        cmd.env_remove("NEXTEST").env_remove("NEXTEST_RUN_ID");
        cmd
    }

    #[test]
    fn as_program() {
        if let Some(pid_file) = std::env::var_os(AS_PROGRAM) {
            std::process::exit(run(Path::new(&pid_file), io::stdin().lock()).into());
        }
    }

    struct Running {
        child: Child,
        stdout: Lines<BufReader<ChildStdout>>,
    }

    /// Starts the program and waits until it says it runs.
    fn start(pid_file: &Path) -> Running {
        let mut child = program(pid_file)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        loop {
            let line = stdout
                .next()
                .expect("the first instance exited before running")
                .unwrap();
            if line.starts_with("single_instance: running as pid") {
                break;
            }
        }
        Running { child, stdout }
    }

    impl Running {
        fn quit(mut self) {
            writeln!(self.child.stdin.take().unwrap(), "quit").unwrap();
            assert!(self.child.wait().unwrap().success());
            assert!(
                self.stdout
                    .any(|l| l.unwrap() == "single_instance: stopping")
            );
        }
    }

    fn pid_file(test: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("single-instance-{test}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("app.pid")
    }

    #[test]
    fn a_second_copy_exits_with_a_clear_message() {
        let pid_file = pid_file("second");
        let first = start(&pid_file);
        let second = program(&pid_file).stdin(Stdio::null()).output().unwrap();
        let stderr = String::from_utf8_lossy(&second.stderr);
        assert_eq!(second.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains(&format!(
                "another instance is already running (pid {}",
                first.child.id()
            )),
            "{stderr}"
        );
        first.quit();
        std::fs::remove_dir_all(pid_file.parent().unwrap()).unwrap();
    }

    #[test]
    fn a_new_copy_starts_after_the_first_exits() {
        let pid_file = pid_file("restart");
        start(&pid_file).quit();
        start(&pid_file).quit();
        std::fs::remove_dir_all(pid_file.parent().unwrap()).unwrap();
    }

    #[test]
    fn a_crashed_copy_leaves_no_stale_lock() {
        let pid_file = pid_file("crash");
        let mut first = start(&pid_file);
        first.child.kill().unwrap();
        first.child.wait().unwrap();
        // The dead process's pid is still in the file, but its lock went with it.
        let left = std::fs::read_to_string(&pid_file).unwrap();
        assert_eq!(left.trim(), first.child.id().to_string());
        start(&pid_file).quit();
        std::fs::remove_dir_all(pid_file.parent().unwrap()).unwrap();
    }
}
