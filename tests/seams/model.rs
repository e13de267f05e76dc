//! Model tests: any sequence of patches and drops, in any order, leaves the function and the
//! clock showing the newest live guard, and the original once none is left.

use std::time::Duration;

use proptest::prelude::*;
use testrig::clock::{self, SystemTime, UNIX_EPOCH};
use testrig::patchable;

#[patchable]
fn model_target() -> u32 {
    0
}

#[derive(Clone, Debug)]
enum Op {
    /// Patch with this value.
    Push(u32),
    /// Drop the live guard at this index (modulo the number of live guards).
    Drop(usize),
    /// Advance the live guard at this index by this many seconds (clock only).
    Advance(usize, u32),
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(
        prop_oneof![
            (1..1000u32).prop_map(Op::Push),
            any::<usize>().prop_map(Op::Drop),
            (any::<usize>(), 1..100u32).prop_map(|(i, s)| Op::Advance(i, s)),
        ],
        1..24,
    )
}

proptest! {
    #[test]
    fn patches_show_the_newest_live_guard(ops in ops()) {
        let mut live: Vec<(testrig::PatchGuard, u32)> = Vec::new();
        for op in ops {
            match op {
                Op::Push(v) => live.push((testrig::patch!(model_target, move || v), v)),
                Op::Drop(i) if !live.is_empty() => {
                    let i = i % live.len();
                    drop(live.remove(i));
                }
                _ => {}
            }
            // With no guard left another test may patch it; only check while this one holds it.
            if let Some((_, v)) = live.last() {
                prop_assert_eq!(model_target(), *v);
            }
        }
    }

    #[test]
    fn clock_guards_show_the_newest_live_guard(ops in ops()) {
        let mut live: Vec<(clock::ClockGuard, SystemTime)> = Vec::new();
        for op in ops {
            match op {
                Op::Push(v) => {
                    let t = UNIX_EPOCH + Duration::from_secs(u64::from(v) * 1_000_000);
                    live.push((clock::freeze_at(t), t));
                }
                Op::Drop(i) if !live.is_empty() => {
                    let i = i % live.len();
                    drop(live.remove(i));
                }
                Op::Advance(i, s) if !live.is_empty() => {
                    let i = i % live.len();
                    let (guard, t) = &mut live[i];
                    guard.advance(Duration::from_secs(u64::from(s)));
                    *t += Duration::from_secs(u64::from(s));
                }
                _ => {}
            }
            if let Some((guard, t)) = live.last() {
                prop_assert_eq!(SystemTime::now(), *t);
                prop_assert_eq!(guard.now(), *t);
            }
            for (guard, t) in &live {
                prop_assert_eq!(guard.now(), *t);
            }
        }
    }
}
