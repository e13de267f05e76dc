#[testrig::test(isolated, isolated)]
fn isolated_twice() {}

#[testrig::test(timeout = "1s", serial = "db", timeout = "2s")]
fn timeout_twice() {}

fn main() {}
