//! The `podplan` command line.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

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
    /// Find the optimal placement of the pending pods.
    Solve(SolveArgs),
    /// Run kube-scheduler's greedy choices and the optimiser on the same input, side by side.
    Compare(SolveArgs),
    /// Solve a vector bin-packing instance (the benchmark format: capacities, n, sizes).
    Binpack(BinpackArgs),
}

/// Options of `binpack`.
#[derive(Debug, Args)]
struct BinpackArgs {
    /// The instance file.
    file: PathBuf,
    /// Time limit (`30s`, `2m`, `500ms`, or seconds).
    #[arg(long, value_parser = parse_duration, default_value = "60s")]
    time_limit: Duration,
    /// Backend for the integer master: `microlp`, or `highs` when built with it.
    #[arg(long)]
    backend: Option<String>,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = Format::Table)]
    output: Format,
}

/// Options of `solve` and `compare`.
#[derive(Debug, Args)]
struct SolveArgs {
    #[command(flatten)]
    input: FileArgs,
    /// Stage-2 objective: fewest/cheapest nodes, or lowest peak utilisation.
    #[arg(long, value_enum, default_value_t = ObjectiveArg::Cost)]
    objective: ObjectiveArg,
    /// Time limit for the solve (`30s`, `2m`, `500ms`, or seconds).
    #[arg(long, value_parser = parse_duration)]
    time_limit: Option<Duration>,
    /// Relative gap at which to stop (0 proves optimality).
    #[arg(long, default_value_t = 0.0)]
    gap: f64,
    /// Let running pods move (fewest moves is an objective stage).
    #[arg(long)]
    allow_moves: bool,
    /// Solver backend: `microlp`, or `highs` when built with the `highs` feature.
    #[arg(long)]
    backend: Option<String>,
    /// Threads for independent parts.
    #[arg(long)]
    threads: Option<usize>,
    /// Output format (adds `svg`, a picture of the packing).
    #[arg(short = 'o', long = "output", value_enum, default_value_t = PlanFormat::Table)]
    output: PlanFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ObjectiveArg {
    Cost,
    Balance,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq)]
enum PlanFormat {
    Table,
    Json,
    Yaml,
    Svg,
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    let (number, unit) = match text.find(|c: char| !(c.is_ascii_digit() || c == '.')) {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("invalid duration `{text}`"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => {
            return Err(format!(
                "invalid duration unit in `{text}` (use ms, s, m or h)"
            ));
        }
    };
    Duration::try_from_secs_f64(seconds).map_err(|e| format!("invalid duration `{text}`: {e}"))
}

/// The inputs every command takes.
#[derive(Debug, Args)]
struct FileArgs {
    /// Manifest file or directory (recursive); `-` reads standard input. Repeatable.
    #[arg(short = 'f', long = "filename", required = true, value_name = "PATH")]
    files: Vec<PathBuf>,
}

/// Inputs and output of `check` and `explain`.
#[derive(Debug, Args)]
struct InputArgs {
    #[command(flatten)]
    input: FileArgs,
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
            let problem = podplan::load_problem(&input.input.files).map_err(|e| e.to_string())?;
            let summary = report::summary::Summary::of(&problem);
            let output = match OutputFormat::from(input.output) {
                OutputFormat::Table => summary.to_table(),
                format => report::serialize(&summary, format),
            };
            print!("{output}");
            Ok(())
        }
        Command::Solve(args) => {
            let problem = podplan::load_problem(&args.input.files).map_err(|e| e.to_string())?;
            let options = solve_options(&args)?;
            let solution = podplan::solve::solve(&problem, &options);
            let plan = &solution.plan;
            let output = match args.output {
                PlanFormat::Table => {
                    report::plan_report::PlanReport::of(&problem, plan, Some(&solution.report))
                        .to_table()
                }
                PlanFormat::Json => report::serialize(
                    &report::plan_report::PlanReport::of(&problem, plan, Some(&solution.report)),
                    OutputFormat::Json,
                ),
                PlanFormat::Yaml => report::plan_report::to_pod_manifests(&problem, plan),
                PlanFormat::Svg => report::plan_report::to_svg(&problem, plan, "podplan"),
            };
            print!("{output}");
            Ok(())
        }
        Command::Compare(args) => {
            let problem = podplan::load_problem(&args.input.files).map_err(|e| e.to_string())?;
            let options = solve_options(&args)?;
            let greedy =
                podplan::greedy::schedule(&problem, podplan::greedy::Strategy::KubeScheduler);
            let solution = podplan::solve::solve(&problem, &options);
            let comparison = report::comparison::Comparison::new(&problem, &greedy, &solution);
            let output = match args.output {
                PlanFormat::Table => comparison.to_table(),
                PlanFormat::Json => report::serialize(&comparison, OutputFormat::Json),
                PlanFormat::Yaml => report::serialize(&comparison, OutputFormat::Yaml),
                PlanFormat::Svg => report::plan_report::to_svg_pair(
                    &problem,
                    (&greedy, "kube-scheduler"),
                    (&solution.plan, "podplan"),
                ),
            };
            print!("{output}");
            Ok(())
        }
        Command::Binpack(args) => {
            let text = std::fs::read_to_string(&args.file)
                .map_err(|e| format!("{}: {e}", args.file.display()))?;
            let instance = podplan::binpack::Instance::parse(&text)
                .map_err(|e| format!("{}: {e}", args.file.display()))?;
            let mut options = podplan::binpack::BinPackOptions {
                time_limit: Some(args.time_limit),
                progress: std::io::stderr().is_terminal(),
                ..Default::default()
            };
            if let Some(name) = &args.backend {
                options.backend = podplan::solve::Backend::from_name(name)
                    .ok_or_else(|| format!("unknown or not compiled-in backend `{name}`"))?;
            }
            let result = podplan::binpack::solve(&instance, &options);
            let output = match args.output {
                Format::Table => {
                    let mut out = format!(
                        "status: {}   bins: {}   lower bound: {}   first/best-fit decreasing: {}   {:.3}s ({})\n",
                        result.status.name(),
                        result.bins,
                        result.lower_bound,
                        result.greedy_bins,
                        result.seconds,
                        result.closed_by
                    );
                    for (k, bin) in result.packing.iter().enumerate() {
                        out += &format!("bin {k}: {bin:?}\n");
                    }
                    out
                }
                format => report::serialize(&result, format.into()),
            };
            print!("{output}");
            Ok(())
        }
        Command::Explain(input) => {
            let problem = podplan::load_problem(&input.input.files).map_err(|e| e.to_string())?;
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

fn solve_options(args: &SolveArgs) -> Result<podplan::solve::SolveOptions, String> {
    let mut options = podplan::solve::SolveOptions {
        objective: match args.objective {
            ObjectiveArg::Cost => podplan::solve::Objective::Cost,
            ObjectiveArg::Balance => podplan::solve::Objective::Balance,
        },
        time_limit: args.time_limit,
        gap: args.gap,
        allow_moves: args.allow_moves,
        progress: std::io::stderr().is_terminal(),
        ..Default::default()
    };
    if let Some(name) = &args.backend {
        options.backend = podplan::solve::Backend::from_name(name)
            .ok_or_else(|| format!("unknown or not compiled-in backend `{name}` (build with --features highs for HiGHS)"))?;
    }
    if let Some(threads) = args.threads {
        options.threads = threads.max(1);
    }
    if !(0.0..1.0).contains(&args.gap) {
        return Err(format!("--gap must be in [0, 1), not {}", args.gap));
    }
    Ok(options)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        super::Cli::command().debug_assert();
    }

    #[test]
    fn durations() {
        assert_eq!(
            super::parse_duration("30s"),
            Ok(std::time::Duration::from_secs(30))
        );
        assert_eq!(
            super::parse_duration("2m"),
            Ok(std::time::Duration::from_secs(120))
        );
        assert_eq!(
            super::parse_duration("500ms"),
            Ok(std::time::Duration::from_millis(500))
        );
        assert_eq!(
            super::parse_duration("7"),
            Ok(std::time::Duration::from_secs(7))
        );
        assert!(super::parse_duration("7 fortnights").is_err());
    }
}
