use testrig::prelude::*;

#[testrig::test]
fn files(#[files("Cargo.toml")] #[mode = text] contents: &str) {
    let _ = contents;
}

fn main() {}
