//! Reply and review text folded for matching: ASCII lower case, curly quotes
//! straightened, odd spaces made plain, with a map back to the original bytes.

/// Text in the form the rule patterns are written for.
pub struct Folded {
    pub text: String,
    /// For each byte of `text`, the byte of the original it came from; one
    /// more entry for the end.
    origin: Vec<usize>,
}

impl Folded {
    pub fn new(original: &str) -> Folded {
        let mut text = String::with_capacity(original.len());
        let mut origin = Vec::with_capacity(original.len() + 1);
        for (at, ch) in original.char_indices() {
            let folded = match ch {
                '\u{2018}' | '\u{2019}' | '\u{02bc}' | '\u{2032}' => '\'',
                '\u{201c}' | '\u{201d}' => '"',
                '\u{00a0}' | '\u{2007}' | '\u{202f}' => ' ',
                '\u{2013}' | '\u{2014}' => '-',
                c => c.to_ascii_lowercase(),
            };
            let before = text.len();
            text.push(folded);
            origin.extend(std::iter::repeat_n(at, text.len() - before));
        }
        origin.push(original.len());
        Folded { text, origin }
    }

    /// The original byte offset of a folded byte offset (clamped to the end).
    pub fn original(&self, folded: usize) -> usize {
        self.origin.get(folded).or(self.origin.last()).copied().unwrap_or(0)
    }

    /// An original byte span for a folded span; an end inside a folded char
    /// moves to the end of that char.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        let s = self.original(start);
        let e = if end == 0 { 0 } else { self.original(end) };
        (s, e.max(s))
    }
}

/// The byte offset of a UTF-16 offset in `text` (the classifier's evidence
/// is in UTF-16); past the end gives the end.
pub fn byte_of_utf16(text: &str, utf16: usize) -> usize {
    let mut units = 0;
    for (at, ch) in text.char_indices() {
        if units >= utf16 {
            return at;
        }
        units += ch.len_utf16();
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_a_map_to_the_original() {
        let original = "We\u{2019}re SORRY \u{2014} café";
        let f = Folded::new(original);
        assert_eq!(f.text, "we're sorry - café");
        let at = f.text.find("sorry").unwrap_or(0);
        let (s, e) = f.original_span(at, at + 5);
        assert_eq!(&original[s..e], "SORRY");
        let at = f.text.find("café").unwrap_or(0);
        let (s, e) = f.original_span(at, f.text.len());
        assert_eq!(&original[s..e], "café");
    }

    #[test]
    fn utf16_offsets_come_back_as_bytes() {
        let text = "👍 é ok";
        assert_eq!(byte_of_utf16(text, 0), 0);
        assert_eq!(byte_of_utf16(text, 2), 4);
        assert_eq!(byte_of_utf16(text, 5), 8);
        assert_eq!(byte_of_utf16(text, 99), text.len());
    }
}
