//! Code generation, one file per macro. No checks here: `valid.rs` ran before.

pub(crate) mod fixture;
pub(crate) mod test;
