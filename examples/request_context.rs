//! A small async order service that tags every log line of a request with its request id,
//! through a `tracing` span around the request, including lines logged by tasks the request
//! spawns. Its tests run several requests at once and check, with `LogCapture`, that each
//! line carries the right id.
//!
//! ```text
//! cargo run --example request_context --features tracing
//! cargo test --example request_context --features tracing
//! ```

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use tokio::sync::Mutex;
use tracing::{Instrument as _, info, info_span, warn};

/// One incoming request.
#[derive(Clone, Debug)]
pub struct Request {
    /// Unique per request; every line logged while serving it carries it.
    pub id: u64,
    /// What is ordered.
    pub item: String,
    /// How many.
    pub quantity: u32,
}

/// The service: stock per item, and a flaky warehouse that needs a retry now and then.
pub struct Service {
    stock: Mutex<HashMap<String, u32>>,
    calls: AtomicU32,
}

impl Service {
    /// A service holding `stock` (item, count).
    pub fn new(stock: &[(&str, u32)]) -> Arc<Service> {
        Arc::new(Service {
            stock: Mutex::new(stock.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()),
            calls: AtomicU32::new(0),
        })
    }

    /// Serves requests concurrently, one task each. The request span is made here, at the
    /// edge, so every line logged while handling the request, on whatever worker, is in it.
    pub async fn serve(self: &Arc<Self>, requests: Vec<Request>) -> Vec<Result<u32, String>> {
        let tasks: Vec<_> = requests
            .into_iter()
            .map(|request| {
                let span = info_span!("request", request_id = request.id);
                let service = Arc::clone(self);
                tokio::spawn(async move { service.handle(request).await }.instrument(span))
            })
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.expect("handler panicked"));
        }
        results
    }

    async fn handle(&self, request: Request) -> Result<u32, String> {
        info!(item = %request.item, quantity = request.quantity, "order received");
        self.reserve_in_warehouse(&request.item).await;
        let left = {
            let mut stock = self.stock.lock().await;
            let Some(available) = stock.get_mut(&request.item) else {
                warn!(item = %request.item, "unknown item");
                return Err(format!("unknown item {}", request.item));
            };
            if *available < request.quantity {
                warn!(available = *available, "not enough stock");
                return Err("not enough stock".to_owned());
            }
            *available -= request.quantity;
            *available
        };
        // Background work inherits the request's span, so its lines carry the id too.
        tokio::spawn(async move { info!(left, "stock level audited") }.in_current_span())
            .await
            .expect("audit panicked");
        info!("order accepted");
        Ok(left)
    }

    /// Every third call to the warehouse fails once and is retried.
    async fn reserve_in_warehouse(&self, item: &str) {
        if self.calls.fetch_add(1, Ordering::Relaxed) % 3 == 2 {
            warn!(item, "warehouse timed out, retrying");
            tokio::task::yield_now().await;
        }
    }
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt().with_target(false).init();
    let service = Service::new(&[("apple", 10), ("pear", 1)]);
    let results = service
        .serve(vec![
            Request {
                id: 1,
                item: "apple".into(),
                quantity: 3,
            },
            Request {
                id: 2,
                item: "pear".into(),
                quantity: 2,
            },
            Request {
                id: 3,
                item: "plum".into(),
                quantity: 1,
            },
            Request {
                id: 4,
                item: "apple".into(),
                quantity: 1,
            },
        ])
        .await;
    println!("{results:?}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use testrig::log::{Level, LogCapture, Matcher};

    fn requests(ids: std::ops::Range<u64>) -> Vec<Request> {
        ids.map(|id| Request {
            id,
            item: if id.is_multiple_of(4) {
                "plum".into()
            } else {
                "apple".into()
            },
            quantity: 1,
        })
        .collect()
    }

    /// Serves `ids` concurrently and checks that each request's lines all carry its id.
    async fn serve_and_check(ids: std::ops::Range<u64>) {
        let logs = LogCapture::start();
        let service = Service::new(&[("apple", 100)]);
        let results = service.serve(requests(ids.clone())).await;

        let records = logs.records();
        for record in &records {
            let id: u64 = record
                .field("request_id")
                .unwrap_or_else(|| panic!("line without a request id: {record}"))
                .parse()
                .unwrap();
            assert!(
                ids.contains(&id),
                "line of another test's request: {record}"
            );
        }
        for (id, result) in ids.clone().zip(&results) {
            let of_request = Matcher::new().field("request_id", id);
            logs.assert_logged(of_request.clone().containing("order received"));
            match result {
                Ok(_) => {
                    logs.assert_sequence([
                        of_request.clone().containing("order received"),
                        of_request.clone().containing("stock level audited"),
                        of_request.clone().containing("order accepted"),
                    ]);
                }
                Err(_) => {
                    logs.assert_logged(
                        of_request
                            .clone()
                            .level(Level::Warn)
                            .containing("unknown item"),
                    );
                    logs.assert_not_logged(of_request.containing("accepted"));
                }
            }
        }
        logs.assert_logged((Level::Warn, "retrying"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn every_line_carries_its_request_id() {
        serve_and_check(100..116).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn another_test_serving_at_the_same_time_is_not_mixed_in() {
        serve_and_check(200..216).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn audit_lines_from_spawned_tasks_keep_the_request_span() {
        let logs = LogCapture::start();
        let service = Service::new(&[("apple", 5)]);
        service.serve(requests(1..3)).await;
        let audits = logs.find("stock level audited");
        assert_eq!(audits.len(), 2);
        for audit in audits {
            assert_eq!(audit.spans()[0].name(), "request");
            assert!(audit.field("left").is_some());
        }
    }
}
