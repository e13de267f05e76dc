//! A cloud log handler: a sync `log::Log` whose `log()` never blocks. Records go into a
//! bounded queue; a background thread with its own async runtime ships them in batches over
//! HTTP (retrying a failed batch), and shutting down flushes what is left, so no record is
//! lost at exit. When the queue is full (the endpoint stalls), records are dropped and
//! counted instead of blocking the application.
//!
//! Run it against any collector: `LOG_ENDPOINT=http://127.0.0.1:8080/v1/logs cargo run
//! --example cloud_log_handler --features http`.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError, sync_channel};
use std::thread::JoinHandle;
use std::time::Duration;

use log::{LevelFilter, Log, Metadata, Record};
use serde_json::{Value, json};

/// Where and how to ship.
#[derive(Debug, Clone)]
struct Config {
    endpoint: String,
    /// Records waiting to be shipped before `log()` starts dropping.
    queue: usize,
    /// Records per HTTP request.
    batch: usize,
    /// A partial batch is shipped after this long without a new record.
    linger: Duration,
    /// Attempts per batch before it is given up.
    attempts: usize,
}

impl Config {
    fn new(endpoint: impl Into<String>) -> Self {
        Config {
            endpoint: endpoint.into(),
            queue: 1024,
            batch: 50,
            linger: Duration::from_millis(200),
            attempts: 3,
        }
    }
}

enum Msg {
    Record(Value),
    Flush(SyncSender<()>),
    Shutdown,
}

/// What the shipper did, returned by [`CloudLogger::shutdown`].
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Stats {
    shipped: usize,
    lost_in_failed_batches: usize,
}

struct CloudLogger {
    queue: SyncSender<Msg>,
    level: LevelFilter,
    dropped: AtomicUsize,
    worker: Mutex<Option<JoinHandle<Stats>>>,
}

impl CloudLogger {
    fn start(config: Config, level: LevelFilter) -> Self {
        let (queue, records) = sync_channel(config.queue);
        let worker = std::thread::Builder::new()
            .name("cloud-log-shipper".into())
            .spawn(move || ship_forever(records, &config))
            .expect("cannot start the log shipper thread");
        CloudLogger {
            queue,
            level,
            dropped: AtomicUsize::new(0),
            worker: Mutex::new(Some(worker)),
        }
    }

    /// Records dropped because the queue was full.
    fn dropped(&self) -> usize {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Ships everything queued, stops the shipper and says what it did. Later calls return
    /// empty stats.
    fn shutdown(&self) -> Stats {
        let Some(worker) = self.worker.lock().unwrap_or_else(|e| e.into_inner()).take() else {
            return Stats::default();
        };
        // A blocking send: at shutdown, waiting for room in the queue is right.
        let _ = self.queue.send(Msg::Shutdown);
        worker.join().unwrap_or_default()
    }
}

impl Log for CloudLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= self.level
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let entry = json!({
            "level": record.level().as_str(),
            "target": record.target(),
            "message": record.args().to_string(),
        });
        match self.queue.try_send(Msg::Record(entry)) {
            Ok(()) => {}
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    fn flush(&self) {
        let (ack, done) = sync_channel(1);
        if self.queue.send(Msg::Flush(ack)).is_ok() {
            let _ = done.recv();
        }
    }
}

impl Drop for CloudLogger {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn ship_forever(records: Receiver<Msg>, config: &Config) -> Stats {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("cannot start the log shipper runtime");
    let client = reqwest::Client::new();
    let mut stats = Stats::default();
    let mut batch = Vec::new();
    let ship = |batch: &mut Vec<Value>, stats: &mut Stats| {
        if batch.is_empty() {
            return;
        }
        let records = std::mem::take(batch);
        let n = records.len();
        let body = json!({ "records": records });
        let sent = runtime.block_on(async {
            for _ in 0..config.attempts {
                let reply = client.post(&config.endpoint).json(&body).send().await;
                if reply.is_ok_and(|r| r.status().is_success()) {
                    return true;
                }
            }
            false
        });
        if sent {
            stats.shipped += n;
        } else {
            stats.lost_in_failed_batches += n;
        }
    };
    loop {
        let msg = if batch.is_empty() {
            records.recv().map_err(|_| RecvTimeoutError::Disconnected)
        } else {
            records.recv_timeout(config.linger)
        };
        match msg {
            Ok(Msg::Record(entry)) => {
                batch.push(entry);
                if batch.len() >= config.batch {
                    ship(&mut batch, &mut stats);
                }
            }
            Ok(Msg::Flush(ack)) => {
                ship(&mut batch, &mut stats);
                let _ = ack.send(());
            }
            Err(RecvTimeoutError::Timeout) => ship(&mut batch, &mut stats),
            Ok(Msg::Shutdown) | Err(RecvTimeoutError::Disconnected) => {
                while let Ok(msg) = records.try_recv() {
                    match msg {
                        Msg::Record(entry) => {
                            batch.push(entry);
                            if batch.len() >= config.batch {
                                ship(&mut batch, &mut stats);
                            }
                        }
                        Msg::Flush(ack) => {
                            ship(&mut batch, &mut stats);
                            let _ = ack.send(());
                        }
                        Msg::Shutdown => {}
                    }
                }
                ship(&mut batch, &mut stats);
                return stats;
            }
        }
    }
}

fn main() {
    let endpoint =
        std::env::var("LOG_ENDPOINT").unwrap_or_else(|_| "http://127.0.0.1:8080/v1/logs".into());
    let logger: &'static CloudLogger = Box::leak(Box::new(CloudLogger::start(
        Config::new(endpoint),
        LevelFilter::Info,
    )));
    log::set_logger(logger).expect("a logger was already installed");
    log::set_max_level(LevelFilter::Info);
    for n in 0..10 {
        log::info!("request {n} handled");
    }
    log::warn!("shutting down");
    // A leaked logger never drops: ship what is queued before the process exits.
    let stats = logger.shutdown();
    println!(
        "shipped {} records, dropped {}",
        stats.shipped,
        logger.dropped()
    );
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Condvar};

    use log::Level;
    use testrig::http::{
        BlockingMockServer, Mock, MockServer, Request, Respond, ResponseTemplate, json, matchers,
        post, sequence,
    };

    use super::*;

    fn emit(logger: &CloudLogger, level: Level, message: &str) {
        logger.log(
            &Record::builder()
                .level(level)
                .target("shop")
                .args(format_args!("{message}"))
                .build(),
        );
    }

    fn accept() -> Mock {
        Mock::given(matchers::method("POST"))
            .and(matchers::path("/v1/logs"))
            .respond_with(ResponseTemplate::new(202))
    }

    fn messages(requests: &[Request]) -> Vec<String> {
        requests
            .iter()
            .flat_map(|r| {
                let body: Value = r.body_json().unwrap();
                body["records"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["message"].as_str().unwrap().to_owned())
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[tokio::test]
    async fn full_batches_ship_as_soon_as_they_fill() {
        let mock_server = MockServer::start().await;
        accept().mount(&mock_server).await;
        let config = Config {
            batch: 2,
            linger: Duration::from_secs(3600),
            ..Config::new(mock_server.url("/v1/logs"))
        };
        let logger = CloudLogger::start(config, LevelFilter::Info);
        for message in ["one", "two", "three", "four"] {
            emit(&logger, Level::Info, message);
        }
        emit(&logger, Level::Debug, "filtered out");

        mock_server
            .wait_for(post("/v1/logs").times(2), Duration::from_secs(30))
            .await;

        mock_server.assert_received_in_order([
            post("/v1/logs").json(json!({"records": [
                {"level": "INFO", "target": "shop", "message": "one"},
                {"level": "INFO", "target": "shop", "message": "two"},
            ]})),
            post("/v1/logs").json_includes(json!({"records": [
                {"message": "three"},
                {"message": "four"},
            ]})),
        ]);
        assert_eq!(
            logger.shutdown(),
            Stats {
                shipped: 4,
                lost_in_failed_batches: 0
            }
        );
    }

    #[test]
    fn a_partial_batch_ships_after_the_linger_time() {
        let mock_server = BlockingMockServer::start();
        mock_server.mount(accept());
        let config = Config {
            linger: Duration::from_millis(20),
            ..Config::new(mock_server.url("/v1/logs"))
        };
        let logger = CloudLogger::start(config, LevelFilter::Info);
        emit(&logger, Level::Warn, "disk almost full");
        mock_server.wait_for(
            post("/v1/logs").json_includes(json!({"records": [{"level": "WARN"}]})),
            Duration::from_secs(30),
        );
    }

    #[test]
    fn flush_ships_what_is_queued() {
        let mock_server = BlockingMockServer::start();
        mock_server.mount(accept());
        let logger =
            CloudLogger::start(Config::new(mock_server.url("/v1/logs")), LevelFilter::Info);
        emit(&logger, Level::Error, "payment failed");
        logger.flush();
        mock_server.assert_received(post("/v1/logs").json(json!({"records": [
            {"level": "ERROR", "target": "shop", "message": "payment failed"}
        ]})));
    }

    #[test]
    fn shutdown_loses_no_record() {
        let mock_server = BlockingMockServer::start();
        mock_server.mount(accept());
        let config = Config {
            batch: 40,
            linger: Duration::from_secs(3600),
            ..Config::new(mock_server.url("/v1/logs"))
        };
        let logger = CloudLogger::start(config, LevelFilter::Info);
        for n in 0..250 {
            emit(&logger, Level::Info, &format!("event {n}"));
        }
        let stats = logger.shutdown();

        assert_eq!(
            stats,
            Stats {
                shipped: 250,
                lost_in_failed_batches: 0
            }
        );
        assert_eq!(logger.dropped(), 0);
        let expected: Vec<String> = (0..250).map(|n| format!("event {n}")).collect();
        assert_eq!(messages(&mock_server.received()), expected);
        mock_server.assert_received(post("/v1/logs").at_least(7));
        mock_server.assert_no_unmatched();
    }

    #[test]
    fn a_failed_batch_is_retried() {
        let mock_server = BlockingMockServer::start();
        mock_server.mount(
            Mock::given(matchers::path("/v1/logs")).respond_with(sequence([
                ResponseTemplate::new(503),
                ResponseTemplate::new(202),
            ])),
        );
        let logger =
            CloudLogger::start(Config::new(mock_server.url("/v1/logs")), LevelFilter::Info);
        emit(&logger, Level::Info, "once");
        assert_eq!(logger.shutdown().shipped, 1);
        mock_server.assert_received(
            post("/v1/logs")
                .json_includes(json!({"records": [{"message": "once"}]}))
                .times(2),
        );
    }

    /// Holds every response until opened, to stall the shipper deterministically.
    #[derive(Clone, Default)]
    struct Gate(Arc<(Mutex<bool>, Condvar)>);

    impl Gate {
        fn open(&self) {
            *self.0.0.lock().unwrap() = true;
            self.0.1.notify_all();
        }
    }

    impl Respond for Gate {
        fn respond(&self, _: &Request) -> ResponseTemplate {
            let (open, changed) = &*self.0;
            let mut open = open.lock().unwrap();
            while !*open {
                open = changed.wait(open).unwrap();
            }
            ResponseTemplate::new(202)
        }
    }

    #[test]
    fn log_never_blocks_when_the_endpoint_stalls() {
        // unpooled: the gate stalls this server's thread, which no other test shares
        let mock_server = MockServer::builder().unpooled().start_blocking();
        let gate = Gate::default();
        mock_server.mount(Mock::given(matchers::path("/v1/logs")).respond_with(gate.clone()));
        let config = Config {
            queue: 4,
            batch: 1,
            ..Config::new(mock_server.url("/v1/logs"))
        };
        let logger = CloudLogger::start(config, LevelFilter::Info);
        emit(&logger, Level::Info, "first");
        // the shipper is now stuck in the first request
        mock_server.wait_for(post("/v1/logs"), Duration::from_secs(30));

        for n in 0..100 {
            emit(&logger, Level::Info, &format!("burst {n}"));
        }
        assert_eq!(
            logger.dropped(),
            96,
            "the queue holds 4, the rest is dropped"
        );

        gate.open();
        assert_eq!(logger.shutdown().shipped, 5);
        let expected = ["first", "burst 0", "burst 1", "burst 2", "burst 3"];
        assert_eq!(messages(&mock_server.received()), expected);
    }

    #[test]
    fn a_wrong_endpoint_fails_the_test_through_strict_mode() {
        let mock_server = BlockingMockServer::start();
        mock_server.mount(accept());
        // the logger swallows delivery errors, so only the strict server notices the typo
        let logger = CloudLogger::start(Config::new(mock_server.url("/v1/log")), LevelFilter::Info);
        emit(&logger, Level::Info, "lost");
        logger.shutdown();
        let failure =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(mock_server)))
                .unwrap_err();
        let text = failure.downcast_ref::<String>().unwrap();
        assert!(
            text.contains("received 3 requests that matched no mounted mock"),
            "{text}"
        );
        assert!(text.contains("  #1 POST /v1/log\n"), "{text}");
    }
}
