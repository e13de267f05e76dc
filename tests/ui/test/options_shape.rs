#[testrig::test(isolated = true)]
fn flag_with_a_value() {}

#[testrig::test(timeout)]
fn timeout_without_a_value() {}

#[testrig::test(serial("db"))]
fn serial_as_a_list() {}

fn main() {}
