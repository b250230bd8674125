//! Every way a call into the core can be refused, each with a message a
//! merchant or integrator can act on.

use std::fmt;

/// Why a review (or a call) was refused. Nothing that depends on input panics:
/// it ends up here instead.
#[derive(Clone, Debug, PartialEq)]
pub enum Error {
    /// The review has no text and no title to read.
    EmptyText,
    /// The text is longer than the core accepts in one review.
    TextTooLong { bytes: usize, limit: usize },
    /// A star rating outside 1 to 5 (or not a number).
    RatingOutOfRange(f64),
    /// The review could not be read: a missing field or a field of the wrong type.
    InvalidReview(String),
    /// Reply options (brand, support channel, platform…) that cannot be used.
    InvalidOptions(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::EmptyText => write!(f, "The review has no text: pass the review body as `text` (a non-empty string)."),
            Error::TextTooLong { bytes, limit } => write!(
                f,
                "The review text is {:.1} MB; the limit is {} MB. Split the text or trim it before classifying.",
                *bytes as f64 / 1_048_576.0,
                limit / 1_048_576
            ),
            Error::RatingOutOfRange(r) => {
                write!(f, "The rating {r} is out of range: pass a star rating from 1 to 5, or leave `rating` out.")
            }
            Error::InvalidReview(why) => write!(f, "The review could not be read: {why}."),
            Error::InvalidOptions(why) => write!(f, "The reply options could not be used: {why}."),
        }
    }
}

impl std::error::Error for Error {}
