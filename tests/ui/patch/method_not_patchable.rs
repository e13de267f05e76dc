struct Store;

impl Store {
    fn get(&self) -> u32 {
        1
    }

    fn put(&self, _value: u32) {}
}

fn main() {
    let _ = Store.get();
    Store.put(1);
    // One error each, at the type; what uses the guard or the spy adds none.
    let guard = testrig::patch!(Store::get, |_s: &Store| 2);
    drop(guard);
    let spy = testrig::spy!(Store::put);
    assert_eq!(spy.calls().len(), 0);
}
