//! Function seams: `#[patchable]` functions that a test replaces with a closure for as long as
//! a guard lives.
//!
//! ```
//! use std::io;
//! use std::path::Path;
//! use testrig::{patch, patchable};
//!
//! #[patchable(always)] // in your crate: `#[patchable]` (doc examples are not test builds)
//! fn make_dir(path: &Path) -> io::Result<()> {
//!     std::fs::create_dir(path)
//! }
//!
//! # fn main() {
//! let guard = patch!(make_dir, |_path: &Path| Err(io::ErrorKind::PermissionDenied.into()));
//! let err = make_dir(Path::new("/nonexistent/cache")).unwrap_err();
//! assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
//! drop(guard); // the real function is back
//! # }
//! ```
//!
//! # Where seams exist
//!
//! In a build that is not a test build, `#[patchable]` leaves the function exactly as written:
//! no slot, no branch, no extra symbol (`tests/zero_cost.rs` checks this on a release build).
//! Where seams exist, the function first loads one atomic flag; while nothing is patched that
//! is the whole cost (about 0.6 ns, `benches/patch.rs`).
//!
//! - The crate's own unit tests (`cargo test`, `cfg(test)` in the crate that uses
//!   `#[patchable]`) have seams with no setup.
//! - Integration tests (`tests/*.rs`) and examples link the library built *without*
//!   `cfg(test)`. Turn on testrig's `seams` feature from `[dev-dependencies]`:
//!
//!   ```toml
//!   [dependencies]
//!   testrig = { version = "0.1", default-features = false }  # for `#[patchable]`
//!
//!   [dev-dependencies]
//!   testrig = { version = "0.1", features = ["seams"] }
//!   ```
//!
//!   Cargo (resolver 2, the default since edition 2021) applies dev-dependency features only
//!   to builds that include tests, examples or benches, so `cargo build` and
//!   `cargo build --release` keep the functions as written while `cargo test` and
//!   `cargo nextest run` get seams in the library too. (A `cargo build --all-targets` builds
//!   tests as well, so it has seams too.)
//! - `#[patchable(always)]` keeps the seam in every build: for doc examples (doctests are not
//!   test builds) and for programs that patch at run time on purpose.
//!
//! # Which functions can be patchable
//!
//! Free functions, inherent methods and associated functions (`&self`, `&mut self`, `self`,
//! `self: Box<Self>`, or none), `async fn`s and `unsafe fn`s. Not supported, with a compile
//! error that says so: generic functions (type or const parameters, `impl Trait` arguments or
//! return types), `const fn`s (a patch is chosen at run time) and C-variadic functions. Write a
//! non-generic function for the seam and call it from the generic one.
//!
//! A method is patched as `patch!(Type::method, ...)`: the path's second-to-last segment names
//! the type (it starts with an upper-case letter, or is `Self`). An associated function without
//! a receiver is only recognised as one when its signature mentions `Self`; otherwise put
//! `#[patchable]` on the whole `impl` block, which makes every function in it patchable. Methods
//! of trait impls and of types with lifetime or type parameters are not supported.
//!
//! # The replacement
//!
//! The closure takes the function's arguments (a method's receiver first) and returns its
//! return type. For an `async fn` it returns the *output*, not a future. It must be
//! `Send + Sync + 'static`, because every thread calls it: spawned threads, thread pools and
//! tokio workers all see the patch. To reach the real function from inside a replacement (or
//! anywhere else), call `make_dir::real(...)` (`Type::__testrig_real_method(...)` for methods),
//! or use [`spy!`](macro@crate::spy) to delegate and record.
//!
//! # Parallel tests
//!
//! A patch is process-wide, with one exception that keeps parallel tests apart: a call made
//! inside *another* testrig-driven test (one that entered a different
//! [`TestContext`](crate::context::TestContext): `#[testrig::test]`, `#[fixture_use]`, or
//! code that test carries along with `TestContext::wrap`/`wrap_fn` or the `scope` fixture) runs
//! the real function. Threads and tasks with no test context, such as the workers the code
//! under test starts, see the patch; so does a plain `#[test]`, which has no context to tell it
//! apart. Spies follow the same rule and record only the calls of their own test. When a thread
//! without a context that ran a test's replacement panics, the panic message is followed by a
//! note naming that test and the function, so a plain `#[test]` that failed because it ran
//! beside a patching test says so; a spy's failing assertion marks each call that came from a
//! thread without a context, and names the thread.
//!
//! # Spies
//!
//! `spy!(path)` records each call's arguments as owned values (`&Path` → `PathBuf`, `&str` →
//! `String`, other types cloned) and runs the real function; the spy is a guard like a patch.
//! An argument type whose owned form cannot be made is a compile error at the `spy!` line;
//! `spy!(path, count_only)` then records only the calls. Arguments whose types hold lifetimes
//! (other than one top-level reference) are recorded as `()`. On an `async fn`, the spy records
//! when the call's future is first polled and the real body runs as usual.
//!
//! # Guards
//!
//! [`PatchGuard`] follows the guard core: two tests patching the same function run one after
//! the other, nested patches in one test stack (the newest wins, any drop order restores
//! exactly), and a guard leaked past its test is undone at the test's end with a report naming
//! the line that made it. Tests that only *call* a function while another test patches it do
//! see the patch, as they would see a patched env var: patch in the tests that depend on it.

mod slot;
mod spy;

pub use slot::PatchGuard;
#[doc(hidden)]
pub use slot::PatchSlot;
#[doc(hidden)]
pub use spy::Recorder;
pub use spy::Spy;
