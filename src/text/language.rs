//! Which language a review is written in: English is what the classifier reads;
//! anything else is reported as such, never misread as English.
//!
//! A script other than Latin decides alone. Latin text is read word by word:
//! English words on one side; on the other, words of other languages
//! (`languages.txt`), letters English does not use (ß, ñ, ã, ł, ı, ő, ư…),
//! Dutch "ij", French and Italian elisions (l'eau, dell'acqua) and Spanish ¿ ¡.
//! The text is English unless its foreign words outnumber its English ones, so
//! a "très chic" or a "danke" inside an English review leaves it English.

use crate::fast_hash::WordMap;
use std::sync::LazyLock;

use super::tokens::{Token, TokenKind};

/// An ISO 639-1 code, or "und" when there is nothing to tell from or the
/// language is not one we know (but is not English).
pub type Language = &'static str;

/// Without one English word, this many words of no known language are taken
/// for a language we have no list for, rather than for English.
const UNKNOWN_AFTER: usize = 8;

/// Short words English shares with other languages, kept off every list; any
/// one of them keeps an unlisted text English ("no comments on warranty").
const SHARED_WITH_ENGLISH: &[&str] = &["a", "in", "on", "an", "as", "so", "me", "no", "do", "am"];

struct Lexicon {
    /// Every listed word, English or foreign, in one map: a word is looked up once.
    words: WordMap<Listed>,
    /// Foreign languages in file order, to break ties the same way every time.
    order: Vec<Language>,
}

/// Which list a word is on.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Listed {
    English,
    /// The foreign languages it marks, one bit each (bit i: `order[i]`):
    /// no vector a word to allocate when a page starts.
    Foreign(u32),
}

/// How many foreign languages `languages.txt` may list (a bit each).
const MAX_FOREIGN: usize = 32;

static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    let file = include_str!("languages.txt");
    // About one word in seven bytes, English's and the others' alike: sized once.
    let mut lex = Lexicon { words: WordMap::with_capacity(file.len() / 7), order: Vec::new() };
    for line in file.lines().filter(|l| !l.starts_with('#')) {
        let Some((code, list)) = line.split_once('\t') else { continue };
        if code == "en" {
            list.split_whitespace().for_each(|w| lex.english_word(w));
            continue;
        }
        if lex.order.len() == MAX_FOREIGN {
            continue;
        }
        let bit = 1 << lex.order.len();
        lex.order.push(code);
        list.split_whitespace().for_each(|w| lex.foreign_word(w, bit));
    }
    lex
});

// Loading runs once: its steps are functions of their own (`inline(never)`),
// too small for V8 to spend its optimising compiler on when a page starts.
impl Lexicon {
    #[inline(never)]
    fn english_word(&mut self, word: &'static str) {
        self.words.insert(word, Listed::English);
    }

    #[inline(never)]
    fn foreign_word(&mut self, word: &'static str, bit: u32) {
        // The lists keep English apart (a test checks): a word on both stays English.
        self.words.update(word, || Listed::Foreign(0), |listed| {
            if let Listed::Foreign(mask) = listed {
                *mask |= bit;
            }
        });
    }

    /// The languages a foreign word marks, in file order.
    fn languages_of(&self, mask: u32) -> impl Iterator<Item = Language> + '_ {
        self.order.iter().enumerate().filter(move |(i, _)| mask & (1 << i) != 0).map(|(_, &lang)| lang)
    }
}

/// Detects the language of `text` from its script, then, for Latin script,
/// from its words. Short texts with no telling word count as English.
pub fn detect_language(text: &str, tokens: &[Token]) -> Language {
    detect_language_in(&[(text, tokens)])
}

/// The language of a review written in parts (body, title), each with its
/// tokens: what `detect_language` says of the parts joined with spaces, without
/// joining their texts or copying their tokens.
pub fn detect_language_in(parts: &[(&str, &[Token])]) -> Language {
    if let Some(lang) = by_script(parts) {
        return lang;
    }
    let lex = &*LEXICON;
    let mut scores: Vec<(Language, f32)> = Vec::new();
    let (mut english, mut foreign) = (0usize, 0usize);
    // ¿ and ¡ are punctuation, so no token carries them (both are 0xC2 then a byte).
    for (text, _) in parts.iter().filter(|(text, _)| text.as_bytes().contains(&0xC2)) {
        for _ in text.chars().filter(|c| matches!(c, '¿' | '¡')) {
            foreign += 1;
            add(&mut scores, 1, ["es"].into_iter());
        }
    }
    // The words, read twice (counted, then looked up) rather than gathered into a Vec.
    let words = || parts.iter().flat_map(|(_, tokens)| tokens.iter()).filter(|t| t.kind == TokenKind::Word).map(|t| t.norm.as_ref());
    let total = words().count();
    for (seen, word) in words().enumerate() {
        // Once the words left cannot outvote English, the answer is English.
        if english > foreign + (total - seen) {
            return "en";
        }
        match lex.words.get(word) {
            Some(Listed::English) => english += 1,
            Some(&Listed::Foreign(mask)) => {
                let marked = lex.languages_of(mask).count();
                if marked > 0 {
                    foreign += 1;
                    add(&mut scores, marked, lex.languages_of(mask));
                }
            }
            None => {
                if let Some(langs) = elision(word).or_else(|| letters(word)).filter(|l| !l.is_empty()) {
                    foreign += 1;
                    add(&mut scores, langs.len(), langs.iter().copied());
                }
            }
        }
    }
    if total == 0 && foreign == 0 {
        return "und";
    }
    if foreign <= english {
        // No English word at all: English only if some short word English
        // shares is there, or too few words of letters only (numbers and
        // codes say nothing of the language) to tell.
        let unlisted = english == 0
            && !words().any(|w| SHARED_WITH_ENGLISH.contains(&w))
            && words().filter(|w| w.chars().all(char::is_alphabetic)).count() >= UNKNOWN_AFTER;
        return if unlisted { "und" } else { "en" };
    }
    // The best-scored language; on a tie, the first in the file.
    let score = |lang: Language| scores.iter().find(|(l, _)| *l == lang).map_or(0.0, |&(_, s)| s);
    let mut best: Option<(Language, f32)> = None;
    for &lang in &lex.order {
        let s = score(lang);
        if s > best.map_or(0.0, |(_, b)| b) {
            best = Some((lang, s));
        }
    }
    best.map_or("und", |(lang, _)| lang)
}

/// Shares one word's weight between the languages it may belong to.
fn add(scores: &mut Vec<(Language, f32)>, count: usize, langs: impl Iterator<Item = Language>) {
    let share = 1.0 / count.max(1) as f32;
    for lang in langs {
        match scores.iter_mut().find(|(l, _)| *l == lang) {
            Some((_, s)) => *s += share,
            None => scores.push((lang, share)),
        }
    }
}

/// French and Italian drop a vowel before a vowel: "l'eau", "c'est", "dell'acqua".
/// English contractions ("it's", "we'll") are not elisions.
fn elision(word: &str) -> Option<&'static [Language]> {
    let (before, after) = word.split_once('\'')?;
    if after.is_empty() || matches!(after, "s" | "t" | "re" | "ve" | "ll" | "d" | "m") {
        return None;
    }
    match before {
        "l" | "d" | "c" => Some(&["fr", "it"]),
        "j" | "n" | "s" | "m" | "t" | "qu" | "jusqu" | "lorsqu" | "puisqu" => Some(&["fr"]),
        "dell" | "nell" | "all" | "dall" | "sull" | "un" | "quest" | "quell" => Some(&["it"]),
        _ => None,
    }
}

/// The languages a word's most telling letter points to ("ção": ç may be
/// French, Portuguese or Turkish, ã is only Portuguese), or Dutch "ij".
fn letters(word: &str) -> Option<&'static [Language]> {
    // Every telling letter is outside ASCII, as most words are.
    let telling = if word.is_ascii() { None } else { word.chars().filter_map(letter_languages).min_by_key(|langs| langs.len()) };
    // Dutch spells a long vowel "ij" (mijn, prijs, blij); English words almost never do.
    telling.or_else(|| word.as_bytes().windows(2).any(|pair| pair == b"ij").then_some(&["nl"][..]))
}

/// Letters English does not use, with the languages that do.
fn letter_languages(c: char) -> Option<&'static [Language]> {
    Some(match c {
        'ß' => &["de"],
        'ñ' => &["es"],
        'ã' | 'õ' => &["pt"],
        'ç' => &["fr", "pt", "tr"],
        'é' => &["fr", "es", "pt", "it", "cs", "hu", "vi"],
        'è' => &["fr", "it", "vi"],
        'ê' => &["fr", "pt", "vi"],
        'ë' | 'ï' => &["fr", "nl"],
        'à' => &["fr", "it", "pt", "vi"],
        'â' => &["fr", "pt", "ro", "vi"],
        'î' => &["fr", "ro"],
        'ô' => &["fr", "pt", "vi"],
        'û' | 'œ' => &["fr"],
        'ù' => &["fr", "it", "vi"],
        'ì' => &["it", "vi"],
        'ò' => &["it", "vi", "ca"],
        'á' | 'í' | 'ú' => &["es", "pt", "cs", "hu", "vi"],
        'ó' => &["es", "pt", "pl", "hu", "vi"],
        'ü' => &["de", "tr", "hu"],
        'ä' => &["de", "sv", "fi", "sk"],
        'ö' => &["de", "sv", "tr", "fi", "hu"],
        'å' => &["sv", "da", "no"],
        'ø' | 'æ' => &["da", "no"],
        'ą' | 'ę' | 'ł' | 'ś' | 'ź' | 'ż' | 'ń' => &["pl"],
        'ć' => &["pl", "hr"],
        'ı' | 'ğ' | 'ş' => &["tr"],
        'ș' | 'ț' | 'ă' => &["ro"],
        'ř' | 'ě' | 'ů' => &["cs"],
        'č' | 'š' | 'ž' => &["cs", "sk", "hr", "sl"],
        'ý' | 'ť' | 'ď' | 'ň' => &["cs", "sk"],
        'ľ' | 'ĺ' | 'ŕ' => &["sk"],
        'ő' | 'ű' => &["hu"],
        'đ' => &["vi", "hr"],
        'ơ' | 'ư' | '\u{1EA0}'..='\u{1EF9}' => &["vi"],
        _ => return None,
    })
}

/// A letter's script, when the script names its language (or nearly: Cyrillic
/// is read as Russian, Arabic script as Arabic). `None` for Latin letters.
fn script_language(c: char) -> Option<Language> {
    Some(match c as u32 {
        0x370..=0x3FF | 0x1F00..=0x1FFF => "el",
        0x400..=0x52F => "ru",
        0x530..=0x58F => "hy",
        0x590..=0x5FF => "he",
        0x600..=0x6FF | 0x750..=0x77F | 0x8A0..=0x8FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => "ar",
        0x900..=0x97F => "hi",
        0x980..=0x9FF => "bn",
        0xA00..=0xA7F => "pa",
        0xA80..=0xAFF => "gu",
        0xB00..=0xB7F => "or",
        0xB80..=0xBFF => "ta",
        0xC00..=0xC7F => "te",
        0xC80..=0xCFF => "kn",
        0xD00..=0xD7F => "ml",
        0xD80..=0xDFF => "si",
        0xE00..=0xE7F => "th",
        0xE80..=0xEFF => "lo",
        0x1000..=0x109F => "my",
        0x10A0..=0x10FF => "ka",
        0x1200..=0x139F => "am",
        0x1780..=0x17FF => "km",
        0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => "ja",
        0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => "ko",
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF => "zh",
        _ => return None,
    })
}

fn is_latin(c: char) -> bool {
    matches!(c as u32, 0x41..=0x24F | 0x1E00..=0x1EFF)
}

/// Non-Latin scripts decide the language alone, when they dominate the letters.
fn by_script(parts: &[(&str, &[Token])]) -> Option<Language> {
    if parts.iter().all(|(text, _)| text.is_ascii()) {
        return None; // Latin letters only
    }
    let (mut latin, mut unknown, mut kana, mut han) = (0usize, 0usize, 0usize, 0usize);
    let mut ukrainian = false;
    let mut counts: Vec<(Language, usize)> = Vec::new();
    for c in parts.iter().flat_map(|(text, _)| text.chars()).filter(|c| c.is_alphabetic()) {
        if is_latin(c) {
            latin += 1;
            continue;
        }
        let Some(lang) = script_language(c) else {
            unknown += 1;
            continue;
        };
        kana += usize::from(lang == "ja");
        han += usize::from(lang == "zh");
        ukrainian |= matches!(c, 'і' | 'ї' | 'є' | 'ґ' | 'І' | 'Ї' | 'Є' | 'Ґ');
        match counts.iter_mut().find(|(l, _)| *l == lang) {
            Some((_, n)) => *n += 1,
            None => counts.push((lang, 1)),
        }
    }
    // Japanese mixes kanji and kana; kana among Han mark it as Japanese, unless
    // they are a stray few (a kaomoji's づ in Chinese text).
    if kana > 0 && kana * 4 >= han && kana + han >= latin {
        return Some("ja");
    }
    let best = counts.iter().copied().max_by_key(|&(_, n)| n).filter(|&(lang, n)| {
        // CJK characters carry a word each; count them thrice against Latin letters.
        let weight = if matches!(lang, "zh" | "ja" | "ko") { 3 } else { 1 };
        n * weight >= latin
    });
    match best {
        Some(("ru", _)) if ukrainian => Some("uk"),
        Some((lang, _)) => Some(lang),
        // A script we do not name, which is not English either.
        None if unknown > latin => Some("und"),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn lang(text: &str) -> Language {
        detect_language(text, &tokenize(text))
    }

    #[test]
    fn english_with_a_foreign_word_stays_english() {
        assert_eq!(lang("Great jacket, très chic, but the zip broke"), "en");
        assert_eq!(lang("Great!"), "en");
        assert_eq!(lang("Love my Nestlé coffee, and the Pokémon mug it came in"), "en");
        assert_eq!(lang("The Le Creuset pan is great"), "en");
        assert_eq!(lang("Gift for my oma, she said danke a hundred times"), "en");
        assert_eq!(lang("Took 10 min to set up, super easy"), "en");
        assert_eq!(lang("My e-bike charger died"), "en");
    }

    #[test]
    fn english_contractions_are_not_elisions() {
        assert_eq!(elision("it's"), None);
        assert_eq!(elision("we'll"), None);
        assert_eq!(elision("l'eau"), Some(&["fr", "it"][..]));
        assert_eq!(elision("dell'acquisto"), Some(&["it"][..]));
    }

    #[test]
    fn other_languages_are_reported_as_such() {
        assert_eq!(lang("El producto llegó roto y la calidad es muy mala"), "es");
        assert_eq!(lang("Die Qualität ist leider nicht gut"), "de");
        assert_eq!(lang("很快，好吃，味道足，量大"), "zh");
        assert_eq!(lang("商品が届きませんでした"), "ja");
        assert_eq!(lang("Доставка была очень медленной"), "ru");
        assert_eq!(lang("Доставка була дуже повільною, і товар зламаний"), "uk");
        assert_eq!(lang("배송이 빨라요"), "ko");
        assert_eq!(lang("送餐很快，菜也好吃，值得推荐(づ｡◕‿‿◕｡)づ"), "zh");
        assert_eq!(lang("ডেলিভারি খুব দেরিতে এসেছে"), "bn");
    }

    #[test]
    fn short_foreign_texts_are_not_english() {
        assert_eq!(lang("Merci !"), "fr");
        assert_eq!(lang("Super, polecam!"), "pl");
        assert_eq!(lang("Non lo consiglio."), "it");
        assert_eq!(lang("Niet aan te raden."), "nl");
        assert_eq!(lang("¡Increíble!"), "es");
        assert_eq!(lang("Jättebra, snabb leverans!"), "sv");
        assert_eq!(lang("Çok güzel, tavsiye ederim."), "tr");
        assert_eq!(lang("Nul, cassé au bout de deux jours."), "fr");
    }

    #[test]
    fn letters_tell_languages_without_a_word_list() {
        assert_eq!(lang("Sản phẩm tốt, giao hàng nhanh"), "vi");
        assert_eq!(lang("Świetny towar"), "pl");
        assert_eq!(lang("Straße"), "de");
    }

    #[test]
    fn unknown_latin_languages_are_not_read_as_english() {
        // Welsh: eight words, none English, none on a list.
        assert_eq!(lang("Cynnyrch gwych iawn cyrhaeddodd yn gyflym diolch yn fawr"), "und");
        // Swahili, Tagalog and the South Slavic languages have lists (session 12).
        assert_eq!(lang("Bidhaa nzuri sana imefika haraka kabisa nitanunua tena"), "sw");
        assert_eq!(lang("Maganda ang produkto at mabilis ang delivery"), "tl");
        assert_eq!(lang("Proizvod je dobar, dostava je bila brza"), "hr");
        assert_eq!(lang("Izdelek je dober, dostava hitra"), "sl");
        assert_eq!(lang("no comments on reliability, warranty, repairs, accessories, looks, weight"), "en");
        assert_eq!(lang("Bought this for my abuela and she uses it every single day"), "en");
    }

    #[test]
    fn a_review_in_parts_reads_as_its_parts_joined() {
        let texts = [
            ("Great jacket", "très chic"),
            ("Die Qualität ist leider", "nicht gut"),
            ("¡Increíble", "producto!"),
            ("很快，好吃", "味道足"),
            ("Merci", ""),
            ("", ""),
            ("Bidhaa nzuri sana imefika", "haraka kabisa nitanunua tena"),
        ];
        for (body, title) in texts {
            let joined = format!("{body} {title}");
            let (body_tokens, title_tokens) = (tokenize(body), tokenize(title));
            assert_eq!(detect_language_in(&[(body, &body_tokens), (title, &title_tokens)]), lang(&joined), "{joined}");
        }
    }

    #[test]
    fn nothing_to_tell_from() {
        assert_eq!(lang(""), "und");
        assert_eq!(lang("!!! :)"), "und");
    }

    #[test]
    fn word_lists_keep_english_apart() {
        let lines = include_str!("languages.txt").lines().filter(|l| !l.starts_with('#'));
        let (mut english, mut foreign) = (Vec::new(), Vec::new());
        for (code, list) in lines.filter_map(|l| l.split_once('\t')) {
            if code == "en" { &mut english } else { &mut foreign }.extend(list.split_whitespace());
        }
        let shared: Vec<&&str> = foreign.iter().filter(|w| english.contains(*w)).collect();
        assert!(shared.is_empty(), "on the English line and a foreign one: {shared:?}");
        let lex = &*LEXICON;
        assert!(lex.words.values().filter(|l| **l == Listed::English).count() > 300 && lex.order.len() >= 15);
    }
}
