//! Byte offsets inside Rust, UTF-16 code units for JavaScript callers: the one
//! conversion between the two.

/// Maps byte offsets of one text to UTF-16 offsets, in O(log n) per lookup.
pub struct Utf16Offsets {
    /// (byte offset, utf16 offset) at every non-ASCII char start; ASCII in between is 1:1.
    anchors: Vec<(usize, usize)>,
}

impl Utf16Offsets {
    pub fn new(text: &str) -> Self {
        let mut anchors = Vec::new();
        if text.is_ascii() {
            return Utf16Offsets { anchors }; // bytes and UTF-16 units agree throughout
        }
        let mut extra = 0usize; // utf16 units minus bytes, accumulated so far
        for (byte, ch) in text.char_indices() {
            if !ch.is_ascii() {
                anchors.push((byte, byte - extra));
                extra += ch.len_utf8() - ch.len_utf16();
                anchors.push((byte + ch.len_utf8(), byte + ch.len_utf8() - extra));
            }
        }
        Utf16Offsets { anchors }
    }

    /// The UTF-16 offset of a byte offset that lies on a char boundary.
    pub fn utf16(&self, byte: usize) -> usize {
        // The last anchor at or before `byte`; ASCII runs after it map 1:1.
        match self.anchors.partition_point(|&(b, _)| b <= byte) {
            0 => byte,
            i => match self.anchors.get(i - 1) {
                Some(&(b, u)) => u + (byte - b),
                None => byte,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) {
        let map = Utf16Offsets::new(text);
        for (byte, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            let expected = text[..byte].encode_utf16().count();
            assert_eq!(map.utf16(byte), expected, "byte {byte} of {text:?}");
        }
    }

    #[test]
    fn ascii_accents_emoji_and_combining_marks() {
        check("plain ascii");
        check("café crème");
        check("👍 love it 👎🏽 but e\u{301} 🇬🇧!");
        check("");
        check("日本語のレビュー");
    }
}
