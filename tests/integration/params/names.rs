//! The generated tests' names, read from the test binary's own `--list`.
