use testrig::prelude::*;

#[fixture]
fn a() -> u32 {
    1
}

#[fixture_use(a, a)]
fn uses_a_twice() {}

fn main() {
    uses_a_twice();
}
