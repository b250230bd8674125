//! Readers for the development sets in `../shared/data` (never copied into
//! the repository: read where they lie).

use std::fs;
use std::path::{Path, PathBuf};

use crate::review::Review;

/// Negative, neutral, positive: the sentiment model's classes.
pub const NEG: usize = 0;
pub const NEU: usize = 1;
pub const POS: usize = 2;

/// A review with the sentiment its source gives it.
pub struct Labelled {
    pub review: Review,
    pub class: usize,
}

pub struct Dataset {
    pub name: &'static str,
    pub items: Vec<Labelled>,
    /// Labels are only negative or positive.
    pub binary: bool,
}

/// `../shared/data` beside the project, or `REVIEWLOOP_DATA`.
pub fn data_dir() -> PathBuf {
    std::env::var_os("REVIEWLOOP_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"))
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// RFC 4180 CSV: quoted fields, doubled quotes, line breaks inside quotes.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

fn stars_class(stars: f64) -> usize {
    if stars <= 2.0 {
        NEG
    } else if stars < 4.0 {
        NEU
    } else {
        POS
    }
}

/// Women's clothing: title + text, 1-2 stars negative, 3 neutral, 4-5 positive.
/// Rows keyed by their first column; the rating is the label, never an input.
pub fn womens_clothing() -> Result<Dataset, String> {
    let rows = parse_csv(&read(&data_dir().join("womens_clothing/reviews_dev.csv"))?);
    let items = rows
        .iter()
        .skip(1)
        .filter_map(|r| {
            let (id, title, text, rating) = (r.first()?, r.get(3)?, r.get(4)?, r.get(5)?.parse::<f64>().ok()?);
            if text.trim().is_empty() {
                return None;
            }
            let review = Review {
                id: Some(id.clone()),
                text: text.clone(),
                title: (!title.trim().is_empty()).then(|| title.clone()),
                ..Review::default()
            };
            Some(Labelled { review, class: stars_class(rating) })
        })
        .collect();
    Ok(Dataset { name: "womens_clothing", items, binary: false })
}

/// VADER's Amazon snippets: mean human rating <= -0.5 negative, >= 0.5 positive.
pub fn vader_amazon() -> Result<Dataset, String> {
    let text = read(&data_dir().join("vader_amazon/amazonReviewSnippets_GroundTruth.txt"))?;
    let items = text
        .lines()
        .filter_map(|l| {
            let (id, score, text) = vader_line(l)?;
            let class = if score <= -0.5 {
                NEG
            } else if score >= 0.5 {
                POS
            } else {
                NEU
            };
            Some(Labelled { review: Review { id: Some(id.to_string()), ..Review::from_text(text) }, class })
        })
        .collect();
    Ok(Dataset { name: "vader_amazon", items, binary: false })
}

/// One line of VADER's snippets: id ("12_3": review 12, sentence 3), the
/// human mean score, the snippet.
fn vader_line(line: &str) -> Option<(&str, f64, &str)> {
    let mut cols = line.splitn(3, '\t');
    Some((cols.next()?, cols.next()?.parse::<f64>().ok()?, cols.next()?))
}

/// UCI sentences (Amazon phones + Yelp): 0 negative, 1 positive.
pub fn uci_sentences() -> Result<Dataset, String> {
    let mut items = Vec::new();
    for file in ["amazon_cells_labelled.txt", "yelp_labelled.txt"] {
        let text = read(&data_dir().join("uci_sentences").join(file))?;
        for (i, line) in text.lines().enumerate() {
            let Some((sentence, label)) = line.rsplit_once('\t') else { continue };
            let class = match label.trim() {
                "0" => NEG,
                "1" => POS,
                _ => continue,
            };
            let review = Review { id: Some(format!("{file}:{i}")), ..Review::from_text(sentence) };
            items.push(Labelled { review, class });
        }
    }
    Ok(Dataset { name: "uci_sentences", items, binary: true })
}

/// Amazon aspect reviews (headphones, Kindle, SanDisk), labelled by their stars.
/// The 15,000 one-star Grubhub app reviews, in file order (a review's
/// reference is its place). Unlabelled for us: their machine-assigned class
/// is not read, and their licence allows no shipped weights.
pub fn grubhub() -> Result<Vec<Review>, String> {
    Ok(grubhub_reviews(&read(&data_dir().join("grubhub_llm_labelled/reviews_15000_gemini_labels.csv"))?))
}

fn grubhub_reviews(text: &str) -> Vec<Review> {
    parse_csv(text).iter().skip(1).map(|row| Review::from_text(row.get(1).cloned().unwrap_or_default())).collect()
}

pub fn amazon_aspects() -> Result<Dataset, String> {
    let mut items = Vec::new();
    for file in ["headphone100.json", "kindle100.json", "sandisk100.json"] {
        let json: serde_json::Value =
            serde_json::from_str(&read(&data_dir().join("amazon_aspects").join(file))?).map_err(|e| e.to_string())?;
        for (i, r) in json.as_array().into_iter().flatten().enumerate() {
            let (Some(text), Some(stars)) = (r["reviewText"].as_str(), r["overall"].as_f64()) else { continue };
            let review = Review {
                id: Some(format!("{file}:{i}")),
                title: r["summary"].as_str().map(str::to_string),
                ..Review::from_text(text)
            };
            items.push(Labelled { review, class: stars_class(stars) });
        }
    }
    Ok(Dataset { name: "amazon_aspects", items, binary: false })
}

/// The text a row reference in `tests/corpus/root_causes.tsv` points at.
pub struct SourceIndex {
    dir: PathBuf,
    cache: std::collections::HashMap<String, std::collections::HashMap<String, Review>>,
}

impl SourceIndex {
    pub fn new() -> Self {
        SourceIndex { dir: data_dir(), cache: Default::default() }
    }

    pub fn review(&mut self, source: &str, reference: &str) -> Result<Review, String> {
        if !self.cache.contains_key(source) {
            let loaded = self.load(source)?;
            self.cache.insert(source.to_string(), loaded);
        }
        self.cache
            .get(source)
            .and_then(|m| m.get(reference))
            .cloned()
            .ok_or_else(|| format!("{source}#{reference} not found"))
    }

    fn load(&self, source: &str) -> Result<std::collections::HashMap<String, Review>, String> {
        let path = self.dir.join(source);
        let text = read(&path)?;
        let mut out = std::collections::HashMap::new();
        let titled = |title: Option<&str>, text: &str| Review {
            title: title.filter(|t| !t.trim().is_empty()).map(str::to_string),
            ..Review::from_text(text)
        };
        if source.starts_with("amazon_aspects/") {
            let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
            for (i, r) in json.as_array().into_iter().flatten().enumerate() {
                out.insert(i.to_string(), titled(r["summary"].as_str(), r["reviewText"].as_str().unwrap_or("")));
            }
        } else if source.starts_with("semeval16_laptops/") {
            for review in text.split("<Review rid=\"").skip(1) {
                let Some((rid, body)) = review.split_once('"') else { continue };
                let sentences: Vec<String> = body
                    .split("<text>")
                    .skip(1)
                    .filter_map(|s| s.split_once("</text>").map(|(t, _)| unescape_xml(t)))
                    .collect();
                out.insert(rid.to_string(), Review::from_text(sentences.join(" ")));
            }
        } else if source.starts_with("grubhub_llm_labelled/") {
            for (i, review) in grubhub_reviews(&text).into_iter().enumerate() {
                out.insert(i.to_string(), review);
            }
        } else if source.starts_with("womens_clothing/") {
            for row in parse_csv(&text).iter().skip(1) {
                if let (Some(id), Some(title), Some(body)) = (row.first(), row.get(3), row.get(4)) {
                    out.insert(id.clone(), titled(Some(title), body));
                }
            }
        } else if source.starts_with("vader_amazon/") {
            for (id, _, snippet) in text.lines().filter_map(vader_line) {
                out.insert(id.to_string(), Review::from_text(snippet));
            }
        } else if source.starts_with("clothing_fit/") {
            for (i, line) in text.lines().enumerate() {
                let r: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
                out.insert(i.to_string(), titled(r["review_summary"].as_str(), r["review_text"].as_str().unwrap_or("")));
            }
        } else {
            return Err(format!("unknown source {source}"));
        }
        Ok(out)
    }
}

impl Default for SourceIndex {
    fn default() -> Self {
        Self::new()
    }
}

fn unescape_xml(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&apos;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}
