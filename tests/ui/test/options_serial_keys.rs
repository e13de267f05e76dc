#[testrig::test(serial = "")]
fn empty_key() {}

#[testrig::test(serial = ["db", " "])]
fn empty_key_in_a_list() {}

#[testrig::test(serial = [])]
fn empty_list() {}

#[testrig::test(serial = ["db", "db"])]
fn same_key_twice() {}

#[testrig::test(serial = db)]
fn key_not_a_string() {}

fn main() {}
