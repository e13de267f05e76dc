//! The cross-process half of `serial` and `shared`: an OS lock on one file per key, exclusive
//! or shared.

use std::collections::HashMap;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read as _, Seek as _, Write as _};
use std::panic::Location;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, Weak};
use std::time::{Duration, Instant};

use crate::core::Mode;

/// The directory that holds the lock files of [`serial`](super::serial) keys.
///
/// In order: `TESTRIG_LOCK_DIR` if set; `testrig-locks/` in the target directory of the running
/// binary (found from [`std::env::current_exe`]: `target/<profile>/deps/..`, `examples/..`);
/// `testrig-locks/` in `CARGO_TARGET_DIR` when that is an absolute path; and last, for binaries
/// that live outside any target directory (doctests), `testrig-locks-<user>/` in the system
/// temporary directory. All processes of one `cargo test` or `cargo nextest` run agree on it.
///
/// ```
/// let dir = testrig::lock::lock_dir();
/// assert!(dir.ends_with("testrig-locks") || dir.file_name().unwrap().to_string_lossy().starts_with("testrig-locks"));
/// ```
pub fn lock_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(find_lock_dir)
}

/// The lock file of serial key `key`: a readable prefix of the key and a hash of all of it, so
/// any string is a valid key and two keys never share a file.
///
/// ```
/// let path = testrig::lock::lock_path("shared database");
/// assert!(path.starts_with(testrig::lock::lock_dir()));
/// assert!(path.file_name().unwrap().to_string_lossy().starts_with("shared_database-"));
/// ```
pub fn lock_path(key: &str) -> PathBuf {
    let readable: String = key
        .chars()
        .take(40)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    lock_dir().join(format!("{readable}-{:016x}.lock", fnv1a(key.as_bytes())))
}

fn find_lock_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("TESTRIG_LOCK_DIR") {
        return PathBuf::from(dir);
    }
    if let Some(target) = std::env::current_exe()
        .ok()
        .as_deref()
        .and_then(target_dir_of)
    {
        return target.join("testrig-locks");
    }
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from)
        && dir.is_absolute()
    {
        return dir.join("testrig-locks");
    }
    let user = std::env::var("USER").unwrap_or_else(|_| "user".to_owned());
    std::env::temp_dir().join(format!("testrig-locks-{user}"))
}

/// `target/debug/deps/foo-1234` -> `target`; also `examples/`, `build/` and, for a
/// cross-compiled layout, `target/<triple>/debug/deps` -> `target/<triple>`.
fn target_dir_of(exe: &Path) -> Option<PathBuf> {
    let dir = exe.parent()?;
    let name = dir.file_name()?.to_str()?;
    let profile = match name {
        "deps" | "examples" => dir.parent()?,
        _ if dir.join(".fingerprint").is_dir() || dir.join("deps").is_dir() => dir,
        _ => return None,
    };
    profile.parent().map(Path::to_path_buf)
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// This process's hold on one key's file. Shared by every guard of the test that holds the
/// in-process key (nested `serial` calls), released when the last of them drops.
#[derive(Debug, Clone)]
pub(crate) struct FileHold {
    _held: Arc<Held>,
}

#[derive(Debug)]
struct Held {
    file: File,
}

impl Drop for Held {
    fn drop(&mut self) {
        // Closing the file would release the lock too; unlocking first makes the release
        // independent of when the descriptor is really closed.
        let _ = self.file.unlock();
    }
}

type Slots = Mutex<HashMap<String, Arc<Mutex<Weak<Held>>>>>;

fn slots() -> &'static Slots {
    static SLOTS: OnceLock<Slots> = OnceLock::new();
    SLOTS.get_or_init(Default::default)
}

/// Takes the file lock of `key`, or shares this process's hold on it. The caller already holds
/// the in-process key (exclusively, or shared beside other tests of this process), so the
/// tests that meet here all may hold the key together; they queue on the key's slot rather
/// than on the file, which would make them wait for their own process. A live hold is reused
/// whatever its mode: an exclusive one covers a shared request of the same test, and the
/// in-process key never lets an exclusive request meet another test's shared hold.
pub(crate) fn hold(key: &str, mode: Mode, site: &'static Location<'static>) -> FileHold {
    let slot = slots()
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(key.to_owned())
        .or_default()
        .clone();
    let mut slot = slot.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(held) = slot.upgrade() {
        return FileHold { _held: held };
    }
    let held = Arc::new(Held {
        file: lock_file(key, mode, site),
    });
    *slot = Arc::downgrade(&held);
    FileHold { _held: held }
}

#[track_caller]
fn open(path: &Path) -> File {
    if let Some(dir) = path.parent()
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        panic!(
            "testrig: cannot create the lock directory {}: {e}. Set TESTRIG_LOCK_DIR to a \
             writable directory.",
            dir.display()
        );
    }
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .unwrap_or_else(|e| {
            panic!(
                "testrig: cannot open the lock file {}: {e}. Set TESTRIG_LOCK_DIR to a \
                 writable directory.",
                path.display()
            )
        })
}

fn lock_file(key: &str, mode: Mode, site: &'static Location<'static>) -> File {
    let path = lock_path(key);
    let mut file = open(&path);
    let limit = crate::core::lock_timeout();
    let start = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        let attempt = match mode {
            Mode::Exclusive => file.try_lock(),
            Mode::Shared => file.try_lock_shared(),
        };
        match attempt {
            Ok(()) => break,
            Err(TryLockError::WouldBlock) => {}
            Err(TryLockError::Error(e)) => panic!(
                "testrig: cannot lock {} for serial key `{key}` (taken at {site}): {e}",
                path.display()
            ),
        }
        if start.elapsed() >= limit {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim();
            panic!(
                "testrig: waited {:.1?} for serial key `{key}` (taken at {site}), which another \
                 process holds ({}; lock file {}). Make that test finish sooner, or raise \
                 TESTRIG_LOCK_TIMEOUT.",
                start.elapsed(),
                if holder.is_empty() {
                    "holder unknown"
                } else {
                    holder
                },
                path.display()
            );
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
    if mode == Mode::Shared {
        // Several processes hold it at once: none of them owns the text.
        return file;
    }
    // Who holds it, for the message of a process that waits too long. Best effort: the lock,
    // not this text, is what excludes others.
    let _ = file.set_len(0);
    let _ = file.rewind();
    let _ = write!(file, "pid {}, test `{}`", std::process::id(), holder_name());
    file
}

/// Whether some process (this one included) holds the lock file of `key`, in either mode.
/// Never creates the file; probes with non-blocking attempts that are released at once.
pub(crate) fn is_held(key: &str) -> bool {
    let Ok(file) = File::open(lock_path(key)) else {
        return false;
    };
    match file.try_lock_shared() {
        Err(TryLockError::WouldBlock) => return true,
        Err(TryLockError::Error(_)) => return false,
        Ok(()) => {}
    }
    let _ = file.unlock();
    match file.try_lock() {
        Err(TryLockError::WouldBlock) => true,
        Err(TryLockError::Error(_)) => false,
        Ok(()) => {
            let _ = file.unlock();
            false
        }
    }
}

fn holder_name() -> String {
    match crate::context::TestContext::current() {
        Some(ctx) => ctx.name().to_owned(),
        None => std::thread::current()
            .name()
            .unwrap_or("<unnamed thread>")
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_dir_is_found_from_the_usual_layouts() {
        let root = std::env::temp_dir().join(format!("testrig-layout-{}", std::process::id()));
        let deps = root.join("target/debug/deps");
        std::fs::create_dir_all(&deps).unwrap();
        std::fs::create_dir_all(root.join("target/debug/examples")).unwrap();
        assert_eq!(
            target_dir_of(&deps.join("suite-0123")),
            Some(root.join("target"))
        );
        assert_eq!(
            target_dir_of(&root.join("target/debug/examples/single_instance")),
            Some(root.join("target"))
        );
        assert_eq!(
            target_dir_of(&root.join("target/debug/tool")),
            Some(root.join("target"))
        );
        assert_eq!(target_dir_of(Path::new("/usr/bin/rustdoctest")), None);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn lock_paths_differ_for_keys_that_read_alike() {
        assert_ne!(lock_path("a b"), lock_path("a_b"));
        assert_eq!(lock_path("a b"), lock_path("a b"));
        assert!(lock_path(&"x".repeat(500)).to_string_lossy().len() < 500);
    }
}
