//! Guards that outlive their owner: restored by force at test or thread end, and reported.

use std::fmt;
use std::io::Write as _;
use std::panic::Location;

use super::{Key, KeyState, Value, core, lock};
use crate::context::Owner;

/// A guard that outlived its owner, restored by force.
#[derive(Clone, Debug)]
pub(crate) struct Leak {
    pub(crate) key: Key,
    pub(crate) site: &'static Location<'static>,
}

impl fmt::Display for Leak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} patched at {}", self.key, self.site)
    }
}

/// Restores every key `owner` still holds, as if all its guards had been dropped, and lists
/// the guards that were still live. A guard dropped afterwards finds nothing to undo.
pub(crate) fn restore_owner(owner: Owner) -> Vec<Leak> {
    let mut state = lock();
    let mut leaks = Vec::new();
    let mut freed = false;
    let state = &mut *state;
    for key_state in &mut state.keys {
        let mut problem = None;
        let before = key_state.sharers.len();
        key_state.sharers.retain(|s| {
            if s.owner == owner {
                leaks.push(Leak {
                    key: key_state.key.clone(),
                    site: s.site,
                });
            }
            s.owner != owner
        });
        if before != key_state.sharers.len() && key_state.sharers.is_empty() {
            freed = true;
        }
        if !matches!(key_state.holder, Some((o, _)) if o == owner) {
            continue;
        }
        freed = true;
        let first_site = key_state.layers.first().map(|l| l.site);
        leaks.extend(key_state.layers.drain(..).map(|l| Leak {
            key: key_state.key.clone(),
            site: l.site,
        }));
        if let Err(err) = key_state.slot.write(&key_state.key, &key_state.original) {
            problem = Some(failed_restore(key_state, first_site, &err));
        }
        key_state.holder = None;
        key_state.original = Value::Unit;
        state.problems.extend(problem.map(|p| (owner, p)));
    }
    if freed && state.waiters > 0 {
        core().changed.notify_all();
    }
    leaks.sort_by_key(|l| (l.site.file(), l.site.line(), l.site.column()));
    leaks
}

/// What a failed restore says: the key, the line of the guard whose value was to be
/// restored, and the error.
pub(super) fn failed_restore(
    key_state: &KeyState,
    site: Option<&'static Location<'static>>,
    err: &std::io::Error,
) -> String {
    let site = site
        .map(|site| format!(" (patched at {site})"))
        .unwrap_or_default();
    format!(
        "testrig: could not restore {}{site}: {err}. The state was left as it is; whatever \
         made it unrestorable (a directory deleted while the test was inside it, say) happened \
         during the test.",
        key_state.key
    )
}

/// The failed restores recorded against `owner` (all owners, with `None`), oldest first.
pub(crate) fn take_problems(owner: Option<Owner>) -> Vec<String> {
    let mut state = lock();
    let mut taken = Vec::new();
    state.problems.retain(|(o, text)| {
        let take = owner.is_none_or(|owner| *o == owner);
        if take {
            taken.push(text.clone());
        }
        !take
    });
    taken
}

/// The guards still live now, with their holders, for the report at process exit.
pub(crate) fn live_guards() -> Vec<(Leak, String)> {
    let state = lock();
    let mut live: Vec<_> = state
        .keys
        .iter()
        .flat_map(|s| {
            let holder = s
                .holder
                .as_ref()
                .map(|(_, h)| h.to_string())
                .unwrap_or_default();
            let layers = s.layers.iter().map(move |l| {
                (
                    Leak {
                        key: s.key.clone(),
                        site: l.site,
                    },
                    holder.clone(),
                )
            });
            let shares = s.sharers.iter().map(|sh| {
                (
                    Leak {
                        key: s.key.clone(),
                        site: sh.site,
                    },
                    sh.holder.to_string(),
                )
            });
            layers.chain(shares)
        })
        .collect();
    live.sort_by_key(|(l, _)| (l.site.file(), l.site.line()));
    live
}

/// Writes a line to stderr without the test harness's capture, which may already be gone
/// (thread teardown, process exit), and without ever panicking.
pub(crate) fn report(message: fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stderr().lock(), "{message}");
}

/// Guards owned by a bare thread (no testrig test around them) are checked when that thread
/// ends: libtest runs each test on a thread of its own, so that is the end of the test.
pub(super) mod thread_owner {
    use super::*;

    /// Captured when the thread first patches something: `thread::current()` may no longer be
    /// reachable while thread-locals are being torn down.
    struct Watch {
        id: std::thread::ThreadId,
        name: String,
    }

    impl Drop for Watch {
        fn drop(&mut self) {
            // libtest names each test's thread after the test, so this names the test.
            for leak in restore_owner(Owner::Thread(self.id)) {
                crate::exit::fail_run(format!(
                    "testrig: {leak} was still live when its thread `{}` ended; it has been \
                     restored. Keep the guard in a local (`let _guard = ...`) so it drops at the \
                     end of the test.",
                    self.name
                ));
            }
            for problem in take_problems(Some(Owner::Thread(self.id))) {
                crate::exit::fail_run(format!("{problem} (in thread `{}`)", self.name));
            }
        }
    }

    thread_local! {
        static WATCH: Watch = {
            let t = std::thread::current();
            Watch { id: t.id(), name: t.name().unwrap_or("<unnamed>").to_owned() }
        };
    }

    pub(in crate::core) fn watch() {
        // Touching the thread-local registers its destructor; ignore threads already ending.
        let _ = WATCH.try_with(|_| ());
    }
}

/// Panics on a thread while it holds the core's mutex, leaving the mutex poisoned.
pub(crate) fn poison_for_tests() {
    let _ = std::thread::spawn(|| {
        let _state = lock();
        panic!("poisoning the guard core on purpose");
    })
    .join();
    assert!(core().state.is_poisoned());
}
