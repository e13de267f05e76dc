//! The fake clock belongs to the test that took it: another testrig test beside it reads
//! the real clocks, while the freezing test's own threads see the fake.

use std::sync::Arc;
use std::time::Duration;

use testrig::clock::{self, Instant, SystemTime, UNIX_EPOCH};

use crate::{Meet, as_test};

const Y2001: Duration = Duration::from_secs(978_307_200);

#[test]
fn two_tests_side_by_side_each_see_their_own_clock() {
    let frozen = Arc::new(Meet::new(2));
    let read = Arc::new(Meet::new(2));
    let (f, r) = (frozen.clone(), read.clone());
    let freezer = as_test("freezer", move || {
        let clock = clock::freeze_at(UNIX_EPOCH + Y2001);
        let start = Instant::now();
        f.arrive("freezer and reader");
        // Its own threads see the fake, with or without its context.
        let plain = std::thread::spawn(SystemTime::now).join().unwrap();
        assert_eq!(plain, UNIX_EPOCH + Y2001);
        r.arrive("freezer and reader");
        clock.advance(Duration::from_secs(5));
        assert_eq!(start.elapsed(), Duration::from_secs(5));
        assert_eq!(
            SystemTime::now(),
            UNIX_EPOCH + Y2001 + Duration::from_secs(5)
        );
    });
    let (f, r) = (frozen.clone(), read.clone());
    let reader = as_test("reader", move || {
        f.arrive("freezer and reader");
        // The other test holds a clock frozen at 2001; this one reads the real time.
        let now = SystemTime::now();
        assert!(
            now > UNIX_EPOCH + Duration::from_secs(1_600_000_000),
            "{now:?}"
        );
        let a = Instant::now();
        std::thread::sleep(Duration::from_millis(2));
        assert!(Instant::now() > a, "the real Instant moves");
        // A sleep here is a real sleep: it does not advance the other test's clock.
        clock::sleep(Duration::from_millis(1));
        r.arrive("freezer and reader");
    });
    freezer.join().unwrap();
    reader.join().unwrap();
}

#[cfg(feature = "tokio")]
#[testrig::test]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_freezing_tests_tasks_see_its_fake_clock() {
    let _clock = clock::freeze_at(UNIX_EPOCH + Y2001);
    // A task spawned without the test's context (the code under test's worker).
    let seen = tokio::spawn(async { SystemTime::now() }).await.unwrap();
    assert_eq!(seen, UNIX_EPOCH + Y2001);
}
