//! testrig brings pytest's best testing habits to `cargo test` and `cargo nextest`: fixtures
//! (explicit by argument name, and implicit with `#[fixture_use]`), parametrized cases with
//! readable ids, and RAII patch guards that always put global state back.
//!
//! ```
//! use testrig::prelude::*;
//!
//! let _url = env::set("TESTRIG_DOC_SERVICE_URL", "http://127.0.0.1:8080");
//! let tmp = fs::tmp_dir();
//! let _cwd = fs::chdir(tmp.path());
//! assert_eq!(std::env::var("TESTRIG_DOC_SERVICE_URL").unwrap(), "http://127.0.0.1:8080");
//! // both come back when the guards drop, in any order, also when the test panics
//! ```
//!
//! # Fixtures and cases
//!
//! ```
//! use testrig::prelude::*;
//!
//! #[fixture]
//! fn mock_env() -> EnvGuard {
//!     env::set("TESTRIG_DOC_MODE", "test")
//! }
//!
//! #[testrig::test]
//! #[fixture_use(mock_env)]                       // set up unasked, torn down after
//! #[case(2, 4, id = "two")]
//! #[case(3, 9, id = "three")]
//! fn squares(n: u32, expected: u32, tmp_dir: TempDir) {  // `tmp_dir`: a built-in fixture
//!     assert_eq!(n * n, expected);                // listed as `squares::two`, `squares::three`
//!     assert!(tmp_dir.path().exists());
//!     assert_eq!(std::env::var("TESTRIG_DOC_MODE").unwrap(), "test");
//! }
//! # fn main() {}
//! ```
//!
//! See [`macro@fixture`], [`macro@test`] and [`macro@fixture_use`]. The prelude brings
//! `fixture` and `fixture_use` but not `test`, which would clash with the built-in `#[test]`:
//! write `#[testrig::test]`.
//!
//! # Guards
//!
//! Every patch returns a guard. While it lives, its key (an env var, the current directory,
//! …) is held by the running test: another test patching the same key waits, tests patching
//! other keys run in parallel, and one test may nest guards on a key. When a guard drops, the
//! key shows the newest guard still live, or the value from before the first one.
//!
//! A wait that lasts longer than 60 seconds (`TESTRIG_LOCK_TIMEOUT`, in seconds, changes it)
//! panics with the key, the test holding it and the line that created the holding guard; a
//! cycle of tests waiting for each other panics at once. A deadlock is an error message, never
//! a hung CI run.
//!
//! Outside testrig's test macros a guard belongs to the thread that made it. libtest runs each
//! test on its own thread, so that is the test; code that hops threads (a tokio multi-thread
//! runtime, spawned workers) carries the test along with [`context::TestContext`].

pub mod context;
mod core;
pub mod env;
mod exit;
pub mod fixture;
pub mod fs;
pub mod lock;

// Lets the crate use its own macros, whose output names `::testrig`.
extern crate self as testrig;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use env::EnvGuard;
pub use fs::CwdGuard;
#[cfg(feature = "tempfile")]
pub use fs::TempDir;
pub use lock::SerialGuard;

pub use testrig_macros::{fixture, fixture_use, test};

/// `use testrig::prelude::*;` brings the guard modules and types, the macros and the
/// built-in fixtures.
pub mod prelude {
    pub use crate::context::TestContext;
    #[cfg(feature = "tempfile")]
    pub use crate::fs::TempDir;
    pub use crate::{CwdGuard, EnvGuard, SerialGuard};
    pub use crate::{env, fs, lock};

    pub use crate::fixture::test_context;
    #[cfg(feature = "tempfile")]
    pub use crate::fixture::tmp_dir;
    pub use crate::{fixture, fixture_use};
}
