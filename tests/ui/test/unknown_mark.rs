#[testrig::test]
#[case(1, id = "one", retries = 5)]
#[case(2, xfail)]
fn marked(n: u32) {
    assert!(n > 0);
}

fn main() {}
