#[test]
fn in_a_file() {}
