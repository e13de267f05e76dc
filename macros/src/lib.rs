//! Procedural macros of [testrig](https://docs.rs/testrig). Use them through `testrig`
//! (`use testrig::prelude::*;`); this crate is an implementation detail.

mod case_marks;
mod compact;
mod ctxt;
mod duration;
mod entry;
mod expand;
mod files;
mod item;
mod literal;
mod naming;
mod params;
mod parse;
mod patch_macro;
mod patchable;
mod regex;
mod symbol;
mod text;
mod valid;

use proc_macro::TokenStream;

/// Marks a function as a fixture: tests and other fixtures get its value by naming it.
///
/// The function stays as written (call it directly if you like); the macro also adds a type
/// of the same name, which is how `#[testrig::test]` parameters, `#[fixture_use(...)]` and
/// `#[from(path)]` refer to it. A fixture's parameters are fixtures too.
///
/// ```
/// use testrig::prelude::*;
///
/// #[fixture]
/// fn mock_env() -> EnvGuard {
///     env::set("DOC_FIXTURE_URL", "http://127.0.0.1:9")
/// }
///
/// #[fixture]
/// fn url(_mock_env: &EnvGuard) -> String {        // `&`: the test holds it until it ends
///     std::env::var("DOC_FIXTURE_URL").unwrap()
/// }
///
/// #[testrig::test]
/// fn reads_the_url(url: String) {
///     assert_eq!(url, "http://127.0.0.1:9");
/// }
/// # fn main() {}
/// ```
///
/// Options:
/// * `#[fixture(scope = "session")]`: built once per test binary on first use, shared by
///   every test (take it as `&T`; its type must be `Send + Sync`), dropped at process exit.
///   It should depend only on other session fixtures.
/// * `#[fixture(autouse)]`: set up for every testrig-driven test of the binary (those with
///   `#[testrig::test]` or `#[fixture_use]`), before its other fixtures. A test opts out with
///   `#[testrig::test(no_autouse)]`. Autouse fixtures are sync; several are set up in the
///   order of their paths.
/// * `async fn` fixtures are awaited for async tests. A plain `fn` fixture may take an async
///   one: async tests await that first; a sync test that reaches an async fixture (directly
///   or through others) is a compile error, as is a session or `autouse` fixture on an async
///   one.
/// * rstest's `#[once]` below `#[fixture]` is `scope = "session"`; rstest's `#[default(value)]`
///   on a parameter gives it that value unless a test passes its own with `#[with(...)]`.
/// * `#[fixture(params = ["memory", "disk"])]`: every test that reaches the fixture runs
///   once per value, named `test::memory`, `test::disk`; the first parameter receives the
///   value. `ids = ["mem", "fs"]` names the values instead. See `testrig::fixture` for the
///   names with cases and several such fixtures, and for the limits.
///
/// ```
/// use testrig::prelude::*;
///
/// #[fixture(params = [1, 10], ids = ["small", "large"])]
/// fn size(n: usize) -> usize {
///     n
/// }
///
/// #[testrig::test] // `fills::small` and `fills::large`
/// fn fills(size: usize) {
///     assert_eq!(vec![0u8; size].len(), size);
/// }
/// # fn main() {}
/// ```
///
/// ```compile_fail
/// use testrig::prelude::*;
///
/// #[fixture(scope = "session")]
/// fn corpus() -> Vec<String> { Vec::new() }
///
/// #[fixture]
/// fn first(corpus: Vec<String>) -> String { corpus[0].clone() } // must be `&Vec<String>`
/// # fn main() {}
/// ```
#[proc_macro_attribute]
pub fn fixture(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::fixture(args.into(), item.into()).into()
}

/// A test whose parameters are fixtures (injected by name), with optional `#[case]`s and
/// `#[values]` matrices. Write it as `#[testrig::test]`.
///
/// * A parameter `x: T` gets a fresh value of fixture `x`; `x: &T` the test's shared one.
///   A leading `_` is dropped from the name (`_mock_env: &EnvGuard` uses `mock_env`);
///   `#[from(path::to::fixture)] name: T` names the fixture explicitly.
/// * `#[case(values..., id = "...", marks...)]`: one test per case, named `fn_name::id`
///   (sanitized: lower case, runs of other characters become `_`), or `fn_name::case_N`
///   (zero-padded to the width of the case count: `case_01` of 12). Values bind to the
///   leading parameters, the rest are fixtures. Marks: `ignore`, `ignore = "reason"`,
///   `should_panic`, `should_panic = "text"`, `xfail = "reason"`.
/// * rstest's spellings mean what they mean in rstest: `#[case::name(values...)]` (test
///   `fn_name::name`; a name used twice gets its occurrence, `name_1`, `name_2`), `#[case]`
///   on the parameters the values bind to (wherever they stand), `#[with(args...)]` on a
///   fixture parameter (the fixture's first arguments; the fixture gives the rest with
///   `#[default(value)]` or as fixtures), `#[files("glob")] path: PathBuf` (one test per
///   file, glob relative to the crate root or to `#[base_dir = "dir"]`, with `${VAR}` read
///   from the environment; `#[mode = str]` / `#[mode = bytes]` for the contents,
///   `#[exclude("regex")]`, `#[include_dot_files]`, `#[dirs]`, `#[ignore_missing_env_vars]`),
///   `#[timeout(Duration::...)]`, `#[should_panic]` below the cases for all of them, and a
///   `#[should_panic]`, `#[ignore]` or `#[timeout(..)]` before a case for that case alone.
/// * Generic tests: each case's values infer the type parameters, as a plain call would.
/// * `#[values(a, b, c)] x: T`: one test per value (the cartesian product over several such
///   parameters, within each case), named like `fn_name::x_a__y_1`.
/// * `async fn` tests: put `#[tokio::test]` below `#[testrig::test]`, or enable testrig's
///   feature `tokio` for a current-thread runtime.
/// * `#[testrig::test(no_autouse)]` skips the `autouse` fixtures.
/// * `#[testrig::test(isolated)]` runs the test (its fixtures included) in a child process of
///   the test binary that runs only this test (each case in its own child, selected by its
///   full name such as `polarify::third_quadrant`): environment changes, `static`s and
///   crashes stay there. Under nextest, which already gives each test a process, it runs in
///   place. Session fixtures are built again in the child. Costs a process start per test.
/// * `#[testrig::test(timeout = "5s")]` (`"500ms"`, `"2m"`, `"1.5h"`) fails the test when
///   set-up, body and teardown together take longer, naming the test, its case and the time
///   taken; `TESTRIG_TIMEOUT` gives every testrig test a default, which `timeout = "off"` (or
///   `"0"`) lifts for one test. The smallest limit is `"1ms"`. A sync test past its limit
///   keeps running on a detached thread (a thread cannot be killed; with `isolated` the child
///   process is killed instead); an async test's future is dropped, so its fixtures are torn
///   down. A case may set its own limit: `#[case(..., timeout = "1s")]`.
/// * `#[testrig::test(serial = "db")]` (or `serial = ["db", "cache"]`) runs the test holding
///   those keys exclusively (see `testrig::lock::serial`): tests sharing a key never overlap,
///   in this process or any other (nextest, isolated children), while the rest run in
///   parallel. `#[testrig::test(shared = "db")]` holds the key's shared side
///   (`testrig::lock::shared`): shared tests run together, never beside a `serial` one
///   (serial_test's `#[parallel(db)]`). A bare `#[testrig::test(serial)]` holds the keyless
///   key (`testrig::lock::serial_keyless`, serial_test's `#[serial]`): keyless serial tests
///   never overlap each other. A testrig test that calls another testrig test fn runs it in
///   its own context, so the inner test re-enters the keys the outer one holds.
/// * On an inline `mod`, `#[testrig::test(options)]` applies the options to every test inside
///   it (`#[test]`, `#[tokio::test]`, `#[testrig::test]`, nested modules too); a test's own
///   option of the same name wins. It must be an inline module: on `mod name;` the macro
///   cannot see the file (write the attribute on an inline `mod` inside it), and tests that a
///   `macro_rules!` writes are not seen.
/// * A test returns `()` or anything libtest accepts: `Result<T, E>` with `E: Debug`, nested
///   (`Result<Result<(), A>, B>`), `ExitCode` (see `testrig::fixture::TestResult`).
/// * Raw identifiers work: a parameter `r#type` asks for the fixture `fn r#type()`; generated
///   test names drop the `r#` (`#[values(1)] r#type: u32` gives `t::type_1`).
/// * Options combine: `#[testrig::test(isolated, timeout = "2s", serial = "db", no_autouse)]`.
///   A test that panics before its limit fails with its own panic, so `#[should_panic]` and
///   `xfail` work as without a limit. A timeout is always a failure: never an `xfail` pass,
///   and never the panic a `#[should_panic]` expects. Under a bare `#[should_panic]` the
///   timeout is reported and the test fails as not panicking; with `expected = "..."` the
///   timeout's message does not match. What the timed-out test held (patches, keys) is
///   restored and released at once, listed in the timeout's message, so the tests waiting
///   for it go on.
/// * With testrig's feature `proptest`, `#[strategy(0..100u32)] n: u32` makes a property
///   test: proptest draws the value (shrinking failures, saving them under
///   `proptest-regressions/` as `proptest!` does) while the other parameters are fixtures.
///   Fixtures taken by reference are built once per test, by value once per run of the
///   property.
///
/// ```
/// use testrig::prelude::*;
///
/// #[fixture]
/// fn base() -> u32 {
///     10
/// }
///
/// #[testrig::test]
/// #[case(1, 11, id = "one")]
/// #[case(2, 12, id = "two")]
/// #[case(3, 0, id = "wrong on purpose", xfail = "shows xfail")]
/// fn adds(n: u32, expected: u32, base: u32) {
///     assert_eq!(base + n, expected);
/// }
///
/// #[testrig::test]
/// fn matrix(#[values(1, 2)] a: u32, #[values(3, 4)] b: u32) {
///     assert!(a < b);
/// }
/// # fn main() {}
/// ```
///
/// A failing case prints its id as written, the `#[case]` line and each argument as written.
///
/// ```
/// use testrig::prelude::*;
///
/// #[fixture]
/// fn mock_env() -> EnvGuard {
///     env::set("DOC_OPTIONS_KEY", "on")
/// }
///
/// #[testrig::test(isolated, timeout = "30s", serial = "doc-db")]
/// #[fixture_use(mock_env)]
/// #[case(1, id = "quick")]
/// #[case(2, id = "slow", timeout = "1m")]
/// fn with_options(n: u32) {
///     assert!(n > 0);
///     assert_eq!(std::env::var("DOC_OPTIONS_KEY").unwrap(), "on");
/// }
/// # fn main() {}
/// ```
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::test(args.into(), item.into()).into()
}

/// Sets fixtures up around a test without naming them in its signature: in the order
/// listed, torn down in reverse when the test ends (also when it panics).
///
/// Works on a plain `#[test]` (above or below it), on `#[tokio::test]` (either order), with
/// `#[should_panic]`, and together with `#[testrig::test]`. It never adds a `#[test]` of its
/// own, so a function without one simply runs under testrig's runner when called. Several
/// `#[fixture_use]` attributes on one test form one list; a fixture listed twice is an error.
///
/// On an inline `mod`, it applies to every test inside (nested modules too): the module's
/// fixtures are set up first, then the test's own (a fixture both list is set up once).
///
/// ```
/// use testrig::prelude::*;
///
/// #[fixture]
/// fn config_env() -> EnvGuard {
///     env::set("DOC_MODULE_KEY", "on")
/// }
///
/// #[fixture_use(config_env)] // one line for every test below (`#[test]` ones too)
/// mod config_tests {
///     #[testrig::test]
///     fn reads_the_key() {
///         assert_eq!(std::env::var("DOC_MODULE_KEY").unwrap(), "on");
///     }
///
///     #[testrig::test(serial = "doc-config")]
///     fn also_here() {
///         assert_eq!(std::env::var("DOC_MODULE_KEY").unwrap(), "on");
///     }
/// }
/// # fn main() {}
/// ```
///
/// ```
/// use testrig::prelude::*;
///
/// #[fixture]
/// fn mock_env() -> EnvGuard {
///     env::set("DOC_USE_KEY", "on")
/// }
///
/// #[fixture_use(mock_env)] // with `#[test]` above or below it in a test suite
/// fn reads_env() {
///     assert_eq!(std::env::var("DOC_USE_KEY").unwrap(), "on");
/// }
///
/// fn main() {
///     reads_env(); // runs under testrig's runner: set-up, body, teardown
///     assert!(std::env::var_os("DOC_USE_KEY").is_none());
/// }
/// ```
#[proc_macro_attribute]
pub fn fixture_use(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::fixture_use(args.into(), item.into()).into()
}

/// Makes a function a seam that tests replace with `patch!` or watch with `spy!`; in builds
/// that are not test builds the function is left exactly as written. See `testrig::patch`.
#[proc_macro_attribute]
pub fn patchable(
    args: proc_macro::TokenStream,
    input: proc_macro::TokenStream,
) -> proc_macro::TokenStream {
    patchable::patchable(args.into(), input.into()).into()
}

/// `patch!(path::to::function, replacement)`: replaces a `#[patchable]` function until the
/// returned guard drops. See `testrig::patch!`.
#[proc_macro]
pub fn patch(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    patch_macro::patch(input.into()).into()
}

/// `spy!(path::to::function)`: calls the real function and records every call until the
/// returned spy drops. See `testrig::spy!`.
#[proc_macro]
pub fn spy(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    patch_macro::spy(input.into()).into()
}

/// The last step of a parametrized-fixture chain; see `expand/params.rs`. Not an API.
#[doc(hidden)]
#[proc_macro]
pub fn __params_finish(input: TokenStream) -> TokenStream {
    expand::params::finish(input.into()).into()
}
