use testrig::prelude::*;

#[testrig::test]
fn no_cases(#[case] n: u32) {
    let _ = n;
}

fn main() {}
