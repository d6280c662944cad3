//! `logconf import FILE [--config logging.toml] [--base-dir]`.

use std::path::Path;
use std::process::ExitCode;

use logconf::__cli::ImportOptions;

/// Prints the converted file on stdout (or writes it to `output`, which must not exist),
/// the notes on stderr; exit 1 when the file cannot be read or converted, or when the
/// result does not load (it is still written, with the errors in it).
pub fn run(file: &Path, output: Option<&Path>, base_dir: bool) -> ExitCode {
    let text = match std::fs::read(file)
        .map_err(|e| e.to_string())
        .and_then(decode)
    {
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
            if imported.ok() {
                errln!(
                    "wrote {}; for completion and hover in editors: logconf schema --write --config {}",
                    path.display(),
                    path.display()
                );
            } else {
                errln!(
                    "wrote {}, with the problems below at its end",
                    path.display()
                );
            }
        }
    }
    for n in &imported.notes {
        errln!("note: {n}");
    }
    if imported.ok() {
        return ExitCode::SUCCESS;
    }
    for p in &imported.problems {
        errln!("error: {p}");
    }
    for e in &imported.errors {
        errln!("error: {e}");
    }
    let n = imported.problems.len() + imported.errors.len();
    let what = if imported.loads() {
        "the converted file loads but is not the dict Python ends up with"
    } else {
        "the converted file does not load yet"
    };
    errln!(
        "\nerror: {what}: {} to fix (also written at its end)",
        if n == 1 {
            "1 problem".to_string()
        } else {
            format!("{n} problems")
        }
    );
    ExitCode::from(1)
}

/// The file's text: UTF-8 (a byte-order mark dropped), UTF-16 with a byte-order mark
/// (what a PowerShell `>` writes), or Latin-1 where a Python coding line says so.
fn decode(bytes: Vec<u8>) -> Result<String, String> {
    let utf16 = |bytes: &[u8], little: bool| -> Result<String, String> {
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|c| {
                if little {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16(&units).map_err(|_| "not valid UTF-16".to_string())
    };
    match bytes.as_slice() {
        [0xff, 0xfe, rest @ ..] | [0xfe, 0xff, rest @ ..] if rest.len() % 2 == 1 => {
            return Err("UTF-16 with an odd number of bytes".into())
        }
        [0xff, 0xfe, rest @ ..] => return utf16(rest, true),
        [0xfe, 0xff, rest @ ..] => return utf16(rest, false),
        _ => {}
    }
    match String::from_utf8(bytes) {
        Ok(t) => Ok(t),
        Err(e) => {
            let bytes = e.into_bytes();
            // PEP 263: a coding line in the first two lines
            let head: String = bytes
                .split(|b| *b == b'\n')
                .take(2)
                .map(|l| String::from_utf8_lossy(l).to_ascii_lowercase())
                .collect::<Vec<_>>()
                .join("\n");
            // the whole coding name (iso-8859-15 is another one)
            let declared: Option<String> = head.split('\n').find_map(|l| {
                let at = l.find("coding")?;
                let rest = l[at + 6..].trim_start_matches([':', '=']).trim_start();
                Some(
                    rest.chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                        .collect(),
                )
            });
            let latin1 = declared.is_some_and(|c| {
                matches!(
                    c.as_str(),
                    "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "iso-latin-1" | "l1"
                )
            });
            if latin1 {
                Ok(bytes.iter().map(|&b| char::from(b)).collect())
            } else {
                Err("not UTF-8 (nor UTF-16 with a byte-order mark, nor Latin-1 declared by a coding line)".into())
            }
        }
    }
}
