#[testrig::test]
fn property(#[strategy(0..100u32)] n: u32) {
    assert!(n < 100);
}

fn main() {}
