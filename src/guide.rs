//! The testrig guide: how to add testrig to a crate, the stories it was built for, running
//! under `cargo test` and `cargo nextest`, moving a suite over from another crate, and what
//! each error message means.
//!
//! These modules hold documentation only; nothing in them is code to import. Every Rust block
//! in them is a doctest, and every block that declares tests is a `test_harness` doctest that
//! runs them (`tests/guide.rs` checks this), so the guide cannot drift from the crate.
//!
//! # Chapters
//!
//! - [Getting started](getting_started): the install line, a first fixture, first cases, a
//!   first guard, and running the tests.
//! - [The stories](stories): each program in `examples/`, what it shows and the testrig parts
//!   it uses.
//! - [Running under `cargo nextest` and `cargo test`](nextest): a process per test,
//!   partitions across CI machines, serial keys across processes, session fixtures per
//!   process.
//! - [Troubleshooting](troubleshooting): every error message, what it means and the fix.
//!
//! # Moving a suite over
//!
//! - [from rstest](migrate_rstest)
//! - [from test-case](migrate_test_case)
//! - [from temp_env](migrate_temp_env)
//! - [from serial_test](migrate_serial_test)
//! - [from mock_instant](migrate_mock_instant)
//! - [from wiremock](migrate_wiremock)
//! - [from tracing-test and test-log](migrate_tracing_test)

// The guide shows tests as users write them, `#[test]` included; its blocks are
// `test_harness` doctests, so those tests run.
#![allow(clippy::test_attr_in_doctest)]

#[doc = include_str!("guide/getting_started.md")]
pub mod getting_started {}

#[doc = include_str!("guide/stories.md")]
pub mod stories {}

#[doc = include_str!("guide/nextest.md")]
pub mod nextest {}

#[doc = include_str!("guide/troubleshooting.md")]
pub mod troubleshooting {}

#[doc = include_str!("guide/migrate_rstest.md")]
pub mod migrate_rstest {}

#[doc = include_str!("guide/migrate_test_case.md")]
pub mod migrate_test_case {}

#[doc = include_str!("guide/migrate_temp_env.md")]
pub mod migrate_temp_env {}

#[doc = include_str!("guide/migrate_serial_test.md")]
pub mod migrate_serial_test {}

#[doc = include_str!("guide/migrate_mock_instant.md")]
pub mod migrate_mock_instant {}

#[doc = include_str!("guide/migrate_wiremock.md")]
pub mod migrate_wiremock {}

#[doc = include_str!("guide/migrate_tracing_test.md")]
pub mod migrate_tracing_test {}
