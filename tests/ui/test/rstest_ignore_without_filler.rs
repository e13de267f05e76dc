#[testrig::test]
fn test_db(#[ignore] pool: String) {
    assert!(pool.is_empty());
}

fn main() {}
