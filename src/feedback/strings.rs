//! The widget's words: English built in (`data/en.txt`), any other locale
//! from the merchant's `strings`, key for key.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use super::error::FeedbackError;

macro_rules! texts {
    ($($variant:ident = $key:literal,)*) => {
        /// One piece of text the widget shows; its key is the name merchants translate.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Text { $($variant,)* }

        impl Text {
            pub const ALL: &'static [Text] = &[$(Text::$variant,)*];

            pub fn key(self) -> &'static str {
                match self { $(Text::$variant => $key,)* }
            }

            pub fn from_key(key: &str) -> Option<Text> {
                Self::ALL.iter().copied().find(|t| t.key() == key)
            }
        }
    };
}

texts! {
    Title = "title",
    Intro = "intro",
    ArrivedAsExpected = "arrivedAsExpected",
    DeliverySmooth = "deliverySmooth",
    Satisfaction = "satisfaction",
    Satisfaction1 = "satisfaction1",
    Satisfaction2 = "satisfaction2",
    Satisfaction3 = "satisfaction3",
    Satisfaction4 = "satisfaction4",
    Satisfaction5 = "satisfaction5",
    NeedsHelp = "needsHelp",
    Yes = "yes",
    No = "no",
    Comment = "comment",
    Submit = "submit",
    NeedOneAnswer = "needOneAnswer",
    Thanks = "thanks",
    HelpOnItsWay = "helpOnItsWay",
    ResponseTime = "responseTime",
    SupportHours = "supportHours",
    Invitation = "invitation",
    InvitationLink = "invitationLink",
    NewTab = "newTab",
    Sending = "sending",
    Sent = "sent",
    Offline = "offline",
    Slow = "slow",
    Retrying = "retrying",
    Rejected = "rejected",
    Unavailable = "unavailable",
}

/// `key = text` lines; `#` starts a comment line.
fn parse(data: &str) -> BTreeMap<String, String> {
    data.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

static ENGLISH: LazyLock<BTreeMap<String, String>> = LazyLock::new(|| parse(include_str!("data/en.txt")));

/// The built-in English text for a key (empty only if the data file lacks it,
/// which the data test rules out).
pub fn english(text: Text) -> &'static str {
    ENGLISH.get(text.key()).map_or("", String::as_str)
}

/// The words one widget shows, resolved once from its locale and `strings`.
#[derive(Clone, Debug, PartialEq)]
pub struct Strings {
    texts: Vec<String>,
}

impl Strings {
    /// English for `en` (and `en-*`) with the merchant's overrides; any other
    /// locale needs every key in `overrides`, so no form is half translated.
    pub fn resolve(locale: &str, overrides: &BTreeMap<String, String>) -> Result<Strings, FeedbackError> {
        if let Some(unknown) = overrides.keys().find(|k| Text::from_key(k).is_none()) {
            return Err(FeedbackError::InvalidSetting(format!(
                "`strings` has a key `{unknown}` the widget does not use; the keys are {}",
                Text::ALL.iter().map(|t| format!("`{}`", t.key())).collect::<Vec<_>>().join(", ")
            )));
        }
        let english_built_in = primary_language(locale) == "en";
        let mut missing = Vec::new();
        let texts = Text::ALL
            .iter()
            .map(|t| match overrides.get(t.key()).map(|s| s.trim()).filter(|s| !s.is_empty()) {
                Some(s) => s.to_string(),
                None => {
                    if !english_built_in {
                        missing.push(t.key().to_string());
                    }
                    english(*t).to_string()
                }
            })
            .collect();
        if !missing.is_empty() {
            return Err(FeedbackError::MissingStrings { locale: locale.to_string(), keys: missing });
        }
        Ok(Strings { texts })
    }

    pub fn get(&self, text: Text) -> &str {
        let i = Text::ALL.iter().position(|t| *t == text).unwrap_or(0);
        self.texts.get(i).map_or("", String::as_str)
    }

    /// The text with its `{name}` placeholder filled in.
    pub fn fill(&self, text: Text, name: &str, value: &str) -> String {
        self.get(text).replace(&format!("{{{name}}}"), value)
    }
}

/// `pt` of `pt-BR`, lower-cased.
pub fn primary_language(locale: &str) -> String {
    locale.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase()
}

/// A BCP 47 language tag in the shape browsers accept: `en`, `fr-CA`, `zh-Hant-TW`.
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_english_file_has_every_key_and_no_other() {
        let file = parse(include_str!("data/en.txt"));
        for t in Text::ALL {
            assert!(file.get(t.key()).is_some_and(|s| !s.is_empty()), "en.txt lacks `{}`", t.key());
        }
        for key in file.keys() {
            assert!(Text::from_key(key).is_some(), "en.txt has `{key}`, which no Text uses");
        }
    }

    #[test]
    fn another_locale_needs_every_key() {
        let mut fr = BTreeMap::new();
        fr.insert("title".to_string(), "Votre commande ?".to_string());
        match Strings::resolve("fr", &fr) {
            Err(FeedbackError::MissingStrings { locale, keys }) => {
                assert_eq!(locale, "fr");
                assert!(keys.contains(&"submit".to_string()) && !keys.contains(&"title".to_string()));
            }
            other => panic!("expected missing strings, got {other:?}"),
        }
        let all: BTreeMap<_, _> = Text::ALL.iter().map(|t| (t.key().to_string(), format!("fr {}", t.key()))).collect();
        let s = Strings::resolve("fr-CA", &all).expect("complete French strings");
        assert_eq!(s.get(Text::Submit), "fr submit");
    }

    #[test]
    fn english_overrides_keep_the_rest() {
        let mut o = BTreeMap::new();
        o.insert("submit".to_string(), "Send".to_string());
        let s = Strings::resolve("en-GB", &o).expect("English with one override");
        assert_eq!(s.get(Text::Submit), "Send");
        assert_eq!(s.get(Text::Yes), "Yes");
        o.insert("colour".to_string(), "x".to_string());
        assert!(matches!(Strings::resolve("en", &o), Err(FeedbackError::InvalidSetting(m)) if m.contains("`colour`")));
    }

    #[test]
    fn language_tags() {
        for ok in ["en", "fr-CA", "pt-BR", "zh-Hant-TW", "gsw"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in ["", "english", "e", "en_", "en-", "en GB", "<b>"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }
}
