//! The duration grammar of `timeout = "..."`, checked at compile time. It must accept exactly
//! what the runtime's `testrig::timeout::parse_limit` accepts (that function reads the text
//! again when the test runs, and `TESTRIG_TIMEOUT` / `TESTRIG_LOCK_TIMEOUT` too): a number with
//! an optional unit, `0` or `off` for no limit, nothing below 1 ms.

/// The length in seconds of a duration written like `"30s"`, `"500ms"`, `"2m"`, `"1.5h"` or
/// `"12"` (seconds), or `None` when `text` is not one; `+inf` for a number too long for `f64`
/// (the runtime reads such a limit as one that never fires).
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
    Some(seconds)
}

/// The smallest limit the runtime honours (`testrig::timeout::SMALLEST_LIMIT`), in seconds.
const SMALLEST_LIMIT: f64 = 0.001;

/// Why `text` cannot be a test's time limit, as an error message, or `None` when it can.
pub(crate) fn problem(text: &str) -> Option<String> {
    if text.trim() == "off" {
        return None;
    }
    match seconds(text) {
        None => Some(format!(
            "`\"{text}\"` is not a duration; write it like `\"30s\"`, `\"500ms\"` or `\"2m\"`, or \
             `\"off\"` for no limit"
        )),
        Some(s) if s > 0.0 && s < SMALLEST_LIMIT => Some(format!(
            "`\"{text}\"` is shorter than the smallest time limit, `\"1ms\"`: a test with a limit \
             runs on a thread of its own, which takes longer to start; write `\"1ms\"` or more, \
             or `\"off\"` for no limit"
        )),
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
    fn zero_and_off_are_no_limit_and_huge_limits_are_accepted() {
        assert_eq!(problem("0s"), None);
        assert_eq!(problem("0"), None);
        assert_eq!(problem("off"), None);
        assert_eq!(problem("3000000000000000h"), None);
        assert_eq!(seconds(&"9".repeat(400)), Some(f64::INFINITY));
    }

    #[test]
    fn below_one_millisecond_is_refused() {
        for text in ["0.0000000001s", "0.5ms", "0.0009"] {
            assert!(problem(text).unwrap().contains("`\"1ms\"`"), "{text}");
        }
        assert_eq!(problem("1ms"), None);
        assert_eq!(problem("0.001"), None);
    }
}
