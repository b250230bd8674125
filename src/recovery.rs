//! Recovery cases: every review or answer that needs action becomes a case
//! that moves from new to closed, with the host's timestamps. The tally keeps
//! what a merchant asks of them: how fast the first response came, how long
//! resolution took, how often the response target was missed, and how many
//! unhappy customers were won back.

use serde::Serialize;

use crate::dates::{Seconds, HOUR};

/// Where a case stands. States only move forward.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum CaseState {
    /// Nobody has answered yet: "the charger caught fire" came in an hour ago.
    New,
    /// A public reply is posted under the review.
    RepliedPublicly,
    /// The customer was reached in private (email, message, phone).
    ContactedPrivately,
    /// The problem is fixed: replacement sent, refund issued.
    Resolved,
    /// A check after resolution that all is well.
    FollowedUp,
    /// Nothing more to do.
    Closed,
}

impl CaseState {
    pub const ALL: [CaseState; 6] =
        [Self::New, Self::RepliedPublicly, Self::ContactedPrivately, Self::Resolved, Self::FollowedUp, Self::Closed];

    pub fn id(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::RepliedPublicly => "repliedPublicly",
            Self::ContactedPrivately => "contactedPrivately",
            Self::Resolved => "resolved",
            Self::FollowedUp => "followedUp",
            Self::Closed => "closed",
        }
    }

    /// In words, for reports.
    pub fn label(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::RepliedPublicly => "replied publicly",
            Self::ContactedPrivately => "contacted privately",
            Self::Resolved => "resolved",
            Self::FollowedUp => "followed up",
            Self::Closed => "closed",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The one sentence a follow-up may add about the review, and only after the
/// problem is resolved; never with an incentive, never on Amazon
/// (`shared/spec/compliance.md`: Amazon bans asking for an update "even after
/// an issue is resolved"; FTC 16 CFR 465.4 bars anything conditioned on it).
pub const UPDATE_INVITATION: &str = "If your experience has changed, you're welcome to update your review.";

/// What a follow-up may say about the review, if anything.
pub fn follow_up_invitation(state: CaseState, platform: Option<&str>) -> Option<&'static str> {
    let on_amazon = platform.is_some_and(|p| p.trim().eq_ignore_ascii_case("amazon"));
    (state >= CaseState::Resolved && !on_amazon).then_some(UPDATE_INVITATION)
}

/// Why a case's timestamps could not all be taken as given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaseProblem {
    /// A step is dated before the review itself.
    BeforeOpened(CaseState),
    /// A follow-up with no resolution before it: a follow-up may only come after the problem is resolved.
    FollowUpBeforeResolution,
}

impl std::fmt::Display for CaseProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::BeforeOpened(state) => write!(f, "is marked {} before the review was written; that step was left out", state.label()),
            Self::FollowUpBeforeResolution => write!(
                f,
                "has a follow-up but no resolution before it; a follow-up comes only after the problem is resolved, so it was not counted"
            ),
        }
    }
}

/// One case: when it opened and when each later step happened (host time).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RecoveryCase {
    pub opened: Seconds,
    /// Timestamps of the steps after `New`, in `CaseState::ALL` order.
    pub steps: [Option<Seconds>; 5],
    /// An unhappy customer (negative or mixed, or 1-2 stars).
    pub unhappy: bool,
}

impl RecoveryCase {
    /// Builds a case from the host's timestamps, dropping the ones that cannot
    /// be right and saying why.
    pub fn new(opened: Seconds, unhappy: bool, steps: [Option<Seconds>; 5]) -> (Self, Vec<CaseProblem>) {
        let mut case = RecoveryCase { opened, steps, unhappy };
        let mut problems = Vec::new();
        for (i, step) in case.steps.iter_mut().enumerate() {
            if step.is_some_and(|at| at < opened) {
                *step = None;
                problems.push(CaseProblem::BeforeOpened(CaseState::ALL[i + 1]));
            }
        }
        let resolved = case.at(CaseState::Resolved);
        let followed = case.at(CaseState::FollowedUp);
        let resolved_first = matches!((resolved, followed), (Some(r), Some(f)) if r <= f);
        if followed.is_some() && !resolved_first {
            case.steps[CaseState::FollowedUp.index() - 1] = None;
            problems.push(CaseProblem::FollowUpBeforeResolution);
        }
        (case, problems)
    }

    fn at(&self, state: CaseState) -> Option<Seconds> {
        state.index().checked_sub(1).and_then(|i| self.steps.get(i).copied().flatten())
    }

    /// The furthest step reached.
    pub fn state(&self) -> CaseState {
        CaseState::ALL.into_iter().rev().find(|s| *s == CaseState::New || self.at(*s).is_some()).unwrap_or(CaseState::New)
    }

    /// A public reply or a private contact, whichever came first.
    pub fn first_response(&self) -> Option<Seconds> {
        match (self.at(CaseState::RepliedPublicly), self.at(CaseState::ContactedPrivately)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Resolved, or closed without a resolution date.
    pub fn resolution(&self) -> Option<Seconds> {
        self.at(CaseState::Resolved).or(self.at(CaseState::Closed))
    }
}

/// Durations to the hour, for medians without keeping every case: hours 0 to
/// 59 days one by one, then one bucket for longer.
#[derive(Clone, Debug)]
struct Hours {
    buckets: Vec<u32>,
    count: u64,
}

const HOUR_BUCKETS: usize = 60 * 24;

impl Default for Hours {
    fn default() -> Self {
        Hours { buckets: vec![0; HOUR_BUCKETS + 1], count: 0 }
    }
}

impl Hours {
    fn add(&mut self, seconds: Seconds) {
        let hour = usize::try_from(seconds.max(0) / HOUR).unwrap_or(HOUR_BUCKETS).min(HOUR_BUCKETS);
        if let Some(b) = self.buckets.get_mut(hour) {
            *b += 1;
        }
        self.count += 1;
    }

    /// The (lower) median, in whole hours rounded down.
    fn median(&self) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        let half = self.count.div_ceil(2);
        let mut seen = 0u64;
        for (hour, n) in self.buckets.iter().enumerate() {
            seen += u64::from(*n);
            if seen >= half {
                return Some(hour as f64);
            }
        }
        None
    }
}

/// Every case folded into counts; memory does not grow with the cases.
#[derive(Clone, Debug, Default)]
pub struct RecoveryTally {
    cases: u64,
    by_state: [u64; 6],
    first_response: Hours,
    resolution: Hours,
    late_responses: u64,
    /// Cases with no response yet, by the hour they opened: breaches depend on "now".
    waiting: std::collections::BTreeMap<i64, u32>,
    unhappy: u64,
    unhappy_recovered: u64,
    follow_ups_due: u64,
    latest: Option<Seconds>,
}

/// The recovery figures of a report.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecoverySummary {
    pub cases: u64,
    pub by_state: Vec<StateCount>,
    pub response_target_hours: f64,
    /// Median hours from the review to the first reply or contact.
    pub median_first_response_hours: Option<f64>,
    pub median_resolution_hours: Option<f64>,
    /// Responses later than the target, plus cases still unanswered past it.
    pub breaches: u64,
    pub unanswered_past_target: u64,
    pub unhappy_customers: u64,
    pub unhappy_recovered: u64,
    /// Recovered (resolved or further) over unhappy cases.
    pub recovered_share: Option<f64>,
    /// Resolved cases with no follow-up yet.
    pub follow_ups_due: u64,
    /// What a follow-up may say about the review, after resolution only and never on Amazon.
    pub update_invitation: &'static str,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StateCount {
    pub state: &'static str,
    pub cases: u64,
}

impl RecoveryTally {
    pub fn add(&mut self, case: &RecoveryCase, target: Seconds) {
        self.cases += 1;
        let state = case.state();
        if let Some(n) = self.by_state.get_mut(state.index()) {
            *n += 1;
        }
        let latest = case.steps.iter().flatten().copied().chain([case.opened]).max().unwrap_or(case.opened);
        self.latest = Some(self.latest.map_or(latest, |l| l.max(latest)));
        match case.first_response() {
            Some(at) => {
                self.first_response.add(at - case.opened);
                if at - case.opened > target {
                    self.late_responses += 1;
                }
            }
            None if state < CaseState::Resolved => *self.waiting.entry(case.opened.div_euclid(HOUR)).or_default() += 1,
            None => {}
        }
        if let Some(at) = case.resolution() {
            self.resolution.add(at - case.opened);
        }
        if state == CaseState::Resolved {
            self.follow_ups_due += 1;
        }
        if case.unhappy {
            self.unhappy += 1;
            if state >= CaseState::Resolved {
                self.unhappy_recovered += 1;
            }
        }
    }

    /// The figures as of `now` (the host's clock; default: the latest time seen).
    pub fn summary(&self, target: Seconds, now: Option<Seconds>) -> RecoverySummary {
        let now = now.or(self.latest);
        let unanswered_past_target = now.map_or(0, |now| {
            let cutoff = (now - target).div_euclid(HOUR);
            // An hour bucket counts when even its last second is past the target.
            self.waiting.range(..cutoff).map(|(_, n)| u64::from(*n)).sum()
        });
        RecoverySummary {
            cases: self.cases,
            by_state: CaseState::ALL
                .iter()
                .zip(self.by_state)
                .map(|(s, cases)| StateCount { state: s.id(), cases })
                .collect(),
            response_target_hours: target as f64 / HOUR as f64,
            median_first_response_hours: self.first_response.median(),
            median_resolution_hours: self.resolution.median(),
            breaches: self.late_responses + unanswered_past_target,
            unanswered_past_target,
            unhappy_customers: self.unhappy,
            unhappy_recovered: self.unhappy_recovered,
            recovered_share: (self.unhappy > 0).then(|| self.unhappy_recovered as f64 / self.unhappy as f64),
            follow_ups_due: self.follow_ups_due,
            update_invitation: UPDATE_INVITATION,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Seconds = 1_700_000_000;

    fn steps(replied: Option<i64>, contacted: Option<i64>, resolved: Option<i64>, followed: Option<i64>, closed: Option<i64>) -> [Option<Seconds>; 5] {
        [replied, contacted, resolved, followed, closed].map(|h| h.map(|h| T0 + h * HOUR))
    }

    #[test]
    fn state_is_the_furthest_step() {
        let (case, problems) = RecoveryCase::new(T0, true, steps(Some(2), None, Some(30), None, None));
        assert!(problems.is_empty());
        assert_eq!(case.state(), CaseState::Resolved);
        assert_eq!(case.first_response(), Some(T0 + 2 * HOUR));
        let (new, _) = RecoveryCase::new(T0, true, [None; 5]);
        assert_eq!(new.state(), CaseState::New);
    }

    #[test]
    fn a_follow_up_before_resolution_is_refused() {
        let (case, problems) = RecoveryCase::new(T0, true, steps(Some(1), None, None, Some(5), None));
        assert_eq!(problems, vec![CaseProblem::FollowUpBeforeResolution]);
        assert_eq!(case.state(), CaseState::RepliedPublicly);
        let (case, problems) = RecoveryCase::new(T0, true, steps(Some(1), None, Some(9), Some(5), None));
        assert_eq!(problems, vec![CaseProblem::FollowUpBeforeResolution]);
        assert_eq!(case.state(), CaseState::Resolved);
    }

    #[test]
    fn steps_before_the_review_are_dropped() {
        let (case, problems) = RecoveryCase::new(T0, false, steps(Some(-3), None, None, None, None));
        assert_eq!(problems, vec![CaseProblem::BeforeOpened(CaseState::RepliedPublicly)]);
        assert_eq!(case.first_response(), None);
    }

    #[test]
    fn the_update_invitation_only_after_resolution_and_never_on_amazon() {
        assert_eq!(follow_up_invitation(CaseState::ContactedPrivately, Some("shopify")), None);
        assert_eq!(follow_up_invitation(CaseState::Resolved, Some("shopify")), Some(UPDATE_INVITATION));
        assert_eq!(follow_up_invitation(CaseState::FollowedUp, None), Some(UPDATE_INVITATION));
        assert_eq!(follow_up_invitation(CaseState::Resolved, Some("Amazon")), None);
        let lower = UPDATE_INVITATION.to_lowercase();
        for incentive in ["discount", "coupon", "refund", "gift", "free", "code", "star"] {
            assert!(!lower.contains(incentive), "the invitation offers nothing: {incentive}");
        }
    }

    #[test]
    fn tally_times_breaches_and_recovery() {
        let target = 24 * HOUR;
        let mut tally = RecoveryTally::default();
        // Answered in 2 h and resolved in 30 h; answered late (30 h); never answered, 100 h old.
        for (s, unhappy) in [
            (steps(Some(2), None, Some(30), None, None), true),
            (steps(None, Some(30), None, None, None), true),
            (steps(None, None, None, None, None), false),
        ] {
            tally.add(&RecoveryCase::new(T0, unhappy, s).0, target);
        }
        let summary = tally.summary(target, Some(T0 + 100 * HOUR));
        assert_eq!(summary.cases, 3);
        assert_eq!(summary.median_first_response_hours, Some(2.0));
        assert_eq!(summary.median_resolution_hours, Some(30.0));
        assert_eq!(summary.breaches, 2);
        assert_eq!(summary.unanswered_past_target, 1);
        assert_eq!(summary.recovered_share, Some(0.5));
        assert_eq!(summary.follow_ups_due, 1);
        // At 10 h, the unanswered case is not late yet.
        assert_eq!(tally.summary(target, Some(T0 + 10 * HOUR)).unanswered_past_target, 0);
    }
}
