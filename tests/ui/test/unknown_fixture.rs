use testrig::prelude::*;

#[fixture]
fn db_url() -> String {
    "postgres://localhost".into()
}

// One error for each misspelt name, at the name; the functions are still there for `main`.
#[testrig::test]
fn connects(db_ulr: String) {
    assert!(!db_ulr.is_empty());
}

#[fixture_use(db_ulr)]
fn set_up() {}

fn main() {
    let _ = db_url();
    set_up();
}
