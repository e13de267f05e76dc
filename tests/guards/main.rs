//! Behaviour of the guard core through its public faces: env, cwd and serial guards.

mod bad_input;
#[cfg(feature = "tempfile")]
mod cwd;
mod env_restore;
mod model;
mod owners;
mod panics;
mod stress;

/// A key no other test in the suite uses.
fn key(name: &str) -> String {
    format!("TESTRIG_GUARDS_{name}")
}
