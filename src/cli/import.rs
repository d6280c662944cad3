//! `logconf import FILE [--config logging.toml] [--base-dir]`.

use std::path::Path;
use std::process::ExitCode;

use logconf::__cli::ImportOptions;

/// Prints the converted file on stdout (or writes it to `output`, which must not exist),
/// the notes on stderr; exit 1 when the file cannot be read or converted, or when the
/// result does not load (it is still written, with the errors in it).
pub fn run(file: &Path, output: Option<&Path>, base_dir: bool) -> ExitCode {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            errln!("error: cannot read {}: {e}", file.display());
            return ExitCode::from(1);
        }
    };
    let imported = match logconf::__cli::import(&text, &ImportOptions { base_dir }) {
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
    if imported.loads() {
        return ExitCode::SUCCESS;
    }
    for e in &imported.errors {
        errln!("error: {e}");
    }
    errln!(
        "\nerror: the converted file does not load yet: {} to fix (also written at its end)",
        match imported.errors.len() {
            1 => "1 problem".to_string(),
            n => format!("{n} problems"),
        }
    );
    ExitCode::from(1)
}
