use testrig::prelude::*;

#[fixture]
fn a() -> u32 {
    1
}

#[fixture]
fn b() -> u32 {
    2
}

#[test]
#[fixture_use(a, b)]
#[fixture_use(a)]
fn plain() {}

#[testrig::test]
#[fixture_use(a)]
#[fixture_use(b, a)]
fn with_testrig() {}

fn main() {}
