//! teardown
