//! The report: what [`Patterns`] has counted, read out as figures, recurring
//! issues, spikes, a ranked list of what to fix first, the urgent reviews and
//! the recovery figures.

use serde::Serialize;

use super::{about, Dimension, Item, ItemKey, Patterns, OTHER, PAIR_SEPARATOR};
use crate::dates::{format_day, read_date};
use crate::recovery::RecoverySummary;
use crate::taxonomy::{Category, Priority, Risk, SentimentLabel};

/// A spike compares the last 7 days with up to this many weeks before them.
const BASELINE_WEEKS: i32 = 8;
/// An item needs this many weeks of history before its week can be a spike.
const MIN_BASELINE_WEEKS: i32 = 3;
/// A week's complaints must be this unlikely under the item's own baseline (Poisson).
const SPIKE_P: f64 = 1e-4;
/// …and at least this many times the baseline, and at least `SPIKE_MIN` complaints.
const SPIKE_RATIO: f64 = 2.0;
const SPIKE_MIN: u64 = 4;
/// A spike "sits with" a carrier or warehouse holding this share of it.
const CONCENTRATED: f64 = 0.6;
/// A recurring issue's growth compares its window with up to this many windows before.
const BASELINE_WINDOWS: i32 = 4;
/// Weeks drawn in the timeline.
const TIMELINE_WEEKS: i64 = 26;

/// Days up to `asOf` the store-wide timeline reads.
pub(super) const DAYS_READ_FOR_TIMELINE: i32 = TIMELINE_WEEKS as i32 * 7;

/// Days up to `asOf` an item's counts are read over: its window and the
/// windows before it (recurring issues), its last week and the baseline weeks (spikes).
pub(super) fn days_read_for_items(window_days: u32) -> i32 {
    ((BASELINE_WINDOWS + 1) * window_days as i32).max((BASELINE_WEEKS + 1) * 7)
}

/// Why records were left out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SkipReason {
    /// The id was seen earlier in the input.
    DuplicateId,
    /// The record could not be read or classified (no text, bad JSON, a rating of 9…).
    Unreadable,
    /// The input ends in the middle of a record.
    CutOff,
}

impl SkipReason {
    pub fn explain(self) -> &'static str {
        match self {
            Self::DuplicateId => "the same review id appeared earlier; counted once",
            Self::Unreadable => "the record could not be read",
            Self::CutOff => "the file ends in the middle of a record (cut off?)",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Skipped {
    pub reason: SkipReason,
    pub count: u64,
    /// A few ids or line numbers, to find them.
    pub examples: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UrgentReview {
    pub id: Option<String>,
    pub date: Option<String>,
    #[serde(skip)]
    pub at: Option<i64>,
    pub product: Option<String>,
    pub risks: Vec<Risk>,
    pub priority: Priority,
    pub excerpt: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseNote {
    pub id: Option<String>,
    pub problem: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub period: Period,
    pub volume: Volume,
    pub root_causes: Vec<CauseCount>,
    pub timeline: Timeline,
    pub breakdowns: Vec<Breakdown>,
    pub recurring: Vec<Issue>,
    pub spikes: Vec<Spike>,
    pub fix_first: Vec<Issue>,
    pub urgent: Vec<UrgentReview>,
    pub recovery: RecoverySummary,
    pub case_problems: Vec<CaseNote>,
    pub case_problem_count: u64,
    pub skipped: Vec<Skipped>,
    pub dates: DateNotes,
    /// Dimensions with more distinct values than `maxValues`: the rest are under "(other)".
    pub capped: Vec<&'static str>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Period {
    pub first: Option<String>,
    pub last: Option<String>,
    pub as_of: Option<String>,
    pub window_days: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Volume {
    pub reviews: u64,
    pub answers: u64,
    pub unhappy: u64,
    pub needs_reply: u64,
    pub by_sentiment: Vec<Count>,
    /// 1★ to 5★.
    pub by_rating: [u64; 5],
    pub unrated: u64,
    pub by_priority: Vec<Count>,
    pub risks: Vec<Count>,
    /// Order value of unhappy customers' orders, where the input gives it.
    pub money_at_stake: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Count {
    pub id: &'static str,
    pub reviews: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CauseCount {
    pub id: Category,
    pub about: &'static str,
    pub reviews: u64,
    /// Of all reviews and answers counted.
    pub share: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Timeline {
    /// The last day of each 7-day period, oldest first; the last ends on `asOf`.
    pub week_ends: Vec<String>,
    pub reviews: Vec<u64>,
    pub causes: Vec<CauseSeries>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CauseSeries {
    pub id: Category,
    pub about: &'static str,
    pub counts: Vec<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Breakdown {
    pub dimension: &'static str,
    pub label: &'static str,
    pub values: u64,
    pub items: Vec<ItemSummary>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemSummary {
    pub value: String,
    pub reviews: u64,
    pub unhappy: u64,
    pub average_rating: Option<f64>,
    pub causes: Vec<CauseCount>,
}

/// A recurring complaint about one item, with what it costs and where it is heading.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Issue {
    pub dimension: &'static str,
    pub value: String,
    pub cause: Category,
    pub about: &'static str,
    /// Reviews about it in the window (all of them when the input has no dates).
    pub reviews: u64,
    /// Reviews per window over up to 4 windows before it (from the item's first review on).
    pub baseline: Option<f64>,
    /// (reviews − baseline) / max(baseline, 1); `None` without dates or history.
    pub growth: Option<f64>,
    pub money_at_stake: Option<f64>,
    pub score: f64,
    pub sentence: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Spike {
    pub dimension: &'static str,
    pub value: String,
    pub cause: Category,
    pub about: &'static str,
    pub last_week: u64,
    pub baseline_per_week: f64,
    pub baseline_weeks: u32,
    pub ratio: f64,
    /// How unlikely the week is under the baseline (Poisson).
    pub p_value: f64,
    pub concentrated_in: Option<Concentration>,
    pub sentence: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Concentration {
    pub dimension: &'static str,
    pub value: String,
    pub reviews: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DateNotes {
    /// Counted, but left out of trends, windows and recovery times.
    pub undated: u64,
    pub unreadable: u64,
    pub unreadable_examples: Vec<String>,
    /// Dates like 3/5/2024, read month first (as US exports write them).
    pub month_first_guesses: u64,
}

/// P(X ≥ k) for X ~ Poisson(λ), summed in log space so large λ does not underflow.
pub fn poisson_tail(k: u64, lambda: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    let ln_fact = |n: f64| if n < 2.0 { 0.0 } else { n * n.ln() - n + 0.5 * (2.0 * std::f64::consts::PI * n).ln() + 1.0 / (12.0 * n) };
    let ln_term = |i: f64| -lambda + i * lambda.ln() - ln_fact(i);
    if (k as f64) <= lambda {
        return 1.0; // not a spike in any case; the exact figure does not matter
    }
    let mut sum = 0.0;
    let mut i = k as f64;
    loop {
        let term = ln_term(i).exp();
        sum += term;
        if term < sum * 1e-12 || i > k as f64 + 10_000.0 {
            break;
        }
        i += 1.0;
    }
    sum.min(1.0)
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn count_label(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn money_text(m: f64) -> String {
    format!("{m:.2}")
}

impl Patterns {
    /// The day windows end on: `asOf`, or the latest review's day.
    pub(super) fn as_of_day(&self) -> Option<i32> {
        self.as_of_given.or(self.last_day)
    }

    /// The report so far (reading may go on afterwards).
    pub fn summary(&self) -> Summary {
        let as_of = self.as_of_day();
        let counted = (self.totals.reviews + self.totals.answers).max(1) as f64;
        let t = &self.totals;
        let mut root_causes: Vec<CauseCount> = Category::ALL
            .iter()
            .zip(t.by_cause)
            .filter(|(_, n)| *n > 0)
            .map(|(c, n)| CauseCount { id: *c, about: about(*c), reviews: n, share: round2(n as f64 / counted * 100.0) / 100.0 })
            .collect();
        root_causes.sort_by_key(|c| std::cmp::Reverse(c.reviews));

        let (recurring, fix_first) = self.issues(as_of);
        let mut urgent = self.urgent.clone();
        urgent.sort_by_key(|u| std::cmp::Reverse(u.at));
        urgent.truncate(super::URGENT_KEPT);
        let now = self.options.as_of.as_deref().and_then(read_date).map(|d| d.at);

        Summary {
            period: Period {
                first: self.first_day.map(|d| format_day(d.into())),
                last: self.last_day.map(|d| format_day(d.into())),
                as_of: as_of.map(|d| format_day(d.into())),
                window_days: self.options.window_days,
            },
            volume: Volume {
                reviews: t.reviews,
                answers: t.answers,
                unhappy: t.unhappy,
                needs_reply: t.needs_reply,
                by_sentiment: SentimentLabel::ALL.iter().zip(t.by_sentiment).map(|(l, n)| Count { id: l.id(), reviews: n }).collect(),
                by_rating: t.by_rating,
                unrated: t.unrated,
                by_priority: [Priority::Low, Priority::Normal, Priority::High, Priority::Urgent]
                    .iter()
                    .zip(t.by_priority)
                    .map(|(p, n)| Count { id: p.id(), reviews: n })
                    .collect(),
                risks: Risk::ALL.iter().zip(t.by_risk).filter(|(_, n)| *n > 0).map(|(r, n)| Count { id: r.id(), reviews: n }).collect(),
                money_at_stake: (t.with_order_value > 0).then(|| round2(t.money_unhappy)),
            },
            root_causes,
            timeline: self.timeline(as_of),
            breakdowns: self.breakdowns(),
            recurring,
            spikes: self.spikes(as_of),
            fix_first,
            urgent,
            recovery: self.recovery.summary(self.target(), now),
            case_problems: self.case_problems.clone(),
            case_problem_count: self.case_problem_count,
            skipped: self.skipped.clone(),
            dates: DateNotes {
                undated: t.undated,
                unreadable: t.unreadable_dates,
                unreadable_examples: t.unreadable_examples.clone(),
                month_first_guesses: t.month_first_guesses,
            },
            capped: Dimension::ALL.iter().filter(|d| self.capped.contains(d)).map(|d| d.id()).collect(),
        }
    }

    fn timeline(&self, as_of: Option<i32>) -> Timeline {
        let (Some(end), Some(first)) = (as_of, self.first_day) else {
            return Timeline { week_ends: Vec::new(), reviews: Vec::new(), causes: Vec::new() };
        };
        let span_weeks = ((i64::from(end) - i64::from(first)) / 7 + 1).clamp(1, TIMELINE_WEEKS) as i32;
        let ends: Vec<i32> = (0..span_weeks).rev().map(|k| end - 7 * k).collect();
        let causes = Category::ALL
            .iter()
            .zip(&self.timeline)
            .map(|(c, series)| CauseSeries { id: *c, about: about(*c), counts: ends.iter().map(|e| series.between(e - 6, *e).0).collect() })
            .filter(|s| s.counts.iter().any(|n| *n > 0))
            .collect();
        Timeline {
            week_ends: ends.iter().map(|e| format_day((*e).into())).collect(),
            reviews: ends.iter().map(|e| self.volume.between(e - 6, *e).0).collect(),
            causes,
        }
    }

    fn all_items(&self) -> impl Iterator<Item = (&ItemKey, &Item)> {
        self.index.iter().filter_map(|(k, at)| self.items.get(*at).map(|item| (k, item)))
    }

    fn singles(&self) -> impl Iterator<Item = (&ItemKey, &Item)> {
        self.all_items().filter(|(k, _)| k.pair.is_none())
    }

    fn breakdowns(&self) -> Vec<Breakdown> {
        let counted = (self.totals.reviews + self.totals.answers).max(1) as f64;
        Dimension::ALL
            .iter()
            .filter_map(|d| {
                // (The store as a whole is the headline and the root-cause list.)
                let mut items: Vec<(&ItemKey, &Item)> = self.singles().filter(|(k, _)| k.dimension == *d).collect();
                if items.is_empty() {
                    return None;
                }
                let values = items.len() as u64;
                items.sort_by(|a, b| b.1.unhappy.cmp(&a.1.unhappy).then(b.1.reviews.cmp(&a.1.reviews)).then(a.0.value.cmp(&b.0.value)));
                items.truncate(self.options.top);
                let items = items
                    .into_iter()
                    .map(|(k, item)| {
                        let mut causes: Vec<CauseCount> = item
                            .causes
                            .iter()
                            .map(|(c, n, _)| CauseCount { id: *c, about: about(*c), reviews: *n, share: round2(*n as f64 / item.reviews.max(1) as f64) })
                            .collect();
                        causes.sort_by(|a, b| b.reviews.cmp(&a.reviews).then(a.id.cmp(&b.id)));
                        causes.truncate(3);
                        ItemSummary {
                            value: k.value.to_string(),
                            reviews: item.reviews,
                            unhappy: item.unhappy,
                            average_rating: (item.rated > 0).then(|| round2(item.rating_sum / item.rated as f64)),
                            causes,
                        }
                    })
                    .collect();
                let _ = counted;
                Some(Breakdown { dimension: d.id(), label: d.label(), values, items })
            })
            .collect()
    }

    /// Recurring issues (in the window, or over everything when nothing is dated) and the fix-first ranking.
    fn issues(&self, as_of: Option<i32>) -> (Vec<Issue>, Vec<Issue>) {
        let window = self.options.window_days as i32;
        let priced = self.totals.with_order_value > 0;
        let mut issues = Vec::new();
        for (key, item) in self.singles() {
            if &*key.value == OTHER {
                continue;
            }
            for (cause, total, series) in &item.causes {
                let (reviews, money, previous) = match as_of {
                    Some(end) => {
                        let (n, m) = series.between(end - window + 1, end);
                        // Earlier windows, as far back as the item has reviews.
                        let earlier: Vec<u64> = (1..=BASELINE_WINDOWS)
                            .filter(|k| item.first_day.is_some_and(|f| end - (k + 1) * window + 1 >= f))
                            .map(|k| series.between(end - (k + 1) * window + 1, end - k * window).0)
                            .collect();
                        let baseline = (!earlier.is_empty()).then(|| earlier.iter().sum::<u64>() as f64 / earlier.len() as f64);
                        (n, m, baseline)
                    }
                    None => (*total, 0.0, None),
                };
                if reviews < u64::from(self.options.min_reviews) {
                    continue;
                }
                let growth = previous.map(|p| round2((reviews as f64 - p) / p.max(1.0)));
                let base = if priced { money } else { reviews as f64 };
                let score = round2(base * (1.0 + growth.unwrap_or(0.0).max(0.0)));
                // "of SKU TEE-BLK-M about size or fit", or "about late delivery across the store".
                let (of, across) = match key.dimension {
                    Dimension::Store => (String::new(), " across the store"),
                    d => (format!(" of {}", d.naming(&key.value)), ""),
                };
                let mut sentence = match as_of {
                    Some(end) => format!(
                        "{}{of} about {}{across} in {} days (to {})",
                        count_label(reviews, "review", "reviews"),
                        about(*cause),
                        window,
                        format_day(end.into())
                    ),
                    None => format!("{}{of} about {}{across}", count_label(reviews, "review", "reviews"), about(*cause)),
                };
                if let Some(p) = previous {
                    sentence.push_str(&format!(", against {p:.1} per {window} days before"));
                }
                if priced && money > 0.0 {
                    sentence.push_str(&format!("; {} in orders from unhappy customers", money_text(money)));
                }
                issues.push(Issue {
                    dimension: key.dimension.id(),
                    value: key.value.to_string(),
                    cause: *cause,
                    about: about(*cause),
                    reviews,
                    baseline: previous.map(round2),
                    growth,
                    money_at_stake: priced.then(|| round2(money)),
                    score,
                    sentence,
                });
            }
        }
        let mut recurring = issues.clone();
        recurring.sort_by(|a, b| {
            b.reviews.cmp(&a.reviews).then(a.dimension.cmp(b.dimension)).then(a.value.cmp(&b.value)).then(a.cause.cmp(&b.cause))
        });
        recurring.truncate(self.options.top * 3);
        issues.sort_by(|a, b| {
            b.score.total_cmp(&a.score).then(b.reviews.cmp(&a.reviews)).then(a.dimension.cmp(b.dimension)).then(a.value.cmp(&b.value)).then(a.cause.cmp(&b.cause))
        });
        issues.truncate(self.options.top);
        (recurring, issues)
    }

    /// Items whose last 7 days of complaints about a cause stand far above their own weekly baseline.
    pub(super) fn spikes(&self, as_of: Option<i32>) -> Vec<Spike> {
        let Some(end) = as_of else { return Vec::new() };
        let mut spikes = Vec::new();
        for (key, item) in self.singles() {
            if &*key.value == OTHER {
                continue;
            }
            let Some(first) = item.first_day else { continue };
            for (cause, _, series) in &item.causes {
                let (last_week, _) = series.between(end - 6, end);
                if last_week < SPIKE_MIN {
                    continue;
                }
                let weeks: Vec<u64> = (1..=BASELINE_WEEKS)
                    .filter(|k| end - 7 * k - 6 >= first)
                    .map(|k| series.between(end - 7 * k - 6, end - 7 * k).0)
                    .collect();
                if (weeks.len() as i32) < MIN_BASELINE_WEEKS {
                    continue;
                }
                let mean = weeks.iter().sum::<u64>() as f64 / weeks.len() as f64;
                let lambda = mean.max(0.5);
                let ratio = last_week as f64 / lambda;
                let p = poisson_tail(last_week, lambda);
                if ratio < SPIKE_RATIO || p >= SPIKE_P {
                    continue;
                }
                let concentrated_in = self.concentration(key, *cause, end, last_week);
                let mut sentence = format!(
                    "Complaints about {} for {}: {} in the 7 days to {}, against {:.1} a week before ({:.1}×)",
                    about(*cause),
                    key.dimension.naming(&key.value),
                    last_week,
                    format_day(end.into()),
                    mean,
                    last_week as f64 / mean.max(f64::MIN_POSITIVE),
                );
                if mean == 0.0 {
                    sentence = format!(
                        "Complaints about {} for {}: {} in the 7 days to {}, none in the {} weeks before",
                        about(*cause),
                        key.dimension.naming(&key.value),
                        last_week,
                        format_day(end.into()),
                        weeks.len()
                    );
                }
                if let Some(c) = &concentrated_in {
                    let share = if c.reviews == last_week { "all".to_string() } else { format!("{} of them", c.reviews) };
                    sentence.push_str(&format!(", {share} with {} {}", c.dimension, c.value));
                }
                spikes.push(Spike {
                    dimension: key.dimension.id(),
                    value: key.value.to_string(),
                    cause: *cause,
                    about: about(*cause),
                    last_week,
                    baseline_per_week: round2(mean),
                    baseline_weeks: weeks.len() as u32,
                    ratio: round2(ratio),
                    p_value: p,
                    concentrated_in,
                    sentence,
                });
            }
        }
        spikes.sort_by(|a, b| {
            a.p_value
                .total_cmp(&b.p_value)
                .then(b.last_week.cmp(&a.last_week))
                .then(a.dimension.cmp(b.dimension))
                .then(a.value.cmp(&b.value))
                .then(a.cause.cmp(&b.cause))
        });
        spikes.truncate(self.options.top);
        spikes
    }

    /// The carrier, warehouse or region holding most of a spike, when one holds most of it.
    fn concentration(&self, key: &ItemKey, cause: Category, end: i32, last_week: u64) -> Option<Concentration> {
        let mut best: Option<Concentration> = None;
        for (pair_key, item) in self.all_items().filter(|(k, _)| k.pair.is_some()) {
            let (Some(second), mut values) = (pair_key.pair, pair_key.value.split(PAIR_SEPARATOR)) else { continue };
            let (Some(a), Some(b)) = (values.next(), values.next()) else { continue };
            let other = if pair_key.dimension == key.dimension && a == &*key.value {
                (second, b)
            } else if second == key.dimension && b == &*key.value {
                (pair_key.dimension, a)
            } else {
                continue;
            };
            let Some((_, _, series)) = item.causes.iter().find(|(c, ..)| *c == cause) else { continue };
            let (n, _) = series.between(end - 6, end);
            // Ties go to the first name in order, so the sentence is the same in every run.
            let better = |b: &Concentration| n > b.reviews || (n == b.reviews && (other.0.label(), other.1) < (b.dimension, b.value.as_str()));
            if n as f64 >= CONCENTRATED * last_week as f64 && best.as_ref().is_none_or(better) {
                best = Some(Concentration { dimension: other.0.label(), value: other.1.to_string(), reviews: n });
            }
        }
        best
    }
}
