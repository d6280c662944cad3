//! What the four file classes (`file`, `rotating_file`, `watched_file`,
//! `timed_rotating_file`) share: their `mode` and `compress` values, filename
//! resolution against the base dir, and opening or checking the file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use super::PlanContext;
use crate::config::values::{Duration, Level, Size};
use crate::diagnostics::Diagnostic;
use crate::rotation::{Buffering, FileWriter, Policy, Settings};

/// How a file handler opens its file.
#[derive(Clone, Copy, Debug, Deserialize, Default, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Compress {
    /// gzip: backups end in `.gz`.
    Gzip,
}

/// The buffering keys every file class has (docs/performance.md).
#[derive(Clone, Debug, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BufferConfig {
    /// Keep up to this many bytes of records in memory before writing them ("64KiB"):
    /// far fewer system calls, at the price of what a crash or `kill -9` can lose (at
    /// most one buffer, or one `flush_interval`). Absent (the default): every record is
    /// handed to the operating system before its logging call returns.
    pub buffer: Option<Size>,
    /// With `buffer`: the longest a record waits in memory, such as "1s" (the default).
    pub flush_interval: Option<Duration>,
    /// With `buffer`: a record at or above this level is written at once, with
    /// everything before it (Python's `MemoryHandler` flushLevel). Default ERROR.
    pub flush_level: Option<Level>,
}

impl BufferConfig {
    /// The buffering planned, or None without `buffer`; a located error for a buffer
    /// of 0 bytes.
    fn plan(
        &self,
        cx: &PlanContext<'_>,
        diags: &mut Vec<Diagnostic>,
    ) -> Result<Option<Buffering>, ()> {
        let Some(size) = self.buffer else {
            for key in ["flush_interval", "flush_level"] {
                if let Some(at) = (cx.span)(key) {
                    diags.push(
                        Diagnostic::warning(
                            format!("handler `{}`: `{key}` applies only with `buffer`", cx.name),
                            Some(at),
                        )
                        .label("ignored: every record is written at once")
                        .help("add `buffer = \"64KiB\"`, or remove the key"),
                    );
                }
            }
            return Ok(None);
        };
        if size.0 == 0 {
            diags.push(
                cx.error("buffer", "`buffer` is 0 bytes")
                    .label("remove `buffer` to write every record at once"),
            );
            return Err(());
        }
        Ok(Some(Buffering {
            size: usize::try_from(size.0).unwrap_or(usize::MAX),
            interval: self
                .flush_interval
                .map_or(std::time::Duration::from_secs(1), |d| d.0),
            flush_level: self.flush_level.unwrap_or(Level::ERROR),
        }))
    }
}

/// The keys every file class has beside its own: the file, when it opens, how it
/// buffers.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FileKeys {
    /// The file. A relative path resolves against the log base dir; missing parent
    /// directories are created.
    pub filename: String,
    /// Open the file at the first record instead of at startup. Default false.
    #[serde(default)]
    pub delay: bool,
    /// buffer, flush_interval, flush_level.
    #[serde(flatten)]
    pub buffering: BufferConfig,
}

/// The gzip level of backups unless `compress_level` says otherwise (measured by
/// `cargo bench --bench components`: on request log text level 1 gives 8.4× at
/// 1.35 ms of CPU per MiB, level 6 10.2× at 12.2 ms).
pub const DEFAULT_COMPRESS_LEVEL: u32 = 1;

/// The keys of the two rotating classes: compression of backups, and sharing the file
/// between processes.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RotationKeys {
    /// "gzip": backups become NAME.1.gz … NAME.N.gz (or NAME.SUFFIX.gz), compressed
    /// off the logging thread.
    pub compress: Option<Compress>,
    /// gzip level 0–9. Default 1: on log text it compresses 8× at a ninth of level 6's
    /// CPU (level 6: 10×); raise it for archives that must be small.
    #[cfg_attr(feature = "schema", schemars(range(min = 0, max = 9)))]
    pub compress_level: Option<u32>,
    /// Several processes (pre-fork workers, a CLI beside the service, cron jobs) log
    /// to this file: each write and rollover takes an advisory lock (`flock`) on the
    /// side file NAME.lock, so exactly one process rolls over and every record lands
    /// once. Default false.
    #[serde(default)]
    pub lock: bool,
}

impl FileKeys {
    /// Checks the keys and plans the file with its rollover `policy` (and the rotating
    /// classes' `rotation` keys).
    pub fn plan(
        &self,
        cx: &PlanContext<'_>,
        policy: Policy,
        rotation: Option<&RotationKeys>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<super::Output> {
        let buffering = self.buffering.plan(cx, diags).ok()?;
        if let Err((problem, label)) = check_filename(&self.filename) {
            diags.push(cx.error("filename", problem).label(label));
            return None;
        }
        let path = resolve_filename(cx.base_dir, &self.filename);
        if leaves_its_base(&self.filename) {
            diags.push(
                Diagnostic::warning(
                    format!(
                        "handler `{}`: `filename` leaves the log base directory: {}",
                        cx.name,
                        path.display()
                    ),
                    (cx.span)("filename"),
                )
                .label("a relative name that climbs out with `..`")
                .help("a file under LOG_BASE_DIR needs no `..`; a file elsewhere is clearer as an absolute path"),
            );
        }
        if path.as_os_str().len() >= PATH_MAX {
            diags.push(
                cx.error(
                    "filename",
                    format!("the path is {} bytes long", path.as_os_str().len()),
                )
                .label(format!("a path is at most {} bytes", PATH_MAX - 1)),
            );
            return None;
        }
        Some(super::Output::File(Settings {
            path,
            policy,
            compress: rotation.and_then(|r| {
                r.compress
                    .map(|Compress::Gzip| r.compress_level.unwrap_or(DEFAULT_COMPRESS_LEVEL))
            }),
            delay: self.delay,
            lock: rotation.is_some_and(|r| r.lock),
            buffering,
        }))
    }
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

/// True when a relative `filename` climbs above the directory it is resolved against
/// (`../x.log`, `logs/../../x.log`), read as written (a symbolic link inside is not
/// followed).
fn leaves_its_base(filename: &str) -> bool {
    use std::path::Component;
    let path = Path::new(filename);
    if path.is_absolute() {
        return false;
    }
    let mut depth: i64 = 0;
    for component in path.components() {
        match component {
            Component::ParentDir => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            Component::Normal(_) => depth += 1,
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    false
}

/// The longest file name (one path component) Linux file systems take, in bytes.
const NAME_MAX: usize = 255;
/// The longest path the kernel takes, in bytes, with its terminating NUL.
const PATH_MAX: usize = 4096;

/// What the kernel would refuse in a `filename`, found before anything is opened.
fn check_filename(filename: &str) -> Result<(), (String, String)> {
    if filename.trim().is_empty() {
        return Err(("`filename` is empty".into(), "expected a file path".into()));
    }
    if filename.contains('\0') {
        return Err((
            "`filename` contains a NUL character".into(),
            "no file name can hold NUL".into(),
        ));
    }
    if filename.ends_with('/') || filename.ends_with("/.") || filename.ends_with("/..") {
        return Err((
            "`filename` names a directory".into(),
            "expected a file name after the last `/`".into(),
        ));
    }
    if let Some(long) = filename.split('/').find(|c| c.len() > NAME_MAX) {
        return Err((
            format!("a part of `filename` is {} bytes long", long.len()),
            format!("a file name is at most {NAME_MAX} bytes"),
        ));
    }
    Ok(())
}

/// Opens (or shares) the writer of a file, creating its directory first.
pub fn open(settings: &Settings) -> std::io::Result<Arc<FileWriter>> {
    let path = settings.path.clone();
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)
                .map_err(|e| in_context(e, format!("cannot create directory {}", dir.display())))?;
        }
    }
    if path.is_dir() {
        return Err(std::io::Error::other(format!(
            "{} is a directory",
            path.display()
        )));
    }
    if let Some(warning) = shared_directory(&path) {
        crate::diagnostics::report!("warning: {warning}");
    }
    FileWriter::shared(settings.clone())
        .map_err(|e| in_context(e, format!("cannot open {}", path.display())))
}

/// A system error with what was being done: "cannot open PATH: Too many open files".
/// The original stays its source, so [`os_error_code`] still finds its code.
#[derive(Debug)]
struct InContext {
    what: String,
    cause: std::io::Error,
}

impl std::fmt::Display for InContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.what, self.cause)
    }
}

impl std::error::Error for InContext {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.cause)
    }
}

fn in_context(cause: std::io::Error, what: String) -> std::io::Error {
    std::io::Error::new(cause.kind(), InContext { what, cause })
}

/// The operating system's error number of `e`, or of the error it wraps.
pub fn os_error_code(e: &std::io::Error) -> Option<i32> {
    if let Some(code) = e.raw_os_error() {
        return Some(code);
    }
    let mut inner: Option<&(dyn std::error::Error + 'static)> = e.get_ref().map(|i| i as _);
    while let Some(err) = inner {
        if let Some(code) = err
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::raw_os_error)
        {
            return Some(code);
        }
        inner = err.source();
    }
    None
}

/// A warning when the file's directory is writable by every user and has no sticky
/// bit: anyone could then replace the log file or plant backups in it.
pub fn shared_directory(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mode = std::fs::metadata(dir).ok()?.permissions().mode();
    (mode & 0o002 != 0 && mode & 0o1000 == 0).then(|| {
        format!(
            "the log directory {} is writable by every user and has no sticky bit: another user can replace its files",
            dir.display()
        )
    })
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
