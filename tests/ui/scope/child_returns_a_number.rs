fn main() {
    let scope = testrig::scope::TaskScope::new();
    scope.spawn_thread(|| 42u8);
    scope.finish();
}
