const NAME: &str = "one";

#[testrig::test]
#[case(1, id = NAME)]
#[case(2, id = two)]
fn named(n: u32) {
    assert!(n > 0);
}

fn main() {}
