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
    /// Holds an apostrophe between its letters ("model's", "don't").
    pub apostrophe: bool,
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Splits `text` into tokens. Linear in the text; never fails.
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::with_capacity(text.len() / 4 + 1);
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        // A space, the commonest byte between words, makes no token.
        if b == b' ' {
            at += 1;
            continue;
        }
        let Some(c) = char_at(text, at, b) else { break };
        let start = at;
        at += c.len_utf8();
        let ascii_word = ASCII_CLASS.get(usize::from(b)).is_some_and(|class| class & ALPHANUMERIC != 0);
        if ascii_word || (!b.is_ascii() && c.is_alphanumeric()) {
            let (token, end) = word(text, start);
            tokens.push(token);
            at = end;
            continue;
        }
        let kind = match c {
            '.' | '!' | '?' | ';' | ':' | '\n' | '\u{2026}' => TokenKind::ClauseEnd,
            ',' | '(' | ')' | '-' | '\u{2013}' | '\u{2014}' => TokenKind::Pause,
            // Spaces, quotes and the rest of ASCII make no token.
            _ if c.is_ascii() => continue,
            _ if is_sentiment_symbol(c) => TokenKind::Symbol,
            _ => continue,
        };
        // ":)" and friends are symbols, not clause ends.
        if (c == ':' || c == ';') && matches!(bytes.get(at), Some(b')' | b'(' | b'D' | b'P' | b'/')) {
            let norm = Cow::Borrowed(text.get(start..at + 1).unwrap_or(""));
            tokens.push(Token { kind: TokenKind::Symbol, norm, start, end: at + 1, shouted: false, apostrophe: false });
            at += 1;
            continue;
        }
        tokens.push(Token { kind, norm: Cow::Borrowed(text.get(start..at).unwrap_or("")), start, end: at, shouted: false, apostrophe: false });
    }
    tokens
}

/// The word starting at `start` (an alphanumeric char) and where it ends:
/// letters, digits and combining marks, with apostrophes between them.
fn word(text: &str, start: usize) -> (Token<'_>, usize) {
    let bytes = text.as_bytes();
    let (mut end, mut upper, mut letters, mut apostrophe) = (start, 0usize, 0usize, false);
    // Whether the normal form differs from the text: capitals, curly apostrophes, non-ASCII letters.
    let mut differs = false;
    while let Some(&b) = bytes.get(end) {
        let class = ASCII_CLASS.get(usize::from(b)).copied().unwrap_or(0);
        if class & ALPHANUMERIC != 0 {
            upper += usize::from(class & UPPER != 0);
            letters += usize::from(class & LETTER != 0);
            end += 1;
            continue;
        }
        // A space or a mark ends the word; of ASCII, only an apostrophe may not.
        if b.is_ascii() && b != b'\'' {
            break;
        }
        let Some(d) = char_at(text, end, b) else { break };
        let after = end + d.len_utf8();
        if d.is_alphanumeric() || is_combining(d) {
            upper += usize::from(d.is_uppercase());
            letters += usize::from(d.is_alphabetic());
            differs = true;
        } else if is_apostrophe(d) && next_is_alphanumeric(text, after) {
            differs |= d != '\'';
            apostrophe = true;
        } else {
            break;
        }
        end = after;
    }
    let shouted = letters >= 2 && upper == letters;
    let written = text.get(start..end).unwrap_or("");
    let norm = if upper == 0 && !differs { Cow::Borrowed(written) } else { normal_form(written) };
    (Token { kind: TokenKind::Word, norm, start, end, shouted, apostrophe }, end)
}

// What the word loop asks of an ASCII byte, one table look-up instead of three range tests.
const ALPHANUMERIC: u8 = 1;
const LETTER: u8 = 2;
const UPPER: u8 = 4;
static ASCII_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c.is_ascii_uppercase() {
            ALPHANUMERIC | LETTER | UPPER
        } else if c.is_ascii_lowercase() {
            ALPHANUMERIC | LETTER
        } else if c.is_ascii_digit() {
            ALPHANUMERIC
        } else {
            0
        };
        b += 1;
    }
    table
};

/// A word in lower case with straight apostrophes, borrowed when it already is.
fn normal_form(written: &str) -> Cow<'_, str> {
    let mut norm = String::with_capacity(written.len());
    for c in written.chars() {
        if is_apostrophe(c) {
            norm.push('\'');
        } else {
            push_lower(&mut norm, c);
        }
    }
    if norm == written {
        Cow::Borrowed(written)
    } else {
        Cow::Owned(norm)
    }
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
    text.as_bytes().get(at).and_then(|&b| char_at(text, at, b)).is_some_and(char::is_alphanumeric)
}

/// The char at byte `at`, whose first byte is `first`: most of a review is
/// ASCII, a byte that is its own char, decoded without the UTF-8 machinery.
fn char_at(text: &str, at: usize, first: u8) -> Option<char> {
    if first.is_ascii() {
        Some(char::from(first))
    } else {
        text.get(at..).and_then(|rest| rest.chars().next())
    }
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
