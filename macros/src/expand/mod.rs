//! Code generation, one file per macro. No checks here: `valid.rs` ran before.

mod calls;
mod cases;
pub(crate) mod fixture;
pub(crate) mod module;
pub(crate) mod params;
pub(crate) mod test;

/// Every combination of one index per dimension, given each dimension's length, the first
/// dimension slowest: the value matrix of a test and the product of parametrized fixtures.
fn combinations(lens: impl IntoIterator<Item = usize>) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new()];
    for len in lens {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                (0..len).map(move |v| {
                    let mut next = prefix.clone();
                    next.push(v);
                    next
                })
            })
            .collect();
    }
    out
}
