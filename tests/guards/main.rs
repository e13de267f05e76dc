//! Behaviour of the guard core through its public faces: env, cwd and serial guards.

#[path = "../common/mod.rs"]
mod common;

mod bad_input;
#[cfg(feature = "tempfile")]
mod cwd;
mod env_restore;
mod model;
mod out_of_range;
mod owners;
mod panics;
mod stress;

/// A key no other test in the suite uses.
fn key(name: &str) -> String {
    format!("TESTRIG_GUARDS_{name}")
}
