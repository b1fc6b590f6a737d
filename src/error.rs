//! The crate's top-level error: one variant per stage.

use thiserror::Error;

use crate::manifest::LoadError;
use crate::model::ModelError;

/// Anything that can go wrong between files and a [`Problem`](crate::model::Problem).
#[derive(Debug, Error)]
pub enum Error {
    /// Reading or parsing manifests failed.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The manifests do not make a consistent problem.
    #[error(transparent)]
    Model(#[from] ModelError),
}
