//! `logconf import FILE.json [--config logging.toml]`.

use std::path::Path;
use std::process::ExitCode;

use logconf::__cli::{load_str, LoadOptions};

/// Prints the converted file on stdout (or writes it to `output`, which must not exist),
/// notes and any remaining problem on stderr.
pub fn run(file: &Path, output: Option<&Path>) -> ExitCode {
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
    match output {
        None => out!("{}", imported.toml),
        Some(path) => {
            let written = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .and_then(|mut f| std::io::Write::write_all(&mut f, imported.toml.as_bytes()));
            if let Err(e) = written {
                errln!("error: cannot write {}: {e}", path.display());
                return ExitCode::from(1);
            }
            errln!(
                "wrote {}; for completion and hover in editors: logconf schema --write --config {}",
                path.display(),
                path.display()
            );
        }
    }
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
