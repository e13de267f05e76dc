//! Function seams and the fake clock, as a user's test suite sees them.

#[path = "../common/mod.rs"]
mod common;

mod clock;
mod contextless;
mod model;
mod patch;
