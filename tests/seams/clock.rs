use std::time::Duration;

use testrig::clock::{self, Instant, SystemTime, UNIX_EPOCH};
use testrig::context::TestContext;

const NOV_2023: Duration = Duration::from_secs(1_700_000_000);

#[test]
fn freeze_at_stops_both_clocks_at_the_given_time() {
    let _clock = clock::freeze_at(UNIX_EPOCH + NOV_2023);
    let i = Instant::now();
    std::thread::sleep(Duration::from_millis(5));
    assert_eq!(SystemTime::now(), UNIX_EPOCH + NOV_2023);
    assert_eq!(Instant::now(), i);
    assert_eq!(i.elapsed(), Duration::ZERO);
}

#[test]
fn advance_moves_instant_and_system_time_together() {
    let clock = clock::freeze_at(std::time::UNIX_EPOCH + NOV_2023);
    let (i, s) = (Instant::now(), SystemTime::now());
    clock.advance(Duration::from_secs(1800));
    clock.advance(Duration::from_millis(1));
    let d = Duration::from_millis(1_800_001);
    assert_eq!(Instant::now() - i, d);
    assert_eq!(SystemTime::now().duration_since(s).unwrap(), d);
    assert_eq!(clock.now(), UNIX_EPOCH + NOV_2023 + d);
    assert_eq!(clock.instant(), i + d);
}

#[test]
fn set_moves_forward_and_back_but_instants_never_go_back() {
    let clock = clock::freeze_at(UNIX_EPOCH + NOV_2023);
    let i = Instant::now();
    clock.set(UNIX_EPOCH + NOV_2023 + Duration::from_secs(60));
    assert_eq!(Instant::now() - i, Duration::from_secs(60));
    clock.set(UNIX_EPOCH);
    assert_eq!(SystemTime::now(), UNIX_EPOCH);
    assert_eq!(Instant::now() - i, Duration::from_secs(60));
}

#[test]
fn travel_starts_at_the_time_and_runs() {
    let start = UNIX_EPOCH + NOV_2023;
    let _clock = clock::travel(start);
    let i = Instant::now();
    std::thread::sleep(Duration::from_millis(5));
    assert!(SystemTime::now() > start);
    assert!(SystemTime::now() < start + Duration::from_secs(3600));
    assert!(Instant::now() > i);
}

#[test]
fn advance_on_a_travelling_clock_jumps_ahead() {
    let start = UNIX_EPOCH + NOV_2023;
    let clock = clock::travel(start);
    clock.advance(Duration::from_secs(7200));
    assert!(SystemTime::now() >= start + Duration::from_secs(7200));
}

#[test]
fn sleep_on_a_frozen_clock_advances_it_instead_of_sleeping() {
    let _clock = clock::freeze_at(UNIX_EPOCH);
    let i = Instant::now();
    // A year: the test would hang if this really slept.
    clock::sleep(Duration::from_secs(365 * 24 * 3600));
    assert_eq!(i.elapsed(), Duration::from_secs(365 * 24 * 3600));
    assert_eq!(
        SystemTime::now(),
        UNIX_EPOCH + Duration::from_secs(365 * 24 * 3600)
    );
}

#[test]
fn sleep_from_another_thread_advances_the_frozen_clock() {
    let _clock = clock::freeze_at(UNIX_EPOCH);
    std::thread::spawn(|| clock::sleep(Duration::from_secs(86_400)))
        .join()
        .unwrap();
    assert_eq!(SystemTime::now(), UNIX_EPOCH + Duration::from_secs(86_400));
}

// After its last guard drops a test no longer holds the clock, and a parallel test may take
// it: checks after the drop only assert that this test's own fake time is gone.
const OWN: Duration = Duration::from_secs(123_456_789);

#[test]
fn dropping_the_guard_brings_the_real_clock_back() {
    let clock = clock::freeze_at(UNIX_EPOCH + OWN);
    assert_eq!(SystemTime::now(), UNIX_EPOCH + OWN);
    drop(clock);
    assert_ne!(SystemTime::now(), UNIX_EPOCH + OWN);
}

#[test]
fn nested_guards_show_the_newest_and_restore_in_any_order() {
    let outer = clock::freeze_at(UNIX_EPOCH + Duration::from_secs(10));
    let inner = clock::freeze_at(UNIX_EPOCH + Duration::from_secs(20));
    assert_eq!(SystemTime::now(), UNIX_EPOCH + Duration::from_secs(20));
    outer.advance(Duration::from_secs(1)); // hidden under `inner`
    assert_eq!(SystemTime::now(), UNIX_EPOCH + Duration::from_secs(20));
    drop(inner);
    assert_eq!(SystemTime::now(), UNIX_EPOCH + Duration::from_secs(11));
    let third = clock::freeze_at(UNIX_EPOCH + OWN);
    drop(outer);
    assert_eq!(SystemTime::now(), UNIX_EPOCH + OWN);
    drop(third);
    assert_ne!(SystemTime::now(), UNIX_EPOCH + OWN);
}

#[test]
fn spawned_threads_and_tokio_workers_see_the_fake_clock() {
    let _clock = clock::freeze_at(UNIX_EPOCH + NOV_2023);
    let from_thread = std::thread::spawn(SystemTime::now).join().unwrap();
    assert_eq!(from_thread, UNIX_EPOCH + NOV_2023);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let from_workers = rt.block_on(async {
        let tasks: Vec<_> = (0..8)
            .map(|_| tokio::spawn(async { SystemTime::now() }))
            .collect();
        let mut seen = Vec::new();
        for t in tasks {
            seen.push(t.await.unwrap());
        }
        seen
    });
    assert!(from_workers.iter().all(|t| *t == UNIX_EPOCH + NOV_2023));
}

#[test]
fn a_leaked_clock_guard_is_restored_and_reported_at_test_end() {
    let ctx = TestContext::new("seams::leaky_clock", None);
    let line = {
        let _in = ctx.enter();
        let line = line!() + 1;
        std::mem::forget(clock::freeze_at(UNIX_EPOCH));
        line
    };
    let report = testrig::__private::restore_leaked_guards(&ctx).expect("a leak is reported");
    assert!(report.contains("the clock patched at"), "{report}");
    assert!(
        report.contains(&format!("tests/seams/clock.rs:{line}")),
        "{report}"
    );
}

#[test]
fn a_guard_restored_at_test_end_refuses_to_advance() {
    let ctx = TestContext::new("seams::restored_clock", None);
    let clock = {
        let _in = ctx.enter();
        clock::freeze_at(UNIX_EPOCH)
    };
    assert!(testrig::__private::restore_leaked_guards(&ctx).is_some());
    let err = std::panic::catch_unwind(|| clock.advance(Duration::from_secs(1))).unwrap_err();
    let message = err
        .downcast_ref::<&str>()
        .copied()
        .unwrap_or_default()
        .to_owned()
        + err.downcast_ref::<String>().map_or("", |s| s);
    assert!(message.contains("already restored"), "{message}");
}

#[test]
fn instant_and_system_time_have_std_arithmetic_and_conversions() {
    let i = Instant::now();
    let j = i + Duration::from_secs(2);
    assert_eq!(j - i, Duration::from_secs(2));
    assert_eq!(i - j, Duration::ZERO);
    assert_eq!(j.checked_duration_since(i), Some(Duration::from_secs(2)));
    assert_eq!(i.checked_duration_since(j), None);
    assert_eq!(j.checked_sub(Duration::from_secs(2)), Some(i));
    let mut k = i;
    k += Duration::from_secs(1);
    k -= Duration::from_secs(1);
    assert_eq!(k, i);
    let std_i: std::time::Instant = i.into();
    assert_eq!(Instant::from(std_i), i);

    let t = UNIX_EPOCH + Duration::from_secs(100);
    assert_eq!(t - Duration::from_secs(100), UNIX_EPOCH);
    assert!(UNIX_EPOCH.duration_since(t).is_err());
    assert_eq!(
        UNIX_EPOCH.duration_since(t).unwrap_err().duration(),
        Duration::from_secs(100)
    );
    assert_eq!(
        t.checked_add(Duration::from_secs(1)),
        Some(t + Duration::from_secs(1))
    );
    let std_t: std::time::SystemTime = t.into();
    assert_eq!(SystemTime::from(std_t), t);
    assert_eq!(std_t, t);
}

fn freeze_and_check(secs: u64) {
    let at = UNIX_EPOCH + Duration::from_secs(secs);
    let clock = clock::freeze_at(at);
    for step in 0..20 {
        assert_eq!(SystemTime::now(), at + Duration::from_secs(step));
        assert_eq!(
            std::thread::spawn(SystemTime::now).join().unwrap(),
            at + Duration::from_secs(step)
        );
        clock.advance(Duration::from_secs(1));
        std::thread::yield_now();
    }
}

macro_rules! parallel_clock_tests {
    ($($name:ident = $secs:expr),* $(,)?) => {
        $(#[test] fn $name() { freeze_and_check($secs); })*
    };
}

parallel_clock_tests!(
    clock_01 = 1_000,
    clock_02 = 2_000,
    clock_03 = 3_000,
    clock_04 = 4_000,
    clock_05 = 5_000,
    clock_06 = 6_000,
    clock_07 = 7_000,
    clock_08 = 8_000,
    clock_09 = 9_000,
    clock_10 = 10_000,
    clock_11 = 11_000,
    clock_12 = 12_000,
    clock_13 = 13_000,
    clock_14 = 14_000,
    clock_15 = 15_000,
    clock_16 = 16_000,
    clock_17 = 17_000,
    clock_18 = 18_000,
    clock_19 = 19_000,
    clock_20 = 20_000,
    clock_21 = 21_000,
    clock_22 = 22_000,
    clock_23 = 23_000,
    clock_24 = 24_000,
    clock_25 = 25_000,
    clock_26 = 26_000,
    clock_27 = 27_000,
    clock_28 = 28_000,
    clock_29 = 29_000,
    clock_30 = 30_000,
    clock_31 = 31_000,
    clock_32 = 32_000,
);

#[cfg(feature = "tokio")]
mod tokio_sleep {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sleep_async_advances_a_frozen_clock() {
        let _clock = clock::freeze_at(UNIX_EPOCH);
        clock::sleep_async(Duration::from_secs(365 * 24 * 3600)).await;
        assert_eq!(
            SystemTime::now(),
            UNIX_EPOCH + Duration::from_secs(365 * 24 * 3600)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn on_a_running_clock_sleep_async_is_tokio_sleep_and_honours_pause() {
        // A running clock, so that no parallel test freezes it meanwhile (a frozen clock
        // would be advanced instead).
        let _clock = clock::travel(UNIX_EPOCH + NOV_2023);
        let start = tokio::time::Instant::now();
        // A day: only tokio's paused clock (auto-advance) lets this finish.
        clock::sleep_async(Duration::from_secs(86_400)).await;
        assert!(start.elapsed() >= Duration::from_secs(86_400));
    }
}
