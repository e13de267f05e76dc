//! A hierarchical rate limiter on Redis sorted sets: at most 100 requests per 30 minutes in
//! total, and at most 10 per category per 30 minutes, both as sliding windows.
//!
//! Each window is a sorted set whose scores are request times in milliseconds, taken from
//! `testrig::clock::SystemTime` (the client's clock, not Redis's): tests freeze and move that
//! clock and never sleep. One Lua script drops the entries that left the window, counts both
//! sets and records the request only when both have room, atomically.
//!
//! Run it against a server: `REDIS_URL=redis://127.0.0.1:6379/ cargo run --example
//! rate_limiter -- search`; test it (starts its own `redis-server` on a free loopback port):
//! `cargo test --example rate_limiter`.

use std::time::Duration;

use testrig::clock::{self, SystemTime, UNIX_EPOCH};

/// The limits: how many requests each window admits, and how long a window is.
#[derive(Clone, Copy, Debug)]
struct Limits {
    global: u32,
    per_category: u32,
    window: Duration,
}

impl Limits {
    const DEFAULT: Limits = Limits {
        global: 100,
        per_category: 10,
        window: Duration::from_secs(30 * 60),
    };
}

/// The answer for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Decision {
    Allowed,
    /// Over a limit; `retry_after` is when the oldest entry of the full window leaves it.
    Limited {
        retry_after: Duration,
    },
}

/// Drops entries older than the window from both sets, and adds the request to both when each
/// has room. Returns `{1, 0}` when allowed, `{0, ms}` with the wait otherwise.
const SCRIPT: &str = r#"
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local limits = { tonumber(ARGV[3]), tonumber(ARGV[4]) }
local wait = 0
for i = 1, 2 do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  if redis.call('ZCARD', KEYS[i]) >= limits[i] then
    local oldest = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
    wait = math.max(wait, tonumber(oldest[2]) + window - now)
  end
end
if wait > 0 then return { 0, wait } end
local member = ARGV[1] .. '-' .. redis.call('INCR', KEYS[3])
for i = 1, 2 do
  redis.call('ZADD', KEYS[i], now, member)
  redis.call('PEXPIRE', KEYS[i], window)
end
return { 1, 0 }
"#;

struct RateLimiter {
    con: redis::Connection,
    /// Key prefix: limiters with different prefixes share nothing.
    prefix: String,
    limits: Limits,
}

impl RateLimiter {
    fn new(client: &redis::Client, prefix: &str, limits: Limits) -> redis::RedisResult<Self> {
        Ok(RateLimiter {
            con: client.get_connection()?,
            prefix: prefix.to_owned(),
            limits,
        })
    }

    /// Records the request if both windows have room.
    fn check(&mut self, category: &str) -> redis::RedisResult<Decision> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("the clock is after 1970")
            .as_millis() as u64;
        let (allowed, wait_ms): (i64, i64) = redis::cmd("EVAL")
            .arg(SCRIPT)
            .arg(3)
            .arg(format!("{}:global", self.prefix))
            .arg(format!("{}:category:{category}", self.prefix))
            .arg(format!("{}:seq", self.prefix))
            .arg(now)
            .arg(self.limits.window.as_millis() as u64)
            .arg(self.limits.global)
            .arg(self.limits.per_category)
            .query(&mut self.con)?;
        Ok(if allowed == 1 {
            Decision::Allowed
        } else {
            Decision::Limited {
                retry_after: Duration::from_millis(wait_ms as u64),
            }
        })
    }

    /// Waits (with `testrig::clock::sleep`) until the request is allowed.
    fn acquire(&mut self, category: &str) -> redis::RedisResult<()> {
        loop {
            match self.check(category)? {
                Decision::Allowed => return Ok(()),
                Decision::Limited { retry_after } => clock::sleep(retry_after),
            }
        }
    }
}

fn main() -> redis::RedisResult<()> {
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/".into());
    let client = redis::Client::open(url)?;
    let mut limiter = RateLimiter::new(&client, "rate-limiter-example", Limits::DEFAULT)?;
    // `rate_limiter [--wait] CATEGORY...`: report each request's decision, or with `--wait`
    // block until each is allowed.
    let mut wait = false;
    for arg in std::env::args().skip(1) {
        if arg == "--wait" {
            wait = true;
        } else if wait {
            limiter.acquire(&arg)?;
            println!("{arg}: allowed");
        } else {
            println!("{arg}: {:?}", limiter.check(&arg)?);
        }
    }
    Ok(())
}

#[cfg(test)]
mod redis_server;

#[cfg(test)]
mod tests {
    use super::*;
    use redis_server::RedisServer;
    use testrig::prelude::*;

    const START: Duration = Duration::from_secs(1_700_000_000);
    const WINDOW: u64 = 30 * 60;

    /// One real server for every test of the process, started on first use and stopped when
    /// the process exits (under nextest: one per test process).
    #[fixture(scope = "session")]
    fn redis() -> RedisServer {
        redis_server::start()
    }

    /// Time stands still at `START` until a test moves it.
    #[fixture]
    fn frozen_clock() -> ClockGuard {
        clock::freeze_at(UNIX_EPOCH + START)
    }

    /// A limiter whose keys are prefixed with the test's name: tests share the server, never
    /// each other's counters.
    #[fixture]
    fn limiter(redis: &RedisServer, test_context: TestContext) -> RateLimiter {
        RateLimiter::new(&redis.client(), test_context.name(), Limits::DEFAULT)
            .expect("a connection to the test's redis-server")
    }

    #[testrig::test]
    fn twenty_categories_of_ten_requests_allow_exactly_one_hundred(
        _frozen_clock: ClockGuard,
        limiter: RateLimiter,
    ) {
        let mut limiter = limiter;
        let mut allowed_per_category = Vec::new();
        for c in 0..20 {
            let allowed = (0..10)
                .filter(|_| limiter.check(&format!("cat-{c}")).unwrap() == Decision::Allowed)
                .count();
            allowed_per_category.push(allowed);
        }
        assert_eq!(allowed_per_category.iter().sum::<usize>(), 100);
        assert_eq!(allowed_per_category, [[10; 10], [0; 10]].concat());
    }

    #[testrig::test]
    fn one_category_gets_ten_per_window(_frozen_clock: ClockGuard, limiter: RateLimiter) {
        let mut limiter = limiter;
        for _ in 0..10 {
            assert_eq!(limiter.check("search").unwrap(), Decision::Allowed);
        }
        assert_eq!(
            limiter.check("search").unwrap(),
            Decision::Limited {
                retry_after: Duration::from_secs(WINDOW)
            }
        );
        assert_eq!(limiter.check("upload").unwrap(), Decision::Allowed);
    }

    /// Ten requests fill the category's window; the eleventh, `after` seconds later, is
    /// allowed exactly when the first ten have left the 30-minute window.
    #[testrig::test]
    #[case(WINDOW - 1, Decision::Limited { retry_after: Duration::from_secs(1) }, id = "a second before the window slides")]
    #[case(WINDOW, Decision::Allowed, id = "when the window slides")]
    #[case(WINDOW + 60, Decision::Allowed, id = "a minute after")]
    fn the_window_slides_at_thirty_minutes(
        after: u64,
        expected: Decision,
        frozen_clock: ClockGuard,
        limiter: RateLimiter,
    ) {
        let mut limiter = limiter;
        for _ in 0..10 {
            assert_eq!(limiter.check("search").unwrap(), Decision::Allowed);
        }
        frozen_clock.advance(Duration::from_secs(after));
        assert_eq!(limiter.check("search").unwrap(), expected);
    }

    #[testrig::test]
    fn the_window_slides_rather_than_resetting(frozen_clock: ClockGuard, limiter: RateLimiter) {
        let mut limiter = limiter;
        for _ in 0..5 {
            assert_eq!(limiter.check("search").unwrap(), Decision::Allowed);
        }
        frozen_clock.advance(Duration::from_secs(10 * 60));
        for _ in 0..5 {
            assert_eq!(limiter.check("search").unwrap(), Decision::Allowed);
        }
        // 30 minutes after the first five: only they have left the window.
        frozen_clock.advance(Duration::from_secs(20 * 60));
        let allowed = (0..10)
            .filter(|_| limiter.check("search").unwrap() == Decision::Allowed)
            .count();
        assert_eq!(allowed, 5);
    }

    #[testrig::test]
    fn the_global_window_also_slides(frozen_clock: ClockGuard, limiter: RateLimiter) {
        let mut limiter = limiter;
        for c in 0..10 {
            for _ in 0..10 {
                assert_eq!(limiter.check(&format!("c{c}")).unwrap(), Decision::Allowed);
            }
        }
        assert!(matches!(
            limiter.check("fresh").unwrap(),
            Decision::Limited { .. }
        ));
        frozen_clock.advance(Duration::from_secs(WINDOW));
        assert_eq!(limiter.check("fresh").unwrap(), Decision::Allowed);
    }

    #[testrig::test]
    fn acquire_waits_on_the_fake_clock_without_sleeping(
        frozen_clock: ClockGuard,
        limiter: RateLimiter,
    ) {
        let mut limiter = limiter;
        let start = clock::Instant::now();
        for _ in 0..11 {
            limiter.acquire("search").unwrap();
        }
        // The eleventh waited out the window: exactly 30 minutes on the fake clock.
        assert_eq!(start.elapsed(), Duration::from_secs(WINDOW));
        assert_eq!(
            frozen_clock.now(),
            UNIX_EPOCH + START + Duration::from_secs(WINDOW)
        );
    }
}
