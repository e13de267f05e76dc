//! The source text of an expression, as the user wrote it (for failure reports).

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};

/// `expr` as written, whitespace collapsed to single spaces. Inside a macro invocation the
/// token positions tell where the user put spaces; elsewhere (unit tests) tokens are joined
/// by `TokenStream`'s own printer.
pub(crate) fn source_text(tokens: TokenStream) -> String {
    if !proc_macro::is_available() {
        return tokens.to_string();
    }
    trees_text(&tokens.into_iter().collect::<Vec<_>>())
}

/// [`source_text`] of a value kept as token trees.
pub(crate) fn trees_text(trees: &[TokenTree]) -> String {
    if !proc_macro::is_available() {
        return trees.iter().cloned().collect::<TokenStream>().to_string();
    }
    match trees {
        // One token (most case values): its own text, no positions needed.
        [tt] if !matches!(tt, TokenTree::Group(_)) => return tt.to_string(),
        [TokenTree::Group(g)] => {
            if let Some(text) = group_text(g) {
                return text;
            }
        }
        // A negative number: only where the sign ends and the number starts are asked for.
        [TokenTree::Punct(sign), TokenTree::Literal(number)] if sign.as_char() == '-' => {
            let gap = if end(sign.span()) == start(number.span()) {
                ""
            } else {
                " "
            };
            return format!("-{gap}{number}");
        }
        _ => {}
    }
    let mut pieces = Vec::new();
    flatten(trees.iter().cloned(), &mut pieces);
    let mut out = String::new();
    let mut last_end: Option<(usize, usize)> = None;
    for (text, start, end) in pieces {
        if let Some(prev) = last_end
            && start != prev
        {
            out.push(' ');
        }
        out += &text;
        last_end = Some(end);
    }
    out
}

/// One bracketed group (a tuple, an array) on one line: the source text under its span,
/// one request to the compiler instead of two per token. Only text that the token walk
/// would give back unchanged: no comment, no run of whitespace, no `$` (a group written in a
/// `macro_rules!` body has that body's text under its span).
fn group_text(g: &proc_macro2::Group) -> Option<String> {
    let (open, close) = match g.delimiter() {
        Delimiter::Parenthesis => ('(', ')'),
        Delimiter::Bracket => ('[', ']'),
        _ => return None,
    };
    let text = g.span().unwrap().source_text()?;
    // A group made by another macro may carry that macro's call site as its span.
    let plain = text.starts_with(open) && text.ends_with(close) && plain_text(&text);
    plain.then_some(text)
}

/// No newline, tab, `$`, quote, run of spaces or comment: one pass over the bytes, where a
/// search per pattern would walk the text six times.
fn plain_text(text: &str) -> bool {
    let mut prev = 0u8;
    for &b in text.as_bytes() {
        let pair = (prev == b' ' && b == b' ') || (prev == b'/' && (b == b'/' || b == b'*'));
        if pair || matches!(b, b'\n' | b'\r' | b'\t' | b'$' | b'"' | b'\'') {
            return false;
        }
        prev = b;
    }
    true
}

type Pos = (usize, usize);

fn pos(span: Span) -> (Pos, Pos) {
    (start(span), end(span))
}

fn start(span: Span) -> Pos {
    let s = span.unwrap().start();
    (s.line(), s.column())
}

fn end(span: Span) -> Pos {
    let s = span.unwrap().end();
    (s.line(), s.column())
}

fn flatten(tokens: impl IntoIterator<Item = TokenTree>, out: &mut Vec<(String, Pos, Pos)>) {
    for tt in tokens {
        match tt {
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::None => ("", ""),
                };
                if open.is_empty() {
                    flatten(g.stream(), out);
                    continue;
                }
                // A group rebuilt by syn has the whole group's span on both delimiters, so
                // place them from the outer span: one column at each end.
                let (start, end) = pos(g.span());
                out.push((open.to_owned(), start, (start.0, start.1 + 1)));
                flatten(g.stream(), out);
                out.push((close.to_owned(), (end.0, end.1.saturating_sub(1)), end));
            }
            other => {
                let (s, e) = pos(other.span());
                out.push((other.to_string(), s, e));
            }
        }
    }
}

/// The 1-based line where `span` starts (inside a macro invocation), else `None`.
pub(crate) fn line_of(span: Span) -> Option<u32> {
    if !proc_macro::is_available() {
        return None;
    }
    u32::try_from(span.unwrap().start().line()).ok()
}
