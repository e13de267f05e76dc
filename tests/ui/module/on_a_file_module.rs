use testrig::prelude::*;

#[fixture]
fn a() -> u32 {
    1
}

#[fixture_use(a)]
#[path = "files/tests_in_a_file.rs"]
mod in_a_file;

#[testrig::test(timeout = "5s")]
#[path = "files/tests_in_a_file.rs"]
mod again;

fn main() {}
