#[testrig::test]
#[case(1, timeout = "fast")]
#[case(2, id = "two", timeout = 3)]
#[case(3, timeout = "0.5ms")]
fn limited(n: u32) {
    assert!(n > 0);
}

fn main() {}
