use testrig::prelude::*;

// Repeated `case::name`s are numbered; an explicit `id` that clashes is an error.
#[testrig::test]
#[case::left(1)]
#[case(2, id = "Left")]
fn named(#[case] n: u32) {
    let _ = n;
}

fn main() {}
