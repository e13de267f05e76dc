struct Store;

impl Store {
    fn get(&self) -> u32 {
        1
    }
}

fn main() {
    let _guard = testrig::patch!(Store::get, |_s: &Store| 2);
}
