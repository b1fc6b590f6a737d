//! Errors of manifest loading: every one names the file, the line and column, and where it
//! applies the field path.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use thiserror::Error;

use super::tree::Position;

/// Where something was written: a file (or `<stdin>`) and a position in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin {
    /// The file name as given (or `<stdin>`).
    pub file: Arc<str>,
    /// Line and column.
    pub position: Position,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}",
            self.file, self.position.line, self.position.column
        )
    }
}

/// Why manifests could not be loaded.
#[derive(Debug, Error)]
pub enum LoadError {
    /// A file or directory could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The text is not YAML or JSON.
    #[error("{origin}: syntax error: {message}")]
    Syntax {
        /// Where the parser stopped.
        origin: Origin,
        /// The parser's message.
        message: String,
    },
    /// A field has a value of the wrong shape, or an invalid value.
    #[error("{origin}: {path}: {message}")]
    Field {
        /// Where the value was written.
        origin: Origin,
        /// The field path (`spec.template.spec.containers[0].resources.requests.cpu`).
        path: String,
        /// What is wrong.
        message: String,
    },
    /// Two objects share kind, namespace and name.
    #[error("{origin}: metadata.name: duplicate {kind} `{name}` (first defined at {first})")]
    Duplicate {
        /// Where the second one was written.
        origin: Origin,
        /// Kind.
        kind: String,
        /// `namespace/name`, or `name` for cluster-scoped kinds.
        name: String,
        /// Where the first one was written.
        first: Origin,
    },
}

impl LoadError {
    /// The origin of the error, when it has one.
    pub fn origin(&self) -> Option<&Origin> {
        match self {
            LoadError::Io { .. } => None,
            LoadError::Syntax { origin, .. }
            | LoadError::Field { origin, .. }
            | LoadError::Duplicate { origin, .. } => Some(origin),
        }
    }
}
