use testrig::prelude::*;

#[fixture]
async fn slow() -> u32 {
    1
}

#[fixture_use(slow)]
fn sync_scenario() {}

#[fixture]
fn sync_fixture(slow: u32) -> u32 {
    slow
}

fn main() {
    sync_scenario();
    let _ = sync_fixture(1);
}
