use testrig::prelude::*;

#[fixture]
fn a() -> u32 {
    1
}

#[fixture_use(a)]
mod tests {
    #[test]
    fn inline() {}

    #[path = "../files/tests_in_a_file.rs"]
    mod in_a_file;
}

fn main() {}
