#[testrig::test]
async fn needs_a_runtime() {}

fn main() {}
