//! Words and the punctuation that bounds clauses, with byte spans into the text.

use std::borrow::Cow;

/// What a token is, as far as sentiment and rules care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters and digits, with inner apostrophes: "don't", "5'8", "xl".
    Word,
    /// A mark that ends a clause: `. ! ? ; :` or a line break.
    ClauseEnd,
    /// A comma, dash or bracket: a softer break.
    Pause,
    /// An emoticon or emoji with a sentiment of its own: ":)", "👍".
    Symbol,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token<'a> {
    pub kind: TokenKind,
    /// Lower case, curly apostrophes straightened. Most words are written so
    /// already: those borrow the text, and a review's words cost no allocation.
    pub norm: Cow<'a, str>,
    /// Byte span in the original text.
    pub start: usize,
    pub end: usize,
    /// Written in capitals ("NEVER"), two letters or more.
    pub shouted: bool,
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Splits `text` into tokens. Linear in the text; never fails.
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::with_capacity(text.len() / 5 + 1);
    let mut chars = text.char_indices().peekable();
    // A word's normal form is built here; kept only when it differs from the text.
    let mut norm = String::with_capacity(32);
    while let Some((start, c)) = chars.next() {
        if c.is_alphanumeric() {
            let mut end = start + c.len_utf8();
            norm.clear();
            let mut upper = usize::from(c.is_uppercase());
            let mut letters = usize::from(c.is_alphabetic());
            push_lower(&mut norm, c);
            while let Some(&(i, d)) = chars.peek() {
                if d.is_alphanumeric() || is_combining(d) {
                    upper += usize::from(d.is_uppercase());
                    letters += usize::from(d.is_alphabetic());
                    push_lower(&mut norm, d);
                    end = i + d.len_utf8();
                    chars.next();
                } else if is_apostrophe(d) && next_is_alphanumeric(text, i + d.len_utf8()) {
                    norm.push('\'');
                    end = i + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let shouted = letters >= 2 && upper == letters;
            let written = text.get(start..end).unwrap_or("");
            let norm = if written == norm { Cow::Borrowed(written) } else { Cow::Owned(norm.clone()) };
            tokens.push(Token { kind: TokenKind::Word, norm, start, end, shouted });
            continue;
        }
        let kind = match c {
            '.' | '!' | '?' | ';' | ':' | '\n' | '\u{2026}' => TokenKind::ClauseEnd,
            ',' | '(' | ')' | '-' | '\u{2013}' | '\u{2014}' => TokenKind::Pause,
            _ if is_sentiment_symbol(c) => TokenKind::Symbol,
            _ => continue,
        };
        // ":)" and friends are symbols, not clause ends.
        if c == ':' || c == ';' {
            if let Some(&(i, d)) = chars.peek() {
                if matches!(d, ')' | '(' | 'D' | 'P' | '/') {
                    chars.next();
                    let norm = Cow::Borrowed(text.get(start..i + 1).unwrap_or(""));
                    tokens.push(Token { kind: TokenKind::Symbol, norm, start, end: i + 1, shouted: false });
                    continue;
                }
            }
        }
        let end = start + c.len_utf8();
        tokens.push(Token { kind, norm: Cow::Borrowed(text.get(start..end).unwrap_or("")), start, end, shouted: false });
    }
    tokens
}

/// Most letters are ASCII: lower-case those without the Unicode tables.
fn push_lower(norm: &mut String, c: char) {
    if c.is_ascii() {
        norm.push(c.to_ascii_lowercase());
    } else {
        norm.extend(c.to_lowercase());
    }
}

fn next_is_alphanumeric(text: &str, at: usize) -> bool {
    text.get(at..).and_then(|rest| rest.chars().next()).is_some_and(char::is_alphanumeric)
}

fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x300..=0x36F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

fn is_sentiment_symbol(c: char) -> bool {
    matches!(c as u32, 0x1F600..=0x1F64F | 0x1F44D | 0x1F44E | 0x2764 | 0x1F494 | 0x1F92C)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|t| t.norm.into_owned()).collect()
    }

    #[test]
    fn contractions_curly_apostrophes_and_clause_marks() {
        assert_eq!(words("Don’t buy it. NOT worth it!"), ["don't", "buy", "it", ".", "not", "worth", "it", "!"]);
        assert_eq!(words("'quoted' words"), ["quoted", "words"]);
    }

    #[test]
    fn spans_point_into_the_original_text() {
        let text = "Café 👍 e\u{301}clair";
        for t in tokenize(text) {
            assert!(text.get(t.start..t.end).is_some(), "{t:?}");
        }
        let toks = tokenize(text);
        assert_eq!(toks[1].kind, TokenKind::Symbol);
        assert_eq!(&text[toks[2].start..toks[2].end], "e\u{301}clair");
    }

    #[test]
    fn shouting_needs_two_capitals() {
        let toks = tokenize("NEVER again I");
        assert!(toks[0].shouted);
        assert!(!toks[2].shouted);
    }
}
