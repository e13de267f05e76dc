//! Notes for a thread with no test context that used what a test patched.
//!
//! Such a thread sees every test's patches and fake clock, as the workers a test starts must.
//! A plain `#[test]` is such a thread too, and nothing tells it apart from a worker: when it
//! runs beside a testrig test that patched the same function, it gets that test's replacement.
//! Its failure then shows a wrong value, or an assertion inside the other test's replacement,
//! and nothing that says where either came from. So the thread remembers whose patches it
//! used, and if it panics, the panic message is followed by a note naming them.

use std::cell::RefCell;
use std::sync::Once;

/// What a thread used.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Used {
    /// The replacement of the patchable function with this path.
    Patch(&'static str),
    /// The fake clock.
    Clock,
}

struct Seen {
    used: Used,
    owner: u64,
    owner_name: Option<String>,
    /// The thread is known to work for the owner (testrig's rule for threads without a
    /// context: the owner's thread, or a worker of the owner's tokio runtime): no note.
    works_for_owner: bool,
}

thread_local! {
    static SEEN: RefCell<Vec<Seen>> = const { RefCell::new(Vec::new()) };
}

/// Records that this thread, which has no test context, used `used` made by test `owner`.
/// Cheap after the first time: a thread's workers may call a patched function in a loop.
#[cold]
pub(crate) fn used(used: Used, owner: u64) {
    let _ = SEEN.try_with(|seen| {
        let Ok(mut seen) = seen.try_borrow_mut() else {
            return;
        };
        if seen.iter().any(|s| s.used == used && s.owner == owner) {
            return;
        }
        let works_for_owner = works_for(owner);
        seen.push(Seen {
            used,
            owner,
            owner_name: super::live_test_name(owner),
            works_for_owner,
        });
        if !works_for_owner {
            install_hook();
        }
    });
}

/// Whether this thread, which has no test context, may belong to another test than `owner`:
/// `false` when testrig's rule for such threads says it is `owner`'s (its thread, or a worker
/// of its tokio runtime).
pub(crate) fn is_other_contextless_thread(owner: u64) -> bool {
    super::current_test_id().is_none() && !works_for(owner)
}

/// Whether testrig's rule for threads without a context gives this one to test `owner`.
fn works_for(owner: u64) -> bool {
    super::TestContext::inferred().is_some_and(|(ctx, _)| ctx.id() == owner)
}

/// This thread's name, for messages.
pub(crate) fn this_thread_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("<unnamed>")
        .to_owned()
}

/// Chains a panic hook that prints this thread's notes after the panic message (into the
/// test's captured output, where the harness shows it with the failure). Installed the first
/// time any thread records a note, so processes that never need it keep their hook as is.
fn install_hook() {
    static HOOK: Once = Once::new();
    // `set_hook` panics on a panicking thread (a replacement called from a `Drop` in an unwind).
    if std::thread::panicking() {
        return;
    }
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            previous(info);
            for note in notes() {
                eprintln!("{note}");
            }
        }));
    });
}

/// This thread's notes, one per test and thing used.
fn notes() -> Vec<String> {
    let thread = this_thread_name();
    SEEN.try_with(|seen| {
        let Ok(seen) = seen.try_borrow() else {
            return Vec::new();
        };
        seen.iter()
            .filter(|s| !s.works_for_owner)
            .map(|s| note(&thread, s))
            .collect()
    })
    .unwrap_or_default()
}

fn note(thread: &str, seen: &Seen) -> String {
    let owner = seen.owner_name.as_deref().map_or_else(
        || "another test".to_owned(),
        |name| format!("test `{name}`"),
    );
    let (what, fix) = match seen.used {
        Used::Patch(name) => (
            format!("ran the replacement of `{name}` that {owner} patched"),
            format!("give it `#[testrig::test]` (it then runs the real `{name}`)"),
        ),
        Used::Clock => (
            format!("read the fake clock of {owner}"),
            "give it `#[testrig::test]` (it then reads the real clocks), or take the clock in it"
                .to_owned(),
        ),
    };
    format!(
        "note: testrig: this thread (`{thread}`) has no test context, and it {what}. The threads \
         a test starts see the functions and the clock it patched, and so does a plain \
         `#[test]`, which nothing tells apart from them. If `{thread}` is a plain `#[test]`, \
         {fix}; if it works for that test, this is expected."
    )
}
