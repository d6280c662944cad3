//! Diagnostics that point at the input: file, line, column, the source line with a
//! caret, what was expected, and a hint — for TOML syntax errors, schema violations,
//! cross-references, interpolation and environment errors alike.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// Loading fails.
    Error,
    /// Loading goes on; the user probably wants to know.
    Warning,
}

/// One problem found in a configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one line.
    pub message: String,
    /// Byte range in the source that the problem is about, when it has one.
    pub span: Option<Range<usize>>,
    /// The text under the caret: what was expected there.
    pub label: String,
    /// A hint, such as "did you mean `max_bytes`?".
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `span`.
    pub fn error(message: impl Into<String>, span: Option<Range<usize>>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span,
            label: String::new(),
            help: None,
        }
    }

    /// A warning at `span`.
    pub fn warning(message: impl Into<String>, span: Option<Range<usize>>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message, span)
        }
    }

    /// Sets the text under the caret.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Sets the hint.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the hint when there is one.
    pub fn maybe_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }
}

/// Writes `logconf: MESSAGE` and a newline to stderr in one write. Never panics and
/// never fails, whatever stderr is (closed, a full disk, a pipe nobody reads): what
/// logconf has to say about its own trouble must not become the application's.
pub fn report_to_stderr(message: fmt::Arguments<'_>) {
    let mut line = String::with_capacity(128);
    let _ = fmt::Write::write_fmt(&mut line, format_args!("logconf: {message}\n"));
    let _ = write_stderr(line.as_bytes());
}

/// Writes `bytes` to the process's standard error (descriptor 2), whole, one writer at
/// a time. Not through `std::io::stderr()`: the standard library's lock on it, held by
/// another thread when the process forked, would stay held in the child for ever; this
/// lock is the process's own (see [`crate::fork`]). Standard error is unbuffered, so
/// the order with the application's own `eprintln!` is kept.
pub(crate) fn write_stderr(bytes: &[u8]) -> std::io::Result<()> {
    static STDERR: crate::fork::PerProcess<crate::sync::Mutex<()>> =
        crate::fork::PerProcess::new_static(crate::sync::Mutex::new(()));
    let _one = STDERR.get().lock();
    let mut rest = bytes;
    while !rest.is_empty() {
        // SAFETY: writes from a live slice to descriptor 2; no other memory is touched.
        let n = unsafe { libc::write(2, rest.as_ptr().cast(), rest.len()) };
        if n < 0 {
            let e = std::io::Error::last_os_error();
            match e.raw_os_error() {
                Some(libc::EINTR) => continue,
                // no standard error at all: nothing to say it to (as `std::io::stderr`)
                Some(libc::EBADF) => return Ok(()),
                _ => return Err(e),
            }
        }
        if n == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        rest = &rest[n as usize..];
    }
    Ok(())
}

/// `report!("...", args)`: [`report_to_stderr`] with `format!` arguments.
macro_rules! report {
    ($($arg:tt)*) => {
        $crate::diagnostics::report_to_stderr(format_args!($($arg)*))
    };
}
pub(crate) use report;

/// All the problems of one configuration, each with its file, line, column, the
/// source line with a caret, and a hint; `Display` prints them as `logconf check` does.
#[derive(Clone, Debug)]
pub struct Diagnostics {
    pub(crate) file: PathBuf,
    pub(crate) source: String,
    pub(crate) items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// A set with no source text (for problems found before a file could be read).
    pub(crate) fn without_source(file: &Path, diagnostic: Diagnostic) -> Self {
        Diagnostics {
            file: file.to_path_buf(),
            source: String::new(),
            items: vec![diagnostic],
        }
    }

    /// The file the problems are in (or a name such as `<string>`).
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// How many problems there are, errors and warnings.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there is no problem at all.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// How many errors (not warnings) there are.
    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// True when there is at least one error.
    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }

    /// Sorts the problems into source order and removes exact repeats.
    pub(crate) fn sort(&mut self) {
        self.items.sort_by_key(|d| {
            d.span
                .as_ref()
                .map_or((usize::MAX, 0), |s| (s.start, s.end))
        });
        self.items.dedup();
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub(crate) fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.source, offset.min(self.source.len()));
        let before = &self.source[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        (line, col)
    }

    fn render_one(&self, d: &Diagnostic, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{kind}: {}", d.message)?;
        let file = self.file.display();
        match &d.span {
            Some(span) if !self.source.is_empty() => {
                let (line, col) = self.line_col(span.start);
                let gutter = line.to_string().len();
                let pad = " ".repeat(gutter);
                writeln!(f, "{pad}--> {file}:{line}:{col}")?;
                let text = self.source.lines().nth(line - 1).unwrap_or("");
                let text = text.strip_suffix('\r').unwrap_or(text);
                writeln!(f, "{pad} |")?;
                writeln!(f, "{line} | {text}")?;
                let start = floor_char_boundary(&self.source, span.start.min(self.source.len()));
                let end = floor_char_boundary(&self.source, span.end.min(self.source.len()));
                let on_line = self.source[start..end].split('\n').next().unwrap_or("");
                let width = on_line.chars().count().max(1);
                let carets = "^".repeat(width);
                let indent = " ".repeat(col - 1);
                if d.label.is_empty() {
                    writeln!(f, "{pad} | {indent}{carets}")?;
                } else {
                    writeln!(f, "{pad} | {indent}{carets} {}", d.label)?;
                }
                if let Some(help) = &d.help {
                    writeln!(f, "{pad} |")?;
                    writeln!(f, "{pad} = help: {help}")?;
                }
            }
            _ => {
                writeln!(f, " --> {file}")?;
                if !d.label.is_empty() {
                    writeln!(f, "  = note: {}", d.label)?;
                }
                if let Some(help) = &d.help {
                    writeln!(f, "  = help: {help}")?;
                }
            }
        }
        Ok(())
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.items.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            self.render_one(d, f)?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// "`a`, `b`, `c`": names for a hint.
pub fn backticked<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names
        .into_iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The closest candidate to `word`, when one is close enough to be a likely typo.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|&(dist, c)| dist > 0 && dist <= (c.len().max(word.len()) / 3).max(1))
        .min_by_key(|&(dist, _)| dist)
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

/// The number of single-character insertions, deletions, substitutions and swaps of
/// two neighbours that turn `a` into `b` (the optimal string alignment distance).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // three rows of the table: two rows back (for swaps), the last one, this one
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut last: Vec<usize> = (0..=b.len()).collect();
    let mut row: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        row[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (last[j] + 1).min(row[j - 1] + 1).min(last[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            row[j] = d;
        }
        std::mem::swap(&mut before, &mut last);
        std::mem::swap(&mut last, &mut row);
    }
    last[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_typos() {
        assert_eq!(edit_distance("max_byte", "max_bytes"), 1);
        assert_eq!(edit_distance("max_btyes", "max_bytes"), 1);
        assert_eq!(edit_distance("levle", "level"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("fïlename", "filename"), 1);
    }

    #[test]
    fn renders_location_caret_and_help() {
        let source = "version = 1\n[handlers.f]\nmax_byte = 3\n".to_string();
        let start = source.find("max_byte").unwrap();
        let d = Diagnostic::error("unknown key `max_byte`", Some(start..start + 8))
            .label("not a key of a rotating_file handler")
            .help("did you mean `max_bytes`?");
        let all = Diagnostics {
            file: "logging.toml".into(),
            source,
            items: vec![d],
        };
        let text = all.to_string();
        assert!(text.contains("--> logging.toml:3:1"), "{text}");
        assert!(text.contains("3 | max_byte = 3"), "{text}");
        assert!(text.contains("  | ^^^^^^^^ not a key"), "{text}");
        assert!(text.contains("help: did you mean `max_bytes`?"), "{text}");
    }

    #[test]
    fn suggests_close_names_only() {
        let keys = ["max_bytes", "backup_count", "filename"];
        assert_eq!(
            did_you_mean("max_byte", keys).as_deref(),
            Some("did you mean `max_bytes`?")
        );
        assert_eq!(did_you_mean("colour", keys), None);
    }
}
