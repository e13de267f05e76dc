//! The duration grammar of `timeout = "..."`, checked at compile time. It must accept exactly
//! what the runtime's `testrig::timeout::parse_duration` accepts (that function reads the
//! text again when the test runs, and `TESTRIG_TIMEOUT` too).

/// The length in seconds of a duration written like `"30s"`, `"500ms"`, `"2m"`, `"1.5h"` or
/// `"12"` (seconds), or `None` when `text` is not one.
pub(crate) fn seconds(text: &str) -> Option<f64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let seconds = match unit.trim() {
        "ms" => number / 1000.0,
        "" | "s" => number,
        "m" | "min" => number * 60.0,
        "h" => number * 3600.0,
        _ => return None,
    };
    std::time::Duration::try_from_secs_f64(seconds).ok()?;
    Some(seconds)
}

/// Why `text` cannot be a test's time limit, as an error message, or `None` when it can.
pub(crate) fn problem(text: &str) -> Option<String> {
    match seconds(text) {
        None => Some(format!(
            "`\"{text}\"` is not a duration; write it like `\"30s\"`, `\"500ms\"` or `\"2m\"`"
        )),
        Some(0.0) => Some(
            "a time limit of zero fails every run; give a real limit such as `\"5s\"`".to_owned(),
        ),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_fractions() {
        assert_eq!(seconds("30s"), Some(30.0));
        assert_eq!(seconds("500ms"), Some(0.5));
        assert_eq!(seconds("2m"), Some(120.0));
        assert_eq!(seconds("2min"), Some(120.0));
        assert_eq!(seconds("1.5h"), Some(5400.0));
        assert_eq!(seconds("12"), Some(12.0));
        assert_eq!(seconds(" 3 s "), Some(3.0));
    }

    #[test]
    fn what_is_not_a_duration() {
        for text in ["", "soon", "5 seconds", "-1s", "1e3s", "s", "1.2.3s", "5d"] {
            assert_eq!(seconds(text), None, "{text}");
            assert!(problem(text).is_some(), "{text}");
        }
    }

    #[test]
    fn zero_is_refused() {
        assert!(problem("0s").unwrap().contains("zero"));
        assert!(problem("0.0ms").unwrap().contains("zero"));
        assert_eq!(problem("1ms"), None);
    }
}
