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
//! # Where to start
//!
//! The [`guide`] holds the long-form documentation, and every example in it runs:
//!
//! - [getting started](guide::getting_started): the `[dev-dependencies]` line and its
//!   features, a first fixture, first cases, a first guard;
//! - [the stories](guide::stories): the programs in `examples/`, one situation each;
//! - [`cargo nextest` and `cargo test`](guide::nextest): what changes with a process per test;
//! - [troubleshooting](guide::troubleshooting): every error message, its meaning and fix;
//! - moving a suite over from [rstest](guide::migrate_rstest),
//!   [test-case](guide::migrate_test_case), [temp_env](guide::migrate_temp_env),
//!   [serial_test](guide::migrate_serial_test), [mock_instant](guide::migrate_mock_instant),
//!   [wiremock](guide::migrate_wiremock) or
//!   [tracing-test and test-log](guide::migrate_tracing_test).
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
//! # Floats
//!
//! [`assert_approx!`] is pytest's `approx`: floats compared within a tolerance (rel 1e-6,
//! abs 1e-12 unless told), alone or inside tuples, arrays, `Vec`s, `Option`s and maps, and a
//! failure that names each element that is off (`.1`, `[3]`, `["key"]`) and by how much. See
//! [`mod@approx`].
//!
//! ```
//! use std::f64::consts::{FRAC_PI_4, SQRT_2};
//! use testrig::prelude::*;
//!
//! let (x, y) = (1.0_f64, 1.0_f64);
//! assert_approx!((x.hypot(y), y.atan2(x)), (SQRT_2, FRAC_PI_4));
//! assert!(approx([0.3, 0.6]) == [0.1 + 0.2, 0.2 + 0.4]);
//! ```
//!
//! # Guards
//!
//! Every patch returns a guard. While it lives, its key (an env var, the current directory,
//! …) is held by the running test: another test patching the same key waits, tests patching
//! other keys run in parallel, and one test may nest guards on a key. When a guard drops, the
//! key shows the newest guard still live, or the value from before the first one.
//!
//! A wait that lasts longer than 60 seconds (`TESTRIG_LOCK_TIMEOUT=2m` changes it, `0` or `off`
//! lifts it; the grammar is `TESTRIG_TIMEOUT`'s) panics with the key, the test holding it and the line that created the holding guard; a
//! cycle of tests waiting for each other panics at once. A deadlock is an error message, never
//! a hung CI run.
//!
//! Outside testrig's test macros a guard belongs to the thread that made it. libtest runs each
//! test on its own thread, so that is the test; code that hops threads (a tokio multi-thread
//! runtime, spawned workers) carries the test along with [`context::TestContext`].
//!
//! A guard that outlives its test (leaked with `mem::forget`, kept in a `static`) is restored
//! when the test ends. A testrig test then fails naming the key and the line that created the
//! guard. A plain `#[test]` cannot be failed after the fact: the guard is restored when its
//! thread ends, the problem is printed, and the test binary exits with status 101 at the end
//! of the run naming the test (under nextest, a process per test, that test fails).

pub mod approx;
pub mod clock;
pub mod context;
mod core;
pub mod env;
mod exit;
pub mod fixture;
pub mod fs;
pub mod guide;
#[cfg(feature = "http")]
pub mod http;
pub mod isolate;
pub mod lock;
#[cfg(any(feature = "log", feature = "tracing"))]
pub mod log;
mod outcome;
pub mod patch;
mod run_options;
pub mod scope;
pub mod timeout;

// Lets the crate use its own macros, whose output names `::testrig`.
extern crate self as testrig;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use clock::ClockGuard;
pub use env::{EnvGuard, WholeEnvGuard};
pub use fs::CwdGuard;
#[cfg(feature = "tempfile")]
pub use fs::TempDir;
pub use lock::SerialGuard;
pub use patch::PatchGuard;
pub use scope::TaskScope;

/// Makes a function a seam: tests replace it with [`patch!`] or watch it with [`spy!`].
///
/// In a build that is not a test build the function is left exactly as written; see
/// [`mod@patch`] for where seams exist, what can be patched and the feature that turns seams
/// on for integration tests. `#[patchable(always)]` keeps the seam in every build.
///
/// ```
/// use testrig::{patch, patchable};
///
/// #[patchable(always)] // `always` only because doc examples are not test builds
/// fn fetch_price(sku: &str) -> u32 {
///     panic!("the pricing service is not reachable from a test: {sku}")
/// }
///
/// # fn main() {
/// let _price = patch!(fetch_price, |_sku: &str| 1200);
/// assert_eq!(fetch_price("A-1"), 1200);
/// # }
/// ```
pub use testrig_macros::patchable;

/// Replaces a [`patchable`] function with a closure until the returned [`PatchGuard`] drops.
///
/// `patch!(make_dir, closure)` for a function (any path to it, or a name imported with `use`),
/// `patch!(Type::method, closure)` for a method, whose receiver is the closure's first
/// argument. The closure's signature is checked against the function's where `patch!` is
/// written; it must be `Send + Sync + 'static` because every thread calls it.
///
/// ```
/// use testrig::{patch, patchable};
///
/// struct Thermometer;
///
/// #[patchable(always)]
/// impl Thermometer {
///     fn celsius(&self) -> f64 {
///         panic!("no sensor attached to this machine")
///     }
/// }
///
/// # fn main() {
/// let _g = patch!(Thermometer::celsius, |_this: &Thermometer| 21.5);
/// assert_eq!(Thermometer.celsius(), 21.5);
/// # }
/// ```
pub use testrig_macros::patch;

/// Watches a [`patchable`] function: calls still run the real function, and each is recorded
/// in the returned [`patch::Spy`] until it drops. `spy!(path, count_only)` records only the
/// number of calls, for functions whose arguments cannot be copied.
///
/// ```
/// use testrig::{patchable, spy};
///
/// #[patchable(always)]
/// fn double(x: u32) -> u32 {
///     x * 2
/// }
///
/// # fn main() {
/// let spy = spy!(double);
/// assert_eq!(double(21), 42);
/// spy.assert_called_once_with(21);
/// # }
/// ```
pub use testrig_macros::spy;

pub use testrig_macros::{fixture, fixture_use, test};

/// `use testrig::prelude::*;` brings the guard modules and types, the macros and the
/// built-in fixtures.
pub mod prelude {
    pub use crate::WholeEnvGuard;
    pub use crate::approx::approx;
    pub use crate::assert_approx;
    pub use crate::context::TestContext;
    pub use crate::fs::TempDir;
    #[cfg(feature = "http")]
    pub use crate::http::{BlockingMockServer, MockServer, delete, get, patch, post, put, request};
    #[cfg(any(feature = "log", feature = "tracing"))]
    pub use crate::log::{Level, LogCapture};
    pub use crate::{ClockGuard, CwdGuard, EnvGuard, PatchGuard, SerialGuard, TaskScope};
    pub use crate::{clock, env, fs, lock};
    pub use crate::{patch, patchable, spy};

    #[cfg(any(feature = "log", feature = "tracing"))]
    pub use crate::fixture::logs;
    #[cfg(feature = "tempfile")]
    pub use crate::fixture::tmp_dir;
    #[cfg(feature = "http")]
    pub use crate::fixture::{blocking_mock_server, mock_server};
    pub use crate::fixture::{scope, test_context, whole_env};
    #[cfg(not(feature = "tempfile"))]
    #[doc(hidden)]
    pub use crate::fs::without_tempfile::tmp_dir;
    pub use crate::{fixture, fixture_use};
}
