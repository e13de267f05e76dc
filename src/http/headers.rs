//! Request headers as reports show them: secrets masked, long values cut, and the names that
//! look like the one an expectation asked for.

use super::matching::preview;

/// Longest header value shown in full; longer ones are cut with their length.
const VALUE_LIMIT: usize = 100;

/// `name: value` for a report: the value of a credential header masked, a long one cut.
pub(crate) fn show(name: &str, value: &[u8]) -> String {
    let value = String::from_utf8_lossy(value);
    if is_secret(name) {
        return format!("{name}: {}", mask(&value));
    }
    format!("{name}: {}", preview(&value, VALUE_LIMIT))
}

/// Headers that carry credentials. Test tokens are often real ones borrowed from a developer's
/// environment, and test output ends up in CI logs.
fn is_secret(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(
        name.as_str(),
        "authorization" | "proxy-authorization" | "cookie" | "set-cookie" | "x-api-key"
    ) || [
        "token", "secret", "password", "api-key", "apikey", "session",
    ]
    .iter()
    .any(|word| name.contains(word))
}

/// `Bearer ***` keeps the scheme (a wrong scheme is a common bug and no secret); anything
/// else becomes `***`.
fn mask(value: &str) -> String {
    match value.split_once(' ') {
        Some((scheme, rest))
            if !rest.is_empty()
                && !scheme.is_empty()
                && scheme.len() <= 20
                && scheme.chars().all(|c| c.is_ascii_alphabetic()) =>
        {
            format!("{scheme} ***")
        }
        _ => "***".to_owned(),
    }
}

/// Whether `sent` looks like a renamed or misspelt `wanted`: a few letters apart
/// (`x-request-id` / `x-requestid`), or the words of one contained in the other
/// (`if-none-match` / `if-match`, `api-key` / `x-api-key`).
pub(crate) fn similar(wanted: &str, sent: &str) -> bool {
    let (a, b) = (wanted.to_ascii_lowercase(), sent.to_ascii_lowercase());
    if a == b {
        return false;
    }
    let typos = if a.len().min(b.len()) < 5 { 1 } else { 2 };
    if edit_distance(&a, &b) <= typos {
        return true;
    }
    let words = |s: &str| -> Vec<String> {
        s.split(['-', '_'])
            .filter(|w| !w.is_empty() && *w != "x")
            .map(str::to_owned)
            .collect()
    };
    let (wa, wb) = (words(&a), words(&b));
    let (short, long) = if wa.len() <= wb.len() {
        (&wa, &wb)
    } else {
        (&wb, &wa)
    };
    !short.is_empty() && short.iter().all(|w| long.contains(w))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_masked_keeping_the_scheme() {
        assert_eq!(
            show("authorization", b"Bearer ghp_abc123"),
            "authorization: Bearer ***"
        );
        assert_eq!(
            show("proxy-authorization", b"Basic dXNlcjpwdw=="),
            "proxy-authorization: Basic ***"
        );
        assert_eq!(show("cookie", b"sid=42; theme=dark"), "cookie: ***");
        assert_eq!(show("set-cookie", b"sid=42"), "set-cookie: ***");
        assert_eq!(show("x-api-key", b"k-123"), "x-api-key: ***");
        assert_eq!(show("x-auth-token", b"t"), "x-auth-token: ***");
        assert_eq!(show("authorization", b"opaque-token"), "authorization: ***");
        assert_eq!(
            show("accept", b"application/json"),
            "accept: application/json"
        );
    }

    #[test]
    fn long_values_are_cut_with_their_length() {
        let long = "a".repeat(150);
        let shown = show("x-trace", long.as_bytes());
        assert_eq!(shown, format!("x-trace: {}… (150 bytes)", "a".repeat(100)));
    }

    #[test]
    fn similar_names() {
        assert!(similar("if-none-match", "if-match"));
        assert!(similar("if-match", "if-none-match"));
        assert!(similar("x-request-id", "x-requestid"));
        assert!(similar("api-key", "x-api-key"));
        assert!(similar("authorization", "authorisation"));
        assert!(!similar("content-type", "content-length"));
        assert!(!similar("accept", "host"));
        assert!(!similar("etag", "etag"));
        assert!(!similar("x-a", "user-agent"));
        assert!(similar("etag", "e-tag"));
        assert!(!similar("te", "via"));
    }
}
