#[testrig::patchable(always)]
fn make_dir(_path: &std::path::Path) -> std::io::Result<()> {
    Ok(())
}

fn main() {
    let _guard = testrig::patch!(make_dir, |_p: &str| Ok(()));
}
