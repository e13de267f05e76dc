//! `lock::serial` across processes: helper processes of this binary contend for one key.

mod common;

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{BufRead as _, BufReader, Write as _};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use testrig::context::TestContext;
use testrig::lock;

fn unique_key(what: &str) -> String {
    format!("testrig-test-{what}-{}", std::process::id())
}

// ---- helpers, started as processes by the tests below ----

#[test]
fn helper_hold_until_killed() {
    if let Ok(key) = std::env::var("TESTRIG_TEST_HOLD_KEY") {
        let _held = lock::serial(key);
        println!("holding");
        std::io::stdout().flush().unwrap();
        std::thread::sleep(Duration::from_secs(120));
    }
}

#[test]
fn helper_log_turns() {
    if let (Ok(key), Ok(log)) = (
        std::env::var("TESTRIG_TEST_TURN_KEY"),
        std::env::var("TESTRIG_TEST_TURN_LOG"),
    ) {
        for _ in 0..5 {
            let _turn = lock::serial(key.as_str());
            let append = |text: &str| {
                let mut f = OpenOptions::new()
                    .append(true)
                    .create(true)
                    .open(&log)
                    .unwrap();
                writeln!(f, "{text} {}", std::process::id()).unwrap();
            };
            append("enter");
            std::thread::sleep(Duration::from_millis(5));
            append("leave");
        }
    }
}

fn is_locked(key: &str) -> bool {
    let file = File::open(lock::lock_path(key)).unwrap();
    match file.try_lock() {
        Ok(()) => false,
        Err(TryLockError::WouldBlock) => true,
        Err(TryLockError::Error(e)) => panic!("{e}"),
    }
}

#[test]
fn a_killed_holder_leaves_no_stale_lock() {
    let key = unique_key("killed-holder");
    let mut holder = common::helper("helper_hold_until_killed")
        .env("TESTRIG_TEST_HOLD_KEY", &key)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(holder.stdout.take().unwrap()).lines();
    loop {
        let line = lines
            .next()
            .expect("the holder ended before taking the key")
            .unwrap();
        if line.contains("holding") {
            break;
        }
    }
    assert!(
        is_locked(&key),
        "the holder process should hold the file lock"
    );
    holder.kill().unwrap();
    holder.wait().unwrap();
    // The lock file is still there, its lock is not.
    assert!(lock::lock_path(&key).exists());
    assert!(!is_locked(&key), "a dead holder must not block");
    let taken = lock::serial(key.as_str());
    assert!(is_locked(&key));
    drop(taken);
    std::fs::remove_file(lock::lock_path(&key)).unwrap();
}

#[test]
fn serial_excludes_other_processes() {
    let key = unique_key("turns");
    let dir = std::env::temp_dir().join(&key);
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("turns.log");
    let children: Vec<_> = (0..3)
        .map(|_| {
            common::helper("helper_log_turns")
                .env("TESTRIG_TEST_TURN_KEY", &key)
                .env("TESTRIG_TEST_TURN_LOG", &log)
                .stdout(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3 * 5 * 2, "{text}");
    for pair in lines.chunks(2) {
        let enter = pair[0].strip_prefix("enter ").expect(&text);
        let leave = pair[1].strip_prefix("leave ").expect(&text);
        assert_eq!(enter, leave, "two processes held the key at once:\n{text}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::remove_file(lock::lock_path(&key)).unwrap();
}

#[test]
fn lock_files_live_in_the_target_directory() {
    // This binary is target/<profile>/deps/serial_process-<hash>.
    let exe = std::env::current_exe().unwrap();
    let target = exe.parent().unwrap().parent().unwrap().parent().unwrap();
    if std::env::var_os("TESTRIG_LOCK_DIR").is_none() {
        assert_eq!(lock::lock_dir(), target.join("testrig-locks"));
    }
}

#[test]
fn nested_and_threaded_serial_in_one_test_share_the_file_lock() {
    let key = unique_key("nested");
    let ctx = TestContext::new("serial_process::nested", None);
    let _in = ctx.enter();
    let outer = lock::serial(key.as_str());
    let inner = lock::serial(key.as_str());
    let key2 = key.clone();
    std::thread::spawn(ctx.wrap_fn(move || {
        let _from_thread = lock::serial(key2);
    }))
    .join()
    .unwrap();
    drop(outer);
    assert!(is_locked(&key), "still held by the inner guard");
    drop(inner);
    assert!(!is_locked(&key));
    std::fs::remove_file(lock::lock_path(&key)).unwrap();
}

static ACTIVE: AtomicUsize = AtomicUsize::new(0);

/// One id per run: nextest's run id is shared by its per-test processes; `cargo test` runs
/// them all in this process.
fn run_id() -> String {
    std::env::var("NEXTEST_RUN_ID").unwrap_or_else(|_| std::process::id().to_string())
}

/// Takes the stress key and checks that nobody else holds it, in this process (a counter)
/// and in any process of the run (a marker file that only the holder may create).
fn stress_turn() {
    let _turn = lock::serial("testrig-test-stress");
    assert_eq!(
        ACTIVE.fetch_add(1, Ordering::SeqCst),
        0,
        "two holders in one process"
    );
    let marker = lock::lock_dir().join(format!("testrig-test-stress-{}.active", run_id()));
    File::create_new(&marker).expect("two processes held the stress key at once");
    std::thread::sleep(Duration::from_millis(1));
    std::fs::remove_file(&marker).unwrap();
    ACTIVE.fetch_sub(1, Ordering::SeqCst);
}

macro_rules! stress {
    ($($name:ident)*) => {$(
        #[test]
        fn $name() {
            stress_turn();
        }
    )*};
}

stress!(
    stress_01 stress_02 stress_03 stress_04 stress_05 stress_06 stress_07 stress_08
    stress_09 stress_10 stress_11 stress_12 stress_13 stress_14 stress_15 stress_16
    stress_17 stress_18 stress_19 stress_20 stress_21 stress_22 stress_23 stress_24
    stress_25 stress_26 stress_27 stress_28 stress_29 stress_30 stress_31 stress_32
);

// ---- the shared side across processes ----

#[test]
fn helper_hold_shared_until_killed() {
    if let Ok(key) = std::env::var("TESTRIG_TEST_HOLD_SHARED_KEY") {
        let _held = lock::shared(key);
        println!("holding");
        std::io::stdout().flush().unwrap();
        std::thread::sleep(Duration::from_secs(120));
    }
}

/// Starts a helper holding `key` shared; its stdout lines arrive on the returned channel.
fn shared_holder(key: &str) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    let mut child = common::helper("helper_hold_shared_until_killed")
        .env("TESTRIG_TEST_HOLD_SHARED_KEY", key)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

fn until_holding(rx: &std::sync::mpsc::Receiver<String>) {
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the shared holder never took the key");
        if line.contains("holding") {
            return;
        }
    }
}

#[test]
fn shared_holders_in_two_processes_hold_together_and_keep_serial_out() {
    let key = unique_key("shared-two-processes");
    let (mut a, rx_a) = shared_holder(&key);
    let (mut b, rx_b) = shared_holder(&key);
    // Both hold it at once: each took the key while the other held it.
    until_holding(&rx_a);
    until_holding(&rx_b);
    assert!(lock::is_held(&key), "held by other processes");
    let (taken_tx, taken_rx) = std::sync::mpsc::channel();
    let k = key.clone();
    let taker = std::thread::spawn(move || {
        let _excl = lock::serial(k);
        taken_tx.send(()).unwrap();
    });
    assert!(
        taken_rx.recv_timeout(Duration::from_millis(200)).is_err(),
        "serial took the key while two processes held it shared"
    );
    a.kill().unwrap();
    a.wait().unwrap();
    assert!(
        taken_rx.recv_timeout(Duration::from_millis(200)).is_err(),
        "serial took the key while one process held it shared"
    );
    b.kill().unwrap();
    b.wait().unwrap();
    taken_rx
        .recv_timeout(Duration::from_secs(60))
        .expect("serial gets the key once the shared holders are gone");
    taker.join().unwrap();
    assert!(!lock::is_held(&key));
    std::fs::remove_file(lock::lock_path(&key)).unwrap();
}

#[test]
fn a_serial_holder_keeps_shared_processes_out_until_it_drops() {
    let key = unique_key("serial-before-shared");
    let excl = lock::serial(key.as_str());
    let (mut child, rx) = shared_holder(&key);
    let start = std::time::Instant::now();
    while let Some(left) = Duration::from_millis(300).checked_sub(start.elapsed()) {
        if let Ok(line) = rx.recv_timeout(left) {
            assert!(
                !line.contains("holding"),
                "a shared holder went in beside serial"
            );
        }
    }
    drop(excl);
    until_holding(&rx);
    child.kill().unwrap();
    child.wait().unwrap();
    std::fs::remove_file(lock::lock_path(&key)).unwrap();
}
