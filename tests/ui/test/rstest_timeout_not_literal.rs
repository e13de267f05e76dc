use std::time::Duration;
use testrig::prelude::*;

const LIMIT: Duration = Duration::from_secs(1);

#[testrig::test]
#[timeout(LIMIT)]
fn limited() {}

#[testrig::test]
#[timeout(Duration::from_micros(1500))]
fn sub_millisecond() {}

fn main() {}
