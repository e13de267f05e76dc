struct Context;

#[testrig::test]
#[case::a_description(42)]
fn my_test(#[context] ctx: Context, #[case] _c: u32) {
    let _ = ctx;
}

fn main() {}
