//! What the four file classes (`file`, `rotating_file`, `watched_file`,
//! `timed_rotating_file`) share: their `mode` and `compress` values, filename
//! resolution against the base dir, and opening or checking the file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;

use super::PlanContext;
use crate::diagnostics::Diagnostic;
use crate::rotation::{FileWriter, Policy, Settings};

/// How a file handler opens its file.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, Default, PartialEq, Eq)]
pub enum FileMode {
    /// Append (the default).
    #[default]
    #[serde(rename = "a")]
    Append,
    /// Truncate when the handler is created.
    #[serde(rename = "w")]
    Write,
}

/// Backup compression.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Compress {
    /// gzip: backups end in `.gz`.
    Gzip,
}

/// The gzip level of backups: None when not compressed, else `level` or 6.
pub fn gzip_level(compress: Option<Compress>, level: Option<u32>) -> Option<u32> {
    compress.map(|Compress::Gzip| level.unwrap_or(6))
}

/// A relative `filename` resolved against the base dir.
pub fn resolve_filename(base_dir: &Path, filename: &str) -> PathBuf {
    let p = Path::new(filename);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base_dir.join(p)
    }
}

/// The settings of a file class, after checking its `filename`.
pub fn plan(
    cx: &PlanContext<'_>,
    filename: &str,
    policy: Policy,
    compress: Option<u32>,
    delay: bool,
    diags: &mut Vec<Diagnostic>,
) -> Option<Settings> {
    if filename.trim().is_empty() {
        diags.push(
            cx.error("filename", "`filename` is empty")
                .label("expected a file path"),
        );
        return None;
    }
    Some(Settings {
        path: resolve_filename(cx.base_dir, filename),
        policy,
        compress,
        delay,
    })
}

/// Opens (or shares) the writer of a file, creating its directory first.
pub fn open(settings: &Settings) -> std::io::Result<Arc<FileWriter>> {
    let path = settings.path.clone();
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir).map_err(|e| {
                std::io::Error::new(
                    e.kind(),
                    format!("cannot create directory {}: {e}", dir.display()),
                )
            })?;
        }
    }
    if path.is_dir() {
        return Err(std::io::Error::other(format!(
            "{} is a directory",
            path.display()
        )));
    }
    FileWriter::shared(settings.clone())
        .map_err(|e| std::io::Error::new(e.kind(), format!("cannot open {}: {e}", path.display())))
}

/// Checks, without creating or opening anything, that `path` could be written: its
/// directory exists or can be created, and is writable.
pub fn writable(path: &Path) -> Result<(), String> {
    if path.is_dir() {
        return Err(format!("{} is a directory", path.display()));
    }
    if path.exists() {
        return if access_ok(path) {
            Ok(())
        } else {
            Err(format!("{} is not writable", path.display()))
        };
    }
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d.as_os_str().is_empty() {
            break;
        }
        if d.exists() {
            if !d.is_dir() {
                return Err(format!("{} is not a directory", d.display()));
            }
            return if access_ok(d) {
                Ok(())
            } else {
                Err(format!("directory {} is not writable", d.display()))
            };
        }
        dir = d.parent();
    }
    Ok(())
}

fn access_ok(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated path; access(2) only reads it.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}
