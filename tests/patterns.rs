//! Patterns on synthetic streams with known, planted issues: what is planted
//! is found, a flat stream raises no spike, money ranks what to fix first,
//! and memory follows the items and days, not the reviews.

use reviewloop::dates::format_day;
use reviewloop::patterns::{ClassifiedAs, Labelled, Patterns, ReportOptions, ReportRecord, SentimentIn};
use reviewloop::review::Review;
use reviewloop::taxonomy::{Category, Priority, SentimentLabel};

mod common;
use common::Rng;

const START: i64 = 19_700; // 2023-12-09
const DAYS: i64 = 120;
const SKUS: [&str; 12] = ["TEE-BLK-S", "TEE-BLK-M", "TEE-WHT-M", "MUG-01", "MUG-02", "LAMP-A", "LAMP-B", "SOCK-3", "CAP-R", "CAP-B", "BAG-1", "BAG-2"];
const CARRIERS: [&str; 4] = ["UPS", "DHL", "Royal Mail", "Evri"];
const REGIONS: [&str; 5] = ["North", "South", "East", "West", "Central"];
const WAREHOUSES: [&str; 2] = ["Leeds", "Bristol"];
const CAUSES: [Category; 5] = [Category::SizeFit, Category::Quality, Category::DeliveryDelay, Category::DamagedInTransit, Category::Refund];

#[allow(clippy::too_many_arguments)]
fn record(id: u64, day: i64, sku: &str, carrier: &str, region: &str, warehouse: &str, cause: Option<Category>, value: Option<f64>) -> ReportRecord {
    let label = if cause.is_some() { SentimentLabel::Negative } else { SentimentLabel::Positive };
    ReportRecord {
        review: Review {
            id: Some(format!("r{id}")),
            sku: Some(sku.into()),
            product: Some(sku.split('-').next().unwrap_or(sku).into()),
            carrier: Some(carrier.into()),
            region: Some(region.into()),
            warehouse: Some(warehouse.into()),
            created_at: Some(format_day(day)),
            rating: Some(if cause.is_some() { 2.0 } else { 5.0 }),
            ..Review::default()
        },
        order_value: value,
        classification: Some(ClassifiedAs {
            sentiment: SentimentIn { label },
            categories: cause.into_iter().map(|id| Labelled { id }).collect(),
            risks: Vec::new(),
            priority: if cause.is_some() { Priority::Normal } else { Priority::Low },
            needs_reply: cause.is_some(),
        }),
        ..ReportRecord::default()
    }
}

/// A flat stream: every day, about 60 reviews over all SKUs, carriers and
/// regions, 15% of them complaints with a fixed mix of causes.
fn flat_stream(seed: u64, mut visit: impl FnMut(ReportRecord)) -> u64 {
    let mut rng = Rng(seed);
    let mut id = 0;
    for day in START..START + DAYS {
        for _ in 0..60 {
            id += 1;
            let cause = (rng.unit() < 0.15).then(|| CAUSES[rng.below(CAUSES.len())]);
            let (sku, carrier, region, wh) = (rng.pick(&SKUS), rng.pick(&CARRIERS), rng.pick(&REGIONS), rng.pick(&WAREHOUSES));
            visit(record(id, day, sku, carrier, region, wh, cause, None));
        }
    }
    id
}

fn run(seed: u64, plant: impl Fn(u64, &mut Vec<ReportRecord>)) -> reviewloop::patterns::Summary {
    let mut records = Vec::new();
    let last = flat_stream(seed, |r| records.push(r));
    plant(last, &mut records);
    let mut p = Patterns::new(ReportOptions::default()).unwrap();
    for r in &records {
        p.add(r).unwrap();
    }
    p.summary()
}

#[test]
fn a_flat_stream_raises_no_spike() {
    for seed in [1, 2, 3, 4, 5, 6, 7, 8] {
        let s = run(seed, |_, _| {});
        assert!(s.spikes.is_empty(), "seed {seed}: {:#?}", s.spikes.iter().map(|x| &x.sentence).collect::<Vec<_>>());
        assert_eq!(s.volume.reviews, 60 * DAYS as u64);
    }
}

#[test]
fn a_planted_spike_is_found_and_placed() {
    // Region North: late-delivery complaints run near 1.1 a week; the last week
    // gets 12 more, all with carrier Evri.
    let s = run(11, |last, records| {
        for k in 0..12 {
            let day = START + DAYS - 1 - (k % 7);
            records.push(record(last + 1 + k as u64, day, SKUS[k as usize % 12], "Evri", "North", "Leeds", Some(Category::DeliveryDelay), None));
        }
    });
    let north = s
        .spikes
        .iter()
        .find(|x| x.dimension == "region" && x.value == "North" && x.cause == Category::DeliveryDelay)
        .unwrap_or_else(|| panic!("spike in North: {:#?}", s.spikes));
    assert!(north.last_week >= 12);
    assert!(north.ratio >= 3.0, "{}", north.ratio);
    let at = north.concentrated_in.as_ref().expect("placed with a carrier");
    assert_eq!((at.dimension, at.value.as_str()), ("carrier", "Evri"));
    assert!(north.sentence.contains("with carrier Evri"), "{}", north.sentence);
    // Every spike raised is the planted one, seen from its region or its carrier.
    for spike in &s.spikes {
        assert_eq!(spike.cause, Category::DeliveryDelay, "{}", spike.sentence);
        assert!(["North", "Evri"].contains(&spike.value.as_str()), "{}", spike.sentence);
    }
}

#[test]
fn a_planted_recurring_issue_is_named() {
    let s = run(21, |last, records| {
        for k in 0..7u64 {
            records.push(record(last + 1 + k, START + DAYS - 1 - 2 * k as i64, "TEE-BLK-M", "UPS", "South", "Leeds", Some(Category::SizeFit), None));
        }
    });
    let issue = s
        .recurring
        .iter()
        .find(|i| i.dimension == "sku" && i.value == "TEE-BLK-M" && i.cause == Category::SizeFit)
        .expect("the planted issue");
    // The flat stream adds its own share of size complaints for this SKU on top of the 7.
    assert!(issue.reviews >= 7, "{}", issue.sentence);
    assert!(issue.sentence.starts_with(&format!("{} reviews of SKU TEE-BLK-M about size or fit in 14 days", issue.reviews)), "{}", issue.sentence);
    assert!(s.fix_first.iter().take(3).any(|i| i.value == "TEE-BLK-M" && i.cause == Category::SizeFit), "{:#?}", s.fix_first);
}

#[test]
fn money_at_stake_ranks_what_to_fix_first() {
    let mut p = Patterns::new(ReportOptions::default()).unwrap();
    let day = START + 50;
    let mut id = 0;
    let mut add = |sku: &str, cause: Category, n: usize, value: f64| {
        for _ in 0..n {
            id += 1;
            p.add(&record(id, day, sku, "UPS", "North", "Leeds", Some(cause), Some(value))).unwrap();
        }
    };
    add("MUG-01", Category::Quality, 9, 8.0); // 72 at stake
    add("LAMP-A", Category::DamagedInTransit, 4, 120.0); // 480 at stake
    let s = p.summary();
    let skus: Vec<(&str, Option<f64>)> = s.fix_first.iter().filter(|i| i.dimension == "sku").map(|i| (i.value.as_str(), i.money_at_stake)).collect();
    assert_eq!(skus, vec![("LAMP-A", Some(480.0)), ("MUG-01", Some(72.0))]);
    assert_eq!(s.volume.money_at_stake, Some(552.0));
}

#[test]
fn memory_follows_items_and_days_not_reviews() {
    // The same items, causes and days, fed four times over with new ids: every
    // (item, cause, day) is seen in the first pass, so later passes add no memory
    // beyond the id fingerprints.
    let mut p = Patterns::new(ReportOptions::default()).unwrap();
    let mut held = Vec::new();
    let mut id = 0u64;
    for _ in 0..4 {
        for day in START..START + DAYS {
            for k in 0..50 {
                id += 1;
                let (sku, carrier) = (SKUS[k % 3], CARRIERS[k % 2]);
                p.add(&record(id, day, sku, carrier, "North", "Leeds", Some(CAUSES[k % 5]), None)).unwrap();
            }
        }
        held.push(p.held());
    }
    assert!(held[0].day_entries > 0);
    assert_eq!((held[0].items, held[0].day_entries), (held[3].items, held[3].day_entries));
    assert_eq!(held[3].review_ids, 4 * 50 * DAYS as usize);
    // 12.5 bytes an id at most (64-bit fingerprints, tables kept 64-80% full), or a 4 KB page a shard.
    assert!(held[3].review_id_bytes <= (held[3].review_ids * 25 / 2).max(256 * 4096) + 256 * 64, "{held:?}");
}

#[test]
fn day_counts_stay_bounded_as_the_stream_goes_on() {
    // Two years of the flat stream: the counts per day a summary can read
    // (70 days for items with the default 14-day window, 26 weeks for the
    // store's timeline) are all that is kept, so a second year adds nothing.
    let mut p = Patterns::new(ReportOptions::default()).unwrap();
    let mut rng = Rng(5);
    let mut id = 0;
    let mut after_year = None;
    for day in START..START + 730 {
        for _ in 0..60 {
            id += 1;
            let cause = (rng.unit() < 0.15).then(|| CAUSES[rng.below(CAUSES.len())]);
            p.add(&record(id, day, rng.pick(&SKUS), rng.pick(&CARRIERS), rng.pick(&REGIONS), rng.pick(&WAREHOUSES), cause, None)).unwrap();
        }
        if day == START + 364 {
            after_year = Some(p.held());
        }
    }
    let (year, two) = (after_year.unwrap(), p.held());
    assert_eq!(year.items, two.items);
    // Items × causes × (70 days + a week before pruning) + 14 timeline series × (182 + 7) days.
    let bound = two.items * CAUSES.len() * 77 + 14 * 189;
    assert!(two.day_entries <= bound, "{two:?} over {bound}");
    assert!(two.day_entries <= year.day_entries + year.day_entries / 10, "{year:?} then {two:?}");
}

#[test]
fn dropping_old_days_changes_no_figure() {
    // The same records (with a planted spike and a planted recurring issue)
    // in date order, newest first and shuffled: old days are dropped at
    // different points, and the summary must not notice.
    let mut records = Vec::new();
    let last = flat_stream(31, |r| records.push(r));
    for k in 0..12 {
        let day = START + DAYS - 1 - (k % 7);
        records.push(record(last + 1 + k as u64, day, SKUS[k as usize % 12], "Evri", "North", "Leeds", Some(Category::DeliveryDelay), Some(40.0)));
    }
    for k in 0..7u64 {
        records.push(record(last + 100 + k, START + DAYS - 1 - 2 * k as i64, "TEE-BLK-M", "UPS", "South", "Leeds", Some(Category::SizeFit), Some(25.0)));
    }
    let summary = |records: &[ReportRecord]| {
        let mut p = Patterns::new(ReportOptions::default()).unwrap();
        for r in records {
            p.add(r).unwrap();
        }
        p.summary()
    };
    records.sort_by_key(|r| r.review.created_at.clone());
    let in_order = summary(&records);
    assert!(!in_order.spikes.is_empty() && !in_order.recurring.is_empty() && !in_order.timeline.causes.is_empty());
    records.reverse();
    assert_eq!(summary(&records), in_order, "newest first");
    let mut rng = Rng(7);
    for i in (1..records.len()).rev() {
        records.swap(i, rng.below(i + 1));
    }
    assert_eq!(summary(&records), in_order, "shuffled");
    // With `asOf` given, days after it are not kept either.
    let as_of = ReportOptions { as_of: Some(format_day(START + 60)), ..ReportOptions::default() };
    let cut_short: Vec<ReportRecord> = records.iter().filter(|r| r.review.created_at.as_deref() <= Some(format_day(START + 60).as_str())).cloned().collect();
    let mut p = Patterns::new(as_of.clone()).unwrap();
    let mut q = Patterns::new(as_of).unwrap();
    records.iter().for_each(|r| drop(p.add(r)));
    cut_short.iter().for_each(|r| drop(q.add(r)));
    let (all, short) = (p.summary(), q.summary());
    // (The planted reviews after `asOf` carry the only order values, so money is left out of the comparison.)
    let issues = |s: &reviewloop::patterns::Summary| s.recurring.iter().map(|i| (i.dimension, i.value.clone(), i.cause, i.reviews, i.baseline)).collect::<Vec<_>>();
    assert!(!all.recurring.is_empty());
    assert_eq!((&all.spikes, issues(&all), &all.timeline), (&short.spikes, issues(&short), &short.timeline));
}

#[test]
fn recovery_figures_from_host_timestamps() {
    let mut p = Patterns::new(ReportOptions { as_of: Some("2024-05-10T00:00:00Z".into()), ..ReportOptions::default() }).unwrap();
    let mut r = record(1, 0, "MUG-01", "UPS", "North", "Leeds", Some(Category::Quality), None);
    r.review.created_at = Some("2024-05-01T00:00:00Z".into());
    r.replied_at = Some("2024-05-01T03:00:00Z".into());
    r.resolved_at = Some("2024-05-02T00:00:00Z".into());
    p.add(&r).unwrap();
    let mut late = r.clone();
    late.review.id = Some("2".into());
    late.replied_at = Some("2024-05-03T00:00:00Z".into());
    late.resolved_at = None;
    late.followed_up_at = Some("2024-05-04T00:00:00Z".into()); // no resolution: refused
    p.add(&late).unwrap();
    let mut waiting = r.clone();
    waiting.review.id = Some("3".into());
    waiting.replied_at = None;
    waiting.resolved_at = None;
    p.add(&waiting).unwrap();
    let s = p.summary();
    let rec = &s.recovery;
    assert_eq!(rec.cases, 3);
    assert_eq!(rec.median_first_response_hours, Some(3.0));
    assert_eq!(rec.median_resolution_hours, Some(24.0));
    assert_eq!((rec.breaches, rec.unanswered_past_target), (2, 1));
    assert_eq!((rec.unhappy_customers, rec.unhappy_recovered), (3, 1));
    assert_eq!(s.case_problem_count, 1);
    assert!(s.case_problems[0].problem.contains("follow-up but no resolution"), "{}", s.case_problems[0].problem);
}
