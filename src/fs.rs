//! The current directory, patched with a guard, and temporary directories that clean up.
//!
//! ```
//! let tmp = testrig::fs::tmp_dir();
//! let before = std::env::current_dir().unwrap();
//! {
//!     let _cwd = testrig::fs::chdir(tmp.path());
//!     std::fs::write("notes.txt", "hello").unwrap(); // lands in the temp dir
//! }
//! assert_eq!(std::env::current_dir().unwrap(), before);
//! assert!(tmp.path().join("notes.txt").exists());
//! ```
//!
//! The current directory is one value for the whole process, so tests that change it run one
//! after the other, like tests patching the same env var.

use std::path::Path;
#[cfg(feature = "tempfile")]
use std::path::PathBuf;

use crate::core::{self, Change, Key, Slot, Value};

/// A live change of the current directory; dropping it changes back.
#[must_use = "the directory changes back as soon as the guard drops, and `let _ = ...` drops it at once; bind it with `let _cwd = ...`"]
#[derive(Debug)]
pub struct CwdGuard {
    _core: core::Guard,
}

struct CwdSlot;

impl Slot for CwdSlot {
    fn read(&self, _key: &Key) -> Value {
        // A directory deleted under the process has no path to return to; an empty path makes
        // the restore fail with a reported error instead of silently going somewhere else.
        Value::Path(std::env::current_dir().unwrap_or_default())
    }

    fn write(&self, _key: &Key, value: &Value) -> std::io::Result<()> {
        let Value::Path(path) = value else {
            unreachable!("cwd slot given a value that is not a path")
        };
        // std's error names no path; the message must say where it could not go.
        std::env::set_current_dir(path).map_err(|err| {
            let place = if path.as_os_str().is_empty() {
                // `read` found no current directory: it was deleted under the process.
                "the directory that was current before (it was deleted meanwhile)".to_owned()
            } else {
                format!("`{}`", path.display())
            };
            std::io::Error::new(err.kind(), format!("cannot change to {place}: {err}"))
        })
    }
}

/// Changes the current directory to `path` until the guard drops.
///
/// A relative `path` is taken from the current directory at the time of the call, and stored
/// as an absolute path, so guards dropped in any order still restore the right place.
///
/// ```
/// let tmp = testrig::fs::tmp_dir();
/// let _cwd = testrig::fs::chdir(tmp.path());
/// assert_eq!(
///     std::env::current_dir().unwrap().canonicalize().unwrap(),
///     tmp.path().canonicalize().unwrap()
/// );
/// ```
///
/// # Panics
///
/// At the caller's line, when the directory does not exist or cannot be entered, naming it;
/// nothing is changed then.
#[track_caller]
pub fn chdir(path: impl AsRef<Path>) -> CwdGuard {
    let path = path.as_ref();
    let change = Change::compute(Key::Cwd, &CwdSlot, move |visible| {
        let Value::Path(current) = visible else {
            unreachable!("cwd ledger holds paths")
        };
        Ok(Value::Path(current.join(path)))
    });
    CwdGuard {
        _core: core::patch_one(change),
    }
}

/// Runs `f` inside `path`, then changes back, also when `f` panics.
///
/// ```
/// let tmp = testrig::fs::tmp_dir();
/// let inside = testrig::fs::in_dir(tmp.path(), || std::env::current_dir().unwrap());
/// assert_eq!(inside.canonicalize().unwrap(), tmp.path().canonicalize().unwrap());
/// ```
#[track_caller]
pub fn in_dir<R>(path: impl AsRef<Path>, f: impl FnOnce() -> R) -> R {
    let _cwd = chdir(path);
    f()
}

/// A temporary directory, deleted with everything in it when dropped.
///
/// Inside a testrig-driven test its name starts with the test's name, so a directory kept with
/// [`TempDir::keep`] can be traced back to the test that made it.
///
/// ```
/// let dir = testrig::fs::tmp_dir();
/// std::fs::write(dir.join("a.txt"), "x").unwrap();
/// let path = dir.path().to_owned();
/// drop(dir);
/// assert!(!path.exists());
/// ```
#[cfg(feature = "tempfile")]
#[must_use = "the directory is deleted as soon as it drops, and `let _ = ...` deletes it at once; \
              bind it with `let dir = ...`"]
#[derive(Debug)]
pub struct TempDir {
    /// `None` once kept.
    inner: Option<tempfile::TempDir>,
}

#[cfg(feature = "tempfile")]
impl TempDir {
    /// The directory's path.
    pub fn path(&self) -> &Path {
        self.inner
            .as_ref()
            .map_or(Path::new(""), tempfile::TempDir::path)
    }

    /// `self.path().join(child)`.
    pub fn join(&self, child: impl AsRef<Path>) -> PathBuf {
        self.path().join(child)
    }

    /// Keeps the directory on disk (to look at after a failure) and returns its path.
    pub fn keep(mut self) -> PathBuf {
        self.inner
            .take()
            .map_or_else(PathBuf::new, tempfile::TempDir::keep)
    }
}

/// Deletes the directory. A deletion that fails is reported on stderr with the path (tempfile
/// alone would leave the directory behind without a word); one that the test already did
/// itself is fine.
#[cfg(feature = "tempfile")]
impl Drop for TempDir {
    fn drop(&mut self) {
        let Some(inner) = self.inner.take() else {
            return;
        };
        let path = inner.path().to_owned();
        if let Err(err) = inner.close()
            && err.kind() != std::io::ErrorKind::NotFound
        {
            use std::io::Write as _;
            // tempfile's error ends with the path, which the message names already.
            let cause = err.to_string();
            let cause = cause
                .strip_suffix(&format!(" at path {path:?}"))
                .unwrap_or(&cause);
            // Past libtest's capture: a directory left behind matters after a passing test too.
            let _ = writeln!(
                std::io::stderr().lock(),
                "testrig::fs::tmp_dir: could not delete the temporary directory `{}`: {cause}",
                path.display(),
            );
        }
    }
}

#[cfg(feature = "tempfile")]
impl std::ops::Deref for TempDir {
    type Target = Path;

    fn deref(&self) -> &Path {
        self.path()
    }
}

#[cfg(feature = "tempfile")]
impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        self.path()
    }
}

/// Creates a fresh temporary directory under the system's temp dir.
///
/// # Panics
///
/// At the caller's line, when the directory cannot be created (a full or read-only disk).
#[cfg(feature = "tempfile")]
#[track_caller]
pub fn tmp_dir() -> TempDir {
    let prefix = match crate::context::TestContext::current() {
        Some(ctx) => format!("testrig-{}-", sanitize(ctx.name())),
        None => "testrig-".to_owned(),
    };
    let base = std::env::temp_dir();
    match tempfile::Builder::new().prefix(&prefix).tempdir_in(&base) {
        Ok(inner) => TempDir { inner: Some(inner) },
        Err(err) => panic!(
            "testrig::fs::tmp_dir: could not create a temporary directory in `{}`: {err}. Set \
             TMPDIR to a writable directory.",
            base.display()
        ),
    }
}

#[cfg(feature = "tempfile")]
fn sanitize(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    out.truncate(60);
    out
}

/// Stand-ins for [`TempDir`] and the `tmp_dir` fixture when testrig's feature `tempfile` is
/// off: naming either is a compile error, at the name, that says which feature to enable
/// (a type's bound is checked wherever the type is written).
#[cfg(not(feature = "tempfile"))]
#[doc(hidden)]
pub mod without_tempfile {
    use std::marker::PhantomData;

    /// Implemented by nothing: its message is the error.
    #[diagnostic::on_unimplemented(
        message = "`TempDir` and the `tmp_dir` fixture need testrig's feature `tempfile`",
        label = "needs feature `tempfile`",
        note = "enable feature `tempfile`: `testrig = {{ version = \"…\", features = [\"tempfile\"] }}`"
    )]
    pub trait NeedsFeatureTempfile {}

    /// A default that names another parameter is checked where the type is used, not here.
    pub struct Missing<U>(PhantomData<U>);

    /// Enable testrig's feature `tempfile` for the real `TempDir`.
    #[allow(missing_debug_implementations)]
    pub struct TempDir<U = (), T: NeedsFeatureTempfile = Missing<U>>(PhantomData<(U, T)>);

    /// Enable testrig's feature `tempfile` for the `tmp_dir` fixture.
    #[allow(non_camel_case_types, missing_debug_implementations)]
    pub struct tmp_dir<U = (), T: NeedsFeatureTempfile = Missing<U>>(PhantomData<(U, T)>);
    // The companion every fixture has, so that a test taking `tmp_dir` reaches the
    // feature's message rather than a missing macro.
    #[doc(hidden)]
    pub use crate::__testrig_plain_fixture as tmp_dir;

    // Implemented only where the bound holds (never), so that using the stand-in as a
    // fixture reports the same one message instead of "not a fixture" ones.
    impl<U: 'static, T: NeedsFeatureTempfile + 'static> crate::fixture::Fixture for tmp_dir<U, T> {
        type Output = TempDir<U, T>;
        const NAME: &'static str = "tmp_dir";
    }
    #[diagnostic::do_not_recommend]
    impl<U: 'static, T: NeedsFeatureTempfile + 'static> crate::fixture::FunctionScope
        for tmp_dir<U, T>
    {
    }
    #[diagnostic::do_not_recommend]
    impl<U: 'static, T: NeedsFeatureTempfile + 'static> crate::fixture::SyncFixture for tmp_dir<U, T> {
        fn build(_: &crate::fixture::Resolver) -> crate::fixture::Held<Self::Output> {
            unreachable!("no type implements `NeedsFeatureTempfile`")
        }
    }
    #[diagnostic::do_not_recommend]
    impl<U: 'static, T: NeedsFeatureTempfile + 'static> crate::fixture::AsyncFixture for tmp_dir<U, T> {
        fn build_async(
            _: &crate::fixture::Resolver,
        ) -> crate::fixture::BoxFuture<'_, crate::fixture::Held<Self::Output>> {
            unreachable!("no type implements `NeedsFeatureTempfile`")
        }
    }
}
#[cfg(not(feature = "tempfile"))]
#[doc(hidden)]
pub use without_tempfile::TempDir;
