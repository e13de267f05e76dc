struct Config;

impl Config {
    // Nothing in the signature says this is an associated function: put `#[patchable]` on the
    // impl block instead.
    #[testrig::patchable(always)]
    fn default_port() -> u16 {
        8080
    }
}

fn main() {
    let _ = Config::default_port();
}
