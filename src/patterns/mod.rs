//! Recurring complaints: classified reviews (and widget answers) counted by
//! product, SKU, variant, carrier, region, warehouse, campaign and customer
//! segment over time, so a merchant reads "7 reviews of SKU TEE-BLK-M about
//! size or fit in 14 days", sees spikes against each item's own baseline, and
//! knows what to fix first.
//!
//! [`Patterns`] is fed one review at a time; its memory follows the distinct
//! items (the catalogue: products, SKUs, carriers…), and the days it keeps
//! (only those a summary reads: see [`Patterns::kept_from`]), not the
//! reviews, apart from about 11 bytes a review id to count nothing twice
//! (`seen.rs`).

mod record;
mod seen;
mod series;
mod summary;

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

pub use record::{classify_lines, ClassifiedAs, Labelled, ReportRecord, SentimentIn};
use seen::SeenIds;
use series::DailyCounts;
pub use summary::*;

use crate::dates::{day_of, read_date, DateOrder, Seconds, HOUR};
use crate::error::Error;
use crate::recovery::{RecoveryCase, RecoveryTally};
use crate::taxonomy::{Category, Priority, Risk, SentimentLabel};

/// What reviews are grouped by, in the merchant's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    /// "Linen shirt", or the product id an export carries.
    Product,
    /// "TEE-BLK-M"
    Sku,
    /// "Black / M"
    Variant,
    /// "UPS"
    Carrier,
    /// "North"
    Region,
    /// "Leeds DC"
    Warehouse,
    /// "Black Friday email"
    Campaign,
    /// "first order", "VIP"
    Segment,
    /// Every review together: store-wide issues and spikes, also for exports with no product columns.
    Store,
}

impl Dimension {
    pub const ALL: [Dimension; 8] =
        [Self::Product, Self::Sku, Self::Variant, Self::Carrier, Self::Region, Self::Warehouse, Self::Campaign, Self::Segment];

    pub fn id(self) -> &'static str {
        match self {
            Self::Product => "product",
            Self::Sku => "sku",
            Self::Variant => "variant",
            Self::Carrier => "carrier",
            Self::Region => "region",
            Self::Warehouse => "warehouse",
            Self::Campaign => "campaign",
            Self::Segment => "segment",
            Self::Store => "store",
        }
    }

    /// As a sentence names it: "reviews of SKU TEE-BLK-M".
    pub fn label(self) -> &'static str {
        match self {
            Self::Product => "product",
            Self::Sku => "SKU",
            Self::Variant => "variant",
            Self::Carrier => "carrier",
            Self::Region => "region",
            Self::Warehouse => "warehouse",
            Self::Campaign => "campaign",
            Self::Segment => "customer segment",
            Self::Store => "the store",
        }
    }

    /// "SKU TEE-BLK-M"; "the whole store".
    fn naming(self, value: &str) -> String {
        match self {
            Self::Store => "the whole store".to_string(),
            _ => format!("{} {value}", self.label()),
        }
    }

    fn of(self, r: &ReportRecord) -> Option<&str> {
        let value = match self {
            Self::Product => &r.review.product,
            Self::Sku => &r.review.sku,
            Self::Variant => &r.review.variant,
            Self::Carrier => &r.review.carrier,
            Self::Region => &r.review.region,
            Self::Warehouse => &r.review.warehouse,
            Self::Campaign => &r.campaign,
            Self::Segment => &r.segment,
            Self::Store => return Some(STORE),
        };
        value.as_deref().map(str::trim).filter(|v| !v.is_empty())
    }
}

/// Pairs counted together, so a spike can say where it sits: "late delivery
/// in region North tripled this week, all with carrier X".
pub const PAIRS: [(Dimension, Dimension); 4] = [
    (Dimension::Region, Dimension::Carrier),
    (Dimension::Warehouse, Dimension::Carrier),
    (Dimension::Product, Dimension::Warehouse),
    (Dimension::Sku, Dimension::Warehouse),
];

/// The complaint each root cause stands for, as a report says it: "reviews about size or fit".
pub fn about(cause: Category) -> &'static str {
    match cause {
        Category::NotAsDescribed => "items not as described",
        Category::SizeFit => "size or fit",
        Category::Quality => "quality",
        Category::DamagedInTransit => "damage in transit",
        Category::WrongOrMissingItem => "wrong or missing items",
        Category::DeliveryDelay => "late delivery",
        Category::Returns => "returns",
        Category::Refund => "refunds",
        Category::CustomerSupport => "customer support",
        Category::Communication => "communication",
        Category::PriceValue => "price or value",
        Category::Billing => "billing",
        Category::Usability => "ease of use",
    }
}

/// How the report reads its input; every field has a default.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReportOptions {
    /// Recurring issues are counted over this many days up to the latest review.
    pub window_days: u32,
    /// A recurring issue needs at least this many reviews in the window.
    pub min_reviews: u32,
    /// Hours within which an unhappy review should get its first response.
    pub response_target_hours: f64,
    /// "Now", for open cases (the host's clock); default: the latest time in the input.
    pub as_of: Option<String>,
    /// Entries in each ranked list.
    pub top: usize,
    /// Distinct values kept per dimension; more are counted under "(other)".
    pub max_values: usize,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions { window_days: 14, min_reviews: 3, response_target_hours: 24.0, as_of: None, top: 10, max_values: 20_000 }
    }
}

impl ReportOptions {
    fn check(&self) -> Result<(), Error> {
        let bad = |why: &str| Err(Error::InvalidReview(format!("report options: {why}")));
        if !(1..=366).contains(&self.window_days) {
            return bad("`windowDays` must be between 1 and 366");
        }
        if self.min_reviews == 0 {
            return bad("`minReviews` must be at least 1");
        }
        if !(self.response_target_hours.is_finite() && self.response_target_hours > 0.0) {
            return bad("`responseTargetHours` must be a positive number of hours");
        }
        if self.as_of.as_deref().is_some_and(|t| read_date(t).is_none()) {
            return bad("`asOf` is not a date we can read (try 2024-03-05T10:00:00Z)");
        }
        if self.top == 0 || self.max_values == 0 {
            return bad("`top` and `maxValues` must be at least 1");
        }
        Ok(())
    }
}

/// One product, SKU, carrier… (or a pair of them) and what its reviews said.
#[derive(Clone, Debug, Default)]
struct Item {
    reviews: u64,
    unhappy: u64,
    rating_sum: f64,
    rated: u64,
    /// Complaints per cause: all of them, and by day for the dated ones.
    causes: Vec<(Category, u64, DailyCounts)>,
    first_day: Option<i32>,
}

impl Item {
    fn cause(&mut self, cause: Category) -> &mut (Category, u64, DailyCounts) {
        let at = match self.causes.iter().position(|(c, ..)| *c == cause) {
            Some(at) => at,
            None => {
                self.causes.push((cause, 0, DailyCounts::default()));
                self.causes.len() - 1
            }
        };
        &mut self.causes[at]
    }
}

/// Which item a count belongs to: one dimension, or a pair with both values.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct ItemKey {
    dimension: Dimension,
    pair: Option<Dimension>,
    value: Box<str>,
}

/// Values are cut to this many bytes (a product name, not a paragraph).
const MAX_VALUE_BYTES: usize = 120;
/// Separates the two values of a pair key.
const PAIR_SEPARATOR: char = '\u{1f}';
/// The urgent list keeps this many reviews (the latest).
const URGENT_KEPT: usize = 50;
/// Examples kept per kind of skipped record.
const EXAMPLES_KEPT: usize = 5;
/// Day counts too old to be read are dropped when the first day kept has moved on this far.
const PRUNE_EVERY_DAYS: i32 = 7;

/// The reviews a report has read so far, folded into counts.
#[derive(Clone, Debug)]
pub struct Patterns {
    options: ReportOptions,
    /// Where each item's counts are in `items`: one hash per key and review.
    index: HashMap<ItemKey, usize>,
    items: Vec<Item>,
    values_per_dimension: HashMap<(Dimension, Option<Dimension>), usize>,
    capped: HashSet<Dimension>,
    seen_ids: SeenIds,
    totals: Totals,
    /// Complaints per cause over all reviews, by day (the timeline).
    timeline: Vec<DailyCounts>,
    volume: DailyCounts,
    urgent: Vec<UrgentReview>,
    skipped: Vec<Skipped>,
    recovery: RecoveryTally,
    case_problems: Vec<CaseNote>,
    case_problem_count: u64,
    first_day: Option<i32>,
    last_day: Option<i32>,
    latest: Option<Seconds>,
    /// Day counts before this day have been dropped (see [`Patterns::kept_from`]).
    pruned_before: Option<i32>,
    /// The day of `options.as_of`, read once.
    as_of_given: Option<i32>,
}

#[derive(Clone, Debug, Default)]
struct Totals {
    reviews: u64,
    answers: u64,
    unhappy: u64,
    needs_reply: u64,
    by_sentiment: [u64; 4],
    by_rating: [u64; 5],
    unrated: u64,
    by_cause: [u64; 13],
    by_risk: [u64; 6],
    by_priority: [u64; 4],
    undated: u64,
    unreadable_dates: u64,
    unreadable_examples: Vec<String>,
    month_first_guesses: u64,
    money_unhappy: f64,
    with_order_value: u64,
}

/// See [`Patterns::held`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Held {
    pub items: usize,
    pub day_entries: usize,
    pub review_ids: usize,
    pub review_id_bytes: usize,
}

/// Whether a record was counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Added {
    Counted,
    /// Its id was seen before: counted once only.
    Duplicate,
}

fn sentiment_index(label: SentimentLabel) -> usize {
    SentimentLabel::ALL.iter().position(|l| *l == label).unwrap_or(0)
}

fn cause_index(cause: Category) -> usize {
    Category::ALL.iter().position(|c| *c == cause).unwrap_or(0)
}

fn risk_index(risk: Risk) -> usize {
    Risk::ALL.iter().position(|r| *r == risk).unwrap_or(0)
}

/// Cuts text to at most `max` bytes on a character boundary.
fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

impl Patterns {
    pub fn new(options: ReportOptions) -> Result<Self, Error> {
        options.check()?;
        let as_of_given = options.as_of.as_deref().and_then(read_date).map(|d| day_of(d.at).clamp(i32::MIN.into(), i32::MAX.into()) as i32);
        Ok(Patterns {
            as_of_given,
            options,
            index: HashMap::new(),
            items: Vec::new(),
            values_per_dimension: HashMap::new(),
            capped: HashSet::new(),
            seen_ids: SeenIds::default(),
            totals: Totals::default(),
            timeline: vec![DailyCounts::default(); Category::ALL.len()],
            volume: DailyCounts::default(),
            urgent: Vec::new(),
            skipped: Vec::new(),
            recovery: RecoveryTally::default(),
            case_problems: Vec::new(),
            case_problem_count: 0,
            first_day: None,
            last_day: None,
            latest: None,
            pruned_before: None,
        })
    }

    /// Counts one record, classifying it first when it carries no
    /// classification. A record the classifier refuses is noted as skipped
    /// and its error returned; a repeated id is noted and not counted again.
    pub fn add(&mut self, record: &ReportRecord) -> Result<Added, Error> {
        if let Some(id) = record.review.id.as_deref().filter(|id| !id.trim().is_empty()) {
            if !self.seen_ids.insert(id) {
                self.skip(SkipReason::DuplicateId, id);
                return Ok(Added::Duplicate);
            }
        }
        let classified = match record.classified() {
            Ok(c) => c,
            Err(e) => {
                // Let the id be used by a corrected copy of the record later in the file.
                if let Some(id) = record.review.id.as_deref().filter(|id| !id.trim().is_empty()) {
                    self.seen_ids.remove(id);
                }
                self.skip(SkipReason::Unreadable, record.review.id.as_deref().unwrap_or("(no id)"));
                return Err(e);
            }
        };
        self.count(record, &classified);
        Ok(Added::Counted)
    }

    /// Notes a record the host could not even read (a broken line, a file cut short).
    pub fn skip(&mut self, reason: SkipReason, example: &str) {
        let at = match self.skipped.iter().position(|s| s.reason == reason) {
            Some(at) => at,
            None => {
                self.skipped.push(Skipped { reason, count: 0, examples: Vec::new() });
                self.skipped.len() - 1
            }
        };
        let entry = &mut self.skipped[at];
        entry.count += 1;
        if entry.examples.len() < EXAMPLES_KEPT {
            entry.examples.push(cut(example, 200).to_string());
        }
    }

    fn count(&mut self, record: &ReportRecord, c: &ClassifiedAs) {
        let t = &mut self.totals;
        if record.is_answer() {
            t.answers += 1;
        } else {
            t.reviews += 1;
        }
        let label = c.sentiment.label;
        let rating = record.review.rating;
        let unhappy = matches!(label, SentimentLabel::Negative | SentimentLabel::Mixed) || rating.is_some_and(|r| r <= 2.0);
        t.by_sentiment[sentiment_index(label)] += 1;
        match rating.filter(|r| (1.0..=5.0).contains(r)) {
            Some(r) => t.by_rating[(r.round() as usize).clamp(1, 5) - 1] += 1,
            None => t.unrated += 1,
        }
        if unhappy {
            t.unhappy += 1;
        }
        if c.needs_reply {
            t.needs_reply += 1;
        }
        t.by_priority[c.priority as usize] += 1;
        let mut causes: Vec<Category> = c.categories.iter().map(|l| l.id).collect();
        causes.sort();
        causes.dedup();
        for cause in &causes {
            t.by_cause[cause_index(*cause)] += 1;
        }
        for risk in &c.risks {
            t.by_risk[risk_index(risk.id)] += 1;
        }
        let money = if unhappy { record.order_value.unwrap_or(0.0) } else { 0.0 };
        if record.order_value.is_some() {
            t.with_order_value += 1;
        }
        t.money_unhappy += money;

        let written = match record.review.created_at.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                t.undated += 1;
                None
            }
            Some(text) => match read_date(text) {
                Some(d) => {
                    if d.order == DateOrder::MonthFirstGuessed {
                        t.month_first_guesses += 1;
                    }
                    Some(d.at)
                }
                None => {
                    t.unreadable_dates += 1;
                    if t.unreadable_examples.len() < EXAMPLES_KEPT {
                        t.unreadable_examples.push(cut(text, 60).to_string());
                    }
                    None
                }
            },
        };
        let day = written.map(|at| day_of(at).clamp(i32::MIN as i64, i32::MAX as i64) as i32);
        if let Some(day) = day {
            self.first_day = Some(self.first_day.map_or(day, |d| d.min(day)));
            self.last_day = Some(self.last_day.map_or(day, |d| d.max(day)));
            self.prune();
        }
        let (timeline_from, items_from, to) = self.kept_from();
        if let Some(day) = day.filter(|d| *d >= timeline_from && *d <= to) {
            self.volume.add(day, 1, 0.0);
            for cause in &causes {
                if let Some(series) = self.timeline.get_mut(cause_index(*cause)) {
                    series.add(day, 1, money);
                }
            }
        }
        let kept_day = day.filter(|d| *d >= items_from && *d <= to);

        let keys = self.keys_of(record);
        for at in keys {
            let Some(item) = self.items.get_mut(at) else { continue };
            item.reviews += 1;
            if unhappy {
                item.unhappy += 1;
            }
            if let Some(r) = rating {
                item.rating_sum += r;
                item.rated += 1;
            }
            if let Some(day) = day {
                item.first_day = Some(item.first_day.map_or(day, |d| d.min(day)));
            }
            for cause in &causes {
                let (_, total, series) = item.cause(*cause);
                *total += 1;
                if let Some(day) = kept_day {
                    series.add(day, 1, money);
                }
            }
        }

        if c.priority == Priority::Urgent || c.risks.iter().any(|r| r.id.is_urgent()) {
            self.keep_urgent(record, c, written);
        }
        if c.needs_reply {
            self.open_case(record, written, unhappy);
        }
    }

    /// Where the items a record counts under are, with "(other)" past the cap of values.
    fn keys_of(&mut self, record: &ReportRecord) -> Vec<usize> {
        let mut keys = Vec::new();
        let singles = Dimension::ALL.iter().chain([&Dimension::Store]).map(|d| (*d, None));
        let pairs = PAIRS.iter().map(|(a, b)| (*a, Some(*b)));
        for (dimension, pair) in singles.chain(pairs) {
            let Some(first) = dimension.of(record) else { continue };
            let value = match pair {
                None => cut(first, MAX_VALUE_BYTES).to_string(),
                Some(second) => match second.of(record) {
                    Some(v) => format!("{}{PAIR_SEPARATOR}{}", cut(first, MAX_VALUE_BYTES), cut(v, MAX_VALUE_BYTES)),
                    None => continue,
                },
            };
            let mut key = ItemKey { dimension, pair, value: value.into_boxed_str() };
            if let Some(at) = self.index.get(&key) {
                keys.push(*at);
                continue;
            }
            let n = self.values_per_dimension.entry((dimension, pair)).or_default();
            if *n >= self.options.max_values {
                self.capped.insert(dimension);
                key.value = OTHER.into();
            } else {
                *n += 1;
            }
            let next = self.items.len();
            let at = *self.index.entry(key).or_insert(next);
            if at == next {
                self.items.push(Item::default());
            }
            keys.push(at);
        }
        keys
    }

    fn keep_urgent(&mut self, record: &ReportRecord, c: &ClassifiedAs, written: Option<Seconds>) {
        let review = &record.review;
        let excerpt = Some(review.text.trim()).filter(|t| !t.is_empty()).or(review.title.as_deref()).map(|t| cut(t.trim(), 160).to_string());
        let entry = UrgentReview {
            id: review.id.clone(),
            date: written.map(|at| crate::dates::format_day(day_of(at))),
            at: written,
            product: review.product.clone().or_else(|| review.sku.clone()),
            risks: c.risks.iter().map(|r| r.id).collect(),
            priority: c.priority,
            excerpt,
        };
        self.urgent.push(entry);
        if self.urgent.len() > URGENT_KEPT * 2 {
            self.trim_urgent();
        }
    }

    /// Keeps the latest reviews (undated last).
    fn trim_urgent(&mut self) {
        self.urgent.sort_by_key(|u| std::cmp::Reverse(u.at));
        self.urgent.truncate(URGENT_KEPT);
    }

    fn open_case(&mut self, record: &ReportRecord, written: Option<Seconds>, unhappy: bool) {
        let Some(opened) = written else { return };
        let at = |t: &Option<String>| t.as_deref().and_then(read_date).map(|d| d.at);
        let steps = [
            at(&record.replied_at),
            at(&record.contacted_at),
            at(&record.resolved_at),
            at(&record.followed_up_at),
            at(&record.closed_at),
        ];
        let (case, problems) = RecoveryCase::new(opened, unhappy, steps);
        for problem in problems {
            self.case_problem_count += 1;
            if self.case_problems.len() < EXAMPLES_KEPT {
                self.case_problems.push(CaseNote {
                    id: record.review.id.clone(),
                    problem: format!("The case of review {} {problem}.", record.review.id.as_deref().unwrap_or("(no id)")),
                });
            }
        }
        self.latest = Some(self.latest.map_or(opened, |l| l.max(opened)));
        self.recovery.add(&case, self.target());
    }

    /// What the report holds in memory, for benchmarks and tests: it follows
    /// the distinct items and the days kept, plus a fingerprint per review id.
    pub fn held(&self) -> Held {
        let day_entries = self.items.iter().flat_map(|i| i.causes.iter().map(|(_, _, s)| s.len())).sum::<usize>()
            + self.timeline.iter().map(DailyCounts::len).sum::<usize>()
            + self.volume.len();
        Held { items: self.items.len(), day_entries, review_ids: self.seen_ids.len(), review_id_bytes: self.seen_ids.bytes() }
    }

    /// The days whose counts a summary can still read: from the first for
    /// the store-wide timeline, from the second for items (recurring issues
    /// with their earlier windows, spikes with their baseline weeks), to the
    /// third. Windows end on `asOf` when it is given, else on the latest day,
    /// which only moves later as reading goes on, so a day before these is
    /// never read again and its counts can go (its reviews stay in totals).
    fn kept_from(&self) -> (i32, i32, i32) {
        let Some(end) = self.as_of_day() else { return (i32::MIN, i32::MIN, i32::MAX) };
        let items = summary::days_read_for_items(self.options.window_days);
        let to = if self.options.as_of.is_some() { end } else { i32::MAX };
        (end.saturating_sub(summary::DAYS_READ_FOR_TIMELINE - 1), end.saturating_sub(items - 1), to)
    }

    /// Drops day counts no summary will read, a week at a time.
    fn prune(&mut self) {
        let (timeline_from, items_from, _) = self.kept_from();
        let from = timeline_from.min(items_from);
        if self.pruned_before.is_some_and(|p| from < p.saturating_add(PRUNE_EVERY_DAYS)) || from == i32::MIN {
            return;
        }
        self.pruned_before = Some(from);
        for item in &mut self.items {
            for (_, _, series) in &mut item.causes {
                series.drop_before(items_from);
            }
        }
        for series in &mut self.timeline {
            series.drop_before(timeline_from);
        }
        self.volume.drop_before(timeline_from);
    }

    fn target(&self) -> Seconds {
        (self.options.response_target_hours * HOUR as f64).round() as Seconds
    }
}

/// The one value of [`Dimension::Store`].
const STORE: &str = "all";

/// The value that stands for every value past `maxValues`.
pub const OTHER: &str = "(other)";

#[cfg(test)]
mod tests;

/// A line of JSON Lines that was not counted. `error` reads after "Line 8: "
/// or "Review 8: ", whichever the caller's input is.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct LineError {
    pub line: u64,
    pub id: Option<String>,
    pub error: String,
}

/// Longest line read; past it a line is refused (a review is not megabytes long).
const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

impl Patterns {
    /// Counts the reviews of JSON Lines text (our own export format, field
    /// names as `ReportRecord` has them): one object a line, blank lines
    /// skipped. `first_line` is the number of the first line, for messages;
    /// `cut` says the text is the end of the input and did not end with a line
    /// break, so a broken last line is a file cut short.
    pub fn add_json_lines(&mut self, text: &[u8], first_line: u64, cut: bool) -> Vec<LineError> {
        let mut errors = Vec::new();
        let lines: Vec<&[u8]> = text.split(|b| *b == b'\n').collect();
        let last = lines.len().saturating_sub(1);
        for (i, raw) in lines.into_iter().enumerate() {
            let line = first_line + i as u64;
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            if raw.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let is_cut = cut && i == last;
            let error = if raw.len() > MAX_LINE_BYTES {
                self.skip(SkipReason::Unreadable, &format!("line {line}"));
                Some((None, format!("longer than {} MB: put one review a line.", MAX_LINE_BYTES >> 20)))
            } else {
                match serde_json::from_slice::<ReportRecord>(raw) {
                    Ok(record) => match self.add(&record) {
                        Ok(_) => None,
                        Err(e) => Some((record.review.id, e.to_string())),
                    },
                    Err(e) => {
                        let mut why = format!("not a review we can read ({e}): write one review object a line.");
                        if is_cut {
                            why.push_str(" The input ends here without a line break: it looks cut off.");
                        }
                        let reason = if is_cut { SkipReason::CutOff } else { SkipReason::Unreadable };
                        self.skip(reason, &format!("line {line}"));
                        Some((None, why))
                    }
                }
            };
            if let Some((id, error)) = error {
                errors.push(LineError { line, id, error });
            }
        }
        errors
    }
}
