use testrig::prelude::*;

#[fixture]
fn a() -> u32 {
    1
}

#[fixture_use(a)]
mod helpers {
    pub fn helper() -> u32 {
        2
    }
}

#[testrig::test(serial = "k")]
mod more_helpers {}

fn main() {
    let _ = helpers::helper();
}
