//! podplan (docs to come).
#![warn(missing_docs)]

pub mod manifest;
pub mod quantity;
