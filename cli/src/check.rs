//! `logconf check [FILE]`.

use std::path::Path;
use std::process::ExitCode;

use logconf::__cli::{check_paths, cli_options, load_file};

/// Validates `file`: diagnostics on stderr and exit 1, or a one-line summary.
pub fn run(file: &Path, strict: bool) -> ExitCode {
    let loaded = match load_file(file, &cli_options(strict)) {
        Ok(l) => l,
        Err(diags) => {
            return failed(file, &diags);
        }
    };
    let mut items = check_paths(&loaded);
    items.extend(loaded.warnings.clone());
    let problems = loaded.diagnostics(items);
    if problems.has_errors() {
        return failed(file, &problems);
    }
    if !problems.is_empty() {
        err!("{problems}");
    }
    if let Some(note) = super::schema::directive_note(file, &loaded.source) {
        errln!("{note}");
    }
    let c = &loaded.config;
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    outln!(
        "{}: OK ({}, {}, {}, {}; debug {}, base dir {})",
        file.display(),
        plural(c.formatters.len(), "formatter"),
        plural(c.filters.len(), "filter"),
        plural(c.handlers.len(), "handler"),
        plural(c.loggers.len(), "logger"),
        if loaded.debug { "on" } else { "off" },
        loaded.base_dir.display()
    );
    ExitCode::SUCCESS
}

/// Prints every problem and the count; exit 1.
fn failed(file: &Path, diags: &logconf::Diagnostics) -> ExitCode {
    err!("{diags}");
    let n = diags.error_count();
    errln!(
        "\nerror: {} has {n} error{}",
        file.display(),
        if n == 1 { "" } else { "s" }
    );
    ExitCode::from(1)
}
