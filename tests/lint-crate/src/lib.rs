//! The code under test, and a library's own fixtures and unit tests: the strictest crate
//! settings must hold for everything testrig generates, in the library and in its tests.

#![deny(warnings, missing_docs, unreachable_pub, unused)]

use std::net::SocketAddr;

use testrig::prelude::*;

/// The sum of the items.
#[must_use]
pub fn total(items: &[u32]) -> u32 {
    items.iter().sum()
}

/// Where the service under test listens, as its URL.
#[fixture]
#[must_use]
pub fn listen_url(#[default("127.0.0.1:9000")] addr: SocketAddr) -> String {
    format!("http://{addr}")
}

/// Ports shared by the whole test binary.
#[fixture]
#[once]
#[must_use]
pub fn shared_ports() -> Vec<u16> {
    vec![9000]
}

/// Items to sum, one set per test.
#[fixture]
#[must_use]
pub fn items() -> Vec<u32> {
    vec![1, 2, 3]
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;
    use std::path::PathBuf;

    use testrig::prelude::*;

    use super::*;

    #[testrig::test]
    #[case::pair(vec![1, 2], 3)]
    #[case::none(vec![], 0)]
    fn sums(#[case] items: Vec<u32>, #[case] expected: u32) {
        assert_eq!(total(&items), expected);
    }

    #[testrig::test]
    fn matrix(#[values(1, 2)] n: u32, #[values("a", "b")] s: &str) {
        assert!(n > 0 && !s.is_empty());
    }

    #[testrig::test]
    fn files(#[files("data/*.txt")] path: PathBuf) {
        assert!(path.exists());
    }

    #[testrig::test]
    #[case::first(1)]
    fn context(#[case] n: u32, #[context] ctx: &TestContext) {
        assert_eq!(ctx.case_index(), Some(0));
        assert_eq!(ctx.function(), "context");
        assert_eq!(n, 1);
    }

    #[testrig::test]
    fn context_by_value(#[context] ctx: TestContext) {
        assert!(ctx.case_index().is_none());
    }

    #[testrig::test]
    #[case("1.2.3.4:8080", 8080)]
    fn string_literals(#[case] addr: SocketAddr, #[case] port: u16) {
        assert_eq!(addr.port(), port);
    }

    #[testrig::test]
    fn string_values(#[values("1", "2")] n: u32) {
        assert!(n > 0);
    }

    #[testrig::test]
    fn fixtures(listen_url: String, shared_ports: &[u16], items: Vec<u32>) {
        assert!(listen_url.ends_with(&shared_ports[0].to_string()));
        assert_eq!(total(&items), 6);
    }

    #[testrig::test]
    #[case::pair((2, 21))]
    fn destructured(#[case] (a, b): (u32, u32), #[from(items)] mut all: Vec<u32>) {
        all.push(a * b);
        assert_eq!(total(&all), 48);
    }
}
