use std::path::PathBuf;

#[testrig::test]
fn lookahead(#[files("tests/data/files/*.txt")] #[exclude("(?!alpha)")] path: PathBuf) {
    assert!(path.exists());
}

fn main() {}
