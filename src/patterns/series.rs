//! Counts by day, kept sparse: one entry per day that has any, so memory
//! follows the days seen, not the reviews.

#[derive(Clone, Debug, Default, PartialEq)]
pub struct DailyCounts {
    /// (day, reviews, money at stake), sorted by day.
    days: Vec<(i32, u32, f64)>,
}

impl DailyCounts {
    pub fn add(&mut self, day: i32, n: u32, money: f64) {
        // Exports come in date order (either way) most of the time: check the ends first.
        let at = match self.days.last() {
            Some(last) if last.0 == day => self.days.len() - 1,
            Some(last) if last.0 < day => {
                self.days.push((day, 0, 0.0));
                self.days.len() - 1
            }
            None => {
                self.days.push((day, 0, 0.0));
                0
            }
            _ => match self.days.binary_search_by_key(&day, |e| e.0) {
                Ok(at) => at,
                Err(at) => {
                    self.days.insert(at, (day, 0, 0.0));
                    at
                }
            },
        };
        if let Some(entry) = self.days.get_mut(at) {
            entry.1 = entry.1.saturating_add(n);
            entry.2 += money;
        }
    }

    /// Forgets the days before `day`.
    pub fn drop_before(&mut self, day: i32) {
        let end = self.days.partition_point(|e| e.0 < day);
        if end > 0 {
            self.days.drain(..end);
        }
    }

    /// Days with any count.
    pub fn len(&self) -> usize {
        self.days.len()
    }

    /// Reviews and money on days `from..=to`.
    pub fn between(&self, from: i32, to: i32) -> (u64, f64) {
        let start = self.days.partition_point(|e| e.0 < from);
        self.days
            .get(start..)
            .unwrap_or(&[])
            .iter()
            .take_while(|e| e.0 <= to)
            .fold((0, 0.0), |(n, m), e| (n + u64::from(e.1), m + e.2))
    }

}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_in_any_order() {
        let mut s = DailyCounts::default();
        for day in [5, 5, 7, 1, 6, 5, 1] {
            s.add(day, 1, 2.0);
        }
        assert_eq!(s.between(1, 1), (2, 4.0));
        assert_eq!(s.between(5, 6), (4, 8.0));
        assert_eq!(s.between(2, 4), (0, 0.0));
        assert_eq!(s.between(0, 100).0, 7);
        assert_eq!(s.days.len(), 4);
        s.drop_before(6);
        assert_eq!(s.between(0, 100), (2, 4.0));
        s.drop_before(100);
        assert_eq!(s.len(), 0);
    }
}
