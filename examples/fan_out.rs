//! Fan-out: ask every regional replica of a quote service at once and keep the best answer.
//!
//! The program spawns one task per region. In tests, the same workers run in a
//! `testrig::scope::TaskScope`: when one of them fails, the test fails with that worker's
//! error and the line that spawned it, instead of a lost `JoinHandle` and a green run.
//!
//! ```text
//! cargo run --example fan_out --features tokio             # best quote: 95 from eu-north
//! cargo run --example fan_out --features tokio -- eu-north # simulate an outage there
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// A stand-in for a remote service: each region answers after a small delay, except the
/// regions it is told to fail.
#[derive(Debug, Default)]
struct QuoteService {
    prices: BTreeMap<&'static str, u32>,
    down: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum QuoteError {
    Unavailable { region: String },
    UnknownRegion { region: String },
}

impl fmt::Display for QuoteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QuoteError::Unavailable { region } => write!(f, "region {region} is unavailable"),
            QuoteError::UnknownRegion { region } => write!(f, "no replica in region {region}"),
        }
    }
}

impl std::error::Error for QuoteError {}

impl QuoteService {
    fn new(prices: &[(&'static str, u32)]) -> Self {
        QuoteService {
            prices: prices.iter().copied().collect(),
            down: Vec::new(),
        }
    }

    fn with_outage(mut self, region: &'static str) -> Self {
        self.down.push(region);
        self
    }

    async fn quote(&self, region: &str) -> Result<u32, QuoteError> {
        tokio::time::sleep(Duration::from_millis(5 * (region.len() as u64 % 4))).await;
        if self.down.contains(&region) {
            return Err(QuoteError::Unavailable {
                region: region.to_owned(),
            });
        }
        self.prices
            .get(region)
            .copied()
            .ok_or_else(|| QuoteError::UnknownRegion {
                region: region.to_owned(),
            })
    }
}

/// Asks every region concurrently; the cheapest quote wins. Any failed region is an error.
async fn best_quote(
    service: Arc<QuoteService>,
    regions: &[&'static str],
) -> Result<(String, u32), QuoteError> {
    let mut tasks = tokio::task::JoinSet::new();
    for &region in regions {
        let service = Arc::clone(&service);
        tasks.spawn(async move { service.quote(region).await.map(|p| (region.to_owned(), p)) });
    }
    let mut best: Option<(String, u32)> = None;
    while let Some(joined) = tasks.join_next().await {
        let (region, price) = joined.expect("a quote task panicked")?;
        if best.as_ref().is_none_or(|(_, p)| price < *p) {
            best = Some((region, price));
        }
    }
    Ok(best.expect("at least one region"))
}

const REGIONS: [&str; 4] = ["eu-west", "eu-north", "us-east", "ap-south"];

#[tokio::main]
async fn main() {
    let mut service = QuoteService::new(&[
        ("eu-west", 120),
        ("eu-north", 95),
        ("us-east", 110),
        ("ap-south", 101),
    ]);
    for region in std::env::args().skip(1) {
        service = service.with_outage(
            REGIONS
                .iter()
                .find(|r| **r == region)
                .copied()
                .unwrap_or_else(|| {
                    eprintln!("fan_out: unknown region {region}; pick one of {REGIONS:?}");
                    std::process::exit(2);
                }),
        );
    }
    let service = Arc::new(service);
    match best_quote(service, &REGIONS).await {
        Ok((region, price)) => println!("best quote: {price} from {region}"),
        Err(e) => {
            eprintln!("fan_out: {e}");
            std::process::exit(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use testrig::scope::TaskScope;

    fn service() -> QuoteService {
        QuoteService::new(&[
            ("eu-west", 120),
            ("eu-north", 95),
            ("us-east", 110),
            ("ap-south", 101),
        ])
    }

    #[tokio::test]
    async fn the_program_picks_the_cheapest_region() {
        let best = best_quote(Arc::new(service()), &REGIONS).await.unwrap();
        assert_eq!(best, ("eu-north".to_owned(), 95));
    }

    #[tokio::test]
    async fn every_worker_of_the_scope_answers() {
        let service = Arc::new(service());
        let quotes = Arc::new(Mutex::new(BTreeMap::new()));
        let scope = TaskScope::new();
        for region in REGIONS {
            let (service, quotes) = (Arc::clone(&service), Arc::clone(&quotes));
            scope.spawn(async move {
                let price = service.quote(region).await?;
                quotes.lock().unwrap().insert(region, price);
                Ok::<_, QuoteError>(())
            });
        }
        scope.join().await;
        assert_eq!(quotes.lock().unwrap().len(), REGIONS.len());
    }

    #[tokio::test]
    async fn a_failing_worker_surfaces_with_its_error_and_spawn_site() {
        let service = Arc::new(service().with_outage("us-east"));
        let scope = TaskScope::new();
        let spawn_line = line!() + 3;
        for region in REGIONS {
            let service = Arc::clone(&service);
            scope.spawn(async move { service.quote(region).await.map(drop) });
        }
        let report = scope.join_report().await;
        // Exactly the broken region fails; the other three answered.
        assert_eq!(report.failures().len(), 1, "{report}");
        let failure = &report.failures()[0];
        assert!(failure.message().contains("us-east"), "{report}");
        assert_eq!(failure.site().file(), file!());
        assert_eq!(failure.site().line(), spawn_line);
        // The same failure, as a test would print it with `scope.join().await`.
        let text = report.to_string();
        assert!(text.contains("Unavailable"), "{text}");
        assert!(
            text.contains(&format!("task spawned at {}:{spawn_line}:", file!())),
            "{text}"
        );
    }

    #[tokio::test]
    #[should_panic(expected = "region ap-south is unavailable")]
    async fn the_program_reports_a_failed_region() {
        let service = Arc::new(service().with_outage("ap-south"));
        let err = best_quote(service, &REGIONS).await.unwrap_err();
        panic!("{err}");
    }
}
