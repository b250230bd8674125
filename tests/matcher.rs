//! Our pattern engine (src/text/matcher) against the `regex` crate, the
//! reference for the syntax our data files are written in: every pattern we
//! ship, over real review text from ../shared/data, must match exactly where
//! `regex` matches, in each of the three ways the core searches.

use regex_automata::hybrid::dfa::DFA;
use regex_automata::nfa::thompson;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, MatchKind};
use reviewloop::text::matcher::{Direction, Matcher};
use reviewloop::tools::datasets::parse_csv;

/// Every pattern in the rule and phrase files.
fn shipped_patterns() -> Vec<String> {
    let mut out = Vec::new();
    for file in ["src/classify/data/root_causes.tsv", "src/classify/data/risks.tsv"] {
        let text = std::fs::read_to_string(file).expect("rule file");
        for line in text.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
            out.push(line.splitn(4, '\t').nth(3).expect("rule has a pattern").to_string());
        }
    }
    let phrases = std::fs::read_to_string("src/reply/data/phrases.txt").expect("phrases");
    for line in phrases.lines().filter(|l| !l.starts_with('#')) {
        let line = line.strip_prefix("words: ").or_else(|| line.strip_prefix("detail: ")).unwrap_or(line);
        if let Some((pattern, _)) = line.split_once(" => ") {
            out.push(pattern.to_string());
        } else if line.starts_with(r"\b") {
            out.push(line.to_string());
        }
    }
    let lint = std::fs::read_to_string("src/reply/data/lint_rules.txt").expect("lint rules");
    out.extend(lint.lines().filter_map(|l| l.strip_prefix("pattern: ")).map(str::to_string));
    out
}

/// Review texts in lower case, as the classifier searches them.
fn texts(limit: usize) -> Vec<String> {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    let mut out = Vec::new();
    let clothing = std::fs::read_to_string(data.join("womens_clothing/reviews_dev.csv")).expect("clothing reviews");
    for row in parse_csv(&clothing).into_iter().skip(1).take(limit / 2) {
        out.push(format!("{}. {}", row.get(3).map_or("", |s| s), row.get(4).map_or("", |s| s)));
    }
    let grubhub = std::fs::read_to_string(data.join("grubhub_llm_labelled/reviews_15000_gemini_labels.csv")).expect("grubhub");
    let rows = parse_csv(&grubhub);
    let column = rows.first().and_then(|h| h.iter().position(|c| c.contains("review") || c == "text")).unwrap_or(0);
    out.extend(rows.iter().skip(1).take(limit / 2).filter_map(|r| r.get(column).cloned()));
    out.iter().map(|t| t.to_ascii_lowercase()).collect()
}

fn reference(pattern: &str) -> regex::bytes::Regex {
    regex::bytes::RegexBuilder::new(&format!("(?-u){pattern}")).unicode(false).build().expect("regex compiles")
}

/// The one-way lazy DFA the core searched pinned windows with before.
fn reference_pinned(pattern: &str, backward: bool) -> DFA {
    DFA::builder()
        .configure(DFA::config().match_kind(if backward { MatchKind::All } else { MatchKind::LeftmostFirst }))
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .thompson(thompson::Config::new().reverse(backward).utf8(false).which_captures(thompson::WhichCaptures::None))
        .build(&format!("(?-u){pattern}"))
        .expect("DFA builds")
}

#[test]
fn every_shipped_pattern_compiles() {
    let patterns = shipped_patterns();
    assert!(patterns.len() > 500, "found only {} patterns: is the data readable?", patterns.len());
    for p in &patterns {
        for d in [Direction::Forward, Direction::Backward] {
            if let Err(e) = Matcher::new(&format!("(?-u){p}"), d) {
                panic!("{p}: {e}");
            }
        }
    }
}

#[test]
fn finds_what_regex_finds_over_whole_texts() {
    let texts = texts(800);
    let mut compared = 0usize;
    for p in shipped_patterns() {
        let ours = Matcher::new(&format!("(?-u){p}"), Direction::Forward).expect("compiles");
        let theirs = reference(&p);
        for t in &texts {
            let want: Vec<(usize, usize)> = theirs.find_iter(t.as_bytes()).map(|m| (m.start(), m.end())).collect();
            compared += want.len();
            assert_eq!(ours.find_iter(t.as_bytes()), want, "pattern {p}\ntext {t}");
        }
    }
    assert!(compared > 1000, "only {compared} matches compared: the texts hardly exercise the patterns");
}

#[test]
fn finds_what_regex_finds_pinned_to_each_word() {
    let texts = texts(80);
    let word = regex::bytes::Regex::new(r"(?-u)\w+").expect("regex");
    let (mut forward, mut backward) = (0usize, 0usize);
    for p in shipped_patterns() {
        // As the rules compile them: without the scan-only shortcuts.
        let (ours_fwd, ours_back) = (
            Matcher::pinned(&format!("(?-u){p}"), Direction::Forward).expect("compiles"),
            Matcher::pinned(&format!("(?-u){p}"), Direction::Backward).expect("compiles"),
        );
        let (fwd, back) = (reference_pinned(&p, false), reference_pinned(&p, true));
        let (mut fwd_cache, mut back_cache) = (fwd.create_cache(), back.create_cache());
        for t in &texts {
            let hay = t.as_bytes();
            let words: Vec<(usize, usize)> = word.find_iter(hay).map(|m| (m.start(), m.end())).collect();
            for &(start, end) in &words {
                // From a word to the end of the text, as rules pinned to their first word run.
                let input = Input::new(hay).range(start..hay.len()).anchored(Anchored::Yes);
                let want = fwd.try_search_fwd(&mut fwd_cache, &input).expect("search").map(|m| m.offset());
                forward += usize::from(want.is_some());
                assert_eq!(ours_fwd.match_from(hay, start..hay.len()), want, "forward from {start}: {p}\ntext {t}");
                // From the start of the text up to a word's end, as rules pinned to their last word run.
                let input = Input::new(hay).range(0..end).anchored(Anchored::Yes);
                let want = back.try_search_rev(&mut back_cache, &input).expect("search").map(|m| m.offset());
                backward += usize::from(want.is_some());
                assert_eq!(ours_back.match_back_from(hay, 0..end), want, "backward to {end}: {p}\ntext {t}");
            }
        }
    }
    assert!(forward > 100 && backward > 100, "too few pinned matches compared: {forward} forward, {backward} backward");
}

#[test]
fn refuses_what_it_cannot_run_with_the_place() {
    // Including what regex reads as more syntax, which must not pass as literals.
    for bad in ["(abc", "abc)", "[abc", "a{2,1}", "*a", r"\p{L}", "(?i)abc", "[[:alpha:]]", r"a\", "a{5000}", r"\<ab", r"ab\>", r"\b{start}ab", "[a&&b]", "[a--b]", "[a~~b]"] {
        let err = Matcher::new(bad, Direction::Forward).expect_err(bad);
        assert!(err.0.contains("at byte"), "{bad}: {err}");
    }
}

#[test]
fn a_matcher_answers_only_for_its_own_direction() {
    let forward = Matcher::new("b|ab", Direction::Forward).expect("compiles");
    let backward = Matcher::new("b|ab", Direction::Backward).expect("compiles");
    assert_eq!(backward.match_back_from(b"ab", 0..2), Some(0), "longest, backward");
    assert_eq!(backward.match_from(b"ab", 0..2), None);
    assert_eq!(backward.find_iter(b"ab"), vec![]);
    assert_eq!(forward.match_back_from(b"ab", 0..2), None);
    assert_eq!(forward.match_from(b"ab", 0..2), Some(2));
    // The cached moves are the same after either kind of call.
    assert_eq!(backward.match_back_from(b"ab", 0..2), Some(0));
}

#[test]
fn long_texts_cost_linear_time_and_pathological_patterns_do_not_blow_up() {
    // (a|aa)*b over a run of a's: exponential for a backtracker, linear here.
    let m = Matcher::new("(a|aa)*b", Direction::Forward).expect("compiles");
    let hay = vec![b'a'; 200_000];
    assert_eq!(m.find_iter(&hay), vec![]);
    let m = Matcher::new(r"\b[^.!?]{0,60}\bfoo", Direction::Forward).expect("compiles");
    let mut hay = b"x ".repeat(100_000);
    hay.extend_from_slice(b"foo");
    assert_eq!(m.find_iter(&hay).len(), 1);
}
