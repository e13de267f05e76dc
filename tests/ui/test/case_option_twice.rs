#[testrig::test]
#[case(1, id = "a", id = "b")]
#[case(2, ignore, ignore = "slow")]
fn ids(n: u32) {
    assert!(n > 0);
}

fn main() {}
