//! A plain `#[test]` running beside a testrig test sees that test's patches and fake clock
//! (nothing tells it apart from the test's own workers). When it then fails, its panic message
//! is followed by a note that names the test whose patch it ran; when the testrig test's spy
//! fails because it counted the plain test's calls, the spy's message names the plain test.

use std::sync::{Barrier, LazyLock};
use std::time::Duration;

use testrig::clock::{self, SystemTime, UNIX_EPOCH};
use testrig::patchable;

use crate::common;

#[patchable]
fn exchange_rate() -> u32 {
    100
}

#[patchable]
fn audit(_who: &str) {}

#[patchable]
fn tax_rate() -> u32 {
    19
}

#[patchable]
fn audit_task(_who: &str) {}

static PATCH_MET: LazyLock<Barrier> = LazyLock::new(|| Barrier::new(2));
static CLOCK_MET: LazyLock<Barrier> = LazyLock::new(|| Barrier::new(2));
static SPY_MET: LazyLock<Barrier> = LazyLock::new(|| Barrier::new(2));

/// Holder and neighbour each call this with their pair's barrier, and meet twice around
/// `act`: once the holder's patch is live, and once the neighbour has used it, so the holder
/// keeps it until then.
fn between_meetings<R>(met: &Barrier, act: impl FnOnce() -> R) -> R {
    met.wait();
    let result = act();
    met.wait();
    result
}

#[testrig::test]
fn helper_patch_holder() {
    if !common::in_helper() {
        return;
    }
    let _rate = testrig::patch!(exchange_rate, || 7);
    between_meetings(&PATCH_MET, || ());
}

#[test]
fn helper_patch_neighbour() {
    if !common::in_helper() {
        return;
    }
    let rate = between_meetings(&PATCH_MET, exchange_rate);
    assert_eq!(rate, 100, "the neighbour expected the real rate");
}

#[testrig::test]
fn helper_clock_holder() {
    if !common::in_helper() {
        return;
    }
    let _clock = clock::freeze_at(UNIX_EPOCH + Duration::from_secs(86_400));
    between_meetings(&CLOCK_MET, || ());
}

#[test]
fn helper_clock_neighbour() {
    if !common::in_helper() {
        return;
    }
    let now = between_meetings(&CLOCK_MET, SystemTime::now);
    assert!(
        now > UNIX_EPOCH + Duration::from_secs(1_600_000_000),
        "the neighbour expected today's date"
    );
}

/// The other way round: the testrig test fails, because its spy counted a neighbour's call.
#[testrig::test]
fn helper_spy_holder() {
    if !common::in_helper() {
        return;
    }
    let spy = testrig::spy!(audit);
    audit("holder");
    between_meetings(&SPY_MET, || ());
    spy.assert_called_once();
}

#[test]
fn helper_spy_neighbour() {
    if !common::in_helper() {
        return;
    }
    between_meetings(&SPY_MET, || audit("neighbour"));
}

/// A worker of the holder's own runtime is the holder's (testrig's rule for threads without a
/// context): its panic gets no note, and the holder's spy does not mark its calls.
#[cfg(feature = "tokio")]
#[testrig::test]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helper_runtime_worker_of_the_holder() {
    if !common::in_helper() {
        return;
    }
    let _rate = testrig::patch!(tax_rate, || 20);
    let spy = testrig::spy!(audit_task);
    let task = tokio::spawn(async {
        audit_task("task");
        assert_eq!(tax_rate(), 20);
        panic!("a task of the holder panics");
    });
    assert!(task.await.unwrap_err().is_panic());
    // Fails on purpose (one call was made), to show the test's output and the spy's list.
    spy.assert_called_times(2);
}

#[test]
fn helper_unrelated_failure() {
    assert!(
        !common::in_helper(),
        "fails on its own, having used nothing patched"
    );
}

/// The failure section the harness prints for `test`: its captured output.
fn section<'a>(text: &'a str, test: &str) -> &'a str {
    let head = format!("---- contextless::{test} stdout ----");
    let start = text
        .find(&head)
        .unwrap_or_else(|| panic!("no section for {test}:\n{text}"));
    let rest = &text[start + head.len()..];
    let end = rest
        .find("\n---- ")
        .or_else(|| rest.find("\nfailures:"))
        .unwrap();
    &rest[..end]
}

#[test]
fn a_plain_test_that_used_another_tests_patch_names_it_when_it_fails() {
    // All at once: each holder waits for its neighbour.
    let (out, text) = common::run(&mut common::helpers("contextless::helper_", 8));
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("test contextless::helper_patch_holder ... ok"),
        "{text}"
    );
    assert!(
        text.contains("test contextless::helper_clock_holder ... ok"),
        "{text}"
    );
    assert!(
        text.contains("test contextless::helper_spy_neighbour ... ok"),
        "{text}"
    );

    let patch = section(&text, "helper_patch_neighbour");
    assert!(
        patch.contains("the neighbour expected the real rate"),
        "{patch}"
    );
    assert!(
        patch.contains(
            "note: testrig: this thread (`contextless::helper_patch_neighbour`) has no test \
             context, and it ran the replacement of `seams::contextless::exchange_rate` that \
             test `contextless::helper_patch_holder` patched."
        ),
        "{patch}"
    );
    assert!(
        patch.contains(
            "If `contextless::helper_patch_neighbour` is a plain `#[test]`, give it \
             `#[testrig::test]` (it then runs the real `seams::contextless::exchange_rate`)"
        ),
        "{patch}"
    );
    assert!(!patch.contains("fake clock"), "{patch}");

    let clock = section(&text, "helper_clock_neighbour");
    assert!(
        clock.contains("and it read the fake clock of test `contextless::helper_clock_holder`"),
        "{clock}"
    );
    assert!(!clock.contains("exchange_rate"), "{clock}");

    let spy = section(&text, "helper_spy_holder");
    assert!(
        spy.contains(
            "testrig: expected 1 call, got 2\n  call 1: \"holder\"\n  call 2: \"neighbour\" \
             (from thread `contextless::helper_spy_neighbour`, which has no test context)\n\
             Calls from threads without a test context count"
        ),
        "{spy}"
    );

    #[cfg(feature = "tokio")]
    {
        let worker = section(&text, "helper_runtime_worker_of_the_holder");
        assert!(worker.contains("a task of the holder panics"), "{worker}");
        assert!(
            worker.contains("testrig: expected 2 calls, got 1\n  call 1: \"task\"\n"),
            "{worker}"
        );
        assert!(!worker.contains("note: testrig"), "{worker}");
        assert!(!worker.contains("no test context"), "{worker}");
    }

    let unrelated = section(&text, "helper_unrelated_failure");
    assert!(
        unrelated.contains("having used nothing patched"),
        "{unrelated}"
    );
    assert!(!unrelated.contains("note: testrig"), "{unrelated}");
}
