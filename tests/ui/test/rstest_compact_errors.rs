use testrig::prelude::*;

// `serial` is testrig's option, not the parameter the cases would fill.
#[testrig::test(serial, case(1))]
fn option_named_like_a_parameter(serial: u32) {
    let _ = serial;
}

#[testrig::test(n => 1)]
fn values_without_a_list(n: u32) {
    let _ = n;
}

#[testrig::test(serial => [1, 2])]
fn values_for_an_option(serial: u32) {
    let _ = serial;
}

#[testrig::test(n, case(1), #[allow(unused)] case(2))]
fn other_attribute_before_a_case(n: u32) {
    let _ = n;
}

#[testrig::test(n, case(1) ::trace::dump)]
fn unknown_compact_attribute(n: u32) {
    let _ = n;
}

#[testrig::test(m, case(1))]
fn names_no_parameter(n: u32) {
    let _ = n;
}

fn main() {}
