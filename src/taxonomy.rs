//! The classifier's vocabulary (`shared/spec/taxonomy.md`): the one place that
//! knows the ids. Ids are stable API: they appear in JSON, webhooks and dashboards.

use serde::{Deserialize, Serialize};

/// How the customer feels overall.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SentimentLabel {
    /// Unhappy overall: "broke after two days, waste of money".
    Negative,
    /// Real praise and a real complaint: "love the dress, but it came a week late".
    Mixed,
    /// No clear feeling, or a plain question or statement: "does it come in blue?".
    Neutral,
    /// Happy overall: "fits perfectly, arrived early".
    Positive,
}

impl SentimentLabel {
    pub const ALL: [SentimentLabel; 4] = [Self::Negative, Self::Mixed, Self::Neutral, Self::Positive];

    pub fn id(self) -> &'static str {
        match self {
            Self::Negative => "negative",
            Self::Mixed => "mixed",
            Self::Neutral => "neutral",
            Self::Positive => "positive",
        }
    }
}

/// The root cause behind a complaint. Tagged only when the review complains about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// The item differs from the listing: "colour is nothing like the picture".
    NotAsDescribed,
    /// Size, fit or dimensions are off: "runs two sizes small".
    SizeFit,
    /// Poor materials, defective, broke in normal use: "stopped working after a week".
    Quality,
    /// Arrived damaged, crushed, leaking or opened: "box was crushed and the glass cracked".
    DamagedInTransit,
    /// Wrong item sent, or parts or items missing: "only 2 of 3 items arrived".
    WrongOrMissingItem,
    /// Late, slow, lost, or wrong tracking: "marked delivered but not here".
    DeliveryDelay,
    /// The return or exchange process is hard, denied or costly: "had to pay return shipping".
    Returns,
    /// A refund is missing, slow, partial or refused: "still waiting for my refund".
    Refund,
    /// Support was slow, unreachable, unhelpful or rude: "no reply to three emails".
    CustomerSupport,
    /// No or unclear updates from the store: "no one told me it was delayed".
    Communication,
    /// Too expensive for what it is, hidden fees: "not worth $40".
    PriceValue,
    /// Charged wrongly, coupon or payment trouble: "charged me twice".
    Billing,
    /// Hard to set up, assemble or use: "instructions are useless".
    Usability,
}

impl Category {
    pub const ALL: [Category; 13] = [
        Self::NotAsDescribed,
        Self::SizeFit,
        Self::Quality,
        Self::DamagedInTransit,
        Self::WrongOrMissingItem,
        Self::DeliveryDelay,
        Self::Returns,
        Self::Refund,
        Self::CustomerSupport,
        Self::Communication,
        Self::PriceValue,
        Self::Billing,
        Self::Usability,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Self::NotAsDescribed => "not_as_described",
            Self::SizeFit => "size_fit",
            Self::Quality => "quality",
            Self::DamagedInTransit => "damaged_in_transit",
            Self::WrongOrMissingItem => "wrong_or_missing_item",
            Self::DeliveryDelay => "delivery_delay",
            Self::Returns => "returns",
            Self::Refund => "refund",
            Self::CustomerSupport => "customer_support",
            Self::Communication => "communication",
            Self::PriceValue => "price_value",
            Self::Billing => "billing",
            Self::Usability => "usability",
        }
    }

    pub fn from_id(id: &str) -> Option<Category> {
        Self::ALL.into_iter().find(|c| c.id() == id)
    }

    /// About the store's service rather than the product itself.
    pub fn is_service(self) -> bool {
        matches!(
            self,
            Self::DeliveryDelay | Self::Returns | Self::Refund | Self::CustomerSupport | Self::Communication | Self::Billing
        )
    }
}

/// What needs a human, fast.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    /// Injury, fire, illness, allergic reaction, spoiled food: "it caught fire".
    Safety,
    /// Legal or regulatory action, payment disputes: "filing a chargeback".
    Legal,
    /// Scam, fake or counterfeit, unauthorised purchase: "obvious counterfeit".
    Fraud,
    /// Insults, profanity at people, threats or hate: "your staff are idiots".
    Abuse,
    /// Personal data a public reply must never echo: "call me at 555-0134".
    PersonalData,
    /// The customer is leaving: "never ordering from here again".
    Churn,
}

impl Risk {
    pub const ALL: [Risk; 6] =
        [Self::Safety, Self::Legal, Self::Fraud, Self::Abuse, Self::PersonalData, Self::Churn];

    pub fn id(self) -> &'static str {
        match self {
            Self::Safety => "safety",
            Self::Legal => "legal",
            Self::Fraud => "fraud",
            Self::Abuse => "abuse",
            Self::PersonalData => "personal_data",
            Self::Churn => "churn",
        }
    }

    pub fn from_id(id: &str) -> Option<Risk> {
        Self::ALL.into_iter().find(|r| r.id() == id)
    }

    /// Safety, legal and fraud reviews go to a person at once.
    pub fn is_urgent(self) -> bool {
        matches!(self, Self::Safety | Self::Legal | Self::Fraud)
    }
}

/// How soon someone should look at the review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Neutral or positive: "does what it says".
    Low,
    /// Other negative or mixed: "the colour is duller than I hoped".
    Normal,
    /// Negative with money or goods at stake: "still waiting for my refund".
    High,
    /// Any safety, legal or fraud flag: "the charger caught fire".
    Urgent,
}

impl Priority {
    pub fn id(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Normal => "normal",
            Self::High => "high",
            Self::Urgent => "urgent",
        }
    }
}
