//! Raw identifiers (`r#type`) wherever a parameter, a fixture or a test can be named.

use testrig::prelude::*;

/// A fixture whose name is a keyword: a parameter `r#type` asks for it.
#[fixture]
fn r#type() -> u32 {
    7
}

#[fixture]
fn r#match(r#type: u32) -> u32 {
    r#type * 2
}

#[testrig::test]
fn a_raw_parameter_names_the_raw_fixture(r#type: u32, r#match: u32, _type: &u32) {
    assert_eq!((r#type, r#match, *_type), (7, 14, 7));
}

#[testrig::test]
fn a_raw_parameter_takes_values(#[values(1, 2)] r#type: u32, test_context: TestContext) {
    let name = test_context.name().to_owned();
    assert!(
        name.ends_with(&format!("::type_{type}", type = r#type)),
        "{name}"
    );
}

#[testrig::test]
#[case(3, id = "three")]
#[case(4)]
fn a_raw_parameter_is_bound_by_a_case(r#type: u32, r#match: u32) {
    assert!(r#type == 3 || r#type == 4);
    assert_eq!(r#match, 14);
}

#[testrig::test]
fn r#struct(test_context: TestContext) {
    assert!(
        test_context.name().ends_with("raw_idents::r#struct"),
        "{}",
        test_context.name()
    );
}

#[testrig::test]
#[case(1)]
fn r#enum(n: u32, test_context: TestContext) {
    assert_eq!(n, 1);
    assert!(
        test_context.name().ends_with("raw_idents::r#enum::case_1"),
        "{}",
        test_context.name()
    );
}
