use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use testrig::context::TestContext;
use testrig::{patch, patchable, spy};

#[patchable]
fn make_dir(path: &Path) -> io::Result<()> {
    std::fs::create_dir(path)
}

#[patchable]
fn make_dir_spied(path: &Path) -> io::Result<()> {
    std::fs::create_dir(path)
}

#[patchable]
pub(crate) fn add(a: u32, b: u32) -> u32 {
    a + b
}

#[patchable]
fn first_word<'a>(text: &'a str, _sep: char) -> &'a str {
    text.split(' ').next().unwrap_or("")
}

#[patchable]
async fn fetch(url: &str) -> String {
    format!("real {url}")
}

#[patchable]
unsafe fn read_raw(p: *const u8) -> u8 {
    // SAFETY: callers pass a valid pointer, as the fn's contract says.
    unsafe { *p }
}

struct Counter {
    n: u32,
}

impl Counter {
    #[patchable]
    fn get(&self) -> u32 {
        self.n
    }

    #[patchable]
    fn bump(&mut self, by: u32) -> u32 {
        self.n += by;
        self.n
    }

    #[patchable]
    fn new(n: u32) -> Self {
        Counter { n }
    }

    #[patchable]
    fn name(&self) -> &str {
        "counter"
    }

    #[patchable]
    async fn load(&self, extra: u32) -> u32 {
        self.n + extra
    }
}

struct Store;

#[patchable]
impl Store {
    fn version() -> u32 {
        1
    }
    fn into_len(self, extra: usize) -> usize {
        extra
    }
}

#[test]
fn a_patch_replaces_the_function_until_its_guard_drops() {
    let guard = patch!(make_dir, |_p: &Path| Err(
        io::ErrorKind::PermissionDenied.into()
    ));
    assert_eq!(
        make_dir(Path::new("/nonexistent/x")).unwrap_err().kind(),
        io::ErrorKind::PermissionDenied
    );
    drop(guard);
    assert_eq!(
        make_dir(Path::new("/nonexistent/x")).unwrap_err().kind(),
        io::ErrorKind::NotFound
    );
}

#[test]
fn closure_arguments_are_inferred_from_the_signature() {
    let _g = patch!(add, |a, b| a * b);
    assert_eq!(add(3, 4), 12);
}

#[test]
fn named_lifetimes_are_kept() {
    let _g = patch!(first_word, |text: &str, _sep| &text[1..]);
    assert_eq!(first_word("hello world", ' '), "ello world");
}

#[test]
fn methods_and_associated_functions_are_patchable() {
    let _get = patch!(Counter::get, |c: &Counter| c.n + 100);
    let _bump = patch!(Counter::bump, |c: &mut Counter, by| {
        c.n -= by;
        c.n
    });
    let _new = patch!(Counter::new, |n| Counter { n: n * 2 });
    let _name = patch!(Counter::name, |_c: &Counter| "patched");
    let mut c = Counter::new(5);
    assert_eq!(c.n, 10);
    assert_eq!(c.get(), 110);
    assert_eq!(c.bump(3), 7);
    assert_eq!(c.name(), "patched");
}

#[test]
fn a_patchable_impl_block_makes_every_function_a_seam() {
    {
        let _real = spy!(Store::version, count_only); // holds it: other tests patch it too
        assert_eq!(Store::version(), 1);
    }
    let _v = patch!(Store::version, || 2);
    let _l = patch!(Store::into_len, |_s: Store, extra| extra + 1);
    assert_eq!(Store::version(), 2);
    assert_eq!(Store.into_len(4), 5);
}

#[test]
fn an_async_fn_is_patched_with_its_output() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    assert_eq!(rt.block_on(fetch("a")), "real a");
    let _g = patch!(fetch, |url: &str| format!("fake {url}"));
    assert_eq!(rt.block_on(fetch("a")), "fake a");
}

#[test]
fn an_async_method_is_patched_with_its_output() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let _g = patch!(Counter::load, |c: &Counter, extra| c.n * 100 + extra);
    assert_eq!(rt.block_on(Counter { n: 2 }.load(3)), 203);
}

#[patchable]
async fn fetch_spied(url: &str, retries: u8) -> String {
    format!("real {url} {retries}")
}

#[test]
fn a_spy_on_an_async_fn_records_and_runs_the_real_body() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let spy = spy!(fetch_spied);
    assert_eq!(rt.block_on(fetch_spied("a", 1)), "real a 1");
    let from_worker = rt.block_on(async { tokio::spawn(fetch_spied("b", 2)).await.unwrap() });
    assert_eq!(from_worker, "real b 2");
    assert_eq!(spy.calls(), [("a".to_string(), 1), ("b".to_string(), 2)]);
    let counter = spy!(Counter::load, count_only); // nests over nothing else: a method
    rt.block_on(Counter { n: 1 }.load(1));
    counter.assert_called_once();
}

#[test]
fn an_unsafe_fn_is_patchable() {
    let byte = 9u8;
    let _g = patch!(read_raw, |_p| 1);
    // SAFETY: `byte` is a live local.
    assert_eq!(unsafe { read_raw(&byte) }, 1);
}

#[test]
fn the_real_function_stays_reachable_from_a_replacement() {
    let _g = patch!(add, |a, b| add::real(a, b) + 1);
    assert_eq!(add(1, 1), 3);
    let _c = patch!(Counter::get, |c: &Counter| Counter::__testrig_real_get(c)
        * 10);
    assert_eq!(Counter { n: 4 }.get(), 40);
}

#[test]
fn spawned_threads_see_the_patch() {
    let _g = patch!(add, |_, _| 99);
    let seen: Vec<u32> = (0..4)
        .map(|i| std::thread::spawn(move || add(i, i)))
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().unwrap())
        .collect();
    assert_eq!(seen, [99; 4]);
}

#[test]
fn tokio_worker_threads_see_the_patch() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .build()
        .unwrap();
    let _g = patch!(add, |a, b| a * 1000 + b);
    let seen = rt.block_on(async {
        let tasks: Vec<_> = (0..16)
            .map(|i| tokio::spawn(async move { (std::thread::current().id(), add(i, 1)) }))
            .collect();
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.unwrap());
        }
        out
    });
    assert!(
        seen.iter()
            .all(|(id, _)| *id != std::thread::current().id())
    );
    assert_eq!(
        seen.iter().map(|(_, v)| *v).collect::<Vec<_>>(),
        (0..16).map(|i| i * 1000 + 1).collect::<Vec<_>>()
    );
}

// Tests that check a function after their guards dropped use a function of their own: once
// a test's last guard on a function drops, another test may patch it.
#[patchable]
fn nested_target(a: u32) -> u32 {
    a
}

#[test]
fn nested_patches_restore_exactly_in_any_drop_order() {
    let outer = patch!(nested_target, |_| 1);
    let inner = patch!(nested_target, |_| 2);
    assert_eq!(nested_target(0), 2);
    drop(outer); // not the top layer: the newest still wins
    assert_eq!(nested_target(0), 2);
    let third = patch!(nested_target, |_| 3);
    drop(inner);
    assert_eq!(nested_target(0), 3);
    drop(third);
    assert_eq!(nested_target(42), 42);
}

#[patchable]
fn panic_target() -> u32 {
    4
}

#[test]
fn a_panicking_test_still_restores_the_function() {
    let result = std::panic::catch_unwind(|| {
        let _g = patch!(panic_target, || 0);
        panic!("boom");
    });
    assert!(result.is_err());
    assert_eq!(panic_target(), 4);
}

#[patchable]
fn leaky() -> &'static str {
    "real"
}

#[test]
fn a_leaked_patch_is_restored_and_reported_at_test_end() {
    let ctx = TestContext::new("seams::leaky_test", None);
    let line = {
        let _in = ctx.enter();
        let line = line!() + 1;
        std::mem::forget(patch!(leaky, || "leaked"));
        assert_eq!(leaky(), "leaked");
        line
    };
    let report = testrig::__private::restore_leaked_guards(&ctx).expect("a leak is reported");
    assert!(
        report.contains("patched fn `seams::patch::leaky`"),
        "{report}"
    );
    assert!(
        report.contains(&format!("tests/seams/patch.rs:{line}")),
        "{report}"
    );
    assert_eq!(leaky(), "real");
}

#[test]
fn a_leaked_method_patch_is_reported_with_its_type() {
    let ctx = TestContext::new("seams::leaky_method", None);
    {
        let _in = ctx.enter();
        std::mem::forget(patch!(Store::version, || 7));
    }
    let report = testrig::__private::restore_leaked_guards(&ctx).expect("a leak is reported");
    assert!(
        report.contains("patched fn `seams::patch::Store::version`"),
        "{report}"
    );
}

#[patchable]
fn owner_id() -> usize {
    0
}

/// Many tests patch `owner_id` at once; each must only ever see its own replacement, from its
/// own thread and from threads it spawns, for as long as its guard lives.
fn patch_and_check(id: usize) {
    static DONE: AtomicUsize = AtomicUsize::new(0);
    let _g = patch!(owner_id, move || id);
    for _ in 0..50 {
        assert_eq!(owner_id(), id);
        assert_eq!(std::thread::spawn(owner_id).join().unwrap(), id);
        std::thread::yield_now();
    }
    DONE.fetch_add(1, Ordering::Relaxed);
}

macro_rules! parallel_patch_tests {
    ($($name:ident = $id:expr),* $(,)?) => {
        $(#[test] fn $name() { patch_and_check($id); })*
    };
}

parallel_patch_tests!(
    parallel_01 = 1,
    parallel_02 = 2,
    parallel_03 = 3,
    parallel_04 = 4,
    parallel_05 = 5,
    parallel_06 = 6,
    parallel_07 = 7,
    parallel_08 = 8,
    parallel_09 = 9,
    parallel_10 = 10,
    parallel_11 = 11,
    parallel_12 = 12,
    parallel_13 = 13,
    parallel_14 = 14,
    parallel_15 = 15,
    parallel_16 = 16,
    parallel_17 = 17,
    parallel_18 = 18,
    parallel_19 = 19,
    parallel_20 = 20,
    parallel_21 = 21,
    parallel_22 = 22,
    parallel_23 = 23,
    parallel_24 = 24,
    parallel_25 = 25,
    parallel_26 = 26,
    parallel_27 = 27,
    parallel_28 = 28,
    parallel_29 = 29,
    parallel_30 = 30,
    parallel_31 = 31,
    parallel_32 = 32,
);

#[test]
fn a_spy_records_calls_and_owned_arguments() {
    let spy = spy!(make_dir_spied);
    let tmp = std::env::temp_dir().join(format!("testrig-spy-{}", std::process::id()));
    make_dir_spied(&tmp).unwrap();
    assert!(tmp.is_dir(), "the real function ran");
    std::fs::remove_dir(&tmp).unwrap();
    spy.assert_called_once_with(tmp.clone());
    assert_eq!(spy.calls(), [PathBuf::from(&tmp)]);
}

#[test]
fn a_spy_records_several_arguments_as_a_tuple_from_every_thread() {
    let spy = spy!(add);
    assert_eq!(add(1, 2), 3);
    std::thread::spawn(|| add(3, 4)).join().unwrap();
    assert_eq!(spy.count(), 2);
    spy.assert_called_with((3, 4));
    assert_eq!(spy.calls(), [(1, 2), (3, 4)]);
}

#[test]
fn a_spy_on_a_method_records_the_arguments_after_the_receiver() {
    let spy = spy!(Counter::bump);
    let mut c = Counter { n: 1 };
    assert_eq!(c.bump(2), 3);
    spy.assert_called_once_with(2);
}

#[test]
fn a_count_only_spy_counts() {
    let spy = spy!(Counter::get, count_only);
    Counter { n: 1 }.get();
    Counter { n: 1 }.get();
    spy.assert_called_times(2);
}

#[test]
fn spy_assertions_list_the_calls_when_they_fail() {
    let spy = spy!(add);
    add(5, 6);
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        spy.assert_called_once_with((1, 1))
    }))
    .unwrap_err();
    let message = err.downcast_ref::<String>().unwrap();
    assert!(
        message.contains("expected one call with (1, 1), got 1"),
        "{message}"
    );
    assert!(message.contains("call 1: (5, 6)"), "{message}");
}

/// The forms of the user-facing contract, through the prelude.
mod through_the_prelude {
    use std::io;
    use std::path::Path;
    use std::time::{Duration, UNIX_EPOCH};

    use testrig::prelude::*;

    #[patchable]
    pub(crate) fn make_dir(path: &Path) -> io::Result<()> {
        std::fs::create_dir(path)
    }

    #[test]
    fn patch_and_clock_as_written_in_the_contract() {
        let _p = patch!(make_dir, |_path: &Path| Err(
            io::ErrorKind::PermissionDenied.into()
        ));
        assert!(make_dir(Path::new("/x")).is_err());
        let clock = clock::freeze_at(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
        clock.advance(Duration::from_secs(30 * 60));
        assert_eq!(
            clock::SystemTime::now(),
            UNIX_EPOCH + Duration::from_secs(1_700_001_800)
        );
        let _guards: (&PatchGuard, &ClockGuard) = (&_p, &clock);
    }
}

#[patchable]
fn greeting() -> &'static str {
    "real"
}

/// Patches are process-wide, yet a call made inside *another* test's context runs the real
/// function: tests running in parallel never see each other's patches, while threads with no
/// context (workers started by the code under test) still see the patch.
#[test]
fn another_tests_context_gets_the_real_function() {
    let patching = TestContext::new("seams::patching_test", None);
    let other = TestContext::new("seams::other_test", None);
    let _guard = {
        let _in = patching.enter();
        patch!(greeting, || "patched")
    };
    let call_in = |ctx: Option<TestContext>| {
        std::thread::spawn(move || {
            let _in = ctx.as_ref().map(TestContext::enter);
            greeting()
        })
        .join()
        .unwrap()
    };
    assert_eq!(call_in(Some(patching.clone())), "patched");
    assert_eq!(call_in(None), "patched", "a worker without a context");
    assert_eq!(call_in(Some(other.clone())), "real", "another test");
    // Spies follow the same rule: they record the owning test's calls, not the other test's.
    drop(_guard);
    let spy = {
        let _in = patching.enter();
        spy!(greeting, count_only)
    };
    call_in(Some(other));
    call_in(Some(patching));
    call_in(None);
    assert_eq!(spy.count(), 2);
}
