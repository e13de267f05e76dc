//! The guide's blocks that declare tests, run as tests.
//!
//! A doctest is compiled without `--test`, which removes every `#[test]` function, so a guide
//! block that declares tests only proves that its fixtures compile, unless it is fenced
//! `rust,test_harness` (rustdoc then compiles it as a test crate and runs its tests). Each
//! other such block is also here, between a `// guide: <chapter>.md` line and a `// end` line, where its tests run;
//! `every_test_block_of_the_guide_runs_here` fails when a block and its copy drift apart, or
//! when a block has no copy.

mod getting_started_fixture {
    // guide: getting_started.md
    use testrig::prelude::*;

    #[derive(Debug, PartialEq)]
    struct Config {
        retries: u32,
    }

    #[fixture]
    fn config() -> Config {
        Config { retries: 3 }
    }

    /// Fixtures can take fixtures, by the same rule.
    #[fixture]
    fn retry_budget(config: Config) -> u32 {
        config.retries * 2
    }

    #[testrig::test]
    fn the_budget_doubles_the_retries(config: Config, retry_budget: u32) {
        assert_eq!(config, Config { retries: 3 });
        assert_eq!(retry_budget, 6);
    }
    // end
}

mod getting_started_cases {
    // guide: getting_started.md
    use testrig::prelude::*;

    fn parse_port(text: &str) -> Option<u16> {
        text.parse().ok()
    }

    #[testrig::test]
    #[case("80", Some(80), id = "http")]
    #[case("65536", None, id = "one too many")]
    #[case("", None)]
    fn parses_ports(text: &str, expected: Option<u16>, test_context: TestContext) {
        let id = test_context.case_id();
        assert_eq!(parse_port(text), expected, "case {id:?}");
    }
    // end
}

mod getting_started_fixture_use {
    // guide: getting_started.md
    use testrig::prelude::*;

    #[fixture]
    fn offline() -> EnvGuard {
        env::set("GUIDE_OFFLINE", "1")
    }

    #[test]
    #[fixture_use(offline)]
    fn runs_offline() {
        assert_eq!(std::env::var("GUIDE_OFFLINE").unwrap(), "1");
    }
    // end
}

mod stories_polarify {
    // guide: stories.md
    use std::f64::consts::FRAC_PI_2;
    use testrig::prelude::*;

    fn polarify(x: f64, y: f64) -> (f64, f64) {
        (x.hypot(y), y.atan2(x))
    }

    #[testrig::test]
    #[case(1.0, 0.0, (1.0, 0.0), id = "on the x axis")]
    #[case(f64::NAN, 0.0, (f64::NAN, 0.0), id = "nan input", xfail = "NaN is not handled yet")]
    #[case(0.0, 2.0, (2.0, FRAC_PI_2), ignore = "run with --ignored")]
    fn polar(x: f64, y: f64, expected: (f64, f64), test_context: TestContext) {
        let got = polarify(x, y);
        assert_eq!(got, expected, "case {:?}", test_context.case_id());
    }
    // end
}

mod stories_session_fixture {
    // guide: stories.md
    use std::sync::atomic::{AtomicUsize, Ordering};
    use testrig::prelude::*;

    static BUILT: AtomicUsize = AtomicUsize::new(0);

    struct Index(Vec<&'static str>);

    #[fixture(scope = "session")]
    fn index() -> Index {
        BUILT.fetch_add(1, Ordering::SeqCst);
        Index(vec!["quick", "fox"])
    }

    #[testrig::test]
    fn finds_the_fox(index: &Index) {
        assert!(index.0.contains(&"fox"));
        assert_eq!(BUILT.load(Ordering::SeqCst), 1);
    }

    #[testrig::test]
    fn the_index_is_built_once(index: &Index) {
        assert_eq!(index.0.len(), 2);
        assert_eq!(BUILT.load(Ordering::SeqCst), 1);
    }
    // end
}

mod nextest_isolated {
    // guide: nextest.md
    /// Re-run in a child process of this test binary under `cargo test`; in place under nextest.
    #[testrig::test(isolated)]
    fn reads_the_time_zone_from_c() {
        // SAFETY: an isolated test is alone in its process, so no other thread reads the
        // environment while it changes.
        unsafe { std::env::set_var("TZ", "Pacific/Auckland") };
        assert_eq!(std::env::var("TZ").unwrap(), "Pacific/Auckland");
    }
    // end
}

mod nextest_serial {
    // guide: nextest.md
    use testrig::prelude::*;

    /// A file outside the test's own temporary directory, written by two tests.
    fn shared_report() -> std::path::PathBuf {
        std::env::temp_dir().join("testrig-guide-shared-report.txt")
    }

    #[testrig::test(serial = "guide-shared-report")]
    fn writes_the_report() {
        std::fs::write(shared_report(), "one").unwrap();
        assert_eq!(std::fs::read_to_string(shared_report()).unwrap(), "one");
    }

    #[testrig::test(serial = "guide-shared-report")]
    fn rewrites_the_report() {
        let _also_as_a_guard = lock::serial("guide-other-resource");
        std::fs::write(shared_report(), "two").unwrap();
        assert_eq!(std::fs::read_to_string(shared_report()).unwrap(), "two");
    }
    // end
}

/// The guide's chapters, by file name.
const CHAPTERS: &[(&str, &str)] = &[
    (
        "getting_started.md",
        include_str!("../src/guide/getting_started.md"),
    ),
    ("stories.md", include_str!("../src/guide/stories.md")),
    ("nextest.md", include_str!("../src/guide/nextest.md")),
    (
        "troubleshooting.md",
        include_str!("../src/guide/troubleshooting.md"),
    ),
    (
        "migrate_rstest.md",
        include_str!("../src/guide/migrate_rstest.md"),
    ),
    (
        "migrate_test_case.md",
        include_str!("../src/guide/migrate_test_case.md"),
    ),
    (
        "migrate_temp_env.md",
        include_str!("../src/guide/migrate_temp_env.md"),
    ),
    (
        "migrate_serial_test.md",
        include_str!("../src/guide/migrate_serial_test.md"),
    ),
    (
        "migrate_mock_instant.md",
        include_str!("../src/guide/migrate_mock_instant.md"),
    ),
    (
        "migrate_wiremock.md",
        include_str!("../src/guide/migrate_wiremock.md"),
    ),
    (
        "migrate_tracing_test.md",
        include_str!("../src/guide/migrate_tracing_test.md"),
    ),
];

/// The Rust blocks of a chapter as rustdoc shows them (hidden `# ` lines left out), with
/// their fence info.
fn rust_blocks(chapter: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut lines = chapter.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.trim_start().strip_prefix("```") else {
            continue;
        };
        let mut body = Vec::new();
        for line in lines.by_ref() {
            if line.trim_start().starts_with("```") {
                break;
            }
            let t = line.trim_start();
            if t == "#" || t.starts_with("# ") {
                continue;
            }
            body.push(line);
        }
        // rustdoc treats a block without a language, or with only attributes, as Rust.
        let is_rust = info.is_empty()
            || info.split(',').any(|w| w.trim() == "rust")
            || info.split(',').all(|w| {
                matches!(
                    w.trim(),
                    "ignore" | "no_run" | "should_panic" | "compile_fail" | "edition2024"
                )
            });
        if is_rust {
            blocks.push((info.to_owned(), body.join("\n").trim().to_owned()));
        }
    }
    blocks
}

/// The `// guide:` regions of this file, dedented: (chapter, text).
fn regions() -> Vec<(String, String)> {
    let this = include_str!("guide.rs");
    let mut out = Vec::new();
    let mut lines = this.lines();
    while let Some(line) = lines.next() {
        let Some(chapter) = line.trim().strip_prefix("// guide: ") else {
            continue;
        };
        let indent = line.len() - line.trim_start().len();
        let body: Vec<&str> = lines
            .by_ref()
            .take_while(|l| l.trim() != "// end")
            .map(|l| l.get(indent..).unwrap_or(""))
            .collect();
        out.push((chapter.to_owned(), body.join("\n").trim().to_owned()));
    }
    out
}

fn declares_tests(block: &str) -> bool {
    ["#[test]", "#[testrig::test", "#[tokio::test"]
        .iter()
        .any(|a| block.lines().any(|l| l.trim_start().starts_with(a)))
}

#[test]
fn every_test_block_of_the_guide_runs_here() {
    let regions = regions();
    let mut problems = Vec::new();
    let mut used = vec![false; regions.len()];
    for (name, text) in CHAPTERS {
        for (info, block) in rust_blocks(text) {
            // `test_harness` blocks are compiled as a test crate, so their tests run in place.
            if info.contains("compile_fail")
                || info.contains("ignore")
                || info.contains("test_harness")
                || !declares_tests(&block)
            {
                continue;
            }
            match regions
                .iter()
                .position(|(chapter, region)| chapter == name && *region == block)
            {
                Some(i) => used[i] = true,
                None => problems.push(format!(
                    "a block of {name} has no copy in tests/guide.rs:\n{block}\n"
                )),
            }
        }
    }
    for ((chapter, region), used) in regions.iter().zip(used) {
        if !used {
            problems.push(format!(
                "a region of tests/guide.rs is in no block of {chapter}:\n{region}\n"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_regions_are_found() {
    // Guards the checker itself: a parser that finds nothing would pass vacuously.
    assert!(regions().len() >= 3);
    let blocks = rust_blocks(CHAPTERS[0].1);
    assert!(blocks.iter().filter(|(_, b)| declares_tests(b)).count() >= 3);
}

/// Every message line quoted in the troubleshooting chapter is one testrig (or rustc, on
/// testrig's expansion) can print: it matches a string literal of the runtime or macro
/// sources, read as a pattern whose `{…}` parts match anything, or a line of a UI snapshot.
#[test]
fn every_message_quoted_in_troubleshooting_is_one_testrig_prints() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut templates = Vec::new();
    for dir in ["src", "macros/src"] {
        for file in files(&root.join(dir), "rs") {
            let text = std::fs::read_to_string(&file).unwrap();
            templates.extend(string_literals(&text));
        }
    }
    for file in files(&root.join("tests/ui"), "stderr") {
        let text = std::fs::read_to_string(&file).unwrap();
        templates.extend(text.lines().map(|l| without_error_prefix(l).to_owned()));
    }
    // rustc's own words, for mistakes that rustc reports before testrig can.
    templates.push("cannot find type `{}` in this scope".to_owned());
    // A literal that is mostly placeholders (`"{}: {}"`) would match any line.
    templates.retain(|t| literal_len(t) >= 12);

    let chapter = include_str!("../src/guide/troubleshooting.md");
    let quoted = text_block_lines(chapter);
    assert!(
        quoted.len() > 60,
        "the chapter quotes {} lines",
        quoted.len()
    );
    let unknown: Vec<&str> = quoted
        .iter()
        .map(|l| without_error_prefix(l))
        .filter(|l| {
            // Log assertions print `testrig: {what}` and mock servers `testrig::http: test `…`
            // failed: {what}`, with `what` built elsewhere.
            let bare = without_message_prefix(l);
            !templates
                .iter()
                .any(|t| glob_matches(t, l) || bare.is_some_and(|b| glob_matches(t, b)))
        })
        .collect();
    assert!(
        unknown.is_empty(),
        "troubleshooting.md quotes messages that no source prints:\n{}",
        unknown.join("\n")
    );
}

#[test]
fn the_message_pattern_matcher_is_strict() {
    assert!(glob_matches("a {x} b {}", "a 1 b 2"));
    assert!(glob_matches(
        "testrig: {what} timed out",
        "testrig: test `t` timed out"
    ));
    assert!(!glob_matches("a {x} b", "a 1 c"));
    assert!(!glob_matches("a {x} b", "a 1 b and more"));
    assert!(!glob_matches("prefix {x}", "another prefix 1"));
    assert_eq!(literal_len("a {x} b {}"), 5);
}

fn files(dir: &std::path::Path, ext: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path, ext));
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
    out
}

/// The lines of string literals in `source`, continuation lines joined and `\n` splitting
/// lines. Read one source line at a time, so a quote in a comment cannot shift the rest.
fn string_literals(source: &str) -> Vec<String> {
    let joined = {
        let mut out = String::new();
        let mut lines = source.lines().peekable();
        while let Some(line) = lines.next() {
            let mut line = line.to_owned();
            while line.ends_with('\\') && !line.ends_with("\\\\") {
                line.pop();
                match lines.next() {
                    Some(next) => line.push_str(next.trim_start()),
                    None => break,
                }
            }
            out.push_str(&line);
            out.push('\n');
        }
        out
    };
    let mut literals = Vec::new();
    for line in joined.lines() {
        let line = line.replace("'\"'", "''");
        let mut chars = line.chars();
        let mut current: Option<String> = None;
        while let Some(c) = chars.next() {
            match (&mut current, c) {
                (None, '"') => current = Some(String::new()),
                (None, _) => {}
                (Some(lit), '\\') => match chars.next() {
                    Some('n') => lit.push('\n'),
                    Some(other) => lit.push(other),
                    None => {}
                },
                (Some(_), '"') => {
                    literals.extend(current.take().unwrap().lines().map(str::to_owned))
                }
                (Some(lit), c) => lit.push(c),
            }
        }
    }
    literals
}

/// The unindented lines of the chapter's ```text blocks.
fn text_block_lines(chapter: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut in_text = false;
    for line in chapter.lines() {
        if line.starts_with("```") {
            in_text = !in_text && line == "```text";
        } else if in_text && !line.is_empty() && !line.starts_with(' ') {
            out.push(line);
        }
    }
    out
}

fn without_error_prefix(line: &str) -> &str {
    let Some(rest) = line.strip_prefix("error") else {
        return line;
    };
    match rest.split_once(": ") {
        Some((code, message)) if code.is_empty() || code.starts_with("[E") => message,
        _ => line,
    }
}

/// The characters of `pattern` outside its `{…}` parts.
fn literal_len(pattern: &str) -> usize {
    let mut depth = 0usize;
    pattern
        .chars()
        .filter(|&c| {
            match c {
                '{' => depth += 1,
                '}' => depth = depth.saturating_sub(1),
                _ => return depth == 0,
            }
            false
        })
        .count()
}

/// Whether `text` is `pattern` with each `{…}` part replaced by some text.
fn glob_matches(pattern: &str, text: &str) -> bool {
    let mut pieces = Vec::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        pieces.push(&rest[..open]);
        rest = &rest[open + close + 1..];
    }
    pieces.push(rest);
    let (first, last) = (pieces[0], pieces[pieces.len() - 1]);
    if pieces.len() == 1 {
        return pattern == text;
    }
    let Some(mut text) = text.strip_prefix(first) else {
        return false;
    };
    for piece in &pieces[1..pieces.len() - 1] {
        match text.find(piece) {
            Some(at) => text = &text[at + piece.len()..],
            None => return false,
        }
    }
    text.len() >= last.len() && text.ends_with(last)
}

/// The line without the `testrig: ` / `testrig::http: ` prefix and a following
/// ``test `name` failed: ``, which are written separately from the message itself.
fn without_message_prefix(line: &str) -> Option<&str> {
    let rest = line
        .strip_prefix("testrig: ")
        .or_else(|| line.strip_prefix("testrig::http: "))?;
    Some(
        rest.strip_prefix("test `")
            .and_then(|r| r.split_once("` failed: "))
            .map_or(rest, |(_, r)| r),
    )
}
