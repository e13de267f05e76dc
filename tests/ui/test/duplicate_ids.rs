#[testrig::test]
#[case(1, id = "first quadrant")]
#[case(2, id = "First-Quadrant")]
#[case(3)]
#[case(4, id = "case 3")]
fn quadrant(n: u32) {
    assert!(n > 0);
}

fn main() {}
