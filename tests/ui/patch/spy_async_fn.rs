#[testrig::patchable(always)]
async fn fetch(url: &str) -> String {
    url.to_owned()
}

fn main() {
    let _spy = testrig::spy!(fetch);
}
