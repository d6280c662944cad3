//! `asctime`, `created`, `msecs`: Python's clock fields, rendered once per second
//! per formatter and reused for every record of that second.

use std::fmt::Write;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::format::{Item, StrftimeItems};
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

/// Checks a `datefmt`: an error names the bad specifier.
pub fn check_datefmt(datefmt: &str) -> Result<(), String> {
    if StrftimeItems::new(datefmt).any(|i| matches!(i, Item::Error)) {
        return Err(format!(
            "`{datefmt}` has a strftime specifier that is not known"
        ));
    }
    Ok(())
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
    datefmt: Option<String>,
    utc: bool,
    cache: SecondCache,
}

impl AsctimeRenderer {
    /// A renderer for `datefmt` (None: Python's default `2024-01-20 10:30:00,123`).
    pub fn new(datefmt: Option<String>, utc: bool) -> Self {
        AsctimeRenderer {
            datefmt,
            utc,
            cache: SecondCache::new(),
        }
    }

    fn render_second(&self, secs: i64, out: &mut String) {
        let pattern = self.datefmt.as_deref().unwrap_or("%Y-%m-%d %H:%M:%S");
        if self.utc {
            if let Some(t) = Utc.timestamp_opt(secs, 0).single() {
                let _ = write!(out, "{}", t.format(pattern));
            }
        } else if let Some(t) = Local.timestamp_opt(secs, 0).earliest() {
            let _ = write!(out, "{}", t.format(pattern));
        }
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
        assert!(check_datefmt("%Y %Q").is_err());
        assert!(check_datefmt("%Y-%m-%d").is_ok());
    }
}
