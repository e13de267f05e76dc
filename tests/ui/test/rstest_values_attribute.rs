#[testrig::test]
fn describe_values(
    #[values(
        #[cfg(unix)]
        42,
    )]
    value: u32,
) {
    assert!(value > 0);
}

fn main() {}
