//! The "stop all patchers" story: a tool that keeps its cache in a directory it creates on
//! first use, through a patchable `make_dir`.
//!
//! With Python's `patch('os.mkdir')`, a test that forgets `stop()` leaves `os.mkdir` patched
//! for every later test, and the failure shows up far away. Here a patch is a guard: it ends
//! with its scope, and one that is leaked anyway (`mem::forget`, a `static`) is undone when its
//! test ends, with a report naming the line that made it.
//!
//! Run it: `cargo run --example cache_dir -- /tmp/somewhere`; test it:
//! `cargo test --example cache_dir`.

use std::io;
use std::path::{Path, PathBuf};

/// Creates one directory. The seam tests replace: permission errors, full disks and races
/// are hard to produce for real.
#[testrig::patchable]
fn make_dir(path: &Path) -> io::Result<()> {
    std::fs::create_dir(path)
}

/// Why the cache is unavailable.
#[derive(Debug)]
enum CacheError {
    /// The directory could not be created.
    Create { path: PathBuf, source: io::Error },
}

impl std::fmt::Display for CacheError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CacheError::Create { path, source } => {
                write!(
                    f,
                    "cannot create cache directory {}: {source}",
                    path.display()
                )
            }
        }
    }
}

/// The cache directory under `root`, created if missing. Another process creating it first
/// (`AlreadyExists`) is fine.
fn ensure_cache_dir(root: &Path) -> Result<PathBuf, CacheError> {
    let dir = root.join("testrig-example-cache");
    if dir.is_dir() {
        return Ok(dir);
    }
    match make_dir(&dir) {
        Ok(()) => Ok(dir),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(dir),
        Err(source) => Err(CacheError::Create { path: dir, source }),
    }
}

fn main() {
    let root = std::env::args_os()
        .nth(1)
        .map_or_else(std::env::temp_dir, PathBuf::from);
    match ensure_cache_dir(&root) {
        Ok(dir) => println!("cache: {}", dir.display()),
        Err(err) => {
            eprintln!("{err}");
            std::process::exit(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use testrig::context::TestContext;
    use testrig::{patch, spy};

    #[test]
    fn creates_the_directory_for_real() {
        // Other tests here patch `make_dir` in parallel; a spy holds it for this test while
        // still calling the real function.
        let _real = spy!(make_dir);
        let tmp = testrig::fs::tmp_dir();
        let dir = ensure_cache_dir(tmp.path()).unwrap();
        assert!(dir.is_dir());
        assert_eq!(dir, tmp.path().join("testrig-example-cache"));
    }

    #[test]
    fn a_permission_error_names_the_directory() {
        let _deny = patch!(make_dir, |_path: &Path| Err(
            io::ErrorKind::PermissionDenied.into()
        ));
        let tmp = testrig::fs::tmp_dir();
        let err = ensure_cache_dir(tmp.path()).unwrap_err();
        let CacheError::Create { path, source } = &err;
        assert_eq!(source.kind(), io::ErrorKind::PermissionDenied);
        assert_eq!(path, &tmp.path().join("testrig-example-cache"));
        assert!(!path.exists(), "nothing was created");
        assert!(err.to_string().starts_with("cannot create cache directory"));
    }

    #[test]
    fn losing_the_race_to_another_process_is_fine() {
        let _race = patch!(make_dir, |_path: &Path| Err(
            io::ErrorKind::AlreadyExists.into()
        ));
        let tmp = testrig::fs::tmp_dir();
        assert!(ensure_cache_dir(tmp.path()).is_ok());
    }

    #[test]
    fn a_patched_success_touches_no_disk() {
        let _ok = patch!(make_dir, |_path: &Path| Ok(()));
        let tmp = testrig::fs::tmp_dir();
        let dir = ensure_cache_dir(tmp.path()).unwrap();
        assert!(!dir.exists());
    }

    #[test]
    fn make_dir_is_called_once_with_the_cache_path() {
        let spy = spy!(make_dir);
        let tmp = testrig::fs::tmp_dir();
        ensure_cache_dir(tmp.path()).unwrap();
        ensure_cache_dir(tmp.path()).unwrap(); // exists now: no second call
        spy.assert_called_once_with(tmp.path().join("testrig-example-cache"));
    }

    /// The forgotten `stop()`: the patch outlives its scope. testrig undoes it when the test
    /// ends and fails the test with a report. Here the test plays the runner's part, so it can
    /// assert on that report and stay green.
    #[test]
    fn a_patch_that_is_never_stopped_is_undone_and_reported() {
        let test = TestContext::new("cache_dir::forgot_to_stop", None);
        let line = {
            let _running = test.enter();
            let line = line!() + 1;
            let patcher = patch!(make_dir, |_path: &Path| Err(io::ErrorKind::Other.into()));
            std::mem::forget(patcher); // never dropped, like a patcher never stopped
            line
        };
        let report =
            testrig::__private::restore_leaked_guards(&test).expect("the leaked patch is reported");
        assert!(report.contains("test `cache_dir::forgot_to_stop` ended with 1 patch still live"));
        assert!(
            report.contains("patched fn `cache_dir::make_dir`"),
            "{report}"
        );
        assert!(
            report.contains(&format!("examples/cache_dir.rs:{line}")),
            "{report}"
        );
        // ... and the next test gets the real function back.
        let _real = spy!(make_dir);
        let tmp = testrig::fs::tmp_dir();
        assert!(ensure_cache_dir(tmp.path()).unwrap().is_dir());
    }
}
