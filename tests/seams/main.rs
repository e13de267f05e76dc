//! Function seams and the fake clock, as a user's test suite sees them.

mod clock;
mod model;
mod patch;
