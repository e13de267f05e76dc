//! Behaviour tests of fixtures and cases, one binary to keep link time down.

mod async_tests;
mod autouse;
mod builtins;
mod cases;
mod events;
mod fixtures;
mod leaks;
mod options;
mod prelude_names;
#[cfg(feature = "proptest")]
mod prop;
mod rstest_forms;
mod session;
mod stress;
mod teardown;
