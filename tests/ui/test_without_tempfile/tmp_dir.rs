use testrig::prelude::*;

// A fixture, so the check does not depend on a test build.
#[fixture]
fn data_dir(tmp_dir: TempDir) -> TempDir {
    tmp_dir
}

fn main() {}
