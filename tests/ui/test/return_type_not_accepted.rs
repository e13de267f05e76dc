#[testrig::test]
fn returns_a_number() -> Result<u8, String> {
    Ok(1)
}

fn main() {}
