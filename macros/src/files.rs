//! rstest's `#[files("glob")]`: the files a glob matches, relative to the crate root
//! (`CARGO_MANIFEST_DIR`) or to `#[base_dir = ".."]`, found when the test is compiled.
//!
//! Glob syntax: `*` (any characters but `/`), `?` (one), `[abc]` / `[a-z]` / `[!a]`,
//! `{a,b}` alternatives, `**` (any number of directories). Globs and `#[base_dir]` read
//! `$VAR`, `${VAR}` and `${VAR:-default}` from the environment, as rstest does.

use std::path::{Path, PathBuf};

use syn::LitStr;

use crate::ctxt::Ctxt;
use crate::naming;
use crate::parse::{FileMode, Files};
use crate::regex::Regex;

/// The matched files as values of the parameter (in path order) and their test names.
pub(crate) fn resolve(files: &Files, cx: &mut Ctxt) -> (Vec<syn::Expr>, Vec<String>) {
    let Ok(root) = std::env::var("CARGO_MANIFEST_DIR") else {
        if let Some(g) = files.globs.first() {
            cx.error(
                g.span(),
                "`#[files]` needs cargo: `CARGO_MANIFEST_DIR` is not set",
            );
        }
        return (Vec::new(), Vec::new());
    };
    let root = PathBuf::from(root);
    let excludes: Vec<Regex> = files
        .exclude
        .iter()
        .filter_map(|e| {
            Regex::new(&e.value())
                .map_err(|why| {
                    cx.error(
                        e.span(),
                        format!(
                            "`#[exclude]` takes a regular expression of the syntax testrig \
                             reads (literals, `.`, `[a-z]`, `\\d` `\\w` `\\s`, `^` `$`, \
                             `(a|b)`, `*` `+` `?` `{{n,m}}`); in this one, {why}"
                        ),
                    );
                })
                .ok()
        })
        .collect();
    if excludes.len() < files.exclude.len() {
        // Without every exclusion, what matches would be wrong: the error above is the one.
        return (Vec::new(), Vec::new());
    }
    // An absolute `#[base_dir]` replaces the crate root (`join` keeps it as it is).
    let dir = match &files.base_dir {
        None => root.clone(),
        Some(dir) => match env_vars(dir, files.missing_env_empty, cx) {
            Some(dir) => root.join(dir),
            None => return (Vec::new(), Vec::new()),
        },
    };
    let mut found: Vec<(String, PathBuf)> = Vec::new();
    for glob in &files.globs {
        let Some(mut pattern) = env_vars(glob, files.missing_env_empty, cx) else {
            continue;
        };
        // An empty variable between two `/` leaves `//`, which names no directory.
        while pattern.contains("//") {
            pattern = pattern.replace("//", "/");
        }
        let before = found.len();
        for alternative in expand_braces(&pattern) {
            let base = fixed_prefix(&alternative);
            // An absolute glob (from `${CARGO_MANIFEST_DIR}`, say) is matched whole.
            let from = if Path::new(&alternative).is_absolute() {
                PathBuf::new()
            } else {
                dir.clone()
            };
            let mut all = Vec::new();
            let walk_options = Walk {
                target: root.join("target"),
                dot_files: files.dot_files,
                dirs: files.dirs,
            };
            walk(&from.join(&base), &walk_options, &mut all);
            for path in all {
                let Ok(rel) = path.strip_prefix(&from) else {
                    continue;
                };
                let rel = rel.to_string_lossy().replace('\\', "/");
                let below = rel
                    .strip_prefix(&base)
                    .unwrap_or(&rel)
                    .trim_start_matches('/');
                let hidden = below.split('/').any(|c| c.starts_with('.'));
                if !matches(alternative.as_bytes(), rel.as_bytes())
                    || (hidden && !files.dot_files)
                    || excludes.iter().any(|e| e.is_match(&rel))
                {
                    continue;
                }
                if !found.iter().any(|(_, p)| *p == path) {
                    found.push((below.to_owned(), path));
                }
            }
        }
        if found.len() == before && files.base_dir.is_none() {
            cx.error(
                glob.span(),
                format!(
                    "no file matches `{pattern}`; globs are relative to the crate root, the \
                     directory of Cargo.toml"
                ),
            );
        } else if found.len() == before {
            cx.error(
                glob.span(),
                format!(
                    "no file matches `{pattern}` in `{}`, the `#[base_dir]`",
                    dir.display()
                ),
            );
        }
    }
    found.sort_by(|a, b| a.1.cmp(&b.1));
    let texts: Vec<String> = found.iter().map(|(below, _)| below.clone()).collect();
    let names = file_names(&texts);
    let span = files
        .globs
        .first()
        .map_or_else(proc_macro2::Span::call_site, LitStr::span);
    let values = found
        .iter()
        .map(|(_, path)| {
            let lit = LitStr::new(&path.to_string_lossy(), span);
            match files.mode {
                FileMode::Path => {
                    syn::parse_quote_spanned!(span=> ::std::path::PathBuf::from(#lit))
                }
                FileMode::Str => syn::parse_quote_spanned!(span=> ::core::include_str!(#lit)),
                FileMode::Bytes => syn::parse_quote_spanned!(span=> ::core::include_bytes!(#lit)),
            }
        })
        .collect();
    (values, names)
}

/// Test names from the paths below the glob's fixed directory: `cases/one.txt` ->
/// `cases_one_txt`; names that come out alike get their position.
fn file_names(paths: &[String]) -> Vec<String> {
    let raw: Vec<String> = paths.iter().map(|p| naming::sanitize(p)).collect();
    let w = paths.len().to_string().len();
    raw.iter()
        .enumerate()
        .map(|(i, n)| {
            let clash = n.is_empty() || raw.iter().filter(|o| *o == n).count() > 1;
            match (n.is_empty(), clash) {
                (true, _) => format!("file_{:0w$}", i + 1),
                (false, true) => format!("{n}_{:0w$}", i + 1),
                (false, false) => n.clone(),
            }
        })
        .collect()
}

/// The directories before the first wildcard: where the walk starts.
fn fixed_prefix(pattern: &str) -> String {
    let mut dirs = Vec::new();
    let parts: Vec<&str> = pattern.split('/').collect();
    for part in &parts[..parts.len().saturating_sub(1)] {
        if part.contains(['*', '?', '[', '{']) {
            break;
        }
        dirs.push(*part);
    }
    dirs.join("/")
}

struct Walk {
    /// Cargo's `target` directory, never entered.
    target: PathBuf,
    dot_files: bool,
    /// rstest's `#[dirs]`: directories are candidates too.
    dirs: bool,
}

/// Every file (and with `#[dirs]`, directory) below `dir`, except in cargo's `target`
/// directory and, without `#[include_dot_files]`, in hidden directories (`.git`).
fn walk(dir: &Path, options: &Walk, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            if path != options.target && (options.dot_files || !hidden) {
                if options.dirs {
                    out.push(path.clone());
                }
                walk(&path, options, out);
            }
        } else {
            out.push(path);
        }
    }
}

/// `$VAR`, `${VAR}` and `${VAR:-default}` in `lit` replaced by the variable's value when the
/// test is compiled, as rstest does (the default also stands in for an empty value). `None`
/// after an error.
fn env_vars(lit: &LitStr, missing_empty: bool, cx: &mut Ctxt) -> Option<String> {
    let text = lit.value();
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        let braced = after
            .strip_prefix('{')
            .and_then(|inner| inner.find('}').map(|end| (&inner[..end], end + 2)));
        let bare_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let (spec, len) = match braced {
            Some(found) => found,
            None if bare_len > 0 && !after.starts_with(|c: char| c.is_ascii_digit()) => {
                (&after[..bare_len], bare_len)
            }
            // A `$` that starts no variable is a `$`.
            None => {
                out.push('$');
                rest = after;
                continue;
            }
        };
        let (name, default) = match spec.split_once(":-") {
            Some((name, default)) => (name, Some(default)),
            None => (spec, None),
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            let written = format!("${{{spec}}}");
            let message = format!("`{written}`: a variable name is letters, digits and `_`");
            cx.error(lit.span(), message);
            return None;
        }
        match (std::env::var(name).ok().as_deref(), default) {
            (Some("") | None, Some(default)) => out.push_str(default),
            (Some(value), _) => out.push_str(value),
            (None, None) if missing_empty => {}
            (None, None) => {
                let default = format!("${{{name}:-dir}}");
                let message = format!(
                    "environment variable `{name}` is not set where the test is compiled; set \
                     it, give a default (`{default}`), or add `#[ignore_missing_env_vars]` to \
                     read it as empty"
                );
                cx.error(lit.span(), message);
                return None;
            }
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    Some(out)
}

/// `a/{b,c}/*.txt` -> `a/b/*.txt`, `a/c/*.txt` (nested braces too).
fn expand_braces(pattern: &str) -> Vec<String> {
    let Some(open) = pattern.find('{') else {
        return vec![pattern.to_owned()];
    };
    let mut depth = 0;
    let mut close = None;
    let mut commas = Vec::new();
    for (i, c) in pattern[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(open + i);
                    break;
                }
            }
            ',' if depth == 1 => commas.push(open + i),
            _ => {}
        }
    }
    let Some(close) = close else {
        return vec![pattern.to_owned()];
    };
    let mut bounds = vec![open];
    bounds.extend(commas);
    bounds.push(close);
    let (head, tail) = (&pattern[..open], &pattern[close + 1..]);
    bounds
        .windows(2)
        .flat_map(|w| expand_braces(&format!("{head}{}{tail}", &pattern[w[0] + 1..w[1]])))
        .collect()
}

/// Whether `path` (relative, `/`-separated) matches `pattern` (braces already expanded).
fn matches(pattern: &[u8], path: &[u8]) -> bool {
    if let Some(rest) = pattern.strip_prefix(b"**/") {
        return matches(rest, path)
            || path
                .iter()
                .position(|&c| c == b'/')
                .is_some_and(|slash| matches(pattern, &path[slash + 1..]));
    }
    if pattern == b"**" {
        return true;
    }
    match pattern.first() {
        None => path.is_empty(),
        Some(b'*') => {
            matches(&pattern[1..], path)
                || (path.first().is_some_and(|&c| c != b'/') && matches(pattern, &path[1..]))
        }
        Some(b'?') => {
            path.first().is_some_and(|&c| c != b'/') && matches(&pattern[1..], &path[1..])
        }
        Some(b'[') => {
            let Some(end) = pattern
                .iter()
                .skip(2)
                .position(|&c| c == b']')
                .map(|e| e + 2)
            else {
                return path.first() == Some(&b'[') && matches(&pattern[1..], &path[1..]);
            };
            let Some(&c) = path.first() else {
                return false;
            };
            let (negate, class) = match pattern[1] {
                b'!' | b'^' => (true, &pattern[2..end]),
                _ => (false, &pattern[1..end]),
            };
            let mut hit = false;
            let mut i = 0;
            while i < class.len() {
                if i + 2 < class.len() && class[i + 1] == b'-' {
                    hit |= (class[i]..=class[i + 2]).contains(&c);
                    i += 3;
                } else {
                    hit |= class[i] == c;
                    i += 1;
                }
            }
            c != b'/' && hit != negate && matches(&pattern[end + 1..], &path[1..])
        }
        Some(&p) => path.first() == Some(&p) && matches(&pattern[1..], &path[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, s: &str) -> bool {
        expand_braces(p)
            .iter()
            .any(|p| matches(p.as_bytes(), s.as_bytes()))
    }

    #[test]
    fn stars_stay_within_a_directory() {
        assert!(m("data/*.txt", "data/a.txt"));
        assert!(!m("data/*.txt", "data/sub/a.txt"));
        assert!(!m("data/*.txt", "data/a.json"));
    }

    #[test]
    fn double_stars_cross_directories() {
        assert!(m("data/**/*.txt", "data/a.txt"));
        assert!(m("data/**/*.txt", "data/x/y/a.txt"));
        assert!(m("**/*.rs", "src/lib.rs"));
    }

    #[test]
    fn classes_marks_and_braces() {
        assert!(m("d/[ab]?.{txt,md}", "d/a1.md"));
        assert!(!m("d/[!ab]?.txt", "d/a1.txt"));
        assert!(m("d/[a-c]*", "d/cat"));
    }

    #[test]
    fn the_walk_starts_at_the_fixed_directories() {
        assert_eq!(fixed_prefix("tests/data/**/*.txt"), "tests/data");
        assert_eq!(fixed_prefix("*.txt"), "");
        assert_eq!(expand_braces("a{b,c{d,e}}f"), ["abf", "acdf", "acef"]);
    }

    #[test]
    fn file_names_are_readable_and_distinct() {
        let paths = ["one.txt".to_owned(), "sub/two words.txt".to_owned()];
        assert_eq!(file_names(&paths), ["one_txt", "sub_two_words_txt"]);
        let clash = ["a.b".to_owned(), "a-b".to_owned()];
        assert_eq!(file_names(&clash), ["a_b_1", "a_b_2"]);
    }
}
