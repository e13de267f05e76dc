use testrig::prelude::*;

#[fixture]
fn a() -> u32 {
    1
}

#[fixture_use(a)]
struct NotATest;

fn main() {
    let _ = NotATest;
}
