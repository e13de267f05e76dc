use testrig::prelude::*;

struct Reading {
    celsius: f64,
}

fn main() {
    let r = Reading { celsius: 21.5 };
    assert_approx!(r, Reading { celsius: 21.5 });
    let _ = r.celsius;
}
