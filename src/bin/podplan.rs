//! The `podplan` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use podplan::report::{self, OutputFormat};

/// Provably optimal pod-to-node placement for Kubernetes manifests.
#[derive(Debug, Parser)]
#[command(name = "podplan", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load manifests and print what podplan understood (nodes, pod groups, notes).
    Check(InputArgs),
    /// Why is my pod Pending? For every pending pod: feasible nodes, and why each other node
    /// rejects it.
    Explain(InputArgs),
}

/// Input options every command takes.
#[derive(Debug, Args)]
struct InputArgs {
    /// Manifest file or directory (recursive); `-` reads standard input. Repeatable.
    #[arg(short = 'f', long = "filename", required = true, value_name = "PATH")]
    files: Vec<PathBuf>,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = Format::Table)]
    output: Format,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
    Yaml,
}

impl From<Format> for OutputFormat {
    fn from(format: Format) -> Self {
        match format {
            Format::Table => OutputFormat::Table,
            Format::Json => OutputFormat::Json,
            Format::Yaml => OutputFormat::Yaml,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Check(input) => {
            let problem = podplan::load_problem(&input.files).map_err(|e| e.to_string())?;
            let summary = report::summary::Summary::of(&problem);
            let output = match OutputFormat::from(input.output) {
                OutputFormat::Table => summary.to_table(),
                format => report::serialize(&summary, format),
            };
            print!("{output}");
            Ok(())
        }
        Command::Explain(input) => {
            let problem = podplan::load_problem(&input.files).map_err(|e| e.to_string())?;
            let diagnosis = podplan::explain::explain(&problem);
            let output = match OutputFormat::from(input.output) {
                OutputFormat::Table => diagnosis.to_table(),
                format => report::serialize(&diagnosis, format),
            };
            print!("{output}");
            Ok(())
        }
    }
}
