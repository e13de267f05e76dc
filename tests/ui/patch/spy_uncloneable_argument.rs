struct Connection;

#[testrig::patchable(always)]
fn send(_con: Connection) -> bool {
    true
}

fn main() {
    let _spy = testrig::spy!(send);
    let _count = testrig::spy!(send, count_only); // fine: counts only
}
