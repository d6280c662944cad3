//! `logconf schema --write [--config FILE]`: the schema beside a configuration, and its
//! `#:schema` line pointing at it, so that editors (taplo, VS Code's Even Better TOML)
//! complete and explain its keys wherever the file lives. And the check that the line
//! points somewhere, for `logconf check`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The schema file's name beside a configuration.
pub const SCHEMA_FILE: &str = "logging.schema.json";

/// Writes the schema beside `config` and rewrites the configuration's first line.
pub fn write(config: &Path) -> ExitCode {
    let text = match std::fs::read_to_string(config) {
        Ok(t) => t,
        Err(e) => {
            errln!("error: cannot read {}: {e}", config.display());
            errln!("help: give the configuration with --config FILE (default: $LOG_CONFIG, else ./logging.toml)");
            return ExitCode::from(1);
        }
    };
    // the schema beside the path the editor opens; the text through a symbolic link
    // into the file it names (the link stays a link)
    let real = std::fs::canonicalize(config).unwrap_or_else(|_| config.to_path_buf());
    let schema_path = folder_of(config).join(SCHEMA_FILE);
    if let Err(e) = replace_file(&schema_path, &logconf::__cli::schema_text(), 0o644) {
        errln!("error: cannot write {}: {e}", schema_path.display());
        return ExitCode::from(1);
    }
    let directive = format!("#:schema ./{SCHEMA_FILE}");
    let rewritten = with_directive(&text, &directive);
    if rewritten != text {
        if let Err(e) = replace_file(&real, &rewritten, 0o600) {
            errln!("error: cannot rewrite {}: {e}", config.display());
            return ExitCode::from(1);
        }
    }
    outln!(
        "wrote {}; {} starts with `{directive}`",
        schema_path.display(),
        config.display()
    );
    ExitCode::SUCCESS
}

/// `text` with `directive` as its first line: replacing a `#:schema` line there, or
/// added above the rest (a byte order mark is dropped: TOML files are UTF-8).
fn with_directive(text: &str, directive: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or_default();
    if first.trim_start().starts_with("#:schema") {
        let rest = &text[first.len()..];
        format!("{directive}{rest}")
    } else {
        format!("{directive}\n{text}")
    }
}

/// Replaces `path` with `text` through a new temporary file beside it, renamed over
/// it: an editor or a watcher never reads half a file. The temporary file is created
/// exclusively (a name planted in the folder is never written through), and takes
/// the old file's permissions and owner (`mode` when there was none).
fn replace_file(path: &Path, text: &str, mode: u32) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::{MetadataExt as _, OpenOptionsExt as _};
    let dir = folder_of(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "logging.toml".into());
    let old = std::fs::metadata(path).ok();
    let mut attempt = 0u32;
    let (temp, mut file) = loop {
        let temp = dir.join(format!(".{name}.{}.{}.tmp", std::process::id(), unique()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temp)
        {
            Ok(f) => break (temp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 8 => {
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    };
    let written = (|| {
        file.write_all(text.as_bytes())?;
        match &old {
            Some(meta) => {
                file.set_permissions(meta.permissions())?;
                // the owner too, where this user may (root running for a service)
                let _ = std::os::unix::fs::fchown(&file, Some(meta.uid()), Some(meta.gid()));
            }
            None => {
                use std::os::unix::fs::PermissionsExt as _;
                file.set_permissions(std::fs::Permissions::from_mode(mode))?;
            }
        }
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// A number unlikely to repeat (the temporary file's name must not be guessable).
fn unique() -> u64 {
    use std::hash::{BuildHasher as _, Hasher as _};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish()
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A note when the `#:schema` line of `text` (read from `config`) names a local file
/// that does not exist or holds another schema than this logconf's.
pub fn directive_note(config: &Path, text: &str) -> Option<String> {
    let first = text.lines().next()?.trim();
    let target = first.strip_prefix("#:schema")?.trim();
    if target.contains("://") {
        return None; // a URL: the editor fetches it
    }
    let target = target.strip_prefix("./").unwrap_or(target);
    let path = folder_of(config).join(target);
    let fix = format!(
        "`logconf schema --write --config {}` puts the schema beside it",
        config.display()
    );
    match std::fs::read_to_string(&path) {
        Err(_) => Some(format!(
            "note: the `#:schema` line points to {}, which does not exist: editors offer no completion or hover; {fix}",
            path.display()
        )),
        Ok(found) if found != logconf::__cli::schema_text() => Some(format!(
            "note: {} is not this logconf's schema (another version): editors may miss or reject keys; {fix}",
            path.display()
        )),
        Ok(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_directive_replaces_or_precedes_the_first_line() {
        let d = "#:schema ./logging.schema.json";
        assert_eq!(
            with_directive("#:schema ./schema/x.json\nversion = 1\n", d),
            format!("{d}\nversion = 1\n")
        );
        assert_eq!(
            with_directive("version = 1\n", d),
            format!("{d}\nversion = 1\n")
        );
        assert_eq!(with_directive("", d), format!("{d}\n"));
        assert_eq!(
            with_directive("\u{feff}version = 1\n", d),
            format!("{d}\nversion = 1\n")
        );
    }
}
