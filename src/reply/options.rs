//! How a merchant wants a reply written and where it is posted.

use serde::Deserialize;

use crate::error::Error;
use crate::review::Review;

/// Where the reply is posted: decides the length limit, whether the reviewer's
/// name is shown and whether links are allowed (`data/platforms.tsv`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// Any storefront or review app without rules of its own.
    #[default]
    Generic,
    /// Amazon: no links, no names, and never a word about updating a review.
    Amazon,
    /// Google Business Profile: 4,096 characters.
    Google,
    /// Trustpilot: plain text, names shown.
    Trustpilot,
    /// Shopify Product Reviews.
    Shopify,
}

/// What a platform allows, read once from `data/platforms.tsv`.
#[derive(Clone, Debug, PartialEq)]
pub struct PlatformRules {
    pub max_chars: usize,
    pub shows_name: bool,
    pub links_allowed: bool,
    pub source: String,
}

impl Platform {
    pub const ALL: [Platform; 5] = [Self::Generic, Self::Amazon, Self::Google, Self::Trustpilot, Self::Shopify];

    pub fn id(self) -> &'static str {
        match self {
            Self::Generic => "generic",
            Self::Amazon => "amazon",
            Self::Google => "google",
            Self::Trustpilot => "trustpilot",
            Self::Shopify => "shopify",
        }
    }

    pub fn from_id(id: &str) -> Option<Platform> {
        Self::ALL.into_iter().find(|p| p.id() == id.trim().to_ascii_lowercase())
    }

    pub fn rules(self) -> PlatformRules {
        platform_rules(include_str!("data/platforms.tsv"), self).unwrap_or(PlatformRules {
            max_chars: 2048,
            shows_name: false,
            links_allowed: false,
            source: String::new(),
        })
    }
}

/// The row of `file` for `platform` (a test checks every platform has one).
pub fn platform_rules(file: &str, platform: Platform) -> Option<PlatformRules> {
    file.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).find_map(|line| {
        let mut cols = line.split('\t');
        if cols.next()? != platform.id() {
            return None;
        }
        let max_chars = cols.next()?.parse().ok()?;
        let shows_name = cols.next()? == "yes";
        let links_allowed = cols.next()? == "yes";
        Some(PlatformRules { max_chars, shows_name, links_allowed, source: cols.next()?.to_string() })
    })
}

/// The voice of the reply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tone {
    /// "Hi Sam, we're so sorry…"
    #[default]
    Warm,
    /// "Dear Sam, we apologise…"
    Formal,
}

/// Where the details of a complaint move: the private channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SupportChannel {
    /// "email us at care@shop.example"
    Email(String),
    /// "reach us through https://shop.example/help"
    Link(String),
    /// "reply to the message we've sent you"
    OurMessage,
}

impl SupportChannel {
    /// An email address or an http(s) link; anything else is refused with why.
    pub fn parse(given: &str) -> Result<SupportChannel, Error> {
        let s = given.trim();
        if s.is_empty() {
            return Ok(SupportChannel::OurMessage);
        }
        let lower = s.to_ascii_lowercase();
        if lower.starts_with("https://") || lower.starts_with("http://") {
            let host = s.split("://").nth(1).unwrap_or("");
            if host.is_empty() || s.chars().any(char::is_whitespace) {
                return Err(Error::InvalidOptions(format!("`support` link {s:?} is not a valid URL")));
            }
            return Ok(SupportChannel::Link(s.to_string()));
        }
        let at = s.find('@');
        let valid_email = at.is_some_and(|i| {
            let (local, domain) = (&s[..i], &s[i + 1..]);
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        }) && !s.chars().any(|c| c.is_whitespace() || c == '<' || c == '>');
        if valid_email {
            return Ok(SupportChannel::Email(s.to_string()));
        }
        Err(Error::InvalidOptions(format!(
            "`support` must be an email address or an https link (got {s:?}); leave it out to point customers to the message you sent them"
        )))
    }

    /// The exact text of the channel, as it may appear in a reply.
    pub fn address(&self) -> Option<&str> {
        match self {
            SupportChannel::Email(s) | SupportChannel::Link(s) => Some(s),
            SupportChannel::OurMessage => None,
        }
    }
}

/// The option names callers may pass (a misspelt one is refused, not ignored).
pub const OPTION_FIELDS: &[&str] = &["brand", "signOff", "support", "tone", "platform", "displayName", "variant", "review"];

/// The options of `draftReply` and `lintReply`, as the JS caller passes them.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReplyOptions {
    /// The store's name, used in the sign-off: "The Acme team".
    #[serde(default)]
    pub brand: Option<String>,
    /// Replaces the whole sign-off line: "Maria, Acme customer care".
    #[serde(default)]
    pub sign_off: Option<String>,
    /// An email address or an https link; absent: "reply to the message we've sent you".
    #[serde(default)]
    pub support: Option<String>,
    #[serde(default)]
    pub tone: Option<String>,
    #[serde(default)]
    pub platform: Option<String>,
    /// The reviewer's public name, used only where the platform shows it.
    #[serde(default)]
    pub display_name: Option<String>,
    /// Cycles through wordings of the same reply: 0, 1, 2… (wraps around).
    #[serde(default)]
    pub variant: Option<f64>,
    /// For `lintReply`: the review being answered, which enables the checks
    /// that depend on it (the issue named, escalation, the reviewer's name).
    #[serde(default)]
    pub review: Option<Review>,
}

/// The options after checking: what the drafter and the linter work with.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub brand: Option<String>,
    pub sign_off: Option<String>,
    pub support: SupportChannel,
    pub tone: Tone,
    pub platform: Platform,
    pub display_name: Option<String>,
    pub variant: usize,
}

/// The longest brand, sign-off or name we accept: these go into a public reply.
const MAX_OPTION_CHARS: usize = 120;

impl ReplyOptions {
    pub fn settings(&self) -> Result<Settings, Error> {
        let short = |field: &str, value: &Option<String>| -> Result<Option<String>, Error> {
            match value.as_deref().map(str::trim) {
                None | Some("") => Ok(None),
                Some(v) if v.chars().count() > MAX_OPTION_CHARS => Err(Error::InvalidOptions(format!(
                    "`{field}` is {} characters; keep it under {MAX_OPTION_CHARS}",
                    v.chars().count()
                ))),
                Some(v) if v.contains(['\n', '\r', '<', '>']) => {
                    Err(Error::InvalidOptions(format!("`{field}` must be one line of plain text, without < or >")))
                }
                Some(v) => Ok(Some(v.to_string())),
            }
        };
        let tone = match self.tone.as_deref().map(|t| t.trim().to_ascii_lowercase()) {
            None => Tone::Warm,
            Some(t) if t.is_empty() || t == "warm" => Tone::Warm,
            Some(t) if t == "formal" => Tone::Formal,
            Some(t) => return Err(Error::InvalidOptions(format!("`tone` must be \"warm\" or \"formal\", not {t:?}"))),
        };
        let platform = match self.platform.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            None => Platform::Generic,
            Some(p) => Platform::from_id(p).ok_or_else(|| {
                let known: Vec<&str> = Platform::ALL.iter().map(|p| p.id()).collect();
                Error::InvalidOptions(format!("`platform` must be one of {}, not {p:?}", known.join(", ")))
            })?,
        };
        let variant = match self.variant {
            None => 0,
            Some(v) if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < 1e9 => v as usize,
            Some(v) => return Err(Error::InvalidOptions(format!("`variant` must be a whole number from 0, not {v}"))),
        };
        Ok(Settings {
            brand: short("brand", &self.brand)?,
            sign_off: short("signOff", &self.sign_off)?,
            support: SupportChannel::parse(self.support.as_deref().unwrap_or(""))?,
            tone,
            platform,
            display_name: short("displayName", &self.display_name)?,
            variant,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_platform_has_its_rules_in_the_data() {
        for p in Platform::ALL {
            let rules = platform_rules(include_str!("data/platforms.tsv"), p);
            assert!(rules.as_ref().is_some_and(|r| r.max_chars > 500 && !r.source.is_empty()), "{p:?}: {rules:?}");
        }
        assert!(Platform::Google.rules().max_chars == 4096);
        assert!(!Platform::Amazon.rules().links_allowed);
    }

    #[test]
    fn support_channels_are_read_or_refused_with_why() {
        assert_eq!(SupportChannel::parse("care@shop.example"), Ok(SupportChannel::Email("care@shop.example".into())));
        assert_eq!(SupportChannel::parse(" https://shop.example/help "), Ok(SupportChannel::Link("https://shop.example/help".into())));
        assert_eq!(SupportChannel::parse(""), Ok(SupportChannel::OurMessage));
        for bad in ["call us", "care@shop", "https://", "<script>@x.com", "ftp://x"] {
            assert!(matches!(SupportChannel::parse(bad), Err(Error::InvalidOptions(_))), "{bad}");
        }
    }

    #[test]
    fn bad_options_name_the_field() {
        let bad = |o: ReplyOptions, field: &str| {
            let e = o.settings().err().map(|e| e.to_string()).unwrap_or_default();
            assert!(e.contains(field), "{e}");
        };
        bad(ReplyOptions { tone: Some("angry".into()), ..Default::default() }, "`tone`");
        bad(ReplyOptions { platform: Some("yelp".into()), ..Default::default() }, "`platform`");
        bad(ReplyOptions { variant: Some(-1.0), ..Default::default() }, "`variant`");
        bad(ReplyOptions { brand: Some("x".repeat(200)), ..Default::default() }, "`brand`");
        bad(ReplyOptions { sign_off: Some("a\nb".into()), ..Default::default() }, "`signOff`");
    }
}
