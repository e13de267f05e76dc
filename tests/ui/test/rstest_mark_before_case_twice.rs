#[testrig::test]
#[should_panic]
#[case(1, should_panic = "one")]
#[case(2)]
fn marked_twice(#[case] n: u32) {
    panic!("{n}");
}

fn main() {}
