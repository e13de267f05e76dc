//! async_tests
