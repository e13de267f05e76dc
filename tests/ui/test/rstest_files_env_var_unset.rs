use std::path::PathBuf;

#[testrig::test]
fn data(#[files("${TESTRIG_UNSET_IN_TESTS}/*.txt")] path: PathBuf) {
    assert!(path.exists());
}

fn main() {}
