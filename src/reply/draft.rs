//! The reply drafter: a public reply written from a review's classification,
//! slot by slot from the phrase bank, checked by the linter before it leaves.

use std::sync::LazyLock;

use serde::Serialize;

use super::folded::Folded;
use super::lint::{lint_reply, LintResult, Severity};
use super::options::{ReplyOptions, Settings, SupportChannel, Tone};
use super::phrases::{PhraseBank, Pattern, PHRASES};
use super::ReviewContext;
use crate::error::Error;
use crate::fast_hash::fnv1a;
use crate::review::Review;
use crate::taxonomy::{Category, Risk, SentimentLabel};

/// A drafted reply with its own lint result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Draft {
    pub id: Option<String>,
    pub reply: String,
    /// The wording used; pass `variant + 1` for another.
    pub variant: usize,
    /// How many distinct wordings this review has; variants wrap around.
    pub variants: usize,
    /// A safety, legal or fraud review: acknowledged and escalated to a person.
    pub escalated: bool,
    pub lint: LintResult,
}

/// The longest product name used in a reply; longer ones read as a listing title.
const MAX_ITEM_CHARS: usize = 60;

/// What kind of reply a review needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Escalate(Risk),
    Complaint,
    Mixed,
    Positive,
    Question,
    Neutral,
    /// Written in a language the classifier does not read.
    Unread,
}

fn kind(ctx: &ReviewContext) -> Kind {
    if let Some(risk) = ctx.escalation_risk() {
        return Kind::Escalate(risk);
    }
    let language = ctx.classification.language.as_str();
    if !(language == "en" || language.starts_with("en-") || language == "und") {
        return Kind::Unread;
    }
    let has_causes = !ctx.classification.categories.is_empty();
    match ctx.classification.sentiment.label {
        // One or two stars: a complaint, without thanks for praise the stars deny.
        _ if ctx.low_rating() => Kind::Complaint,
        SentimentLabel::Negative => Kind::Complaint,
        SentimentLabel::Mixed => Kind::Mixed,
        SentimentLabel::Neutral | SentimentLabel::Positive if has_causes => Kind::Mixed,
        SentimentLabel::Positive => Kind::Positive,
        SentimentLabel::Neutral if ctx.review.text.contains('?') => Kind::Question,
        SentimentLabel::Neutral => Kind::Neutral,
    }
}

/// Drafts a public reply. The same review and options give the same reply;
/// `options.variant` cycles through other wordings.
pub fn draft_reply(review: &Review, options: &ReplyOptions) -> Result<Draft, Error> {
    let settings = options.settings()?;
    let ctx = ReviewContext::new(review.clone())?;
    let kind = kind(&ctx);
    let rich = Writer { ctx: &ctx, settings: &settings, kind, plain: false };
    let variants = rich.variants();
    // The first wording, from the one asked for, that the linter passes without
    // a warning; else the first without an error; else the plain reply.
    let mut first_ok: Option<Draft> = None;
    for attempt in 0..variants {
        let variant = (settings.variant + attempt) % variants;
        let reply = rich.compose(variant);
        let lint = lint_reply(&reply, &settings, Some(&ctx));
        let clean = lint.issues.iter().all(|i| i.severity == Severity::Suggestion);
        let draft = Draft { id: review.id.clone(), reply, variant, variants, escalated: matches!(kind, Kind::Escalate(_)), lint };
        if clean {
            return Ok(draft);
        }
        if draft.lint.ok && first_ok.is_none() {
            first_ok = Some(draft);
        }
    }
    // The merchant's own words (brand, names, product) may be what the linter
    // objects to: write it without them, and keep that if it is clean.
    let plain = Writer { plain: true, ..rich };
    let variant = settings.variant % variants;
    let reply = plain.compose(variant);
    let lint = lint_reply(&reply, &settings, Some(&ctx));
    let clean = lint.issues.iter().all(|i| i.severity == Severity::Suggestion);
    let plain_draft = Draft { id: review.id.clone(), reply, variant, variants, escalated: matches!(kind, Kind::Escalate(_)), lint };
    Ok(match first_ok {
        Some(draft) if !clean => draft,
        _ => plain_draft,
    })
}

/// The clause naming what went wrong, in the customer's terms where the
/// evidence allows: "your order arrived crushed and you're still waiting for
/// your refund". `None` when the review is no complaint.
pub fn issue_clause(ctx: &ReviewContext, variant: usize) -> Option<String> {
    let causes: Vec<_> = ctx.causes().into_iter().take(2).collect();
    // Each cause in the customer's terms where its evidence allows.
    let details: Vec<Option<String>> = causes
        .iter()
        .map(|&cause| {
            let words = PHRASES.issue(Some(cause))?;
            let evidence = ctx.evidence(cause);
            words.details.iter().find(|(p, _)| p.is_match(&evidence)).map(|(_, clause)| clause.clone())
        })
        .collect();
    // The customer's own complaint aspects, less those a detail already names.
    let named_by_detail = |aspect: &String| {
        causes.iter().zip(&details).any(|(&cause, detail)| {
            detail.is_some() && PHRASES.issue(Some(cause)).and_then(|i| i.words.as_ref()).is_some_and(|w| w.is_match(aspect))
        })
    };
    let mut aspects: Vec<String> = complaint_aspects(ctx).into_iter().filter(|a| !named_by_detail(a)).collect();
    let mut clauses: Vec<String> = Vec::new();
    for (&cause, detail) in causes.iter().zip(details.iter().cloned()) {
        let words = PHRASES.issue(Some(cause));
        // The customer's own words for this cause, else our phrase for it.
        let own = aspects.iter().position(|a| words.and_then(|w| w.words.as_ref()).is_some_and(|w| w.is_match(a)));
        let own = own.map(|at| aspects.remove(at));
        let generic = || words.and_then(|i| pick(&i.phrases, variant)).map(str::to_string);
        if let Some(clause) = detail.or(own).or_else(generic).filter(|c| !clauses.contains(c)) {
            clauses.push(clause);
        }
    }
    // What else the customer named that no cause covers, when our words so
    // far are only general ones.
    let mut aspects = aspects.into_iter();
    if clauses.len() == 1 && details.iter().all(Option::is_none) {
        clauses.extend(aspects.next());
    }
    if clauses.is_empty() {
        if !ctx.is_complaint() {
            return None;
        }
        clauses.extend(aspects.chain(complaint_aspects_in(ctx, &PHRASES.alone_aspects)).take(2));
    }
    if clauses.is_empty() {
        clauses.push(pick(&PHRASES.issue(None)?.phrases, variant)?.to_string());
    }
    Some(clauses.join(" and "))
}

static PRAISE_WORDS: LazyLock<Pattern> =
    LazyLock::new(|| Pattern::new(PHRASES.slot("praise words").first().map_or("$^", String::as_str)));

/// What the customer complained about in their own terms, from the review's
/// clauses that hold no praise: "your dress didn't look the way you hoped".
fn complaint_aspects(ctx: &ReviewContext) -> Vec<String> {
    complaint_aspects_in(ctx, &PHRASES.complaint_aspects)
}

fn complaint_aspects_in(ctx: &ReviewContext, table: &[(Pattern, String)]) -> Vec<String> {
    let review = Folded::new(&format!("{} . {}", ctx.review.title.as_deref().unwrap_or(""), ctx.review.text));
    let mut found: Vec<String> = Vec::new();
    for clause in review.text.split(['.', '!', '?', ';', '\n']).flat_map(|s| s.split(" but ")) {
        if PRAISE_WORDS.is_match(clause) {
            continue;
        }
        for phrase in PhraseBank::aspects(table, clause, 2) {
            if !found.iter().any(|f| f == phrase) {
                found.push(phrase.to_string());
            }
        }
    }
    found
}

fn pick(options: &[String], index: usize) -> Option<&str> {
    match options.len() {
        0 => None,
        n => options.get(index % n).map(String::as_str),
    }
}

struct Writer<'a> {
    ctx: &'a ReviewContext,
    settings: &'a Settings,
    kind: Kind,
    /// Leave out the merchant's and the customer's own words (names, brand, product).
    plain: bool,
}

impl Writer<'_> {
    fn tone(&self) -> &'static str {
        match self.settings.tone {
            Tone::Warm => "warm",
            Tone::Formal => "formal",
        }
    }

    /// The private channel this reply may name: on a platform without links,
    /// a support link becomes "reply to our message".
    fn channel(&self) -> (&'static str, Option<&str>) {
        match &self.settings.support {
            SupportChannel::Email(address) => ("email", Some(address.as_str())),
            SupportChannel::Link(url) if self.settings.platform.rules().links_allowed => ("link", Some(url.as_str())),
            _ => ("message", None),
        }
    }

    /// The slots this reply uses, in order; each `None` is a line break.
    fn slots(&self) -> Vec<Option<String>> {
        let tone = self.tone();
        let (channel, _) = self.channel();
        let named = !self.plain && self.settings.display_name.is_some() && self.settings.platform.rules().shows_name;
        let greeting = format!("greeting {tone}{}", if named { " named" } else { "" });
        let brand = !self.plain && self.settings.brand.is_some();
        let sign_off = format!("sign-off {tone}{}", if brand { " brand" } else { "" });
        let body: Vec<String> = match self.kind {
            Kind::Escalate(_) => vec![format!("escalate {tone}"), "escalate handover".into(), format!("escalate next step {channel}")],
            Kind::Complaint => vec![format!("thanks complaint {tone}"), format!("apology {tone}"), format!("next step {channel}")],
            Kind::Mixed => vec![format!("mixed praise {tone}"), format!("apology {tone}"), format!("next step {channel}")],
            Kind::Positive => vec![format!("positive {tone}")],
            Kind::Question if channel == "message" => vec![format!("neutral question {tone} message")],
            Kind::Question => vec![format!("neutral question {tone}")],
            Kind::Neutral => vec![format!("neutral {tone}")],
            Kind::Unread => vec![format!("unread {tone}"), format!("unread next step {channel}")],
        };
        let mut slots = vec![Some(greeting), None];
        slots.extend(body.into_iter().map(Some));
        slots.push(None);
        if self.settings.sign_off.is_none() || self.plain {
            slots.push(Some(sign_off));
        }
        slots
    }

    /// How many distinct wordings: the most any slot (or issue) offers.
    fn variants(&self) -> usize {
        let issue = self.ctx.causes().first().copied();
        let issue_phrases = PHRASES.issue(issue).map_or(1, |i| i.phrases.len().max(i.steps.len()));
        self.slots().iter().flatten().map(|s| PHRASES.slot(s).len()).chain([issue_phrases]).max().unwrap_or(1).max(1)
    }

    /// A per-review offset, so a page of replies doesn't repeat one opening.
    fn seed(&self) -> usize {
        (fnv1a(self.ctx.review.text.as_bytes()) % 97) as usize
    }

    fn compose(&self, variant: usize) -> String {
        let seed = self.seed();
        let mut out = String::new();
        let mut line = String::new();
        for (k, slot) in self.slots().iter().enumerate() {
            match slot {
                None => {
                    if !line.is_empty() {
                        out.push_str(line.trim_end());
                        out.push_str("\n\n");
                        line.clear();
                    }
                }
                Some(name) => {
                    if let Some(wording) = pick(PHRASES.slot(name), variant + seed + k) {
                        line.push_str(&self.fill(wording, variant));
                        line.push(' ');
                    }
                }
            }
        }
        if !line.is_empty() {
            out.push_str(line.trim_end());
        }
        if let (Some(own), false) = (&self.settings.sign_off, self.plain) {
            out.truncate(out.trim_end().len());
            out.push_str("\n\n");
            out.push_str(own);
        }
        out.trim().to_string()
    }

    fn fill(&self, wording: &str, variant: usize) -> String {
        let issue = || issue_clause(self.ctx, variant).unwrap_or_default();
        let mut text = wording.to_string();
        if text.contains("{issue}") {
            text = text.replace("{issue}", &issue());
        }
        if text.contains("{step}") {
            let cause = self.ctx.causes().first().copied();
            let step = PHRASES.issue(cause).and_then(|i| pick(&i.steps, variant)).unwrap_or("make this right");
            text = text.replace("{step}", step);
        }
        if text.contains("{praise}") {
            text = text.replace("{praise}", &self.praise());
        }
        if text.contains("{concern}") {
            // An escalation names what happened, never a remedy: "your refund"
            // beside a fraud or safety report reads as an offer in public.
            let escalated = matches!(self.kind, Kind::Escalate(_));
            let cause = self.ctx.causes().into_iter().find(|c| !escalated || !matches!(c, Category::Refund | Category::Returns));
            let concern = PHRASES.issue(cause).and_then(|i| i.concern.clone()).unwrap_or_else(|| "this".into());
            text = text.replace("{concern}", &concern);
        }
        if text.contains("{team}") {
            let team = match self.kind {
                Kind::Escalate(risk) => PHRASES.slot(&format!("team {}", risk.id())).first().cloned(),
                _ => None,
            };
            text = text.replace("{team}", team.as_deref().unwrap_or("customer care team"));
        }
        let (_, support) = self.channel();
        text = text.replace("{support}", support.unwrap_or(""));
        text = text.replace("{item}", &self.item());
        text = text.replace("{name}", self.settings.display_name.as_deref().unwrap_or(""));
        text = text.replace("{brand}", self.settings.brand.as_deref().unwrap_or(""));
        capitalised(&text)
    }

    /// The product as the customer knows it, or "item".
    fn item(&self) -> String {
        let product = self.ctx.review.product.as_deref().map(str::trim).filter(|p| {
            !self.plain && !p.is_empty() && p.chars().count() <= MAX_ITEM_CHARS && !p.contains(['<', '>', '\n', '#', '@'])
        });
        product.map_or_else(|| "item".to_string(), str::to_string)
    }

    /// What the customer liked, for a thank-you: "the fit and the fabric".
    fn praise(&self) -> String {
        let folded = Folded::new(&format!("{} . {}", self.ctx.review.title.as_deref().unwrap_or(""), self.ctx.review.text));
        let liked = PhraseBank::aspects(&PHRASES.praise, &folded.text, 2);
        if liked.is_empty() {
            return format!("your {}", self.item());
        }
        liked.join(" and ")
    }
}

/// Capitalises the first letter, which a placeholder may have begun.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
