//! Checks of the guide itself.
//!
//! A doctest is compiled without `--test`, which removes every `#[test]` function, so a guide
//! block that declares tests would only prove that its fixtures compile. Such blocks are
//! fenced `rust,test_harness`: rustdoc then compiles them as a test crate and runs their tests.
//! `every_test_block_of_the_guide_runs_its_tests` fails when one is not.

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

fn declares_tests(block: &str) -> bool {
    ["#[test]", "#[testrig::test", "#[tokio::test"]
        .iter()
        .any(|a| block.lines().any(|l| l.trim_start().starts_with(a)))
}

#[test]
fn every_test_block_of_the_guide_runs_its_tests() {
    let mut problems = Vec::new();
    for (name, text) in CHAPTERS {
        for (info, block) in rust_blocks(text) {
            if info.contains("compile_fail") || info.contains("ignore") || !declares_tests(&block) {
                continue;
            }
            if !info.contains("test_harness") {
                problems.push(format!(
                    "a block of {name} declares tests but is not fenced `rust,test_harness`, so \
                     its tests never run:\n{block}\n"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_test_blocks_are_found() {
    // Guards the checker itself: a parser that finds nothing would pass vacuously.
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
