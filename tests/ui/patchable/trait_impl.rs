struct Celsius(f64);

#[testrig::patchable]
impl std::fmt::Display for Celsius {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} °C", self.0)
    }
}

fn main() {
    let _ = Celsius(1.0).to_string();
}
