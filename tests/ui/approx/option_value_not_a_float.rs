use testrig::prelude::*;

fn main() {
    assert_approx!(1.0, 1.0, rel = "1e-3");
}
