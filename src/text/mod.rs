//! Text handling shared by every part of the core: words with their byte
//! spans, clause boundaries, negation scopes, and UTF-16 offsets for callers.

mod language;
pub mod matcher;
mod offsets;
mod tokens;

pub use language::{detect_language, detect_language_in, Language};
pub use offsets::Utf16Offsets;
pub use tokens::{tokenize, Token, TokenKind};
