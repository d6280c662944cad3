//! The schedule of a `timed_rotating_file`: Python's `TimedRotatingFileHandler`
//! rollover times, backup suffixes and the backups that retention may delete.

use chrono::{DateTime, Datelike, FixedOffset, Local, Offset, TimeZone, Timelike, Utc};
use regex::Regex;

use crate::config::values::When;

const DAY: i64 = 86_400;

/// When a timed handler rolls over and how it names its backups.
#[derive(Clone, Debug)]
pub struct Schedule {
    when: When,
    /// Seconds between rollovers (the unit times `interval`).
    pub interval: i64,
    units: i64,
    utc: bool,
    at_time: Option<i64>,
    suffix: &'static str,
    ext: Regex,
}

/// Parses `at_time` ("HH:MM" or "HH:MM:SS") into seconds after midnight.
pub fn parse_at_time(text: &str) -> Option<i64> {
    let parts: Vec<&str> = text.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let nums: Option<Vec<i64>> = parts.iter().map(|p| p.parse::<i64>().ok()).collect();
    let nums = nums?;
    let (h, m, s) = (nums[0], nums[1], nums.get(2).copied().unwrap_or(0));
    ((0..24).contains(&h) && (0..60).contains(&m) && (0..60).contains(&s))
        .then_some(h * 3600 + m * 60 + s)
}

/// Two schedules are equal when their parameters are: the backup regex follows from `when`.
impl PartialEq for Schedule {
    fn eq(&self, other: &Schedule) -> bool {
        self.when == other.when
            && self.interval == other.interval
            && self.utc == other.utc
            && self.at_time == other.at_time
    }
}

impl Schedule {
    /// A schedule for `when` every `interval` units.
    pub fn new(when: When, interval: u32, utc: bool, at_time: Option<i64>) -> Schedule {
        let (unit, suffix, ext) = match when {
            When::S => (
                1,
                "%Y-%m-%d_%H-%M-%S",
                r"^\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}$",
            ),
            When::M => (60, "%Y-%m-%d_%H-%M", r"^\d{4}-\d{2}-\d{2}_\d{2}-\d{2}$"),
            When::H => (3600, "%Y-%m-%d_%H", r"^\d{4}-\d{2}-\d{2}_\d{2}$"),
            When::D | When::Midnight => (DAY, "%Y-%m-%d", r"^\d{4}-\d{2}-\d{2}$"),
            When::W0 | When::W1 | When::W2 | When::W3 | When::W4 | When::W5 | When::W6 => {
                (7 * DAY, "%Y-%m-%d", r"^\d{4}-\d{2}-\d{2}$")
            }
        };
        let units = i64::from(interval.max(1));
        Schedule {
            when,
            interval: unit * units,
            units,
            utc,
            at_time,
            suffix,
            ext: Regex::new(ext).unwrap_or_else(|_| Regex::new("^$").expect("empty regex")),
        }
    }

    fn day_of_week(&self) -> Option<i64> {
        Some(match self.when {
            When::W0 => 0,
            When::W1 => 1,
            When::W2 => 2,
            When::W3 => 3,
            When::W4 => 4,
            When::W5 => 5,
            When::W6 => 6,
            When::S | When::M | When::H | When::D | When::Midnight => return None,
        })
    }

    fn is_daily_or_weekly(&self) -> bool {
        self.when == When::Midnight || self.day_of_week().is_some()
    }

    /// The UTC offset in seconds at `t` (0 with `utc`).
    fn offset(&self, t: i64) -> i64 {
        if self.utc {
            return 0;
        }
        Local
            .timestamp_opt(t, 0)
            .earliest()
            .map_or(0, |d| i64::from(d.offset().fix().local_minus_utc()))
    }

    fn broken_down(&self, t: i64) -> DateTime<FixedOffset> {
        let utc = Utc.timestamp_opt(t, 0).single().unwrap_or_default();
        let offset = FixedOffset::east_opt(self.offset(t) as i32)
            .unwrap_or(FixedOffset::east_opt(0).expect("zero offset"));
        utc.with_timezone(&offset)
    }

    /// Python's `computeRollover`: the first rollover after `current`.
    pub fn compute_rollover(&self, current: i64) -> i64 {
        if !self.is_daily_or_weekly() {
            return current + self.interval;
        }
        let t = self.broken_down(current);
        let now_secs = i64::from(t.hour() * 3600 + t.minute() * 60 + t.second());
        let rotate_at = self.at_time.unwrap_or(DAY);
        let mut r = rotate_at - now_secs;
        let mut day = i64::from(t.weekday().num_days_from_monday());
        if r < 0 {
            r += DAY;
            day = (day + 1) % 7;
        }
        let mut result = current + r;
        if let Some(dow) = self.day_of_week() {
            if day != dow {
                let wait = if day < dow {
                    dow - day
                } else {
                    6 - day + dow + 1
                };
                let mut next = result + wait * DAY;
                next -= self.offset(next) - self.offset(current);
                result = next;
            }
        }
        result
    }

    /// The rollover after the one at `current` (Python's `doRollover`; `interval` > 1
    /// counts whole days or weeks for "midnight" and "W0"–"W6").
    pub fn next_rollover(&self, current: i64) -> i64 {
        let base = if self.is_daily_or_weekly() {
            let unit = if self.when == When::Midnight {
                DAY
            } else {
                7 * DAY
            };
            self.compute_rollover(current + (self.units - 1) * unit)
        } else {
            self.compute_rollover(current)
        };
        let mut next = base;
        while next <= current {
            next += self.interval;
        }
        if self.when == When::Midnight && !self.utc {
            next -= self.offset(next) - self.offset(current);
        }
        next
    }

    /// The backup suffix for the interval that ends at `rollover_at`, named for its
    /// start (`rollover_at - interval`, as Python names it). With "midnight" or
    /// "W0"–"W6" and `interval` > 1 — where Python names the first backup for a day
    /// before logging began — the name is never earlier than `period_start`, when
    /// writing into this file began.
    pub fn suffix(&self, rollover_at: i64, period_start: i64, current: i64) -> String {
        let mut start = rollover_at - self.interval;
        if self.is_daily_or_weekly() && self.units > 1 {
            start = start.max(period_start);
        }
        let adjust = if self.utc {
            0
        } else {
            self.offset(current) - self.offset(start)
        };
        self.broken_down(start + adjust)
            .format(self.suffix)
            .to_string()
    }

    /// True when `text` is a date in this schedule's backup suffix format.
    pub fn is_date(&self, text: &str) -> bool {
        self.ext.is_match(text)
    }

    /// True when `name` (a file in the log's directory) is a backup of `base_name`:
    /// `base_name.DATE`, `base_name.DATE.N` (a name that was taken), either with `.gz`.
    pub fn is_backup(&self, base_name: &str, name: &str) -> bool {
        super::backups::timed_key(self, base_name, name).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s).unwrap().timestamp()
    }

    #[test]
    fn hourly_and_interval() {
        let s = Schedule::new(When::H, 2, true, None);
        assert_eq!(
            s.compute_rollover(at("2024-01-20T10:30:00Z")),
            at("2024-01-20T12:30:00Z")
        );
        assert_eq!(
            s.suffix(at("2024-01-20T12:30:00Z"), 0, at("2024-01-20T12:30:05Z")),
            "2024-01-20_10"
        );
    }

    #[test]
    fn midnight_and_at_time() {
        let s = Schedule::new(When::Midnight, 1, true, None);
        assert_eq!(
            s.compute_rollover(at("2024-01-20T10:30:00Z")),
            at("2024-01-21T00:00:00Z")
        );
        assert_eq!(
            s.suffix(at("2024-01-21T00:00:00Z"), 0, at("2024-01-21T00:00:01Z")),
            "2024-01-20"
        );
        let s = Schedule::new(When::Midnight, 1, true, parse_at_time("02:30"));
        assert_eq!(
            s.compute_rollover(at("2024-01-20T10:30:00Z")),
            at("2024-01-21T02:30:00Z")
        );
        assert_eq!(
            s.compute_rollover(at("2024-01-20T01:00:00Z")),
            at("2024-01-20T02:30:00Z")
        );
        let s = Schedule::new(When::Midnight, 3, true, None);
        assert_eq!(
            s.next_rollover(at("2024-01-21T00:00:00Z")),
            at("2024-01-24T00:00:00Z")
        );
    }

    #[test]
    fn weekly() {
        // 2024-01-20 is a Saturday (5); W0 is Monday, and as in Python the rollover is
        // at the midnight that ends the day
        let s = Schedule::new(When::W0, 1, true, None);
        assert_eq!(
            s.compute_rollover(at("2024-01-20T10:00:00Z")),
            at("2024-01-23T00:00:00Z")
        );
        let s = Schedule::new(When::W5, 1, true, None);
        assert_eq!(
            s.compute_rollover(at("2024-01-20T10:00:00Z")),
            at("2024-01-21T00:00:00Z")
        );
    }

    #[test]
    fn backups_are_recognised_by_suffix() {
        let s = Schedule::new(When::D, 1, true, None);
        assert!(s.is_backup("app.log", "app.log.2024-01-20"));
        assert!(s.is_backup("app.log", "app.log.2024-01-20.gz"));
        assert!(!s.is_backup("app.log", "app.log.1"));
        assert!(!s.is_backup("app.log", "other.log.2024-01-20"));
        assert!(s.is_backup("app.log", "app.log.2024-01-20.2"));
        assert!(s.is_backup("app.log", "app.log.2024-01-20.2.gz"));
        assert!(!s.is_backup("app.log", "app.log.2024-01-20.important"));
        assert!(!s.is_backup("app.log", "app.log.2024-01-20.02"));
        assert!(!s.is_backup("app.log", "app.log.x.2024-01-20"));
        assert_eq!(parse_at_time("25:00"), None);
        assert_eq!(parse_at_time("01:02:03"), Some(3723));
    }
}
