#[testrig::test(shared = "")]
fn empty_shared_key() {}

#[testrig::test(serial = "db", shared = "db")]
fn the_same_key_on_both_sides() {}

#[testrig::test(shared = db)]
fn shared_key_not_a_string() {}

#[testrig::test(shared(db))]
fn shared_as_a_list() {}

#[testrig::test(serial, shared)]
fn keyless_on_both_sides() {}

#[testrig::test(serial, serial = "db")]
fn keyless_and_keyed_serial() {}

fn main() {}
