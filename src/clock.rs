//! A clock that tests control: drop-in [`Instant`] and [`SystemTime`], frozen, moved and set
//! with guards.
//!
//! Code under test reads `testrig::clock::{Instant, SystemTime}` where it would read std's; they
//! have std's API and read the real clocks until a test takes the clock:
//!
//! ```
//! use std::time::Duration;
//! use testrig::clock::{self, Instant, SystemTime, UNIX_EPOCH};
//!
//! let clock = clock::freeze_at(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
//! let start = Instant::now();
//! clock.advance(Duration::from_secs(30 * 60)); // `&self`: no `mut` needed
//! assert_eq!(start.elapsed(), Duration::from_secs(30 * 60));
//! assert_eq!(SystemTime::now(), UNIX_EPOCH + Duration::from_secs(1_700_001_800));
//! drop(clock); // the real clocks are back
//! ```
//!
//! - [`freeze_at`] stops the clock at a given time, [`freeze`] at the current one;
//!   [`travel`] moves the clock to a time and lets it run at real speed from there.
//! - [`ClockGuard::advance`] and [`ClockGuard::set`] move the clock; [`sleep`] advances a
//!   frozen clock instead of sleeping, so code that waits does not slow the test down.
//! - `Instant` and `SystemTime` always move together: after `advance(d)` both have moved by
//!   exactly `d`. Instants never go backwards: `set` to an earlier time moves `SystemTime`
//!   back and leaves `Instant` where it is, as a wall-clock correction would.
//!
//! # At the ends of time
//!
//! Nothing here panics inside std. Where std's `Instant + Duration` would panic, testrig's
//! panics at the caller's line, naming the value, the limit of the platform and the
//! `checked_*` method to use instead. [`ClockGuard::advance`], [`ClockGuard::set`] and
//! [`sleep`] on a frozen clock refuse to move past the latest time the platform represents,
//! with the same kind of message, and leave the clock as it was. A running clock
//! ([`travel`]) adds real time to every read, so it needs 100 years of room: `travel` to a
//! time closer to the end panics (freeze the clock there instead). `Instant - Instant`,
//! `duration_since` and `elapsed` saturate at zero, as std's do.
//!
//! # Who sees the fake clock
//!
//! The fake clock is one piece of process-wide state, like an env var, with the rule of
//! patched functions on top:
//!
//! - The test that took the clock sees it, and so do the threads and tasks it starts, with or
//!   without its context (spawned threads, thread pools, tokio workers).
//! - A `#[testrig::test]` (or `#[fixture_use]`) test never sees another test's fake clock:
//!   a read made inside another test's context gets the real clocks, as a call to another
//!   test's patched function runs the real function. Two tests side by side, one frozen at
//!   2001, the other reading `SystemTime::now()`, each see their own time.
//! - A plain `#[test]` without any testrig attribute has no context, and testrig cannot tell
//!   its thread from a worker thread that the freezing test started (libtest names a test's
//!   thread after the test, but a worker may carry any name, and guessing wrong would show
//!   the real time to the code under test of the freezing test). So a plain `#[test]` that
//!   reads the clock while another test holds it sees that test's time. Give such tests a
//!   context (`#[testrig::test]`), or take the clock in them (`clock::freeze()`): tests that
//!   take the clock run one after the other. Under nextest every test is a process of its
//!   own, and none of this arises.
//!
//! Guards nest: the newest is visible, and dropping it shows the one before.
//!
//! When there is no guard, a clock read costs one atomic load more than std's
//! (`benches/clock.rs`). Production code that reads these types depends on testrig as a
//! normal dependency; `default-features = false` keeps that dependency small.
//!
//! # tokio
//!
//! tokio's `time::pause()` / `advance()` move only `tokio::time::Instant` and timers, only on a
//! current-thread runtime, and do not touch `SystemTime`. testrig's clock is independent: use
//! tokio's paused time to skip over `tokio::time::sleep` in async code, and testrig's clock for
//! code that reads time through `testrig::clock`. Under the `tokio` feature,
//! [`sleep_async`](fn@sleep_async) is the async counterpart of [`sleep`]: it advances a frozen
//! clock and yields, and otherwise awaits `tokio::time::sleep` (which honours tokio's pause).

mod fake;
mod types;

use std::time::{Duration as StdDuration, Instant as StdInstant};

pub use std::time::{Duration, SystemTimeError};
pub use types::{Instant, SystemTime, UNIX_EPOCH};

use crate::core::{self, Change, Key, Value};
use fake::{ClockSlot, Fake};

/// A live fake clock; dropping it puts the previous clock back (the real one, or the guard
/// from before).
///
/// `Send` and `Sync`; its methods take `&self`.
///
/// ```
/// use std::time::Duration;
/// use testrig::clock::{self, UNIX_EPOCH};
///
/// let clock = clock::freeze_at(UNIX_EPOCH);
/// clock.advance(Duration::from_secs(1));
/// assert_eq!(clock.now(), UNIX_EPOCH + Duration::from_secs(1));
/// ```
#[must_use = "the real clock is back as soon as the guard drops, and `let _ = ...` drops it at once; bind it with `let clock = ...`"]
#[derive(Debug)]
pub struct ClockGuard {
    core: core::Guard,
}

const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<ClockGuard>();
};

/// Freezes both clocks at `t` until the guard drops.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use testrig::clock::{self, SystemTime};
///
/// let _clock = clock::freeze_at(UNIX_EPOCH + Duration::from_secs(86_400));
/// std::thread::sleep(Duration::from_millis(2));
/// assert_eq!(SystemTime::now(), UNIX_EPOCH + Duration::from_secs(86_400));
/// ```
#[track_caller]
pub fn freeze_at(t: impl Into<std::time::SystemTime>) -> ClockGuard {
    take(t.into(), false)
}

/// Freezes both clocks at the current time until the guard drops.
///
/// ```
/// let _clock = testrig::clock::freeze();
/// let a = testrig::clock::Instant::now();
/// std::thread::sleep(std::time::Duration::from_millis(2));
/// assert_eq!(testrig::clock::Instant::now(), a);
/// ```
#[track_caller]
pub fn freeze() -> ClockGuard {
    take(SystemTime::now().into(), false)
}

/// Moves both clocks to `t` and lets them run at real speed from there, until the guard drops.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use testrig::clock::{self, SystemTime};
///
/// let start = UNIX_EPOCH + Duration::from_secs(1_000_000_000);
/// let _clock = clock::travel(start);
/// std::thread::sleep(Duration::from_millis(2));
/// let now = SystemTime::now();
/// assert!(now > start && now < start + Duration::from_secs(60));
/// ```
///
/// # Panics
///
/// At the caller's line, when `t` leaves the clock less than 100 years of room to run before
/// the latest time the platform represents; [`freeze_at`] takes any time.
#[track_caller]
pub fn travel(t: impl Into<std::time::SystemTime>) -> ClockGuard {
    take(t.into(), true)
}

#[track_caller]
fn take(system: std::time::SystemTime, running: bool) -> ClockGuard {
    let change = Change::compute(Key::Clock, &ClockSlot, move |visible: &Value| {
        // Instants continue from the clock visible now, so they never jump backwards.
        let instant = fake::from_value(visible).map_or_else(StdInstant::now, |f| f.now().1);
        if running {
            // The core panics with this at the caller's line, having changed nothing.
            fits(system, instant, StdDuration::ZERO, true)
                .map_err(|why| std::io::Error::new(std::io::ErrorKind::InvalidInput, why))?;
        }
        Ok(fake::to_value(Fake {
            system,
            instant,
            running_since: running.then(StdInstant::now),
            owner: crate::context::current_test_id(),
        }))
    });
    ClockGuard {
        core: core::patch_one(change),
    }
}

/// How long a running clock ([`travel`]) must be able to run from the time it shows: its
/// reads add the real time elapsed, which must stay representable.
const ROOM_TO_RUN: StdDuration = StdDuration::from_secs(100 * 365 * 86_400);

/// Whether a clock showing `system` / `instant` can move forward by `d` (and, when `running`,
/// then run for [`ROOM_TO_RUN`]); else why not, naming the value and the limit.
fn fits(
    system: std::time::SystemTime,
    instant: StdInstant,
    d: StdDuration,
    running: bool,
) -> Result<(), String> {
    let need = if running {
        d.checked_add(ROOM_TO_RUN).unwrap_or(StdDuration::MAX)
    } else {
        d
    };
    let (ty, shown, room, limit) = if system.checked_add(need).is_none() {
        let room = types::room(|x| system.checked_add(x).is_some());
        let limit = system.checked_add(room).map(|t| format!("{t:?}"));
        ("SystemTime", format!("{system:?}"), room, limit)
    } else if instant.checked_add(need).is_none() {
        let room = types::room(|x| instant.checked_add(x).is_some());
        let limit = instant.checked_add(room).map(|t| format!("{t:?}"));
        ("Instant", format!("{instant:?}"), room, limit)
    } else {
        return Ok(());
    };
    let what = match (running, d.is_zero()) {
        (false, _) => format!("it cannot move {d:?} forward."),
        (true, true) => "a running clock (`travel`) needs 100 years of room to run; freeze it \
                         (`clock::freeze_at`) to go closer to the end of time."
            .to_owned(),
        (true, false) => format!(
            "it cannot move {d:?} forward and then run: a running clock (`travel`) needs 100 \
             years of room to run; freeze it (`clock::freeze_at`) to go closer to the end of time."
        ),
    };
    Err(format!(
        "the clock shows {shown}, and the latest {ty} on this platform is {}, {room:?} \
         later: {what}",
        limit.unwrap_or_default()
    ))
}

impl ClockGuard {
    /// Moves this guard's clock forward by `d`: both `Instant` and `SystemTime`.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let clock = testrig::clock::freeze();
    /// let t = testrig::clock::SystemTime::now();
    /// clock.advance(Duration::from_secs(10));
    /// assert_eq!(testrig::clock::SystemTime::now(), t + Duration::from_secs(10));
    /// ```
    ///
    /// # Panics
    ///
    /// When the guard was already restored because its test ended, and when the clock would
    /// pass the latest time the platform represents (`advance(Duration::MAX)`); the message
    /// names the time shown and that limit, and the clock is left as it was.
    #[track_caller]
    pub fn advance(&self, d: StdDuration) {
        self.update("advance", |f| {
            let (system, instant) = f.now();
            fits(system, instant, d, !f.frozen())?;
            Ok(f.advanced(d))
        });
    }

    /// Sets this guard's clock to `t`. `Instant` moves forward by the same amount when `t` is
    /// later, and stays when `t` is earlier.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// let clock = testrig::clock::freeze_at(UNIX_EPOCH);
    /// clock.set(UNIX_EPOCH + Duration::from_secs(7));
    /// assert_eq!(testrig::clock::SystemTime::now(), UNIX_EPOCH + Duration::from_secs(7));
    /// ```
    ///
    /// # Panics
    ///
    /// When the guard was already restored because its test ended, and when `Instant`, moving
    /// forward with the clock, would pass the latest instant the platform represents (or a
    /// running clock would have no room to run); the clock is left as it was then.
    #[track_caller]
    pub fn set(&self, t: impl Into<std::time::SystemTime>) {
        let t = t.into();
        self.update("set", |f| {
            let (system, instant) = f.now();
            let forward = t.duration_since(system).unwrap_or(StdDuration::ZERO);
            // `t` itself is a valid time: only its distance from the shown time must fit.
            fits(
                t.checked_sub(forward).unwrap_or(t),
                instant,
                forward,
                !f.frozen(),
            )?;
            Ok(f.set_to(t))
        });
    }

    /// The time this guard's clock shows (also when a newer guard hides it).
    ///
    /// ```
    /// let clock = testrig::clock::freeze_at(std::time::UNIX_EPOCH);
    /// assert_eq!(clock.now(), testrig::clock::UNIX_EPOCH);
    /// ```
    #[track_caller]
    pub fn now(&self) -> SystemTime {
        SystemTime::from(self.fake().now().0)
    }

    /// The instant this guard's clock shows.
    ///
    /// ```
    /// let clock = testrig::clock::freeze();
    /// assert_eq!(clock.instant(), testrig::clock::Instant::now());
    /// ```
    #[track_caller]
    pub fn instant(&self) -> Instant {
        Instant::from(self.fake().now().1)
    }

    #[track_caller]
    fn fake(&self) -> Fake {
        self.core
            .with_value(&Key::Clock, fake::from_value)
            .flatten()
            .unwrap_or_else(|| restored())
    }

    /// Replaces this guard's clock by `f`'s, or, when `f` says why it cannot move, leaves it
    /// and panics with that reason (outside the core's lock).
    #[track_caller]
    fn update(&self, what: &str, f: impl FnOnce(&Fake) -> Result<Fake, String>) {
        let mut problem = None;
        let updated = self.core.update(&Key::Clock, |v| {
            match f(&fake::from_value(v).expect("a clock layer holds a clock")) {
                Ok(moved) => fake::to_value(moved),
                Err(why) => {
                    problem = Some(why);
                    v.clone()
                }
            }
        });
        if updated.is_none() {
            restored();
        }
        if let Some(why) = problem {
            panic!("testrig::clock: cannot {what} the clock: {why}");
        }
    }
}

#[track_caller]
fn restored() -> ! {
    panic!(
        "testrig::clock: this clock guard was already restored when its test ended; keep it in \
         a local of the test that uses it"
    )
}

/// Sleeps for `d`, or, while the clock is frozen, advances it by `d` at once.
///
/// Code under test calls it where it would call `std::thread::sleep`: retry back-offs and
/// polling loops then take no real time in tests that freeze the clock. A `sleep` from the
/// freezing test or a thread without context advances it; one made inside another test's
/// context sleeps for real, as that test sees the real clock.
///
/// ```
/// use std::time::Duration;
/// use testrig::clock::{self, Instant};
///
/// let _clock = clock::freeze();
/// let start = Instant::now();
/// clock::sleep(Duration::from_secs(3600)); // returns at once
/// assert_eq!(start.elapsed(), Duration::from_secs(3600));
/// ```
///
/// # Panics
///
/// At the caller's line, when the frozen clock would pass the latest time the platform
/// represents (`sleep(Duration::MAX)` on a frozen clock); the clock is left as it was.
#[track_caller]
pub fn sleep(d: StdDuration) {
    if !advance_if_frozen(d) {
        std::thread::sleep(d);
    }
}

/// Advances the visible clock by `d` if it is frozen; `false` when it is real or running.
#[track_caller]
fn advance_if_frozen(d: StdDuration) -> bool {
    if fake::fake_now().is_none() {
        return false;
    }
    let mut problem = None;
    let advanced = core::update_top(&Key::Clock, |v| {
        let f = fake::from_value(v).filter(Fake::frozen)?;
        match fits(f.system, f.instant, d, false) {
            Ok(()) => Some(fake::to_value(f.advanced(d))),
            Err(why) => {
                problem = Some(why);
                None
            }
        }
    });
    if let Some(why) = problem {
        panic!("testrig::clock: cannot sleep {d:?} on the frozen clock: {why}");
    }
    advanced
}

/// The async [`sleep`]: while the clock is frozen, advances it by `d` and returns at once;
/// otherwise awaits `tokio::time::sleep(d)`, which honours tokio's paused time.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use std::time::Duration;
/// use testrig::clock::{self, Instant};
///
/// let _clock = clock::freeze();
/// let start = Instant::now();
/// clock::sleep_async(Duration::from_secs(600)).await; // no real waiting
/// assert_eq!(start.elapsed(), Duration::from_secs(600));
/// # }
/// ```
///
/// # Panics
///
/// As [`sleep`], when the frozen clock would pass the latest time the platform represents.
#[cfg(feature = "tokio")]
pub async fn sleep_async(d: StdDuration) {
    if !advance_if_frozen(d) {
        tokio::time::sleep(d).await;
    }
}
