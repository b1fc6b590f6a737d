//! podplan (docs to come).
#![warn(missing_docs)]

pub mod manifest;
pub mod quantity;
pub mod model;
pub mod rules;
