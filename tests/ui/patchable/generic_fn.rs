#[testrig::patchable]
fn pick<T: Clone>(t: &T) -> T {
    t.clone()
}

fn main() {
    pick(&1);
}
