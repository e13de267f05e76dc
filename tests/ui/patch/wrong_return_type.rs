#[testrig::patchable(always)]
fn add(a: u32, b: u32) -> u32 {
    a + b
}

fn main() {
    let _guard = testrig::patch!(add, |a: u32, b: u32| i64::from(a + b));
}
