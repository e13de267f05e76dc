//! A model test: random sequences of captures starting and stopping under several tests, and
//! records logged by each, against a model where each live capture sees exactly its own test's
//! records logged while it lived.

use proptest::prelude::*;
use testrig::context::TestContext;
use testrig::log::LogCapture;

#[derive(Clone, Debug)]
enum Op {
    Start(usize),
    Stop(usize),
    Log(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..3usize).prop_map(Op::Start),
        (0..8usize).prop_map(Op::Stop),
        (0..3usize).prop_map(Op::Log),
    ]
}

fn emit(message: &str) {
    #[cfg(feature = "log")]
    log::info!("{message}");
    #[cfg(not(feature = "log"))]
    tracing::info!("{message}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn captures_see_exactly_their_tests_records(ops in proptest::collection::vec(op(), 1..40)) {
        let tests: Vec<TestContext> =
            (0..3).map(|i| TestContext::new(format!("model::{i}"), None)).collect();
        // (test index, capture, what the model expects it to hold)
        let mut live: Vec<(usize, LogCapture, Vec<String>)> = Vec::new();
        for (n, op) in ops.into_iter().enumerate() {
            match op {
                Op::Start(t) => {
                    let _in = tests[t].enter();
                    live.push((t, LogCapture::start(), Vec::new()));
                }
                Op::Stop(i) => {
                    if !live.is_empty() {
                        let (_, logs, expected) = live.remove(i % live.len());
                        prop_assert_eq!(logs.messages(), expected);
                    }
                }
                Op::Log(t) => {
                    let message = format!("op {n} by test {t}");
                    {
                        let _in = tests[t].enter();
                        emit(&message);
                    }
                    for (owner, _, expected) in &mut live {
                        if *owner == t {
                            expected.push(message.clone());
                        }
                    }
                }
            }
        }
        for (_, logs, expected) in live {
            prop_assert_eq!(logs.messages(), expected);
        }
    }
}
