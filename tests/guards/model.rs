//! A model test: random sequences of set / remove / multi-key patches and drops in any order,
//! with the real environment compared to a simple model after every step.

use std::collections::HashMap;

use proptest::prelude::*;
use testrig::{EnvGuard, env};

const KEYS: [&str; 3] = ["TESTRIG_MODEL_A", "TESTRIG_MODEL_B", "TESTRIG_MODEL_C"];

#[derive(Clone, Debug)]
enum Op {
    Set(usize, u8),
    Remove(usize),
    /// Several keys in one guard: (key index, Some(value) to set, None to unset).
    Many(Vec<(usize, Option<u8>)>),
    /// Drops the live guard at this position (modulo the number of live guards).
    Drop(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..KEYS.len(), any::<u8>()).prop_map(|(k, v)| Op::Set(k, v)),
        1 => (0..KEYS.len()).prop_map(Op::Remove),
        1 => proptest::collection::vec((0..KEYS.len(), proptest::option::of(any::<u8>())), 1..4)
            .prop_map(Op::Many),
        4 => any::<usize>().prop_map(Op::Drop),
    ]
}

/// What the environment should show: per key, the layers of live guards, newest last.
#[derive(Default)]
struct Model {
    originals: HashMap<usize, Option<String>>,
    /// Live guards in creation order: guard number -> the values it set, per key.
    layers: Vec<(u32, HashMap<usize, Option<String>>)>,
}

impl Model {
    fn expected(&self, key: usize) -> Option<String> {
        self.layers
            .iter()
            .rev()
            .find_map(|(_, vals)| vals.get(&key).cloned())
            .unwrap_or_else(|| self.originals[&key].clone())
    }
}

fn check(model: &Model) -> Result<(), TestCaseError> {
    for (i, key) in KEYS.iter().enumerate() {
        let actual = std::env::var_os(key).map(|v| v.into_string().unwrap());
        prop_assert_eq!(actual, model.expected(i), "key {}", key);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn env_matches_the_model_after_every_step(
        originals in proptest::collection::vec(proptest::option::of(any::<u8>()), KEYS.len()),
        ops in proptest::collection::vec(op(), 1..40),
    ) {
        // Hold every key for the whole case so the starting values are ours to choose.
        let start = env::patch_many(
            KEYS.iter().zip(&originals).map(|(k, v)| (*k, v.map(|v| v.to_string()))),
        );
        let mut model = Model {
            originals: originals.iter().enumerate().map(|(i, v)| (i, v.map(|v| v.to_string()))).collect(),
            layers: Vec::new(),
        };
        let mut guards: Vec<(u32, EnvGuard)> = Vec::new();
        for (n, op) in (0u32..).zip(ops) {
            match op {
                Op::Set(k, v) => {
                    guards.push((n, env::set(KEYS[k], v.to_string())));
                    model.layers.push((n, HashMap::from([(k, Some(v.to_string()))])));
                }
                Op::Remove(k) => {
                    guards.push((n, env::remove(KEYS[k])));
                    model.layers.push((n, HashMap::from([(k, None)])));
                }
                Op::Many(changes) => {
                    let guard = env::patch_many(
                        changes.iter().map(|(k, v)| (KEYS[*k], v.map(|v| v.to_string()))),
                    );
                    // The same key twice: the later value wins.
                    let vals = changes.iter().map(|(k, v)| (*k, v.map(|v| v.to_string()))).collect();
                    guards.push((n, guard));
                    model.layers.push((n, vals));
                }
                Op::Drop(at) => {
                    if !guards.is_empty() {
                        let (id, guard) = guards.remove(at % guards.len());
                        drop(guard);
                        model.layers.retain(|(g, _)| *g != id);
                    }
                }
            }
            check(&model)?;
        }
        drop(guards);
        model.layers.clear();
        check(&model)?;
        drop(start);
        for key in KEYS {
            prop_assert_eq!(std::env::var_os(key), None);
        }
    }
}
