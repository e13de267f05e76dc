//! Code generation, one file per macro. No checks here: `valid.rs` ran before.

mod cases;
pub(crate) mod fixture;
pub(crate) mod module;
pub(crate) mod params;
pub(crate) mod test;
