//! Dates as review exports write them, read into seconds since 1970 (UTC).
//! The one place that knows date formats: reports, trends and recovery
//! timings all read their timestamps here.
//!
//! Accepted: ISO 8601 (`2024-03-05`, `2024-03-05T10:00:00Z`, `…+02:00`,
//! `2024-03-05 10:00:00 UTC`), `2024/03/05`, `5.3.2024` (day first),
//! `3/5/2024` and `3/5/24 17:09` (month first, as US exports write them,
//! unless the first number is above 12), `April 20, 2016`, `20 April 2016`,
//! and Unix time in seconds or milliseconds.

/// Seconds since 1970-01-01T00:00:00Z.
pub type Seconds = i64;

pub const DAY: Seconds = 86_400;
pub const HOUR: Seconds = 3_600;

/// How a date was read, so a report can say which dates it had to guess.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateOrder {
    /// Year first, or a month name, or Unix time: nothing to guess.
    Unambiguous,
    /// `3/5/2024` read as 5 March would be as plausible: read month first.
    MonthFirstGuessed,
}

/// A timestamp read from text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadDate {
    pub at: Seconds,
    pub order: DateOrder,
}

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/// Reads a date or date-time; `None` when it is not one we can read for sure.
pub fn read_date(text: &str) -> Option<ReadDate> {
    let text = text.trim();
    if text.is_empty() || text.len() > 64 {
        return None;
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return unix_time(text);
    }
    let lower = text.to_ascii_lowercase();
    let (date_part, rest) = split_date(&lower);
    let (year, month, day, order) = read_day(date_part)?;
    let secs_of_day = read_time(rest)?;
    let at = days_from_civil(year, month, day)? * DAY + secs_of_day;
    Some(ReadDate { at, order })
}

/// 10 digits are seconds, 13 milliseconds (2001 to 2286 either way).
fn unix_time(digits: &str) -> Option<ReadDate> {
    let n: i64 = digits.parse().ok()?;
    let at = match digits.len() {
        9 | 10 => n,
        12 | 13 => n / 1000,
        _ => return None,
    };
    Some(ReadDate { at, order: DateOrder::Unambiguous })
}

/// Splits `2024-03-05T10:00Z` or `April 20, 2016 10:00` into the date and the rest.
fn split_date(text: &str) -> (&str, &str) {
    let mut words = text.split_ascii_whitespace();
    let first = words.next().unwrap_or("");
    let named_month = first.starts_with(|c: char| c.is_ascii_alphabetic())
        || words.next().is_some_and(|w| month_of(w).is_some());
    if named_month {
        // The date is the first three words: "april 20, 2016" or "20 april 2016".
        let mut words_seen = 0;
        let mut in_word = false;
        for (at, c) in text.char_indices() {
            if c.is_ascii_whitespace() {
                if in_word {
                    words_seen += 1;
                    if words_seen == 3 {
                        return (&text[..at], &text[at..]);
                    }
                }
                in_word = false;
            } else {
                in_word = true;
            }
        }
        return (text, "");
    }
    let end = text.find(['t', ' ']).unwrap_or(text.len());
    (&text[..end], &text[end..])
}

fn month_of(word: &str) -> Option<u32> {
    let word = word.trim_end_matches(['.', ',']);
    if word.len() < 3 {
        return None;
    }
    let head = word.get(..3)?;
    let m = MONTHS.iter().position(|m| *m == head)?;
    // "mar" but not "marmalade": the word is a month name or its abbreviation.
    let full = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
    let name = full.get(m)?;
    (name.starts_with(word) || (m == 8 && word == "sept")).then_some(m as u32 + 1)
}

fn number(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Two-digit years are 2000-2069 or 1970-1999.
fn full_year(y: u32, digits: usize) -> u32 {
    match digits {
        2 if y < 70 => 2000 + y,
        2 => 1900 + y,
        _ => y,
    }
}

fn read_day(text: &str) -> Option<(i64, u32, u32, DateOrder)> {
    let text = text.trim().trim_end_matches(',');
    let words: Vec<&str> = text.split(|c: char| c.is_ascii_whitespace() || c == ',').filter(|w| !w.is_empty()).collect();
    if let [a, b, c] = words.as_slice() {
        // "april 20 2016" or "20 april 2016"
        let (m, d) = match (month_of(a), month_of(b)) {
            (Some(m), _) => (m, number(b.trim_end_matches(['s', 't', 'n', 'd', 'r', 'h']))?),
            (None, Some(m)) => (m, number(a.trim_end_matches(['s', 't', 'n', 'd', 'r', 'h']))?),
            _ => return None,
        };
        let y = number(c)?;
        return valid(full_year(y, c.len()) as i64, m, d, DateOrder::Unambiguous);
    }
    let sep = text.find(['-', '/', '.'])?;
    let sep_char = text.get(sep..=sep)?;
    let parts: Vec<&str> = text.split(sep_char).collect();
    let [a, b, c] = parts.as_slice() else { return None };
    let (na, nb, nc) = (number(a)?, number(b)?, number(c)?);
    if a.len() == 4 {
        return valid(na as i64, nb, nc, DateOrder::Unambiguous);
    }
    if c.len() != 4 && c.len() != 2 {
        return None;
    }
    let year = full_year(nc, c.len()) as i64;
    match sep_char {
        "." => valid(year, nb, na, DateOrder::Unambiguous),
        "-" if b.len() == 2 && a.len() == 2 => valid(year, nb, na, DateOrder::Unambiguous),
        _ if na > 12 => valid(year, nb, na, DateOrder::Unambiguous),
        _ if nb > 12 => valid(year, na, nb, DateOrder::Unambiguous),
        _ if na == nb => valid(year, na, nb, DateOrder::Unambiguous),
        _ => valid(year, na, nb, DateOrder::MonthFirstGuessed),
    }
}

fn valid(year: i64, month: u32, day: u32, order: DateOrder) -> Option<(i64, u32, u32, DateOrder)> {
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => return None,
    };
    ((1900..=2200).contains(&year) && (1..=days_in_month).contains(&day)).then_some((year, month, day, order))
}

/// `T10:00`, ` 10:00:00.123 UTC`, `17:09`, ` 5:30 pm`, `Z`, `+02:00`: seconds into the UTC day (may be negative or past a day).
fn read_time(rest: &str) -> Option<Seconds> {
    let mut rest = rest.trim().trim_start_matches('t').trim();
    if rest.is_empty() {
        return Some(0);
    }
    let mut offset: Seconds = 0;
    for zone in [" utc", "utc", " gmt", "gmt", "z"] {
        if let Some(r) = rest.strip_suffix(zone) {
            rest = r.trim();
            break;
        }
    }
    // A trailing +hh:mm / -hhmm offset.
    if let Some(at) = rest.rfind(['+', '-']) {
        let zone = rest.get(at + 1..)?.replace(':', "");
        if zone.len() == 4 || zone.len() == 2 {
            let h: i64 = zone.get(..2)?.parse().ok()?;
            let m: i64 = zone.get(2..).filter(|s| !s.is_empty()).map_or(Some(0), |s| s.parse().ok())?;
            let sign = if rest.get(at..=at) == Some("-") { -1 } else { 1 };
            offset = sign * (h * HOUR + m * 60);
            rest = rest.get(..at)?.trim();
        }
    }
    let (clock, pm, am) = match (rest.strip_suffix("pm"), rest.strip_suffix("am")) {
        (Some(c), _) => (c.trim(), true, false),
        (_, Some(c)) => (c.trim(), false, true),
        _ => (rest, false, false),
    };
    let mut fields = clock.split(':');
    let mut hour: i64 = number(fields.next()?)? as i64;
    let minute: i64 = fields.next().map_or(Some(0), number)? as i64;
    let second: i64 = match fields.next() {
        Some(s) => number(s.split('.').next().unwrap_or(""))? as i64,
        None => 0,
    };
    if fields.next().is_some() || hour > 24 || minute > 59 || second > 60 {
        return None;
    }
    if pm && hour < 12 {
        hour += 12;
    }
    if am && hour == 12 {
        hour = 0;
    }
    Some(hour * HOUR + minute * 60 + second - offset)
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> Option<i64> {
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// The civil date of a day number: (year, month, day).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

/// The day a timestamp falls on (UTC).
pub fn day_of(at: Seconds) -> i64 {
    at.div_euclid(DAY)
}

/// `2024-03-05`
pub fn format_day(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Option<String> {
        read_date(text).map(|d| {
            let day = day_of(d.at);
            let secs = d.at - day * DAY;
            format!("{} {:02}:{:02}", format_day(day), secs / HOUR, secs % HOUR / 60)
        })
    }

    #[test]
    fn reads_the_formats_exports_use() {
        assert_eq!(at("2024-03-05").as_deref(), Some("2024-03-05 00:00"));
        assert_eq!(at("2024-03-05T10:20:30Z").as_deref(), Some("2024-03-05 10:20"));
        assert_eq!(at("2024-03-05T10:20:30.123+02:00").as_deref(), Some("2024-03-05 08:20"));
        assert_eq!(at("2023-06-01T10:00:00-04:00").as_deref(), Some("2023-06-01 14:00"));
        assert_eq!(at("2026-08-01 10:00:00 UTC").as_deref(), Some("2026-08-01 10:00"));
        assert_eq!(at("2024/03/05").as_deref(), Some("2024-03-05 00:00"));
        assert_eq!(at("5.3.2024").as_deref(), Some("2024-03-05 00:00"));
        assert_eq!(at("2/11/21 17:09").as_deref(), Some("2021-02-11 17:09"));
        assert_eq!(at("25/12/2023").as_deref(), Some("2023-12-25 00:00"));
        assert_eq!(at("12/25/2023 5:30 PM").as_deref(), Some("2023-12-25 17:30"));
        assert_eq!(at("April 20, 2016").as_deref(), Some("2016-04-20 00:00"));
        assert_eq!(at("20 April 2016").as_deref(), Some("2016-04-20 00:00"));
        assert_eq!(at("Sept 3, 2021 10:00").as_deref(), Some("2021-09-03 10:00"));
        assert_eq!(at("1399766400").as_deref(), Some("2014-05-11 00:00"));
        assert_eq!(at("1399766400000").as_deref(), Some("2014-05-11 00:00"));
    }

    #[test]
    fn says_which_dates_were_guessed() {
        assert_eq!(read_date("3/5/2024").map(|d| d.order), Some(DateOrder::MonthFirstGuessed));
        assert_eq!(read_date("13/5/2024").map(|d| d.order), Some(DateOrder::Unambiguous));
        assert_eq!(read_date("2024-03-05").map(|d| d.order), Some(DateOrder::Unambiguous));
    }

    #[test]
    fn refuses_what_is_not_a_date() {
        for bad in ["", "yesterday", "2024-13-01", "2024-02-30", "31/31/2020", "12", "marmalade 3, 2020", "2024-03-05T25:00", "🙂", "1/2", "2024-03-05 nonsense"] {
            assert_eq!(read_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn day_numbers_round_trip() {
        for day in [-1000, 0, 1, 19_000, 20_000, 60_000] {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), Some(day));
        }
        assert_eq!(format_day(0), "1970-01-01");
    }
}
