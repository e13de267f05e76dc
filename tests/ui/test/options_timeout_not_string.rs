#[testrig::test(timeout = 5)]
fn seconds_as_a_number() {}

fn main() {}
