//! The part of regular-expression syntax that `#[exclude("..")]` patterns use, matched as
//! rstest matches them (anywhere in the path, unless anchored): literals, `.`, `[..]` classes
//! (ranges, `^` negation, `\d` `\w` `\s` inside), `\d` `\w` `\s` and their negations, escaped
//! punctuation, `^` and `$`, groups `(..)` and `(?:..)` with `|`, and the greedy quantifiers
//! `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`. Anything else is an error that says so, rather than
//! a pattern that quietly means something else; no dependency is needed for this much.

/// A parsed pattern.
pub(crate) struct Regex(Vec<Node>);

enum Node {
    Char(char),
    Any,
    Class(Class),
    Start,
    End,
    /// Alternatives, each a sequence.
    Group(Vec<Vec<Node>>),
    Repeat(Box<Node>, usize, Option<usize>),
}

struct Class {
    negate: bool,
    items: Vec<Item>,
}

enum Item {
    Range(char, char),
    /// `\d`, `\w`, `\s` (`true`) or `\D`, `\W`, `\S` (`false`).
    Digit(bool),
    Word(bool),
    Space(bool),
}

impl Item {
    fn contains(&self, c: char) -> bool {
        match *self {
            Item::Range(a, b) => (a..=b).contains(&c),
            Item::Digit(yes) => c.is_ascii_digit() == yes,
            Item::Word(yes) => (c.is_alphanumeric() || c == '_') == yes,
            Item::Space(yes) => c.is_whitespace() == yes,
        }
    }
}

impl Regex {
    pub(crate) fn new(pattern: &str) -> Result<Regex, String> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut at = 0;
        let alts = alternatives(&chars, &mut at)?;
        if at < chars.len() {
            return Err("`)` without its `(`".to_owned());
        }
        Ok(Regex(vec![Node::Group(alts)]))
    }

    /// Whether the pattern matches somewhere in `text`.
    pub(crate) fn is_match(&self, text: &str) -> bool {
        let s: Vec<char> = text.chars().collect();
        (0..=s.len()).any(|start| seq(&self.0, &s, start, &mut |_| true))
    }
}

fn alternatives(p: &[char], at: &mut usize) -> Result<Vec<Vec<Node>>, String> {
    let mut alts = vec![Vec::new()];
    while let Some(&c) = p.get(*at) {
        match c {
            ')' => break,
            '|' => {
                *at += 1;
                alts.push(Vec::new());
            }
            _ => {
                let atom = atom(p, at)?;
                let node = quantified(atom, p, at)?;
                alts.last_mut().expect("one at least").push(node);
            }
        }
    }
    Ok(alts)
}

fn atom(p: &[char], at: &mut usize) -> Result<Node, String> {
    let c = p[*at];
    *at += 1;
    Ok(match c {
        '.' => Node::Any,
        '^' => Node::Start,
        '$' => Node::End,
        '(' => {
            if p.get(*at) == Some(&'?') {
                if p.get(*at + 1) != Some(&':') {
                    return Err(
                        "lookarounds and named groups (`(?=`, `(?!`, `(?P<`) are not supported"
                            .to_owned(),
                    );
                }
                *at += 2;
            }
            let alts = alternatives(p, at)?;
            if p.get(*at) != Some(&')') {
                return Err("`(` without its `)`".to_owned());
            }
            *at += 1;
            Node::Group(alts)
        }
        '[' => Node::Class(class(p, at)?),
        '\\' => match escape(p, at)? {
            Ok(item) => Node::Class(Class {
                negate: false,
                items: vec![item],
            }),
            Err(c) => Node::Char(c),
        },
        '*' | '+' | '?' | '{' => return Err(format!("`{c}` with nothing to repeat")),
        c => Node::Char(c),
    })
}

/// After a `\`: a class (`\d`) or a literal character (`\.`).
fn escape(p: &[char], at: &mut usize) -> Result<Result<Item, char>, String> {
    let Some(&c) = p.get(*at) else {
        return Err("a pattern cannot end with `\\`".to_owned());
    };
    *at += 1;
    Ok(match c {
        'd' | 'D' => Ok(Item::Digit(c == 'd')),
        'w' | 'W' => Ok(Item::Word(c == 'w')),
        's' | 'S' => Ok(Item::Space(c == 's')),
        'n' => Err('\n'),
        't' => Err('\t'),
        c if c.is_ascii_alphanumeric() => {
            return Err(format!(
                "`\\{c}` is not supported; escapes are `\\d`, `\\w`, `\\s` (and upper-case), \
                 `\\n`, `\\t` and punctuation such as `\\.`"
            ));
        }
        c => Err(c),
    })
}

fn class(p: &[char], at: &mut usize) -> Result<Class, String> {
    let negate = p.get(*at) == Some(&'^');
    if negate {
        *at += 1;
    }
    let mut items = Vec::new();
    let mut first = true;
    loop {
        let Some(&c) = p.get(*at) else {
            return Err("`[` without its `]`".to_owned());
        };
        *at += 1;
        let low = match c {
            ']' if !first => break,
            '[' if p.get(*at) == Some(&':') => {
                return Err("POSIX classes (`[[:alpha:]]`) are not supported".to_owned());
            }
            '\\' => match escape(p, at)? {
                Ok(item) => {
                    items.push(item);
                    first = false;
                    continue;
                }
                Err(c) => c,
            },
            c => c,
        };
        first = false;
        let high = if p.get(*at) == Some(&'-') && p.get(*at + 1).is_some_and(|&n| n != ']') {
            *at += 2;
            match p[*at - 1] {
                '\\' => match escape(p, at)? {
                    Err(c) => c,
                    Ok(_) => return Err("a range cannot end with a class like `\\d`".to_owned()),
                },
                c => c,
            }
        } else {
            low
        };
        if high < low {
            return Err(format!("the range `{low}-{high}` is backwards"));
        }
        items.push(Item::Range(low, high));
    }
    Ok(Class { negate, items })
}

fn quantified(atom: Node, p: &[char], at: &mut usize) -> Result<Node, String> {
    let (min, max) = match p.get(*at) {
        Some('*') => (0, None),
        Some('+') => (1, None),
        Some('?') => (0, Some(1)),
        Some('{') => {
            let close = p[*at..]
                .iter()
                .position(|&c| c == '}')
                .ok_or("`{` without its `}`")?;
            let inner: String = p[*at + 1..*at + close].iter().collect();
            let number = |s: &str| {
                s.trim()
                    .parse::<usize>()
                    .map_err(|_| format!("`{{{inner}}}` is not a repetition count"))
            };
            let bounds = match inner.split_once(',') {
                None => (number(&inner)?, Some(number(&inner)?)),
                Some((lo, "")) => (number(lo)?, None),
                Some((lo, hi)) => (number(lo)?, Some(number(hi)?)),
            };
            *at += close;
            bounds
        }
        _ => return Ok(atom),
    };
    *at += 1;
    if matches!(p.get(*at), Some('?' | '+')) {
        return Err("lazy and possessive quantifiers (`*?`, `++`) are not supported".to_owned());
    }
    Ok(Node::Repeat(Box::new(atom), min, max))
}

/// Matches `nodes` from `i`, then asks `k` whether the rest matches from where they ended.
fn seq(nodes: &[Node], s: &[char], i: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
    match nodes.split_first() {
        None => k(i),
        Some((first, rest)) => one(first, s, i, &mut |j| seq(rest, s, j, k)),
    }
}

fn one(node: &Node, s: &[char], i: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
    match node {
        Node::Char(c) => s.get(i) == Some(c) && k(i + 1),
        Node::Any => s.get(i).is_some_and(|&c| c != '\n') && k(i + 1),
        Node::Class(class) => {
            s.get(i)
                .is_some_and(|&c| class.items.iter().any(|item| item.contains(c)) != class.negate)
                && k(i + 1)
        }
        Node::Start => i == 0 && k(i),
        Node::End => i == s.len() && k(i),
        Node::Group(alts) => alts.iter().any(|alt| seq(alt, s, i, k)),
        Node::Repeat(inner, min, max) => repeat(inner, *min, *max, 0, s, i, k),
    }
}

/// Greedy: as many repetitions as match, then fewer; a repetition that matches nothing
/// ends the loop.
fn repeat(
    node: &Node,
    min: usize,
    max: Option<usize>,
    count: usize,
    s: &[char],
    i: usize,
    k: &mut dyn FnMut(usize) -> bool,
) -> bool {
    let more = max.is_none_or(|m| count < m)
        && one(node, s, i, &mut |j| {
            (j != i || count < min) && repeat(node, min, max, count + 1, s, j, k)
        });
    more || (count >= min && k(i))
}

#[cfg(test)]
mod tests {
    use super::Regex;

    fn m(pattern: &str, text: &str) -> bool {
        Regex::new(pattern).unwrap().is_match(text)
    }

    #[test]
    fn a_literal_matches_anywhere() {
        assert!(m("test", "src/tests/a.rs"));
        assert!(!m("test", "src/lib.rs"));
    }

    #[test]
    fn anchors_dots_and_escapes() {
        assert!(m(r"\.bak$", "data/a.bak"));
        assert!(!m(r"\.bak$", "data/a.bak/x"));
        assert!(!m(r"\.bak", "data/abak"));
        assert!(m(".bak", "data/abak"));
        assert!(m("^data/", "data/x"));
        assert!(!m("^data/", "sub/data/x"));
    }

    #[test]
    fn classes_groups_and_repeats() {
        assert!(m(r"case_\d+\.txt", "case_12.txt"));
        assert!(!m(r"case_\d+\.txt", "case_.txt"));
        assert!(m("(skip|wip)_", "a/wip_one"));
        assert!(m("(?:a|b){2}c", "xbac"));
        assert!(!m("^(?:a|b){3}$", "ab"));
        assert!(m("[^a-z]", "abc1"));
        assert!(!m("^[a-z_]*$", "abc1"));
        assert!(m(r"[\w.]+\.md$", "notes.v2.md"));
        assert!(m("^a{2,}$", "aaaa"));
        assert!(!m("^a{2,3}$", "aaaa"));
        assert!(m("^(a*)*b$", "aaab"));
        assert!(m("colou?r", "color"));
    }

    #[test]
    fn what_it_does_not_read_is_an_error() {
        for bad in [
            r"\bword",
            "(?=x)",
            "a*?",
            "(a",
            "a)",
            "[a",
            "*a",
            r"\1",
            "[[:alpha:]]",
        ] {
            assert!(Regex::new(bad).is_err(), "{bad}");
        }
    }
}
