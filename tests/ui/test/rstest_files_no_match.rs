use std::path::PathBuf;
use testrig::prelude::*;

#[testrig::test]
fn files(#[files("no/such/dir/*.txt")] path: PathBuf) {
    let _ = path;
}

fn main() {}
