//! A testrig test that calls another testrig test fn re-enters the keys it holds.

use testrig::lock;

#[testrig::test(serial = "testrig-keys-reentry")]
fn inner_serial() {
    assert!(lock::is_held("testrig-keys-reentry"));
}

#[testrig::test(shared = "testrig-keys-reentry-shared")]
fn inner_shared() {
    assert!(lock::is_held("testrig-keys-reentry-shared"));
}

/// serial_test's nested serial tests: `outer` holds the key and calls `inner`, which asks for
/// it again. Before, this waited on itself until the lock timeout.
#[testrig::test(serial = "testrig-keys-reentry")]
fn outer_serial_calls_inner_serial() {
    inner_serial();
    inner_serial();
    assert!(
        lock::is_held("testrig-keys-reentry"),
        "the outer test still holds its key"
    );
}

#[testrig::test(shared = "testrig-keys-reentry-shared")]
fn outer_shared_calls_inner_shared() {
    inner_shared();
}

/// Holding a key exclusively covers a nested shared request.
#[testrig::test(serial = "testrig-keys-reentry-shared")]
fn outer_serial_calls_inner_shared() {
    inner_shared();
}

/// The other way round is an upgrade: refused at once, never a wait on itself.
#[testrig::test(shared = "testrig-keys-reentry")]
#[should_panic(expected = "is asked for exclusively")]
fn outer_shared_calls_inner_serial_and_fails_at_once() {
    inner_serial();
}

/// An async test calling a sync testrig test inside its context re-enters too.
#[cfg(feature = "tokio")]
#[testrig::test(serial = "testrig-keys-reentry")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_outer_calls_inner_serial() {
    tokio::task::yield_now().await;
    inner_serial();
}
