//! Rendering results for people and programs: tables, JSON, YAML.

pub mod comparison;
pub mod plan_report;
pub mod summary;

use serde::Serialize;

/// Output formats shared by every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// A readable table.
    #[default]
    Table,
    /// JSON.
    Json,
    /// YAML.
    Yaml,
}

/// Serialises `value` as pretty JSON or YAML.
pub fn serialize<T: Serialize>(value: &T, format: OutputFormat) -> String {
    match format {
        OutputFormat::Yaml => serde_saphyr::to_string(value).unwrap_or_else(|e| format!("# {e}\n")),
        _ => serde_json::to_string_pretty(value)
            .map_or_else(|e| format!("{{\"error\": \"{e}\"}}"), |s| s + "\n"),
    }
}
