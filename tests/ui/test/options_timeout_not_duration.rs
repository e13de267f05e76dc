#[testrig::test(timeout = "soon")]
fn not_a_duration() {}

#[testrig::test(timeout = "5 seconds")]
fn unit_spelled_out() {}

#[testrig::test(timeout = "0s")]
fn zero() {}

fn main() {}
