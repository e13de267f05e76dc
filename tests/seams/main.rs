//! Function seams and the fake clock, as a user's test suite sees them.

mod model;
mod patch;
mod time;
