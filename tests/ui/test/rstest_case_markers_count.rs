use testrig::prelude::*;

#[fixture]
fn base() -> u32 {
    1
}

#[testrig::test]
#[case::ok(1, 2)]
#[case::too_few(1)]
fn sums(base: u32, #[case] a: u32, #[case] b: u32) {
    let _ = (base, a, b);
}

fn main() {}
