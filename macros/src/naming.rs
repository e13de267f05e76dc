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

/// How a case names itself: `id = "..."` (a sentence, sanitized), rstest's
/// `#[case::name(..)]` (an identifier), or not at all.
#[derive(Clone)]
pub(crate) enum CaseLabel {
    Id(String),
    Short(String),
    None,
}

/// The test names of a test's cases, in order. An explicit id is used as is (sanitized), so
/// two that clash are an error the caller reports; a `case::name` repeated within one test
/// gets its 1-based occurrence (`spacers_1`, `spacers_2`, padded to the count) as rstest
/// tells repeats apart by number; an unnamed case is `case_N`, `N` zero-padded to the width
/// of the case count so that `case_1` does not also select `case_10` and listings keep
/// declaration order.
pub(crate) fn case_names(labels: &[CaseLabel]) -> Vec<String> {
    let width = labels.len().to_string().len();
    let bases: Vec<Option<String>> = labels
        .iter()
        .map(|l| match l {
            CaseLabel::Id(s) | CaseLabel::Short(s) => Some(sanitize(s)).filter(|n| !n.is_empty()),
            CaseLabel::None => None,
        })
        .collect();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(labels.len());
    for (i, (label, base)) in labels.iter().zip(&bases).enumerate() {
        let name = match (label, base) {
            (CaseLabel::Short(_), Some(base)) => {
                let repeats = labels
                    .iter()
                    .zip(&bases)
                    .filter(|(l, b)| matches!(l, CaseLabel::Short(_)) && b.as_ref() == Some(base))
                    .count();
                if repeats > 1 {
                    let n = seen.entry(base.clone()).or_insert(0);
                    *n += 1;
                    let w = repeats.to_string().len();
                    format!("{base}_{n:0w$}")
                } else {
                    base.clone()
                }
            }
            (_, Some(base)) => base.clone(),
            (_, None) => format!("case_{:0width$}", i + 1),
        };
        out.push(name);
    }
    out
}

/// Names of one matrix parameter's values: `n_1`, `n_2_5`, ... Values that sanitize alike
/// (or to nothing) get their 1-based position appended, zero-padded to the width of the
/// value count, so names stay distinct and sort in declaration order.
pub(crate) fn value_names(param: &str, values: &[String]) -> Vec<String> {
    let param = param.trim_start_matches('_');
    let raw: Vec<String> = values
        .iter()
        .map(|v| sanitize(v).trim_start_matches('_').to_owned())
        .collect();
    let w = values.len().to_string().len();
    raw.iter()
        .enumerate()
        .map(|(i, v)| {
            let clash = v.is_empty() || raw.iter().filter(|o| *o == v).count() > 1;
            let n = i + 1;
            match (v.is_empty(), clash) {
                (true, _) => format!("{param}_{n:0w$}"),
                (false, true) => format!("{param}_{v}_{n:0w$}"),
                (false, false) => format!("{param}_{v}"),
            }
        })
        .collect()
}

fn is_keyword(s: &str) -> bool {
    // Every keyword is 2 to 8 letters: most names are ruled out before 52 comparisons.
    if !(2..=8).contains(&s.len()) || s.contains('_') {
        return false;
    }
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
        use CaseLabel::*;
        assert_eq!(case_names(&[None]), ["case_1"]);
        let labels = [Id("origin".into()), None, Id("???".into())];
        assert_eq!(case_names(&labels), ["origin", "case_2", "case_3"]);
    }

    #[test]
    fn numbers_are_padded_to_the_case_count() {
        let names = case_names(&vec![CaseLabel::None; 12]);
        assert_eq!(names[0], "case_01");
        assert_eq!(names[11], "case_12");
        assert_eq!(case_names(&vec![CaseLabel::None; 100])[4], "case_005");
        assert_eq!(case_names(&vec![CaseLabel::None; 9])[8], "case_9");
    }

    #[test]
    fn repeated_short_names_get_their_occurrence() {
        use CaseLabel::*;
        let s = |t: &str| Short(t.to_owned());
        let names = case_names(&[s("spacers"), s("left"), s("spacers"), None]);
        assert_eq!(names, ["spacers_1", "left", "spacers_2", "case_4"]);
        let many = case_names(&vec![s("s"); 10]);
        assert_eq!((many[0].as_str(), many[9].as_str()), ("s_01", "s_10"));
    }

    #[test]
    fn explicit_ids_are_not_numbered() {
        use CaseLabel::*;
        // The clash stays visible for the caller to report.
        assert_eq!(case_names(&[Id("a".into()), Id("A".into())]), ["a", "a"]);
        assert_eq!(case_names(&[Short("a".into()), Id("a".into())]), ["a", "a"]);
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
        let unnamed: Vec<String> = (0..10).map(|_| "\"\"".to_owned()).collect();
        assert_eq!(value_names("s", &unnamed)[0], "s_01");
    }
}
