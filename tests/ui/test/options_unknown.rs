#[testrig::test(isolate)]
fn misspelled() {}

#[testrig::test(timeout_ms = 500)]
fn not_an_option() {}

fn main() {}
