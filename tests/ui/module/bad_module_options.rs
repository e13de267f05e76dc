use testrig::prelude::*;

#[testrig::test(timeout = "soon", colour = "blue")]
mod tests {
    #[test]
    fn t() {}
}

#[fixture_use(a, a)]
mod twice {
    #[test]
    fn t() {}
}

fn main() {}
