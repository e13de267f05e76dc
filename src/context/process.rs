//! Whether this process runs one test only: step 4 of the rule of which test a thread
//! without a context belongs to.

use std::sync::OnceLock;

/// Whether this process runs one test only, so that every thread in it works for that test.
///
/// True when both hold:
/// - the process was started to run one test: nextest's process per test
///   (`NEXTEST_EXECUTION_MODE=process-per-test`, which nextest sets for every test process),
///   or a child of [`isolated`](crate::isolate::isolated) (`TESTRIG_ISOLATE_CHILD`);
/// - its command line selects at most one test: `--exact` and a single name, as both nextest
///   and testrig start it. This guards against the variables leaking into a test binary
///   that a test starts itself to run several tests.
///
/// Read once per process.
///
/// ```
/// // false under `cargo test` (this doctest too); true in a nextest test process
/// if testrig::context::single_test_process() {
///     println!("records of every thread here belong to the one running test");
/// }
/// ```
pub fn single_test_process() -> bool {
    static ONE: OnceLock<bool> = OnceLock::new();
    *ONE.get_or_init(|| {
        let started_for_one = std::env::var_os("NEXTEST_EXECUTION_MODE")
            .is_some_and(|mode| mode == "process-per-test")
            || crate::isolate::in_child();
        started_for_one && selects_one_test(std::env::args_os().skip(1))
    })
}

/// Whether libtest arguments select at most one test: `--exact` with one name filter.
fn selects_one_test(args: impl IntoIterator<Item = std::ffi::OsString>) -> bool {
    // libtest's options that take their value as the next argument.
    const WITH_VALUE: [&str; 7] = [
        "--test-threads",
        "--logfile",
        "--skip",
        "--format",
        "--color",
        "--shuffle-seed",
        "-Z",
    ];
    let mut exact = false;
    let mut filters = 0;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let Some(arg) = arg.to_str() else {
            filters += 1;
            continue;
        };
        if arg == "--exact" {
            exact = true;
        } else if arg == "--list" || arg == "--bench" {
            return false;
        } else if WITH_VALUE.contains(&arg) {
            args.next();
        } else if !arg.starts_with('-') {
            filters += 1;
        }
    }
    exact && filters == 1
}

#[cfg(test)]
mod tests {
    use super::selects_one_test;

    fn one(args: &[&str]) -> bool {
        selects_one_test(args.iter().map(std::ffi::OsString::from))
    }

    #[test]
    fn one_test_means_exact_and_a_single_name() {
        // as nextest and testrig's isolated children start a test
        assert!(one(&["--exact", "log::t", "--nocapture"]));
        assert!(one(&[
            "log::t",
            "--exact",
            "--nocapture",
            "--test-threads=1",
            "--include-ignored"
        ]));
        assert!(one(&["--test-threads", "16", "--exact", "t"]));
        assert!(one(&[
            "--skip", "other", "--exact", "t", "--format", "json", "-Z", "x"
        ]));
    }

    #[test]
    fn anything_that_may_run_several_tests_is_not_one() {
        assert!(!one(&[]));
        assert!(!one(&["--exact"]));
        assert!(!one(&["t"]));
        assert!(!one(&["--exact", "a", "b"]));
        assert!(!one(&["--list", "--exact", "t"]));
        assert!(!one(&["--test-threads", "16", "--exact"]));
    }
}
