//! `Instant` and `SystemTime`: std's API, reading testrig's clock.

use std::fmt;
use std::ops::{Add, AddAssign, Sub, SubAssign};
use std::time::{Duration, SystemTimeError};

use super::fake;

/// A drop-in for [`std::time::Instant`] that reads the fake clock while a clock guard
/// ([`freeze_at`](super::freeze_at), [`travel`](super::travel), …) is live, and the real
/// monotonic clock otherwise.
///
/// ```
/// use std::time::Duration;
/// use testrig::clock::{self, Instant};
///
/// let clock = clock::freeze();
/// let start = Instant::now();
/// clock.advance(Duration::from_secs(90));
/// assert_eq!(start.elapsed(), Duration::from_secs(90));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(std::time::Instant);

impl Instant {
    /// The current instant: fake while a clock guard is live, real otherwise.
    ///
    /// ```
    /// let a = testrig::clock::Instant::now();
    /// let b = testrig::clock::Instant::now();
    /// assert!(b >= a);
    /// ```
    #[inline]
    pub fn now() -> Instant {
        match fake::fake_now() {
            None => Instant(std::time::Instant::now()),
            Some((_, instant)) => Instant(instant),
        }
    }

    /// Time from `earlier` to `self`, zero if `earlier` is later.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use testrig::clock::Instant;
    /// let a = Instant::now();
    /// assert_eq!((a + Duration::from_secs(2)).duration_since(a), Duration::from_secs(2));
    /// ```
    pub fn duration_since(&self, earlier: Instant) -> Duration {
        self.0.saturating_duration_since(earlier.0)
    }

    /// Time from `earlier` to `self`, or `None` if `earlier` is later.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use testrig::clock::Instant;
    /// let a = Instant::now();
    /// assert_eq!(a.checked_duration_since(a + Duration::from_secs(1)), None);
    /// ```
    pub fn checked_duration_since(&self, earlier: Instant) -> Option<Duration> {
        self.0.checked_duration_since(earlier.0)
    }

    /// Time from `earlier` to `self`, zero if `earlier` is later.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use testrig::clock::Instant;
    /// let a = Instant::now();
    /// assert_eq!(a.saturating_duration_since(a + Duration::from_secs(1)), Duration::ZERO);
    /// ```
    pub fn saturating_duration_since(&self, earlier: Instant) -> Duration {
        self.0.saturating_duration_since(earlier.0)
    }

    /// Time since `self` on testrig's clock.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let clock = testrig::clock::freeze();
    /// let start = testrig::clock::Instant::now();
    /// clock.advance(Duration::from_millis(5));
    /// assert_eq!(start.elapsed(), Duration::from_millis(5));
    /// ```
    pub fn elapsed(&self) -> Duration {
        Instant::now().duration_since(*self)
    }

    /// `self + d`, or `None` if it cannot be represented.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use testrig::clock::Instant;
    /// assert!(Instant::now().checked_add(Duration::from_secs(1)).is_some());
    /// ```
    pub fn checked_add(&self, d: Duration) -> Option<Instant> {
        self.0.checked_add(d).map(Instant)
    }

    /// `self - d`, or `None` if it cannot be represented.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use testrig::clock::Instant;
    /// let a = Instant::now();
    /// assert_eq!(a.checked_sub(Duration::ZERO), Some(a));
    /// ```
    pub fn checked_sub(&self, d: Duration) -> Option<Instant> {
        self.0.checked_sub(d).map(Instant)
    }

    /// The std instant this is.
    ///
    /// ```
    /// let std_instant: std::time::Instant = testrig::clock::Instant::now().into_std();
    /// # let _ = std_instant;
    /// ```
    pub fn into_std(self) -> std::time::Instant {
        self.0
    }
}

impl From<std::time::Instant> for Instant {
    fn from(i: std::time::Instant) -> Instant {
        Instant(i)
    }
}

impl From<Instant> for std::time::Instant {
    fn from(i: Instant) -> std::time::Instant {
        i.0
    }
}

impl fmt::Debug for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// `+` and `-` panic like std's when the result does not fit, but at the caller's line and
/// naming the value and the limit; `checked_add` / `checked_sub` return `None` instead.
///
/// ```should_panic
/// # use std::time::Duration;
/// let _ = testrig::clock::Instant::now() + Duration::MAX; // names the latest Instant
/// ```
impl Add<Duration> for Instant {
    type Output = Instant;
    #[track_caller]
    fn add(self, d: Duration) -> Instant {
        match self.0.checked_add(d) {
            Some(t) => Instant(t),
            None => out_of_range("Instant", &self.0, Step::Add(d), |d| {
                self.0
                    .checked_add(d)
                    .map(|t| Box::new(t) as Box<dyn fmt::Debug>)
            }),
        }
    }
}

impl AddAssign<Duration> for Instant {
    #[track_caller]
    fn add_assign(&mut self, d: Duration) {
        *self = *self + d;
    }
}

impl Sub<Duration> for Instant {
    type Output = Instant;
    #[track_caller]
    fn sub(self, d: Duration) -> Instant {
        match self.0.checked_sub(d) {
            Some(t) => Instant(t),
            None => out_of_range("Instant", &self.0, Step::Sub(d), |d| {
                self.0
                    .checked_sub(d)
                    .map(|t| Box::new(t) as Box<dyn fmt::Debug>)
            }),
        }
    }
}

impl SubAssign<Duration> for Instant {
    #[track_caller]
    fn sub_assign(&mut self, d: Duration) {
        *self = *self - d;
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;
    fn sub(self, other: Instant) -> Duration {
        self.duration_since(other)
    }
}

/// A drop-in for [`std::time::SystemTime`] that reads the fake clock while a clock guard is
/// live, and the real wall clock otherwise.
///
/// ```
/// use std::time::Duration;
/// use testrig::clock::{self, SystemTime, UNIX_EPOCH};
///
/// let _clock = clock::freeze_at(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
/// let secs = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
/// assert_eq!(secs, 1_700_000_000);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SystemTime(std::time::SystemTime);

/// `1970-01-01 00:00:00 UTC` as a testrig [`SystemTime`].
///
/// ```
/// assert_eq!(testrig::clock::UNIX_EPOCH, std::time::UNIX_EPOCH);
/// ```
pub const UNIX_EPOCH: SystemTime = SystemTime(std::time::UNIX_EPOCH);

impl SystemTime {
    /// `1970-01-01 00:00:00 UTC`.
    ///
    /// ```
    /// assert_eq!(testrig::clock::SystemTime::UNIX_EPOCH, testrig::clock::UNIX_EPOCH);
    /// ```
    pub const UNIX_EPOCH: SystemTime = UNIX_EPOCH;

    /// The current time: fake while a clock guard is live, real otherwise.
    ///
    /// ```
    /// let now = testrig::clock::SystemTime::now();
    /// assert!(now > testrig::clock::UNIX_EPOCH);
    /// ```
    #[inline]
    pub fn now() -> SystemTime {
        match fake::fake_now() {
            None => SystemTime(std::time::SystemTime::now()),
            Some((system, _)) => SystemTime(system),
        }
    }

    /// Time from `earlier` to `self`; an error (holding the negative difference) if `earlier`
    /// is later.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use testrig::clock::UNIX_EPOCH;
    /// let t = UNIX_EPOCH + Duration::from_secs(60);
    /// assert_eq!(t.duration_since(UNIX_EPOCH).unwrap(), Duration::from_secs(60));
    /// assert!(UNIX_EPOCH.duration_since(t).is_err());
    /// ```
    pub fn duration_since(&self, earlier: SystemTime) -> Result<Duration, SystemTimeError> {
        self.0.duration_since(earlier.0)
    }

    /// Time since `self` on testrig's clock; an error if `self` is in the future.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let clock = testrig::clock::freeze();
    /// let t = testrig::clock::SystemTime::now();
    /// clock.advance(Duration::from_secs(3));
    /// assert_eq!(t.elapsed().unwrap(), Duration::from_secs(3));
    /// ```
    pub fn elapsed(&self) -> Result<Duration, SystemTimeError> {
        SystemTime::now().0.duration_since(self.0)
    }

    /// `self + d`, or `None` if it cannot be represented.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use testrig::clock::UNIX_EPOCH;
    /// assert!(UNIX_EPOCH.checked_add(Duration::from_secs(1)).is_some());
    /// ```
    pub fn checked_add(&self, d: Duration) -> Option<SystemTime> {
        self.0.checked_add(d).map(SystemTime)
    }

    /// `self - d`, or `None` if it cannot be represented.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use testrig::clock::UNIX_EPOCH;
    /// let t = UNIX_EPOCH + Duration::from_secs(5);
    /// assert_eq!(t.checked_sub(Duration::from_secs(5)), Some(UNIX_EPOCH));
    /// ```
    pub fn checked_sub(&self, d: Duration) -> Option<SystemTime> {
        self.0.checked_sub(d).map(SystemTime)
    }

    /// The std time this is.
    ///
    /// ```
    /// let std_time: std::time::SystemTime = testrig::clock::SystemTime::now().into_std();
    /// # let _ = std_time;
    /// ```
    pub fn into_std(self) -> std::time::SystemTime {
        self.0
    }
}

impl From<std::time::SystemTime> for SystemTime {
    fn from(t: std::time::SystemTime) -> SystemTime {
        SystemTime(t)
    }
}

impl From<SystemTime> for std::time::SystemTime {
    fn from(t: SystemTime) -> std::time::SystemTime {
        t.0
    }
}

impl PartialEq<std::time::SystemTime> for SystemTime {
    fn eq(&self, other: &std::time::SystemTime) -> bool {
        self.0 == *other
    }
}

impl PartialEq<SystemTime> for std::time::SystemTime {
    fn eq(&self, other: &SystemTime) -> bool {
        *self == other.0
    }
}

impl PartialOrd<std::time::SystemTime> for SystemTime {
    fn partial_cmp(&self, other: &std::time::SystemTime) -> Option<std::cmp::Ordering> {
        self.0.partial_cmp(other)
    }
}

impl PartialOrd<SystemTime> for std::time::SystemTime {
    fn partial_cmp(&self, other: &SystemTime) -> Option<std::cmp::Ordering> {
        self.partial_cmp(&other.0)
    }
}

impl fmt::Debug for SystemTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// `+` and `-` panic like std's when the result does not fit, but at the caller's line and
/// naming the value and the limit; `checked_add` / `checked_sub` return `None` instead.
///
/// ```should_panic
/// # use std::time::Duration;
/// let _ = testrig::clock::UNIX_EPOCH + Duration::MAX; // names the latest SystemTime
/// ```
impl Add<Duration> for SystemTime {
    type Output = SystemTime;
    #[track_caller]
    fn add(self, d: Duration) -> SystemTime {
        match self.0.checked_add(d) {
            Some(t) => SystemTime(t),
            None => out_of_range("SystemTime", &self.0, Step::Add(d), |d| {
                self.0
                    .checked_add(d)
                    .map(|t| Box::new(t) as Box<dyn fmt::Debug>)
            }),
        }
    }
}

impl AddAssign<Duration> for SystemTime {
    #[track_caller]
    fn add_assign(&mut self, d: Duration) {
        *self = *self + d;
    }
}

impl Sub<Duration> for SystemTime {
    type Output = SystemTime;
    #[track_caller]
    fn sub(self, d: Duration) -> SystemTime {
        match self.0.checked_sub(d) {
            Some(t) => SystemTime(t),
            None => out_of_range("SystemTime", &self.0, Step::Sub(d), |d| {
                self.0
                    .checked_sub(d)
                    .map(|t| Box::new(t) as Box<dyn fmt::Debug>)
            }),
        }
    }
}

impl SubAssign<Duration> for SystemTime {
    #[track_caller]
    fn sub_assign(&mut self, d: Duration) {
        *self = *self - d;
    }
}

/// A move of a time by a duration, for messages.
#[derive(Clone, Copy)]
pub(super) enum Step {
    Add(Duration),
    Sub(Duration),
}

/// The longest duration for which `fits` holds; `fits` holds up to some limit and not past
/// it, as `checked_add` does. Only failure messages call it.
pub(super) fn room(fits: impl Fn(Duration) -> bool) -> Duration {
    fn from_nanos(n: u128) -> Duration {
        let secs = u64::try_from(n / 1_000_000_000).unwrap_or(u64::MAX);
        // The remainder is below 10^9, which fits.
        Duration::new(secs, (n % 1_000_000_000) as u32)
    }
    if fits(Duration::MAX) {
        return Duration::MAX;
    }
    let (mut fits_up_to, mut fails_at) = (0u128, Duration::MAX.as_nanos());
    while fails_at - fits_up_to > 1 {
        let mid = fits_up_to + (fails_at - fits_up_to) / 2;
        if fits(from_nanos(mid)) {
            fits_up_to = mid;
        } else {
            fails_at = mid;
        }
    }
    from_nanos(fits_up_to)
}

/// Panics, at the caller's line, because `value` moved by `step` leaves the range of `ty`;
/// `moved` is `value` moved by a duration, `None` where that does not fit.
#[track_caller]
pub(super) fn out_of_range(
    ty: &str,
    value: &dyn fmt::Debug,
    step: Step,
    moved: impl Fn(Duration) -> Option<Box<dyn fmt::Debug>>,
) -> ! {
    let room = room(|d| moved(d).is_some());
    let limit = moved(room).map_or_else(String::new, |t| format!("{t:?}"));
    let (d, sign, end, later, method) = match step {
        Step::Add(d) => (d, '+', "latest", "later", "checked_add"),
        Step::Sub(d) => (d, '-', "earliest", "earlier", "checked_sub"),
    };
    panic!(
        "testrig::clock: {value:?} {sign} {d:?} is out of range for {ty}: the {end} {ty} on this \
         platform is {limit} ({room:?} {later}). Use `{method}` where the result may not fit."
    )
}
