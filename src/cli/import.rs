//! `logconf import FILE.json`.

use std::path::Path;
use std::process::ExitCode;

use logconf::__cli::{load_str, LoadOptions};

/// Prints the converted file on stdout, notes and any remaining problem on stderr.
pub fn run(file: &Path) -> ExitCode {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            errln!("error: cannot read {}: {e}", file.display());
            return ExitCode::from(1);
        }
    };
    let imported = match logconf::__cli::import(&text) {
        Ok(i) => i,
        Err(e) => {
            errln!("error: {}: {e}", file.display());
            return ExitCode::from(1);
        }
    };
    out!("{}", imported.toml);
    for n in &imported.notes {
        errln!("note: {n}");
    }
    let options = LoadOptions {
        env: Some(std::collections::HashMap::new()),
        ..LoadOptions::default()
    };
    if let Err(d) = load_str(&imported.toml, "logging.toml".as_ref(), &options) {
        err!("{d}");
        errln!("\nwarning: the converted file needs the changes above before it loads");
    }
    ExitCode::SUCCESS
}
