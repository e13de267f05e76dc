use testrig::prelude::*;

// The same check runs for `#[testrig::test]` functions, which exist only under `cargo test`.
#[fixture_use()]
fn returns_a_number() -> Result<u8, String> {
    Ok(1)
}

fn main() {
    returns_a_number();
}
