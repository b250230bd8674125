//! Scores as the issues define them: per-class F1, macro-F1, accuracy.

/// Counts of (truth, prediction) pairs over `n` classes.
pub struct Confusion {
    pub n: usize,
    pub counts: Vec<Vec<usize>>,
}

impl Confusion {
    pub fn new(n: usize) -> Self {
        Confusion { n, counts: vec![vec![0; n]; n] }
    }

    pub fn add(&mut self, truth: usize, predicted: usize) {
        if let Some(c) = self.counts.get_mut(truth).and_then(|r| r.get_mut(predicted)) {
            *c += 1;
        }
    }

    pub fn precision_recall_f1(&self, class: usize) -> (f64, f64, f64) {
        let tp = self.counts[class][class] as f64;
        let predicted: usize = (0..self.n).map(|t| self.counts[t][class]).sum();
        let actual: usize = self.counts[class].iter().sum();
        let p = if predicted == 0 { 0.0 } else { tp / predicted as f64 };
        let r = if actual == 0 { 0.0 } else { tp / actual as f64 };
        let f = if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) };
        (p, r, f)
    }

    pub fn macro_f1(&self) -> f64 {
        (0..self.n).map(|c| self.precision_recall_f1(c).2).sum::<f64>() / self.n as f64
    }

    pub fn accuracy(&self) -> f64 {
        let total: usize = self.counts.iter().flatten().sum();
        let right: usize = (0..self.n).map(|c| self.counts[c][c]).sum();
        if total == 0 { 0.0 } else { right as f64 / total as f64 }
    }
}

/// Precision / recall counts for one label of a multi-label task.
#[derive(Default, Clone, Copy)]
pub struct LabelCounts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl LabelCounts {
    /// One review: whether the label is true of it, and whether it was said.
    pub fn count(&mut self, truth: bool, said: bool) {
        match (truth, said) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => {}
        }
    }
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }
    pub fn support(&self) -> usize {
        self.tp + self.fn_
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}
