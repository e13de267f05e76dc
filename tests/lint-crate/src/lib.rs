//! The code under test.

/// The sum of the items.
#[must_use]
pub fn total(items: &[u32]) -> u32 {
    items.iter().sum()
}
