//! A weather report: it reads the service's address from `WEATHER_API_URL` and asks a
//! temperature service for a city's reading.
//!
//! The tests port pytest's `usefixtures` story: the environment is patched by a fixture the
//! tests never touch (`#[fixture_use(mock_env)]`: set up before, restored after, not in the
//! signature), while the service is a mockall mock the test receives by name (`mock_svc`).
//!
//! ```text
//! $ cargo test --example usefixtures
//! test tests::report_asks_the_configured_service ... ok
//! test tests::the_address_comes_from_the_environment ... ok
//! test tests::a_missing_address_is_explained ... ok
//! test tests::service_errors_are_passed_on ... ok
//! ```

/// Where temperatures come from.
pub trait TemperatureService {
    /// The temperature in `city`, asked from the service at `base_url`.
    fn celsius(&self, base_url: &str, city: &str) -> Result<f64, String>;
}

/// A one-line report for `city`, from the service configured in `WEATHER_API_URL`.
pub fn report(svc: &dyn TemperatureService, city: &str) -> Result<String, String> {
    let url = std::env::var("WEATHER_API_URL")
        .map_err(|_| "set WEATHER_API_URL to the weather service's address".to_owned())?;
    let celsius = svc.celsius(&url, city)?;
    Ok(format!("{city}: {celsius:.1} °C"))
}

/// The real service would speak HTTP; this example only knows one city.
struct Offline;

impl TemperatureService for Offline {
    fn celsius(&self, _base_url: &str, city: &str) -> Result<f64, String> {
        match city {
            "Oslo" => Ok(4.0),
            _ => Err(format!("no reading for {city} while offline")),
        }
    }
}

fn main() {
    let city = std::env::args().nth(1).unwrap_or_else(|| "Oslo".to_owned());
    match report(&Offline, &city) {
        Ok(line) => println!("{line}"),
        Err(err) => eprintln!("error: {err}"),
    }
}

#[cfg(test)]
mod tests {
    use mockall::predicate::eq;
    use testrig::prelude::*;

    use super::*;

    const URL: &str = "http://127.0.0.1:8080/v1";

    mockall::mock! {
        pub Svc {}
        impl TemperatureService for Svc {
            fn celsius(&self, base_url: &str, city: &str) -> Result<f64, String>;
        }
    }

    /// The environment the report runs in; restored when the test ends.
    #[fixture]
    fn mock_env() -> EnvGuard {
        env::set("WEATHER_API_URL", URL)
    }

    /// A service that knows Oslo, and checks it is asked at the configured address.
    #[fixture]
    fn mock_svc() -> MockSvc {
        let mut svc = MockSvc::new();
        svc.expect_celsius()
            .with(eq(URL), eq("Oslo"))
            .times(1)
            .returning(|_, _| Ok(21.46));
        svc
    }

    #[testrig::test]
    #[fixture_use(mock_env)]
    fn report_asks_the_configured_service(mock_svc: MockSvc) {
        assert_eq!(report(&mock_svc, "Oslo").unwrap(), "Oslo: 21.5 °C");
    }

    #[test]
    #[fixture_use(mock_env)]
    fn the_address_comes_from_the_environment() {
        assert_eq!(std::env::var("WEATHER_API_URL").unwrap(), URL);
    }

    #[testrig::test]
    fn a_missing_address_is_explained() {
        let _unset = env::remove("WEATHER_API_URL");
        let svc = MockSvc::new(); // no expectation: asking it would fail the test
        let err = report(&svc, "Oslo").unwrap_err();
        assert!(err.contains("WEATHER_API_URL"), "{err}");
    }

    #[testrig::test]
    #[fixture_use(mock_env)]
    fn service_errors_are_passed_on() {
        let mut svc = MockSvc::new();
        svc.expect_celsius()
            .returning(|_, city| Err(format!("{city} is unknown")));
        assert_eq!(report(&svc, "Atlantis").unwrap_err(), "Atlantis is unknown");
    }
}
