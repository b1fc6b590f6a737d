//! podplan (docs to come).
#![warn(missing_docs)]

pub mod cluster;
pub mod error;
pub mod explain;
pub mod manifest;
pub mod model;
pub mod quantity;
pub mod report;
pub mod rules;

pub use error::Error;
pub use model::Problem;

/// Loads manifests from files, directories or `-` (stdin) and builds the problem.
pub fn load_problem<P: AsRef<std::path::Path>>(paths: &[P]) -> Result<Problem, Error> {
    let loaded = manifest::load_paths(paths)?;
    Ok(Problem::from_loaded(&loaded)?)
}
