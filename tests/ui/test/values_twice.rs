#[testrig::test]
fn matrix(#[values(1, 2)] #[values(3)] n: u32) {
    assert!(n > 0);
}

fn main() {}
