#[testrig::test]
#[case(1, 2)]
#[case(3)]
#[case(4, 5, 6, 7)]
fn adds(a: u32, b: u32) {
    assert!(a < b);
}

fn main() {}
