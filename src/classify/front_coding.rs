//! The lexicon's (and the rule index's words') shipped form, written by build.rs and read back at start-up
//! (this file is compiled into both). Each `word<TAB>value` line becomes a
//! letter saying how many leading bytes the word shares with the word before
//! (`A` none, `B` one, up to `Z`), then the rest of the line. The list is
//! mostly inflections in alphabetical order ("abandon", "abandoned", …), so
//! coded it is about a fifth smaller gzipped in every package.

/// The most bytes a line may take from the word before (`Z`).
const MOST_SHARED: usize = 25;

/// `lines` (word, tab, value; comments and blank lines dropped) coded.
#[allow(dead_code)] // build.rs
pub fn front_coded(lines: &str) -> String {
    let mut out = String::with_capacity(lines.len());
    let mut before = "";
    for line in lines.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let word = line.split('\t').next().unwrap_or(line);
        let same = word.bytes().zip(before.bytes()).take_while(|(a, b)| a == b).count().min(MOST_SHARED);
        // Whole characters only, so each line stays text.
        let shared = (0..=same).rev().find(|&n| word.is_char_boundary(n)).unwrap_or(0);
        out.push(char::from(b'A' + shared as u8));
        out.push_str(line.get(shared..).unwrap_or(""));
        out.push('\n');
        before = word;
    }
    out
}

/// The words of `coded` spelled out, each with the rest of its line (after
/// the tab). The words go into one buffer kept for the life of the process
/// (the lexicon's), which the returned words borrow, so the lexicon's map
/// needs no string of its own a word. A line that does not decode is
/// skipped, and if the words were not UTF-8 there would be none: the data
/// test counts them.
#[allow(dead_code)] // the crate
pub fn spelled_out(coded: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    let mut spelled: Vec<u8> = Vec::with_capacity(coded.len());
    let mut spans = Vec::with_capacity(coded.len() / 8);
    let mut before = 0..0;
    for line in coded.lines() {
        let (head, value) = line.split_once('\t').unwrap_or((line, ""));
        let Some((&shared, rest)) = head.as_bytes().split_first() else { continue };
        let shared = usize::from(shared.wrapping_sub(b'A'));
        if shared > before.len() {
            continue;
        }
        let start = spelled.len();
        spelled.extend_from_within(before.start..before.start + shared);
        spelled.extend_from_slice(rest);
        before = start..spelled.len();
        spans.push((before.clone(), value));
    }
    let spelled: &'static str = match String::from_utf8(spelled) {
        Ok(words) => Box::leak(words.into_boxed_str()),
        Err(_) => "",
    };
    spans.into_iter().filter_map(move |(span, value)| Some((spelled.get(span)?, value)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_come_back_as_written_whatever_they_share() {
        let long = "a".repeat(40);
        let lines = [
            "# a comment".to_string(),
            "café\t1".into(),
            "cafés\t-2".into(),
            "café\t3".into(),
            "naïve\t0.5".into(),
            "naïveté\t1".into(),
            "naïf\t-1".into(),
            "日本語\t2".into(),
            "日本\t2".into(),
            format!("{long}\t1"),
            format!("{long}b\t2"),
            format!("{}é{}\t3", "x".repeat(24), "a"),
            format!("{}éb\t4", "x".repeat(24)),
            "no tab".into(),
            "".into(),
            "lol\t1".into(),
            "lol\t2".into(),
        ];
        let text = lines.join("\n");
        let coded: &'static str = Box::leak(front_coded(&text).into_boxed_str());
        let expected: Vec<(&str, &str)> =
            lines.iter().filter(|l| !l.is_empty() && !l.starts_with('#')).map(|l| l.split_once('\t').unwrap_or((l, ""))).collect();
        let got: Vec<(&str, &str)> = spelled_out(coded).collect();
        assert_eq!(got, expected);
        // Shared prefixes are used, and capped.
        assert!(coded.lines().any(|l| l.starts_with("Z")), "{coded}");
        assert!(coded.len() < text.len());
    }

    #[test]
    fn a_damaged_line_is_skipped_not_a_panic() {
        // More shared than the word before has, and no letter at all.
        let got: Vec<(&str, &str)> = spelled_out("Aword\t1\nZtoo much shared\t2\n\nA\t3\nCrd\t4").collect();
        assert_eq!(got, [("word", "1"), ("", "3")]);
    }
}
