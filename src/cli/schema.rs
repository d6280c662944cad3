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
    let dir = folder_of(config);
    let schema_path = dir.join(SCHEMA_FILE);
    if let Err(e) = std::fs::write(&schema_path, logconf::__cli::schema_text()) {
        errln!("error: cannot write {}: {e}", schema_path.display());
        return ExitCode::from(1);
    }
    let directive = format!("#:schema ./{SCHEMA_FILE}");
    let rewritten = with_directive(&text, &directive);
    if rewritten != text {
        if let Err(e) = replace_file(config, &rewritten) {
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
/// added above the rest.
fn with_directive(text: &str, directive: &str) -> String {
    let first = text.lines().next().unwrap_or_default();
    if first.trim_start().starts_with("#:schema") {
        let rest = &text[first.len()..];
        format!("{directive}{rest}")
    } else {
        format!("{directive}\n{text}")
    }
}

/// Replaces `path`'s content through a temporary file renamed over it (keeping its
/// permissions), so an editor or a watcher never reads half a file.
fn replace_file(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = folder_of(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "logging.toml".into());
    let temp = dir.join(format!(".{name}.logconf-{}", std::process::id()));
    std::fs::write(&temp, text)?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(&temp, meta.permissions());
    }
    std::fs::rename(&temp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
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
    }
}
