//! Approximate comparison of floats, alone and inside tuples, arrays, slices, `Vec`s, `Option`s
//! and maps: pytest's `approx`.
//!
//! ```
//! use std::f64::consts::{FRAC_PI_4, SQRT_2};
//! use testrig::prelude::*;
//!
//! fn polarify(x: f64, y: f64) -> (f64, f64) {
//!     (x.hypot(y), y.atan2(x))
//! }
//!
//! assert_approx!(polarify(1.0, 1.0), (SQRT_2, FRAC_PI_4));
//! assert_approx!(vec![0.1 + 0.2, 1.0], [0.3, 1.0]);
//! assert_approx!(1.0001, 1.0, rel = 1e-3);
//! assert!(approx(0.3) == 0.1 + 0.2); // where a `bool` is needed
//! ```
//!
//! Two numbers are close when `|actual - expected| <= max(rel * |expected|, abs)`, pytest's
//! rule and defaults: `rel = 1e-6`, `abs = 1e-12`. Giving only `abs` drops the relative part,
//! as in pytest. Infinities equal only themselves; NaN equals NaN only with `nan_ok`.
//! Integers compare exactly with integers and within the tolerance with floats; text, `bool`
//! and `char` compare exactly; map keys compare exactly, by their `Debug` text.
//!
//! A failure lists each place that differs by its path (`.1` in a tuple, `[3]` in a sequence,
//! `["key"]` in a map), with both values, the tolerance and the difference, and reports shape
//! mismatches (lengths, missing or unexpected keys, `Some` against `None`) the same way:
//!
//! ```text
//! assert_approx!(polarify(1.0, 1.0), (SQRT_2, 0.78)) failed: 1 of 2 values differ (rel = 1e-6, abs = 1e-12):
//!   .1: actual 0.7853981633974483, expected 0.78 ± 7.8e-7 (difference 5.4e-3)
//! ```

mod node;
mod report;

use std::fmt;

pub use node::{Approx, Node};
use report::Walk;

/// How close two numbers must be: pytest's `rel` and `abs`, and whether NaN equals NaN.
///
/// ```
/// use testrig::approx::Tolerance;
///
/// let t = Tolerance::DEFAULT;
/// assert_eq!(t.of(2.0), 2e-6); // max(1e-6 * |2.0|, 1e-12)
/// assert_eq!(t.abs(0.5).of(2.0), 0.5); // only `abs` given: the relative part is dropped
/// assert_eq!(t.rel(1e-3).abs(0.5).of(1000.0), 1.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerance {
    rel: Option<f64>,
    abs: Option<f64>,
    nan_ok: bool,
}

impl Tolerance {
    /// `rel = 1e-6`, `abs = 1e-12`, NaN unequal to everything: pytest's defaults.
    pub const DEFAULT: Tolerance = Tolerance {
        rel: None,
        abs: None,
        nan_ok: false,
    };

    const DEFAULT_REL: f64 = 1e-6;
    const DEFAULT_ABS: f64 = 1e-12;

    /// The relative tolerance, a fraction of the expected value.
    ///
    /// ```
    /// assert_eq!(testrig::approx::Tolerance::DEFAULT.rel(0.01).of(50.0), 0.5);
    /// ```
    ///
    /// # Panics
    ///
    /// At the caller's line, when `rel` is negative or NaN.
    #[track_caller]
    #[must_use]
    pub fn rel(mut self, rel: f64) -> Tolerance {
        check("rel", rel);
        self.rel = Some(rel);
        self
    }

    /// The absolute tolerance. Given alone, it is the whole tolerance (as in pytest).
    ///
    /// ```
    /// assert_eq!(testrig::approx::Tolerance::DEFAULT.abs(0.25).of(1e9), 0.25);
    /// ```
    ///
    /// # Panics
    ///
    /// At the caller's line, when `abs` is negative or NaN.
    #[track_caller]
    #[must_use]
    pub fn abs(mut self, abs: f64) -> Tolerance {
        check("abs", abs);
        self.abs = Some(abs);
        self
    }

    /// NaN equals NaN.
    ///
    /// ```
    /// use testrig::approx::approx;
    /// let missing = f64::NAN;
    /// assert!(approx(f64::NAN).nan_ok() == missing);
    /// ```
    #[must_use]
    pub fn nan_ok(mut self) -> Tolerance {
        self.nan_ok = true;
        self
    }

    /// How far from `expected` a value may be: `max(rel * |expected|, abs)`, or `abs` alone
    /// when only `abs` was given.
    ///
    /// ```
    /// assert_eq!(testrig::approx::Tolerance::DEFAULT.of(0.0), 1e-12);
    /// ```
    pub fn of(&self, expected: f64) -> f64 {
        let abs = self.abs.unwrap_or(Self::DEFAULT_ABS);
        if self.rel.is_none() && self.abs.is_some() {
            return abs;
        }
        (self.rel.unwrap_or(Self::DEFAULT_REL) * expected.abs()).max(abs)
    }
}

impl Default for Tolerance {
    fn default() -> Tolerance {
        Tolerance::DEFAULT
    }
}

/// `rel = 1e-6, abs = 1e-12` (`, nan_ok`), as the option would be written.
impl fmt::Display for Tolerance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !(self.rel.is_none() && self.abs.is_some()) {
            write!(f, "rel = {:e}, ", self.rel.unwrap_or(Self::DEFAULT_REL))?;
        }
        write!(f, "abs = {:e}", self.abs.unwrap_or(Self::DEFAULT_ABS))?;
        if self.nan_ok {
            f.write_str(", nan_ok")?;
        }
        Ok(())
    }
}

#[track_caller]
fn check(name: &str, value: f64) {
    assert!(
        value >= 0.0,
        "testrig::approx: `{name} = {value}` is not a tolerance; give a number >= 0 \
         (`{name} = 1e-9`)"
    );
}

/// Compares `actual` with `expected` within `tol`; the error lists every difference.
///
/// ```
/// use testrig::approx::{Tolerance, compare};
///
/// assert!(compare(&[1.0, 2.0], &vec![1.0, 2.0 + 1e-9], &Tolerance::DEFAULT).is_ok());
/// let differences = compare(&(1.0, 2.0), &(1.0, 2.5), &Tolerance::DEFAULT).unwrap_err();
/// assert_eq!(differences.to_string(), ".1: actual 2.0, expected 2.5 ± 2.5e-6 (difference 5.0e-1)");
/// ```
pub fn compare<A, E>(actual: &A, expected: &E, tol: &Tolerance) -> Result<(), Differences>
where
    A: Approx + ?Sized,
    E: Approx + ?Sized,
{
    let walk = Walk::run(&actual, &expected, tol);
    if walk.differences.is_empty() {
        Ok(())
    } else {
        Err(Differences(walk))
    }
}

/// Where two values differ: one line per place, `path: what differs`.
#[derive(Debug, Clone)]
pub struct Differences(Walk);

impl Differences {
    /// How many places differ.
    ///
    /// ```
    /// use testrig::approx::{Tolerance, compare};
    /// let d = compare(&[1.0, 2.0, 3.0], &[1.5, 2.0, 3.5], &Tolerance::DEFAULT).unwrap_err();
    /// assert_eq!(d.len(), 2);
    /// ```
    #[allow(clippy::len_without_is_empty)] // never empty: it exists only when values differ
    pub fn len(&self) -> usize {
        self.0.differences.len()
    }
}

impl fmt::Display for Differences {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.differences.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            let path = if d.path.is_empty() {
                "(top level)"
            } else {
                &d.path
            };
            write!(f, "{path}: {}", d.text)?;
        }
        Ok(())
    }
}

impl std::error::Error for Differences {}

/// `expected`, compared approximately with `==`: pytest's `approx(expected) == actual`.
///
/// Both orders work (`actual == approx(expected)` for numbers, tuples, arrays, slices,
/// `Vec`, `Option` and maps), so it fits `assert_eq!`, `matches!` guards and `filter`s;
/// `assert_approx!` gives the better failure message.
///
/// ```
/// use testrig::approx::approx;
///
/// assert!(approx(0.3) == 0.1 + 0.2);
/// assert!(vec![0.1 + 0.2, 2.0] == approx([0.3, 2.0]));
/// assert!(approx((1.0, 2.0)).abs(0.1) == (1.05, 1.95));
/// assert_ne!(approx(1.0), 1.1);
/// ```
pub fn approx<E: Approx>(expected: E) -> ApproxEq<E> {
    ApproxEq {
        expected,
        tol: Tolerance::DEFAULT,
    }
}

/// An expected value with a tolerance; see [`approx`].
#[derive(Clone, Copy)]
pub struct ApproxEq<E> {
    expected: E,
    tol: Tolerance,
}

impl<E> ApproxEq<E> {
    /// The relative tolerance; see [`Tolerance::rel`].
    ///
    /// ```
    /// assert!(testrig::approx::approx(100.0).rel(0.01) == 100.9);
    /// ```
    #[track_caller]
    #[must_use]
    pub fn rel(mut self, rel: f64) -> Self {
        self.tol = self.tol.rel(rel);
        self
    }

    /// The absolute tolerance; see [`Tolerance::abs`].
    ///
    /// ```
    /// assert!(testrig::approx::approx(0.0).abs(1e-3) == 0.0005);
    /// ```
    #[track_caller]
    #[must_use]
    pub fn abs(mut self, abs: f64) -> Self {
        self.tol = self.tol.abs(abs);
        self
    }

    /// NaN equals NaN.
    ///
    /// ```
    /// assert!(testrig::approx::approx([1.0, f64::NAN]).nan_ok() == [1.0, f64::NAN]);
    /// ```
    #[must_use]
    pub fn nan_ok(mut self) -> Self {
        self.tol = self.tol.nan_ok();
        self
    }
}

/// Shown as pytest shows it: each number with its tolerance, `approx(0.3 ± 3.0e-7)`.
impl<E: Approx> fmt::Debug for ApproxEq<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "approx({})",
            report::render(&self.expected, Some(&self.tol))
        )
    }
}

impl<E: Approx, A: Approx + ?Sized> PartialEq<A> for ApproxEq<E> {
    fn eq(&self, actual: &A) -> bool {
        compare(actual, &self.expected, &self.tol).is_ok()
    }
}

macro_rules! approx_on_the_right {
    ($(impl[$($g:tt)*] for $ty:ty;)*) => {$(
        impl<$($g)*, Expected: Approx> PartialEq<ApproxEq<Expected>> for $ty {
            fn eq(&self, approx: &ApproxEq<Expected>) -> bool {
                approx == self
            }
        }
    )*};
}

approx_on_the_right! {
    impl[T: Approx] for Vec<T>;
    impl[T: Approx] for [T];
    impl[T: Approx, const N: usize] for [T; N];
    impl[T: Approx] for Option<T>;
    impl[K: fmt::Debug, V: Approx, S: std::hash::BuildHasher] for std::collections::HashMap<K, V, S>;
    impl[K: fmt::Debug, V: Approx] for std::collections::BTreeMap<K, V>;
    impl[A: Approx] for (A,);
    impl[A: Approx, B: Approx] for (A, B);
    impl[A: Approx, B: Approx, C: Approx] for (A, B, C);
    impl[A: Approx, B: Approx, C: Approx, D: Approx] for (A, B, C, D);
    impl[A: Approx, B: Approx, C: Approx, D: Approx, E: Approx] for (A, B, C, D, E);
    impl[A: Approx, B: Approx, C: Approx, D: Approx, E: Approx, F: Approx] for (A, B, C, D, E, F);
    impl[A: Approx, B: Approx, C: Approx, D: Approx, E: Approx, F: Approx, G: Approx] for (A, B, C, D, E, F, G);
    impl[A: Approx, B: Approx, C: Approx, D: Approx, E: Approx, F: Approx, G: Approx, H: Approx] for (A, B, C, D, E, F, G, H);
    impl[A: Approx, B: Approx, C: Approx, D: Approx, E: Approx, F: Approx, G: Approx, H: Approx, I: Approx] for (A, B, C, D, E, F, G, H, I);
    impl[A: Approx, B: Approx, C: Approx, D: Approx, E: Approx, F: Approx, G: Approx, H: Approx, I: Approx, J: Approx] for (A, B, C, D, E, F, G, H, I, J);
    impl[A: Approx, B: Approx, C: Approx, D: Approx, E: Approx, F: Approx, G: Approx, H: Approx, I: Approx, J: Approx, K: Approx] for (A, B, C, D, E, F, G, H, I, J, K);
    impl[A: Approx, B: Approx, C: Approx, D: Approx, E: Approx, F: Approx, G: Approx, H: Approx, I: Approx, J: Approx, K: Approx, L: Approx] for (A, B, C, D, E, F, G, H, I, J, K, L);
}

macro_rules! approx_on_the_right_of_numbers {
    ($($ty:ty),*) => {$(
        impl<Expected: Approx> PartialEq<ApproxEq<Expected>> for $ty {
            fn eq(&self, approx: &ApproxEq<Expected>) -> bool {
                approx == self
            }
        }
    )*};
}

approx_on_the_right_of_numbers!(f64, f32);

/// What `assert_approx!` expands to: compares, and panics at the macro's line with every
/// difference.
#[doc(hidden)]
#[track_caller]
pub fn __assert_approx<A, E>(
    actual: &A,
    expected: &E,
    tol: Tolerance,
    actual_src: &str,
    expected_src: &str,
) where
    A: Approx + ?Sized,
    E: Approx + ?Sized,
{
    let walk = Walk::run(&actual, &expected, &tol);
    if !walk.differences.is_empty() {
        panic!("{}", walk.message(actual_src, expected_src, &tol));
    }
}

/// Asserts that two values are equal within a tolerance: floats alone or inside tuples,
/// arrays, slices, `Vec`s, `Option`s and maps (see [`approx`](mod@crate::approx)).
///
/// `assert_approx!(actual, expected)` uses pytest's tolerance (`rel = 1e-6`, `abs = 1e-12`);
/// options follow: `rel = …`, `abs = …`, `nan_ok`. A failure panics at this line and names
/// each differing place by its path, with both values, the tolerance and the difference.
///
/// ```
/// use std::collections::BTreeMap;
/// use testrig::prelude::*;
///
/// assert_approx!(0.1 + 0.2, 0.3);
/// assert_approx!([1.0, f64::NAN], vec![1.0, f64::NAN], nan_ok);
/// assert_approx!((10.0, Some(2.0)), (10.05, Some(2.0)), rel = 1e-2);
/// let prices = BTreeMap::from([("apple", 1.0 / 3.0), ("pear", 0.25)]);
/// assert_approx!(prices, BTreeMap::from([("apple", 0.333_333_33), ("pear", 0.25)]), abs = 1e-6);
///
/// let failed = std::panic::catch_unwind(|| assert_approx!((1.0, 2.0), (1.0, 2.5)));
/// let message = *failed.unwrap_err().downcast::<String>().unwrap();
/// assert_eq!(
///     message,
///     "assert_approx!((1.0, 2.0), (1.0, 2.5)) failed: 1 of 2 values differ \
///      (rel = 1e-6, abs = 1e-12):\n  .1: actual 2.0, expected 2.5 ± 2.5e-6 (difference 5.0e-1)"
/// );
/// ```
#[macro_export]
macro_rules! assert_approx {
    ($actual:expr, $expected:expr $(,)?) => {
        $crate::approx::__assert_approx(
            &$actual,
            &$expected,
            $crate::approx::Tolerance::DEFAULT,
            ::core::stringify!($actual),
            ::core::stringify!($expected),
        )
    };
    ($actual:expr, $expected:expr, $($option:ident $(= $value:expr)?),+ $(,)?) => {
        $crate::approx::__assert_approx(
            &$actual,
            &$expected,
            $crate::approx::Tolerance::DEFAULT $(.$option($($value)?))+,
            ::core::stringify!($actual),
            ::core::stringify!($expected),
        )
    };
}

#[cfg(test)]
mod tests;
