//! `asctime`, `created`, `msecs`: Python's clock fields, rendered once per second
//! per formatter and reused for every record of that second.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{Local, TimeZone, Utc};

use arc_swap::ArcSwap;

/// The clock parts of a record's time.
#[derive(Clone, Copy, Debug)]
pub struct Stamp {
    /// Whole seconds since the epoch.
    pub secs: i64,
    /// Nanoseconds within the second.
    pub nanos: u32,
}

impl Stamp {
    /// Splits a time into seconds and nanoseconds.
    pub fn of(time: SystemTime) -> Stamp {
        match time.duration_since(UNIX_EPOCH) {
            Ok(d) => Stamp {
                secs: d.as_secs() as i64,
                nanos: d.subsec_nanos(),
            },
            Err(e) => {
                let d = e.duration();
                let mut secs = -(d.as_secs() as i64);
                let mut nanos = d.subsec_nanos();
                if nanos > 0 {
                    secs -= 1;
                    nanos = 1_000_000_000 - nanos;
                }
                Stamp { secs, nanos }
            }
        }
    }

    /// `created`: seconds as a float.
    pub fn created(self) -> f64 {
        self.secs as f64 + f64::from(self.nanos) / 1e9
    }

    /// `msecs`: Python's `msecs` (the millisecond part, as a float).
    pub fn msecs(self) -> f64 {
        f64::from(self.nanos / 1_000_000)
    }
}

/// Checks a `datefmt`: a NUL cannot be passed to C's `strftime`.
pub fn check_datefmt(datefmt: &str) -> Result<(), String> {
    if datefmt.contains('\0') {
        return Err(format!(
            "`{}` contains a NUL character",
            datefmt.escape_debug()
        ));
    }
    Ok(())
}

/// The directives of a `datefmt` that glibc's `strftime` does not know (`%Q`, `%f`,
/// `%:z`), with their byte offsets: glibc, and so Python, print them as written. Read as
/// glibc reads them: `%`, flags (`_ - 0 ^ #`), a width, an `E` or `O` modifier, a
/// conversion.
pub fn unknown_directives(datefmt: &str) -> Vec<(usize, String)> {
    const CONVERSIONS: &[u8] = b"aAbBcCdDeFgGhHIjklmMnOpPrRsStTuUVwWxXyYzZ%";
    let bytes = datefmt.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < bytes.len() && b"_-0^#".contains(&bytes[i]) {
            i += 1;
        }
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i < bytes.len() && matches!(bytes[i], b'E' | b'O') {
            i += 1;
        }
        match bytes.get(i) {
            // a `%` at the very end prints as itself
            None if start + 1 == bytes.len() => {}
            Some(c) if CONVERSIONS.contains(c) => i += 1,
            _ => {
                let mut end = (i + 1).min(datefmt.len());
                while !datefmt.is_char_boundary(end) {
                    end += 1;
                }
                out.push((start, datefmt.get(start..end).unwrap_or("%").to_string()));
                i = end.max(start + 1);
            }
        }
    }
    out
}

/// Python's `time.strftime(pattern, converter(secs))`: glibc's `strftime` over
/// `localtime_r` (or `gmtime_r` for a UTC formatter, whose zone is `GMT`), so every
/// directive, flag and zone name is the C library's, as in Python.
fn strftime(secs: i64, utc: bool, pattern: &std::ffi::CStr, out: &mut String) {
    static TZSET: std::sync::Once = std::sync::Once::new();
    // as Python's time module does once at import: read TZ
    // SAFETY: tzset only reads the environment and sets libc's zone state.
    TZSET.call_once(|| unsafe { tzset() });
    // time_t is 64 bits on the platforms logconf builds for; 32 bits elsewhere
    #[allow(irrefutable_let_patterns)]
    let Ok(t) = libc::time_t::try_from(secs) else {
        return;
    };
    // SAFETY: an all-zero `tm` is a valid value; the *_r functions fill it from `t`,
    // and return null (checked) when the time cannot be represented.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let filled = unsafe {
        if utc {
            libc::gmtime_r(&t, &mut tm)
        } else {
            libc::localtime_r(&t, &mut tm)
        }
    };
    if filled.is_null() {
        return;
    }
    // strftime says 0 both for "did not fit" and for an empty result: grow, as Python
    // does, up to a bound
    let mut size = 64 + pattern.to_bytes().len() * 4;
    while size <= 16 * 1024 + pattern.to_bytes().len() * 256 {
        let mut buf = vec![0u8; size];
        // SAFETY: `buf` has `size` writable bytes; `pattern` is NUL-terminated; `tm`
        // was filled above.
        let n = unsafe { libc::strftime(buf.as_mut_ptr().cast(), size, pattern.as_ptr(), &tm) };
        if n > 0 {
            out.push_str(&String::from_utf8_lossy(&buf[..n]));
            return;
        }
        size *= 4;
    }
}

extern "C" {
    fn tzset();
}

/// The text of one second, shared by every thread that logs in it: read without a
/// lock, replaced when the second changes.
struct SecondCache(ArcSwap<(i64, String)>);

impl SecondCache {
    fn new() -> Self {
        SecondCache(ArcSwap::from_pointee((i64::MIN, String::new())))
    }

    /// Appends the cached text of `secs`, rendering and caching it when it is another
    /// second's.
    fn write(&self, secs: i64, out: &mut String, render: impl FnOnce(&mut String)) {
        let cached = self.0.load();
        if cached.0 == secs {
            out.push_str(&cached.1);
            return;
        }
        drop(cached);
        let mut text = String::new();
        render(&mut text);
        out.push_str(&text);
        self.0.store(Arc::new((secs, text)));
    }
}

/// Renders asctime for one formatter, caching the text of the current second.
pub struct AsctimeRenderer {
    datefmt: Option<std::ffi::CString>,
    utc: bool,
    cache: SecondCache,
}

impl AsctimeRenderer {
    /// A renderer for `datefmt` (None or empty, as in Python: the default
    /// `2024-01-20 10:30:00,123`; a datefmt with a NUL, which `check_datefmt` refuses,
    /// is the default too).
    pub fn new(datefmt: Option<String>, utc: bool) -> Self {
        AsctimeRenderer {
            datefmt: datefmt
                .filter(|d| !d.is_empty())
                .and_then(|d| std::ffi::CString::new(d).ok()),
            utc,
            cache: SecondCache::new(),
        }
    }

    fn render_second(&self, secs: i64, out: &mut String) {
        let pattern = self.datefmt.as_deref().unwrap_or(c"%Y-%m-%d %H:%M:%S");
        strftime(secs, self.utc, pattern, out);
    }

    /// Appends asctime for `stamp` to `out`.
    pub fn write(&self, stamp: Stamp, out: &mut String) {
        self.cache
            .write(stamp.secs, out, |text| self.render_second(stamp.secs, text));
        if self.datefmt.is_none() {
            let ms = stamp.nanos / 1_000_000;
            out.push(',');
            push_3digits(out, ms);
        }
    }
}

/// RFC 3339 timestamps with milliseconds (`2024-01-20T10:30:00.123+05:30`, or `Z` in
/// UTC), the second's text cached.
pub struct Rfc3339 {
    utc: bool,
    cache: SecondCache,
}

impl Rfc3339 {
    /// A renderer in local time, or UTC.
    pub fn new(utc: bool) -> Self {
        Rfc3339 {
            utc,
            cache: SecondCache::new(),
        }
    }

    fn second(&self, secs: i64) -> (String, String) {
        if self.utc {
            let t = Utc.timestamp_opt(secs, 0).single().unwrap_or_default();
            (t.format("%Y-%m-%dT%H:%M:%S").to_string(), "Z".into())
        } else {
            match Local.timestamp_opt(secs, 0).earliest() {
                Some(t) => (
                    t.format("%Y-%m-%dT%H:%M:%S").to_string(),
                    t.format("%:z").to_string(),
                ),
                None => (String::new(), String::new()),
            }
        }
    }

    /// Appends the timestamp of `stamp`.
    pub fn write(&self, stamp: Stamp, out: &mut String) {
        // the cached text is `DATE\0OFFSET`; the milliseconds go between
        let start = out.len();
        self.cache.write(stamp.secs, out, |text| {
            let (date, offset) = self.second(stamp.secs);
            text.push_str(&date);
            text.push('\u{0}');
            text.push_str(&offset);
        });
        let Some(nul) = out[start..].find('\u{0}') else {
            return;
        };
        let ms = stamp.nanos / 1_000_000;
        let digits = [
            b'.',
            b'0' + (ms / 100 % 10) as u8,
            b'0' + (ms / 10 % 10) as u8,
            b'0' + (ms % 10) as u8,
        ];
        let at = start + nul;
        out.replace_range(at..at + 1, std::str::from_utf8(&digits).unwrap_or(".000"));
    }
}

fn push_3digits(out: &mut String, n: u32) {
    out.push(char::from(b'0' + (n / 100 % 10) as u8));
    out.push(char::from(b'0' + (n / 10 % 10) as u8));
    out.push(char::from(b'0' + (n % 10) as u8));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_asctime_is_pythons() {
        let r = AsctimeRenderer::new(None, true);
        let mut s = String::new();
        r.write(
            Stamp {
                secs: 1_705_746_600,
                nanos: 123_456_789,
            },
            &mut s,
        );
        assert_eq!(s, "2024-01-20 10:30:00,123");
        s.clear();
        r.write(
            Stamp {
                secs: 1_705_746_600,
                nanos: 7_000_000,
            },
            &mut s,
        );
        assert_eq!(s, "2024-01-20 10:30:00,007");
    }

    #[test]
    fn datefmt_has_no_msecs() {
        let r = AsctimeRenderer::new(Some("%d/%m/%Y %H:%M".into()), true);
        let mut s = String::new();
        r.write(
            Stamp {
                secs: 1_705_746_600,
                nanos: 0,
            },
            &mut s,
        );
        assert_eq!(s, "20/01/2024 10:30");
        assert!(check_datefmt("a\0b").is_err());
        assert!(check_datefmt("%Y %Q").is_ok());
        assert_eq!(
            unknown_directives("%Y %Q %f %:z %-d %_5H %^a %#Z %Ey %Od %% %"),
            [(3, "%Q".to_string()), (6, "%f".into()), (9, "%:".into())]
        );
        assert_eq!(unknown_directives("%5"), [(0, "%5".to_string())]);
    }
}
