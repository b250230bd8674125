//! The merchant's configuration: what the decision needs (`FeedbackOptions`)
//! and what the widget needs on top (`WidgetConfig`), read from one set of
//! settings (attributes or JSON) and checked once.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::error::FeedbackError;
use super::strings::{is_language_tag, Strings, Text};

/// Every setting the widget and `assessFeedback` accept (camelCase; the
/// element's attributes are the same names in kebab-case).
pub const SETTINGS: &[&str] = &[
    "orderId", "endpoint", "reviewUrl", "locale", "strings", "responseTime", "supportHours", "questions",
    "inviteClickEndpoint", "product", "sku", "variant", "carrier", "region", "warehouse",
    "reviewInvite",
];

/// A question the form can ask, in the order the merchant lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Question {
    /// Yes / no: "Did your order arrive as expected?"
    ArrivedAsExpected,
    /// Yes / no: "Was the delivery smooth?"
    DeliverySmooth,
    /// 1 to 5: "How satisfied are you with the product?"
    Satisfaction,
    /// Yes / no: "Do you need help with anything?"
    NeedsHelp,
    /// Free text, optional.
    Comment,
}

impl Question {
    pub const ALL: [Question; 5] =
        [Self::ArrivedAsExpected, Self::DeliverySmooth, Self::Satisfaction, Self::NeedsHelp, Self::Comment];

    pub fn id(self) -> &'static str {
        match self {
            Self::ArrivedAsExpected => "arrivedAsExpected",
            Self::DeliverySmooth => "deliverySmooth",
            Self::Satisfaction => "satisfaction",
            Self::NeedsHelp => "needsHelp",
            Self::Comment => "comment",
        }
    }

    /// The question's wording key in the strings.
    pub fn text(self) -> Text {
        match self {
            Self::ArrivedAsExpected => Text::ArrivedAsExpected,
            Self::DeliverySmooth => Text::DeliverySmooth,
            Self::Satisfaction => Text::Satisfaction,
            Self::NeedsHelp => Text::NeedsHelp,
            Self::Comment => Text::Comment,
        }
    }
}

/// A setting's value as it arrives: attributes are text, JSON may be anything.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Value {
    Bool(bool),
    Number(f64),
    Text(String),
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Null(()),
}

impl Value {
    fn describe(&self) -> &'static str {
        match self {
            Value::Bool(_) => "true or false",
            Value::Number(_) => "a number",
            Value::Text(_) => "text",
            Value::List(_) => "a list",
            Value::Map(_) => "an object",
            Value::Null(()) => "null",
        }
    }

    /// Off: what a harmless gating-shaped setting may say (`false`, `0`, `"all"`).
    fn is_off(&self) -> bool {
        match self {
            Value::Bool(b) => !b,
            Value::Number(n) => *n == 0.0,
            Value::Text(t) => matches!(t.trim().to_ascii_lowercase().as_str(), "" | "false" | "0" | "no" | "all" | "everyone" | "always"),
            Value::Null(()) => true,
            Value::List(_) | Value::Map(_) => false,
        }
    }
}

/// The settings as given, before checking: names to values.
pub type Settings = BTreeMap<String, Value>;

/// Would this setting treat unhappy customers' review link differently?
/// Known names, and names that read that way ("showReviewOnlyIfHappy").
fn is_gating_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase().replace(['-', '_'], "");
    let about_review = n.contains("review") || n.contains("invit");
    let gates = ["hide", "delay", "happy", "gate", "gating", "only", "condition", "skip", "suppress", "filter", "after", "min", "threshold", "positive", "negative"];
    about_review && gates.iter().any(|g| n.contains(g))
}

/// What the decision needs: the review link and the words.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedbackOptions {
    pub review_url: String,
    /// When support works ("Monday to Friday, 9:00 to 17:00"), told to unhappy customers.
    pub support_hours: Option<String>,
    pub locale: String,
    pub strings: Strings,
    pub questions: Vec<Question>,
}

/// What the widget needs on top: where answers go, and the order's context.
#[derive(Clone, Debug, PartialEq)]
pub struct WidgetConfig {
    pub order_id: String,
    pub endpoint: String,
    pub invite_click_endpoint: Option<String>,
    /// Product, SKU, carrier… copied into the answers so the ticket has them.
    pub context: BTreeMap<String, String>,
    pub options: FeedbackOptions,
}

fn text_setting(settings: &Settings, name: &str) -> Result<Option<String>, FeedbackError> {
    match settings.get(name) {
        None | Some(Value::Null(())) => Ok(None),
        Some(Value::Text(t)) if t.trim().is_empty() => Ok(None),
        Some(Value::Text(t)) => Ok(Some(t.trim().to_string())),
        Some(Value::Number(n)) if name == "orderId" && n.fract() == 0.0 => Ok(Some(format!("{n}"))),
        Some(other) => Err(FeedbackError::InvalidSetting(format!("`{name}` must be text, not {}", other.describe()))),
    }
}

/// Refuses anything that would gate the review link, and names we do not know.
fn check_names(settings: &Settings) -> Result<(), FeedbackError> {
    for (name, value) in settings {
        if name == "reviewInvite" {
            // The one sanctioned spelling of the rule: "all" (the default).
            if !value.is_off() {
                return Err(FeedbackError::ReviewGating { setting: format!("{name}: {}", show(value)) });
            }
            continue;
        }
        if SETTINGS.contains(&name.as_str()) {
            continue;
        }
        if is_gating_name(name) {
            return Err(FeedbackError::ReviewGating { setting: name.clone() });
        }
        return Err(FeedbackError::UnknownSetting { setting: name.clone() });
    }
    Ok(())
}

fn show(value: &Value) -> String {
    match value {
        Value::Text(t) => format!("\"{t}\""),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => other.describe().to_string(),
    }
}

/// An https URL with a host: `https://example.com/review`.
fn is_https_url(url: &str) -> bool {
    url.strip_prefix("https://")
        .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(""))
        .is_some_and(|host| !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c)))
        && !url.chars().any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>')
}

/// An http(s) URL or a same-site path: where a browser may POST answers.
fn is_endpoint(url: &str) -> bool {
    let no_spaces = !url.chars().any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>');
    let same_site = url.starts_with('/') && !url.starts_with("//");
    let http = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .is_some_and(|rest| !rest.split(['/', '?', '#']).next().unwrap_or("").is_empty());
    no_spaces && (same_site || http)
}

/// Phrases that ask for a good rating or tie an incentive to a review.
const NOT_NEUTRAL: &[&str] = &[
    "5 star", "five star", "5-star", "five-star", "★", "loved it", "love it", "happy with", "if you liked",
    "if you enjoyed", "positive review", "good review", "great review", "discount", "coupon", "voucher",
    "% off", "free gift", "gift card", "reward", "in exchange",
];

fn check_neutral(invitation: &str) -> Result<(), FeedbackError> {
    let lower = invitation.to_lowercase();
    match NOT_NEUTRAL.iter().find(|p| lower.contains(*p)) {
        Some(found) => Err(FeedbackError::NonNeutralInvitation { found: found.to_string() }),
        None => Ok(()),
    }
}

fn questions(settings: &Settings) -> Result<Vec<Question>, FeedbackError> {
    let names: Vec<String> = match settings.get("questions") {
        None | Some(Value::Null(())) => return Ok(Question::ALL.to_vec()),
        Some(Value::Text(t)) => t.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect(),
        Some(Value::List(items)) => items
            .iter()
            .map(|v| match v {
                Value::Text(t) => Ok(t.trim().to_string()),
                other => Err(FeedbackError::InvalidSetting(format!("`questions` must list question names, not {}", other.describe()))),
            })
            .collect::<Result<_, _>>()?,
        Some(other) => return Err(FeedbackError::InvalidSetting(format!("`questions` must be a list, not {}", other.describe()))),
    };
    let ids = || Question::ALL.iter().map(|q| format!("`{}`", q.id())).collect::<Vec<_>>().join(", ");
    let mut out = Vec::new();
    for name in names {
        let q = Question::ALL
            .into_iter()
            .find(|q| q.id() == name)
            .ok_or_else(|| FeedbackError::InvalidSetting(format!("`questions` has `{name}`; the questions are {}", ids())))?;
        if !out.contains(&q) {
            out.push(q);
        }
    }
    if out.is_empty() {
        return Err(FeedbackError::InvalidSetting(format!("`questions` is empty; list at least one of {}", ids())));
    }
    Ok(out)
}

impl FeedbackOptions {
    pub fn from_settings(settings: &Settings) -> Result<FeedbackOptions, FeedbackError> {
        check_names(settings)?;
        let review_url = text_setting(settings, "reviewUrl")?.ok_or(FeedbackError::MissingReviewUrl)?;
        if !is_https_url(&review_url) {
            return Err(FeedbackError::InvalidReviewUrl(review_url));
        }
        let locale = text_setting(settings, "locale")?.unwrap_or_else(|| "en".to_string());
        if !is_language_tag(&locale) {
            return Err(FeedbackError::InvalidLocale(locale));
        }
        let mut overrides = match settings.get("strings") {
            None | Some(Value::Null(())) => BTreeMap::new(),
            Some(Value::Map(map)) => map
                .iter()
                .map(|(k, v)| match v {
                    Value::Text(t) => Ok((k.clone(), t.clone())),
                    other => Err(FeedbackError::InvalidSetting(format!("`strings.{k}` must be text, not {}", other.describe()))),
                })
                .collect::<Result<_, _>>()?,
            Some(other) => return Err(FeedbackError::InvalidSetting(format!("`strings` must be an object of texts, not {}", other.describe()))),
        };
        if let Some(time) = text_setting(settings, "responseTime")? {
            overrides.insert(Text::ResponseTime.key().to_string(), time);
        }
        let strings = Strings::resolve(&locale, &overrides)?;
        check_neutral(strings.get(Text::Invitation))?;
        check_neutral(strings.get(Text::InvitationLink))?;
        let support_hours = text_setting(settings, "supportHours")?;
        Ok(FeedbackOptions { review_url, support_hours, locale, strings, questions: questions(settings)? })
    }
}

impl FeedbackOptions {
    /// What an unhappy customer is told: that help is coming, and when.
    pub fn follow_up(&self) -> String {
        let when = self.strings.fill(Text::HelpOnItsWay, "responseTime", self.strings.get(Text::ResponseTime));
        match &self.support_hours {
            Some(hours) => format!("{when} {}", self.strings.fill(Text::SupportHours, "supportHours", hours)),
            None => when,
        }
    }
}

/// The order's context a storefront may pass, copied into the answers.
pub const CONTEXT: &[&str] = &["product", "sku", "variant", "carrier", "region", "warehouse"];

impl WidgetConfig {
    pub fn from_settings(settings: &Settings) -> Result<WidgetConfig, FeedbackError> {
        check_names(settings)?;
        let endpoint = text_setting(settings, "endpoint")?.ok_or(FeedbackError::MissingEndpoint)?;
        if !is_endpoint(&endpoint) {
            return Err(FeedbackError::InvalidEndpoint(endpoint));
        }
        let invite_click_endpoint = text_setting(settings, "inviteClickEndpoint")?;
        if let Some(e) = &invite_click_endpoint {
            if !is_endpoint(e) {
                return Err(FeedbackError::InvalidEndpoint(e.clone()));
            }
        }
        let options = FeedbackOptions::from_settings(settings)?;
        let order_id = text_setting(settings, "orderId")?.ok_or(FeedbackError::MissingOrderId)?;
        let mut context = BTreeMap::new();
        for name in CONTEXT {
            if let Some(v) = text_setting(settings, name)? {
                context.insert(name.to_string(), v);
            }
        }
        Ok(WidgetConfig { order_id, endpoint, invite_click_endpoint, context, options })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> Settings {
        pairs.iter().map(|(k, v)| (k.to_string(), Value::Text(v.to_string()))).collect()
    }

    fn good() -> Settings {
        settings(&[("orderId", "A-1001"), ("endpoint", "/api/feedback"), ("reviewUrl", "https://shop.example/reviews/new")])
    }

    #[test]
    fn a_complete_configuration_is_read() {
        let c = WidgetConfig::from_settings(&good()).expect("valid");
        assert_eq!(c.order_id, "A-1001");
        assert_eq!(c.endpoint, "/api/feedback");
        assert_eq!(c.options.locale, "en");
        assert_eq!(c.options.questions, Question::ALL.to_vec());
    }

    #[test]
    fn missing_and_malformed_settings_say_what_to_fix() {
        let mut s = good();
        s.remove("endpoint");
        assert_eq!(WidgetConfig::from_settings(&s), Err(FeedbackError::MissingEndpoint));
        let mut s = good();
        s.remove("reviewUrl");
        assert_eq!(WidgetConfig::from_settings(&s), Err(FeedbackError::MissingReviewUrl));
        for bad in ["www.shop.example/r", "http://shop.example/r", "javascript:alert(1)", "https:///x", "https://a b"] {
            let mut s = good();
            s.insert("reviewUrl".into(), Value::Text(bad.into()));
            assert_eq!(WidgetConfig::from_settings(&s), Err(FeedbackError::InvalidReviewUrl(bad.into())), "{bad}");
        }
        for bad in ["javascript:alert(1)", "//evil.example/x", "api/feedback", "https://"] {
            let mut s = good();
            s.insert("endpoint".into(), Value::Text(bad.into()));
            assert_eq!(WidgetConfig::from_settings(&s), Err(FeedbackError::InvalidEndpoint(bad.into())), "{bad}");
        }
        let mut s = good();
        s.insert("locale".into(), Value::Text("english".into()));
        let e = WidgetConfig::from_settings(&s).unwrap_err();
        assert_eq!(e, FeedbackError::InvalidLocale("english".into()));
        assert!(e.to_string().contains("pt-BR"));
        let mut s = good();
        s.insert("reviewUrl".into(), Value::Bool(true));
        assert!(matches!(WidgetConfig::from_settings(&s), Err(FeedbackError::InvalidSetting(m)) if m.contains("`reviewUrl` must be text")));
    }

    #[test]
    fn gating_settings_are_refused_naming_the_rule() {
        let cases: &[(&str, Value)] = &[
            ("hideReviewLinkWhenUnhappy", Value::Bool(true)),
            ("hideReviewLinkWhenUnhappy", Value::Text("false".into())),
            ("reviewLinkDelay", Value::Number(86400.0)),
            ("unhappyReviewLinkDelay", Value::Number(3.0)),
            ("showReviewOnlyIfHappy", Value::Bool(true)),
            ("reviewMinSatisfaction", Value::Number(4.0)),
            ("reviewInvite", Value::Text("happy-only".into())),
        ];
        for (name, value) in cases {
            let mut s = good();
            s.insert(name.to_string(), value.clone());
            let e = WidgetConfig::from_settings(&s).expect_err(name);
            assert!(matches!(e, FeedbackError::ReviewGating { .. }), "{name}: {e:?}");
            let message = e.to_string();
            assert!(message.contains(name) && message.contains("review gating") && message.contains("Trustpilot"), "{message}");
            // assessFeedback's options refuse it too.
            assert!(matches!(FeedbackOptions::from_settings(&s), Err(FeedbackError::ReviewGating { .. })));
        }
        let mut s = good();
        s.insert("reviewInvite".into(), Value::Text("all".into()));
        assert!(WidgetConfig::from_settings(&s).is_ok());
    }

    #[test]
    fn unknown_settings_are_named() {
        let mut s = good();
        s.insert("colour".into(), Value::Text("red".into()));
        let e = WidgetConfig::from_settings(&s).unwrap_err();
        assert_eq!(e, FeedbackError::UnknownSetting { setting: "colour".into() });
        assert!(e.to_string().contains("`reviewUrl`"));
    }

    #[test]
    fn a_non_neutral_invitation_is_refused() {
        let mut s = good();
        let mut strings = BTreeMap::new();
        strings.insert("invitation".to_string(), Value::Text("Loved it? Leave us 5 stars!".into()));
        s.insert("strings".into(), Value::Map(strings));
        assert!(matches!(WidgetConfig::from_settings(&s), Err(FeedbackError::NonNeutralInvitation { .. })));
    }

    #[test]
    fn support_hours_follow_the_response_time() {
        let mut s = good();
        s.insert("responseTime".into(), Value::Text("within 4 hours".into()));
        s.insert("supportHours".into(), Value::Text("Monday to Friday, 9:00 to 17:00".into()));
        let c = WidgetConfig::from_settings(&s).expect("valid");
        assert_eq!(
            c.options.follow_up(),
            "Help is on its way: our support team will contact you within 4 hours. Our support team is there Monday to Friday, 9:00 to 17:00."
        );
    }

    #[test]
    fn questions_are_chosen_and_ordered() {
        let mut s = good();
        s.insert("questions".into(), Value::Text("satisfaction, comment".into()));
        let c = WidgetConfig::from_settings(&s).expect("valid");
        assert_eq!(c.options.questions, vec![Question::Satisfaction, Question::Comment]);
        s.insert("questions".into(), Value::List(vec![Value::Text("colour".into())]));
        assert!(matches!(WidgetConfig::from_settings(&s), Err(FeedbackError::InvalidSetting(m)) if m.contains("`colour`")));
    }
}
