//! Parametrized fixtures in a file of their own, imported by the tests with `use`.

use testrig::prelude::*;

#[fixture(params = ["memory", "disk"])]
pub(crate) fn backend(kind: &'static str) -> &'static str {
    kind
}

#[fixture(params = [1, 10], ids = ["small", "large"])]
pub(crate) fn size(n: usize) -> usize {
    n
}
