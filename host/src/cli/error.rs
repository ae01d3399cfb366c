//! Errors the command line reports: one clear line each, and an exit code.

use std::path::Path;

/// Something the user can fix, said in one line.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A file could not be read or written.
    #[error("{path}: {error}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        error: std::io::Error,
    },
    /// A bundle did not load.
    #[error("cannot load {origin}: {error}")]
    Bundle {
        /// Where the bundle came from.
        origin: String,
        /// Why it was refused.
        error: ward_core::BundleError,
    },
    /// The WebAssembly runtime could not start or load the bundle.
    #[error("cannot score with {bundle}: {message}")]
    Runtime {
        /// Where the bundle came from.
        bundle: String,
        /// What went wrong.
        message: String,
    },
    /// An input file has the wrong content.
    #[error("{path}: {message}")]
    Input {
        /// The file.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// The reader of our output went away (`ward inspect | head`): not an error to report.
    #[error("output closed")]
    OutputClosed,
    /// The server could not start or stopped with an error.
    #[error("ward serve: {0}")]
    Serve(String),
    /// Writing output failed.
    #[error("cannot write output: {0}")]
    Output(std::io::Error),
    /// A rules file has errors (already printed as diagnostics).
    #[error("{count} error(s) in {path}")]
    RulesFailed {
        /// The rules file.
        path: String,
        /// How many errors.
        count: usize,
    },
}

impl CliError {
    /// An I/O error on a path.
    pub fn io(path: &Path, error: std::io::Error) -> Self {
        CliError::Io { path: path.display().to_string(), error }
    }

    /// A content error in a file.
    pub fn input(path: &Path, message: impl Into<String>) -> Self {
        CliError::Input { path: path.display().to_string(), message: message.into() }
    }

    /// Maps a failed write: a closed pipe ends quietly, anything else is reported.
    pub fn output(error: std::io::Error) -> Self {
        if error.kind() == std::io::ErrorKind::BrokenPipe { CliError::OutputClosed } else { CliError::Output(error) }
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::RulesFailed { .. } => 1,
            _ => 2,
        }
    }
}
