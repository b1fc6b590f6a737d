//! The solvers behind the integer program, each behind the same small interface: a model in,
//! variable values and an honest status out.

use std::time::Duration;

use good_lp::{
    Constraint, Expression, ProblemVariables, ResolutionError, Solution, SolutionStatus,
    SolverModel, Variable, WithMipGap, WithTimeLimit,
};

/// Which solver runs the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Backend {
    /// microlp: pure Rust, always available (feature `microlp`, on by default).
    #[cfg_attr(not(feature = "highs"), default)]
    MicroLp,
    /// HiGHS (feature `highs`): much faster on large programs.
    #[cfg(feature = "highs")]
    #[cfg_attr(feature = "highs", default)]
    Highs,
}

impl Backend {
    /// The backend named `name` (`microlp` or `highs`), when compiled in.
    pub fn from_name(name: &str) -> Option<Backend> {
        match name {
            "microlp" => Some(Backend::MicroLp),
            #[cfg(feature = "highs")]
            "highs" => Some(Backend::Highs),
            _ => None,
        }
    }

    /// The backend's name.
    pub fn name(self) -> &'static str {
        match self {
            Backend::MicroLp => "microlp",
            #[cfg(feature = "highs")]
            Backend::Highs => "highs",
        }
    }
}

/// How a backend call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Proven optimal (within the requested gap, which is 0 unless set).
    Optimal,
    /// Stopped by the time limit with a feasible solution.
    TimeLimit,
    /// Stopped at the requested gap.
    GapLimit,
}

/// What a backend returns: the value of every variable.
pub struct Solved {
    /// How it ended.
    pub outcome: Outcome,
    /// Values indexed like the variables.
    pub values: Vec<f64>,
}

/// Why a backend call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackendError {
    /// The program has no solution.
    #[error("the integer program is infeasible")]
    Infeasible,
    /// The time ran out before any solution was found.
    #[error("no solution found within the time limit")]
    NoSolution,
    /// Any other solver failure.
    #[error("solver error: {0}")]
    Solver(String),
}

/// Limits for one backend call.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Wall-clock limit.
    pub time: Option<Duration>,
    /// Relative gap at which to stop (0: prove optimality).
    pub gap: f64,
    /// Threads the backend may use.
    pub threads: usize,
}

/// Minimises `objective` (or maximises, with `maximise`) over `constraints`.
///
/// No starting point is passed: with HiGHS (through good_lp) a greedy starting plan once made a
/// run report "optimal" with 7 of 8 placeable pods (tests/regressions.rs), and microlp's search
/// only got slower with one.
pub fn run(
    backend: Backend,
    variables: ProblemVariables,
    all: &[Variable],
    objective: Expression,
    maximise: bool,
    constraints: &[Constraint],
    limits: Limits,
) -> Result<Solved, BackendError> {
    let unsolved = if maximise {
        variables.maximise(objective)
    } else {
        variables.minimise(objective)
    };
    match backend {
        Backend::MicroLp => {
            let mut model = unsolved.using(good_lp::microlp);
            if let Some(time) = limits.time {
                model = model.with_time_limit(time.as_secs_f64());
            }
            model = model
                .with_mip_gap(limits.gap.max(0.0) as f32)
                .map_err(|e| BackendError::Solver(e.to_string()))?;
            finish(model.with_all(constraints.iter().cloned()).solve(), all)
        }
        #[cfg(feature = "highs")]
        Backend::Highs => {
            let mut model = unsolved
                .using(good_lp::highs)
                .set_threads(limits.threads.max(1) as u32)
                .set_mip_rel_gap(limits.gap.max(0.0) as f32)
                .map_err(|e| BackendError::Solver(e.to_string()))?;
            if let Some(time) = limits.time {
                model = model.set_time_limit(time.as_secs_f64());
            }
            finish(model.with_all(constraints.iter().cloned()).solve(), all).map(|mut solved| {
                // HiGHS reports "gap limit" whenever its final gap is above zero, even within its
                // own optimality tolerance; with no gap requested that is an optimum.
                if solved.outcome == Outcome::GapLimit && limits.gap == 0.0 {
                    solved.outcome = Outcome::Optimal;
                }
                solved
            })
        }
    }
}

fn finish<S: Solution>(
    result: Result<S, ResolutionError>,
    all: &[Variable],
) -> Result<Solved, BackendError> {
    match result {
        Ok(solution) => Ok(Solved {
            outcome: match solution.status() {
                SolutionStatus::Optimal => Outcome::Optimal,
                SolutionStatus::TimeLimit => Outcome::TimeLimit,
                SolutionStatus::GapLimit => Outcome::GapLimit,
            },
            values: all.iter().map(|v| solution.value(*v)).collect(),
        }),
        Err(ResolutionError::Infeasible) => Err(BackendError::Infeasible),
        Err(ResolutionError::Other(message)) if message.contains("Time limit") => {
            Err(BackendError::NoSolution)
        }
        Err(ResolutionError::Other("NoSolutionFound")) => Err(BackendError::NoSolution),
        Err(other) => Err(BackendError::Solver(other.to_string())),
    }
}
