#[testrig::test(timeout = "soon")]
fn not_a_duration() {}

#[testrig::test(timeout = "5 seconds")]
fn unit_spelled_out() {}

#[testrig::test(timeout = "0.0000000001s")]
fn below_a_millisecond() {}

#[testrig::test(timeout = "off")]
fn no_limit_compiles() {}

#[testrig::test(timeout = "3000000000000000h")]
fn a_limit_too_long_to_count_compiles() {}

fn main() {}
