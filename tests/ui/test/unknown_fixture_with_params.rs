use testrig::prelude::*;

#[fixture(params = ["memory", "disk"])]
fn backend(kind: &'static str) -> &'static str {
    kind
}

#[testrig::test]
fn misspelt(backnd: &'static str) {
    assert!(!backnd.is_empty());
}

fn main() {}
