#[testrig::test]
#[case(1)]
fn no_params() {}

fn main() {}
