//! Every way the feedback core refuses answers or a configuration, each as a
//! sentence a merchant (or the customer's browser console) can act on.

use std::fmt;

/// The compliance rule a gating setting breaks (`shared/spec/compliance.md`).
pub const NO_GATING_RULE: &str = "review gating is not allowed: every customer who answers must be offered the review link, \
whatever their answers, at the same time and with the same neutral wording (Google Maps user contributed content policy; \
Trustpilot Guidelines for Businesses, \"invite all or none\"; Amazon Seller Central customer product reviews policy; \
FTC \"Soliciting and Paying for Online Reviews\", 2022)";

#[derive(Clone, Debug, PartialEq)]
pub enum FeedbackError {
    /// No `orderId`, or an empty one: `{ orderId: "" }`.
    MissingOrderId,
    /// An answer outside what the form asks: `satisfaction: 7`.
    InvalidAnswer(String),
    /// No `endpoint` for the widget to send answers to.
    MissingEndpoint,
    /// An endpoint that is not an http(s) URL or a path: `endpoint: "javascript:…"`.
    InvalidEndpoint(String),
    /// No `reviewUrl`: the invitation needs the merchant's review link.
    MissingReviewUrl,
    /// A review link that is not an https URL: `reviewUrl: "www.example.com"`.
    InvalidReviewUrl(String),
    /// A locale that is not a language tag: `locale: "english"`.
    InvalidLocale(String),
    /// A locale with no built-in strings and no `strings` for some keys.
    MissingStrings { locale: String, keys: Vec<String> },
    /// A setting that would hide, delay or change the review link for unhappy customers.
    ReviewGating { setting: String },
    /// Invitation wording that asks for a positive review or ties an incentive to it.
    NonNeutralInvitation { found: String },
    /// A setting we do not know (a typo, most often).
    UnknownSetting { setting: String },
    /// A setting of the wrong type or value: `questions: ["colour"]`.
    InvalidSetting(String),
    /// The configuration could not be read at all (not an object, bad JSON).
    Unreadable(String),
}

impl fmt::Display for FeedbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingOrderId => write!(f, "The answers have no order id: pass `orderId` (a non-empty string, the order the feedback is about)."),
            Self::InvalidAnswer(why) => write!(f, "The answers could not be read: {why}."),
            Self::MissingEndpoint => write!(f, "The feedback widget has no endpoint: set `endpoint` (attribute `endpoint`) to the URL that receives the answers."),
            Self::InvalidEndpoint(e) => write!(f, "The endpoint \"{e}\" is not usable: give an http(s) URL or a path starting with `/`."),
            Self::MissingReviewUrl => write!(f, "There is no review link: set `reviewUrl` (attribute `review-url`) to the https address where customers write a public review."),
            Self::InvalidReviewUrl(u) => write!(f, "The review link \"{u}\" is not an https URL: give the full address, starting with https://."),
            Self::InvalidLocale(l) => write!(f, "The locale \"{l}\" is not a language tag: use one like `en`, `fr` or `pt-BR`."),
            Self::MissingStrings { locale, keys } => write!(
                f,
                "The locale `{locale}` has no built-in strings: pass `strings` with a text for each of {}.",
                keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
            ),
            Self::ReviewGating { setting } => write!(
                f,
                "The setting `{setting}` is refused because {NO_GATING_RULE}. Remove it: unhappy customers get help from support in addition to the review link, never instead of it."
            ),
            Self::NonNeutralInvitation { found } => write!(
                f,
                "The invitation text is refused because it is not neutral (\"{found}\"): the same neutral wording goes to every customer, with no request for a positive rating and no incentive tied to a review (FTC 16 CFR 465.4; Trustpilot Guidelines for Businesses). Use wording like \"Tell other shoppers about your experience.\""
            ),
            Self::UnknownSetting { setting } => write!(
                f,
                "The setting `{setting}` is not one the feedback widget knows: the settings are {}.",
                super::options::SETTINGS.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
            ),
            Self::InvalidSetting(why) => write!(f, "The feedback configuration could not be read: {why}."),
            Self::Unreadable(why) => write!(f, "The feedback configuration could not be read: {why}."),
        }
    }
}

impl std::error::Error for FeedbackError {}
