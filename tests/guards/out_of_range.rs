//! Durations and times at the edge of what the platform represents: every clock operation
//! either fits, saturates where that is its documented meaning, or panics at the caller's line
//! with a testrig message naming the value and the limit; never inside std.

use std::panic::Location;
use std::time::Duration;

use testrig::clock::{self, Instant, SystemTime, UNIX_EPOCH};

/// The latest `SystemTime` on this platform, found with `checked_add`.
fn latest_system_time() -> SystemTime {
    let (mut lo, mut hi) = (0u64, u64::MAX);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if UNIX_EPOCH.checked_add(Duration::from_secs(mid)).is_some() {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let secs = UNIX_EPOCH + Duration::from_secs(lo);
    (0..=999_999_999u32)
        .rev()
        .find_map(|n| secs.checked_add(Duration::from_nanos(u64::from(n))))
        .unwrap()
}

#[path = "../support/panic_site.rs"]
mod panic_site;
pub(crate) use panic_site::panic_of;

/// `file:line` of the line after the caller's.
#[track_caller]
pub(crate) fn next_line() -> String {
    let here = Location::caller();
    format!("{}:{}", here.file(), here.line() + 1)
}

#[test]
fn advance_by_duration_max_panics_at_the_callers_line_and_leaves_the_clock() {
    let start = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let clock = clock::freeze_at(start);
    let line = next_line();
    let (message, site) = panic_of(|| clock.advance(Duration::MAX));
    assert_eq!(site, line, "{message}");
    assert!(
        message.starts_with("testrig::clock: cannot advance the clock"),
        "{message}"
    );
    assert!(
        message.contains("18446744073709551615.999999999s"),
        "{message}"
    );
    assert!(message.contains("tv_sec: 1700000000"), "{message}");
    assert!(
        message.contains("the latest SystemTime on this platform is"),
        "{message}"
    );
    assert_eq!(SystemTime::now(), start);
    clock.advance(Duration::from_secs(1));
    assert_eq!(SystemTime::now(), start + Duration::from_secs(1));
}

#[test]
fn sleep_on_a_frozen_clock_near_the_end_of_time_panics_and_up_to_the_end_works() {
    let end = latest_system_time();
    let clock = clock::freeze_at(end - Duration::from_secs(1));
    let line = next_line();
    let (message, site) = panic_of(|| clock::sleep(Duration::from_secs(2)));
    assert_eq!(site, line, "{message}");
    assert!(
        message.contains("cannot sleep 2s on the frozen clock"),
        "{message}"
    );
    assert!(
        message.contains(&format!("{:?}", end.into_std())),
        "{message}"
    );
    assert_eq!(clock.now(), end - Duration::from_secs(1));
    clock::sleep(Duration::from_secs(1));
    assert_eq!(SystemTime::now(), end);
}

#[test]
fn travel_needs_room_to_run_and_freezing_at_the_end_reads_fine() {
    let end = latest_system_time();
    let line = next_line();
    let (message, site) = panic_of(|| drop(clock::travel(end - Duration::from_secs(1))));
    assert_eq!(site, line, "{message}");
    assert!(
        message.contains("a running clock (`travel`) needs 100 years"),
        "{message}"
    );
    assert!(message.contains("clock::freeze_at"), "{message}");

    let _frozen = clock::freeze_at(end);
    assert_eq!(SystemTime::now(), end);
    // 200 years before the end leaves room: reads of the running clock stay in range.
    let far = end - Duration::from_secs(200 * 366 * 86_400);
    let _running = clock::travel(far);
    assert!(SystemTime::now() >= far);
}

#[test]
fn set_panics_when_instant_cannot_follow_and_leaves_the_clock() {
    let clock = clock::freeze_at(UNIX_EPOCH);
    let before = Instant::now();
    let (message, _) = panic_of(|| clock.set(latest_system_time()));
    assert!(
        message.starts_with("testrig::clock: cannot set the clock"),
        "{message}"
    );
    assert!(
        message.contains("the latest Instant on this platform is"),
        "{message}"
    );
    assert_eq!(SystemTime::now(), UNIX_EPOCH);
    assert_eq!(Instant::now(), before);
}

#[test]
fn instant_and_system_time_arithmetic_panics_at_the_callers_line_naming_the_limit() {
    let now = Instant::now();
    let line = next_line();
    let (message, site) = panic_of(|| _ = now + Duration::MAX);
    assert_eq!(site, line, "{message}");
    assert!(message.contains("is out of range for Instant"), "{message}");
    assert!(message.contains("Use `checked_add`"), "{message}");

    let line = next_line();
    let (message, site) = panic_of(|| _ = UNIX_EPOCH - Duration::MAX);
    assert_eq!(site, line, "{message}");
    assert!(
        message.contains("the earliest SystemTime on this platform is"),
        "{message}"
    );

    let mut t = latest_system_time();
    let line = next_line();
    let (message, site) = panic_of(|| t += Duration::from_nanos(1));
    assert_eq!(site, line, "{message}");
    assert!(
        message.contains(&format!("{:?}", t.into_std())),
        "{message}"
    );

    assert_eq!(now.checked_add(Duration::MAX), None);
    // Documented saturation, as std's: an earlier instant minus a later one is zero.
    assert_eq!(now - (now + Duration::from_secs(1)), Duration::ZERO);
    assert_eq!(
        now.duration_since(now + Duration::from_secs(1)),
        Duration::ZERO
    );
}

#[test]
fn a_scope_join_limit_of_duration_max_waits_instead_of_overflowing() {
    let scope = testrig::scope::TaskScope::new().with_join_limit(Duration::MAX);
    let (tx, rx) = std::sync::mpsc::channel();
    scope.spawn_thread(move || tx.send(7).unwrap());
    scope.finish();
    assert_eq!(rx.recv().unwrap(), 7);
}
