use testrig::prelude::*;

fn helper() -> u32 {
    1
}

struct Settings;

#[fixture_use(helper)]
fn uses_a_plain_fn() {}

#[fixture_use(Settings)]
fn uses_a_struct() {}

fn main() {
    let _ = (helper(), Settings);
    uses_a_plain_fn();
    uses_a_struct();
}
