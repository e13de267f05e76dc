#![deny(unused_must_use)]

#[testrig::patchable(always)]
fn add(a: u32, b: u32) -> u32 {
    a + b
}

fn main() {
    testrig::patch!(add, |a, b| a * b);
}
