#[testrig::test]
fn both(#[values(1, 2)] #[strategy(0..10u32)] n: u32) {
    assert!(n < 10);
}

fn main() {}
