//! The files commands read and write: text in UTF-8, the output file or standard output, the
//! format chosen by extension, and protocol files.

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, Result, anyhow};
use ashyq_core::protocol::{self, PrecinctProtocol};
use clap::ValueEnum;

/// The format of a territory, result or protocol file.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FileFormat {
    Json,
    Csv,
}

/// The format `explicit` names, else the one of `path`'s extension (CSV for `.csv`, JSON
/// otherwise).
pub fn format_of(path: Option<&Path>, explicit: Option<FileFormat>) -> FileFormat {
    explicit.unwrap_or_else(
        || match path.and_then(|p| p.extension()).and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("csv") => FileFormat::Csv,
            _ => FileFormat::Json,
        },
    )
}

/// Reads a UTF-8 text file, saying where it is not UTF-8.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        anyhow!(
            "{} is not UTF-8 text (byte {}); save it as UTF-8",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// Writes `text` to `path`, or to standard output when there is none.
pub fn write_output(path: Option<&Path>, text: &str) -> Result<()> {
    match path {
        Some(p) => std::fs::write(p, text).with_context(|| format!("cannot write {}", p.display())),
        None => {
            std::io::stdout().write_all(text.as_bytes())?;
            Ok(())
        }
    }
}

/// Reads protocols from a JSON or CSV file, chosen by extension (or by content for others).
pub fn read_protocols(path: &Path) -> Result<Vec<PrecinctProtocol>> {
    let text = read_text(path)?;
    let is_csv = match path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("csv") => true,
        Some(e) if e.eq_ignore_ascii_case("json") => false,
        _ => !text.trim_start().starts_with(['{', '[']),
    };
    let parsed = if is_csv {
        protocol::parse_csv(&text)
    } else {
        protocol::parse_json(&text)
    };
    parsed.with_context(|| format!("cannot read {}", path.display()))
}
