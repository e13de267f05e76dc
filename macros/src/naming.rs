//! Turning case ids and matrix values into test function names.

/// `"Third quadrant!"` -> `third_quadrant`: lower case ASCII letters and digits, every run of
/// anything else becomes one `_` (none at either end). A name starting with a digit gets a
/// leading `_`, a keyword a trailing `_`. Returns an empty string when nothing is left (the
/// caller then numbers the case).
pub(crate) fn sanitize(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    let mut gap = false;
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('_');
            }
            gap = false;
            out.push(c.to_ascii_lowercase());
        } else {
            gap = true;
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if is_keyword(&out) {
        out.push('_');
    }
    out
}

/// The test name of a case: its sanitized id, or `case_N` (1-based) without one.
pub(crate) fn case_name(id: Option<&str>, index: usize) -> String {
    match id.map(sanitize) {
        Some(name) if !name.is_empty() => name,
        _ => format!("case_{}", index + 1),
    }
}

/// Names of one matrix parameter's values: `n_1`, `n_2_5`, ... Values that sanitize alike
/// (or to nothing) get their 1-based position appended, so names stay distinct.
pub(crate) fn value_names(param: &str, values: &[String]) -> Vec<String> {
    let param = param.trim_start_matches('_');
    let raw: Vec<String> = values
        .iter()
        .map(|v| sanitize(v).trim_start_matches('_').to_owned())
        .collect();
    raw.iter()
        .enumerate()
        .map(|(i, v)| {
            let clash = v.is_empty() || raw.iter().filter(|o| *o == v).count() > 1;
            match (v.is_empty(), clash) {
                (true, _) => format!("{param}_{}", i + 1),
                (false, true) => format!("{param}_{v}_{}", i + 1),
                (false, false) => format!("{param}_{v}"),
            }
        })
        .collect()
}

fn is_keyword(s: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
        "extern", "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod",
        "move", "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait",
        "true", "try", "type", "unsafe", "use", "where", "while", "abstract", "become", "box",
        "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield",
    ];
    KEYWORDS.contains(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_become_underscores() {
        assert_eq!(sanitize("third quadrant"), "third_quadrant");
        assert_eq!(sanitize("  many   spaces  "), "many_spaces");
    }

    #[test]
    fn punctuation_runs_collapse() {
        assert_eq!(sanitize("NaN input (xfail)!"), "nan_input_xfail");
        assert_eq!(sanitize("a--b..c"), "a_b_c");
        assert_eq!(sanitize("x=1, y=-1"), "x_1_y_1");
    }

    #[test]
    fn upper_case_is_lowered() {
        assert_eq!(sanitize("First Quadrant"), "first_quadrant");
    }

    #[test]
    fn unicode_is_a_separator() {
        assert_eq!(sanitize("héllo wörld"), "h_llo_w_rld");
        assert_eq!(sanitize("日本"), "");
        assert_eq!(sanitize("π/4"), "_4");
    }

    #[test]
    fn leading_digits_get_an_underscore() {
        assert_eq!(sanitize("1st case"), "_1st_case");
        assert_eq!(sanitize("42"), "_42");
    }

    #[test]
    fn keywords_get_a_trailing_underscore() {
        assert_eq!(sanitize("type"), "type_");
        assert_eq!(sanitize("Loop"), "loop_");
        assert_eq!(sanitize("self"), "self_");
        assert_eq!(sanitize("typed"), "typed");
    }

    #[test]
    fn empty_ids_are_numbered() {
        assert_eq!(case_name(None, 0), "case_1");
        assert_eq!(case_name(Some("???"), 4), "case_5");
        assert_eq!(case_name(Some("origin"), 0), "origin");
    }

    #[test]
    fn collisions_are_detectable() {
        assert_eq!(sanitize("first quadrant"), sanitize("First-Quadrant"));
    }

    #[test]
    fn matrix_values_are_named_and_distinct() {
        let vals = ["1".to_owned(), "2.5".to_owned(), "\"abc\"".to_owned()];
        assert_eq!(value_names("n", &vals), ["n_1", "n_2_5", "n_abc"]);
        let clash = ["1".to_owned(), "-1".to_owned(), "\"\"".to_owned()];
        assert_eq!(value_names("_x", &clash), ["x_1_1", "x_1_2", "x_3"]);
    }
}
