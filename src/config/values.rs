//! Value types of `logging.toml`: levels, sizes and durations, with the parsing
//! rules of docs/configuration.md ("Values") and the JSON Schema that editors use for them.

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;

#[cfg(feature = "schema")]
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// The level names and their numbers, in the order editors offer them.
pub const LEVEL_NAMES: &[(&str, u8)] = &[
    ("NOTSET", 0),
    ("TRACE", 5),
    ("DEBUG", 10),
    ("INFO", 20),
    ("WARNING", 30),
    ("WARN", 30),
    ("ERROR", 40),
    ("CRITICAL", 50),
    ("FATAL", 50),
];

/// The pattern (ECMA-262, as JSON Schema uses) of a value that still holds a
/// `${VAR}` reference: the schema accepts it, the value is checked again after
/// interpolation.
#[cfg_attr(not(feature = "schema"), allow(dead_code))] // the schema's patterns
pub const INTERPOLATED_PATTERN: &str = r"\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}";

/// A logging level: a name (`"DEBUG"`, `"info"`, `"WARN"`, ...) or a number 0–50.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Level(pub(crate) u8);

impl Level {
    /// NOTSET (0): inherit from the parent logger, or pass everything on a handler.
    pub const NOTSET: Level = Level(0);
    /// TRACE (5).
    pub const TRACE: Level = Level(5);
    /// DEBUG (10).
    pub const DEBUG: Level = Level(10);
    /// INFO (20).
    pub const INFO: Level = Level(20);
    /// WARNING (30).
    pub const WARNING: Level = Level(30);
    /// ERROR (40).
    pub const ERROR: Level = Level(40);
    /// CRITICAL (50).
    pub const CRITICAL: Level = Level(50);

    /// Parses a level name (any case, with the aliases WARN and FATAL) or a number 0–50.
    pub fn parse(text: &str) -> Result<Level, String> {
        let t = text.trim();
        if let Ok(n) = t.parse::<i64>() {
            return Level::from_number(n);
        }
        LEVEL_NAMES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(t))
            .map(|&(_, n)| Level(n))
            .ok_or_else(|| {
                format!(
                    "unknown level `{t}`: expected one of NOTSET, TRACE, DEBUG, INFO, WARNING, ERROR, CRITICAL (or WARN, FATAL), or a number 0-50"
                )
            })
    }

    /// Python's level number.
    pub const fn number(self) -> u8 {
        self.0
    }

    /// The level of a record logged at any number, as Python takes it: above 50 a
    /// custom level that prints as `Level 60` (a configuration's levels are 0–50, see
    /// [`Level::from_number`]).
    pub const fn custom(n: u8) -> Level {
        Level(n)
    }

    /// A configuration level: a number 0–50.
    pub fn from_number(n: i64) -> Result<Level, String> {
        if (0..=50).contains(&n) {
            Ok(Level(n as u8))
        } else {
            Err(format!("level {n} is out of range: a number level is 0-50"))
        }
    }

    /// Python's `getLevelName`: the registered name, else `Level N`.
    pub fn name(self) -> Cow<'static, str> {
        match self.0 {
            0 => "NOTSET".into(),
            5 => "TRACE".into(),
            10 => "DEBUG".into(),
            20 => "INFO".into(),
            30 => "WARNING".into(),
            40 => "ERROR".into(),
            50 => "CRITICAL".into(),
            // RUST_LOG's `off` is level 255 too, but a record at 255 is `Level 255`,
            // as in Python
            n => format!("Level {n}").into(),
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

impl<'de> Deserialize<'de> for Level {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Level;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a level name or a number 0-50")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Level, E> {
                Level::from_number(v).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Level, E> {
                Level::from_number(v.min(i64::MAX as u64) as i64).map_err(E::custom)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Level, E> {
                Level::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// The case-insensitive ECMA pattern of the level names in lower or mixed case.
#[cfg_attr(not(feature = "schema"), allow(dead_code))] // the schema's patterns
fn level_names_pattern() -> String {
    let alts: Vec<String> = LEVEL_NAMES
        .iter()
        .map(|(name, _)| {
            name.chars()
                .map(|c| format!("[{}{}]", c.to_ascii_uppercase(), c.to_ascii_lowercase()))
                .collect()
        })
        .collect();
    format!("^({})$", alts.join("|"))
}

#[cfg(feature = "schema")]
impl JsonSchema for Level {
    fn schema_name() -> Cow<'static, str> {
        "Level".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = LEVEL_NAMES.iter().map(|(n, _)| *n).collect();
        json_schema!({
            "description": "A level: NOTSET, TRACE, DEBUG, INFO, WARNING (WARN), ERROR or CRITICAL (FATAL), lower case accepted too, or a number 0-50. A `${VAR}` reference is checked after interpolation.",
            "anyOf": [
                { "type": "string", "enum": names },
                { "type": "integer", "minimum": 0, "maximum": 50 },
                { "type": "string", "pattern": level_names_pattern() },
                { "type": "string", "pattern": INTERPOLATED_PATTERN }
            ]
        })
    }
}

/// A size in bytes: an integer, or a string such as `"512"`, `"64KB"`, `"10MB"`, `"1GB"`
/// (K/KB/KiB = 1024, M/MB/MiB = 1024², G/GB/GiB = 1024³).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Size(pub u64);

/// The ECMA pattern of a size string.
#[cfg_attr(not(feature = "schema"), allow(dead_code))] // the schema's patterns
pub const SIZE_PATTERN: &str = r"^\s*[0-9]+\s*([KkMmGg]([Bb]|[Ii][Bb])?)?\s*$";

impl Size {
    /// Parses `"10MB"`, `"64 KiB"`, `"512"`.
    pub fn parse(text: &str) -> Result<Size, String> {
        let t = text.trim();
        let digits_end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (num, unit) = t.split_at(digits_end);
        let bad = || {
            format!(
                "bad size `{text}`: expected bytes such as 1048576, \"512KB\", \"10MB\" or \"1GB\""
            )
        };
        let n: u64 = num.parse().map_err(|_| bad())?;
        let mult: u64 = match unit.trim().to_ascii_uppercase().as_str() {
            "" => 1,
            "K" | "KB" | "KIB" => 1 << 10,
            "M" | "MB" | "MIB" => 1 << 20,
            "G" | "GB" | "GIB" => 1 << 30,
            _ => return Err(bad()),
        };
        n.checked_mul(mult).map(Size).ok_or_else(bad)
    }
}

impl<'de> Deserialize<'de> for Size {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Size;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a size such as 1048576 or \"10MB\"")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Size, E> {
                u64::try_from(v)
                    .map(Size)
                    .map_err(|_| E::custom("a size cannot be negative"))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Size, E> {
                Ok(Size(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Size, E> {
                Size::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(feature = "schema")]
impl JsonSchema for Size {
    fn schema_name() -> Cow<'static, str> {
        "Size".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A size in bytes: an integer, or a string such as \"512\", \"64KB\", \"10MB\", \"1GB\" (K/KB/KiB = 1024, M/MB/MiB = 1024², G/GB/GiB = 1024³).",
            "anyOf": [
                { "type": "integer", "minimum": 0 },
                { "type": "string", "pattern": SIZE_PATTERN, "description": "a size such as \"512KB\", \"10MB\" or \"1GB\"" },
                { "type": "string", "pattern": INTERPOLATED_PATTERN }
            ]
        })
    }
}

/// A duration: `"500ms"`, `"2s"`, `"5m"`, `"1h"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Duration(pub std::time::Duration);

/// The ECMA pattern of a duration string.
#[cfg_attr(not(feature = "schema"), allow(dead_code))] // the schema's patterns
pub const DURATION_PATTERN: &str = r"^\s*[0-9]+\s*(ms|s|m|h)\s*$";

impl Duration {
    /// Parses `"500ms"`, `"2s"`, `"5m"`, `"1h"`.
    pub fn parse(text: &str) -> Result<Duration, String> {
        let t = text.trim();
        let digits_end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (num, unit) = t.split_at(digits_end);
        let bad = || {
            format!("bad duration `{text}`: expected a number and a unit, such as \"500ms\", \"2s\", \"5m\" or \"1h\"")
        };
        let n: u64 = num.parse().map_err(|_| bad())?;
        let d = match unit.trim() {
            "ms" => std::time::Duration::from_millis(n),
            "s" => std::time::Duration::from_secs(n),
            "m" => std::time::Duration::from_secs(n.saturating_mul(60)),
            "h" => std::time::Duration::from_secs(n.saturating_mul(3600)),
            _ => return Err(bad()),
        };
        Ok(Duration(d))
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Duration::parse(&s).map_err(de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl JsonSchema for Duration {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A duration such as \"500ms\", \"2s\", \"5m\" or \"1h\".",
            "anyOf": [
                { "type": "string", "pattern": DURATION_PATTERN, "description": "a duration such as \"500ms\", \"2s\", \"5m\" or \"1h\"" },
                { "type": "string", "pattern": INTERPOLATED_PATTERN }
            ]
        })
    }
}

/// Where a `syslog` handler sends its messages: a local socket, UDP or TCP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyslogAddress {
    /// A local socket such as `/dev/log`.
    Unix(PathBuf),
    /// `udp://host:port`.
    Udp(String),
    /// `tcp://host:port`.
    Tcp(String),
}

impl SyslogAddress {
    /// Parses `/dev/log`, `udp://host:port` or `tcp://host:port`.
    pub fn parse(text: &str) -> Result<SyslogAddress, String> {
        let hostport = |rest: &str| -> Result<String, String> {
            match rest.rsplit_once(':') {
                Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => {
                    Ok(rest.to_string())
                }
                _ => Err(format!(
                    "`{text}`: expected host:port after the scheme, such as udp://127.0.0.1:514"
                )),
            }
        };
        if let Some(rest) = text.strip_prefix("udp://") {
            return hostport(rest).map(SyslogAddress::Udp);
        }
        if let Some(rest) = text.strip_prefix("tcp://") {
            return hostport(rest).map(SyslogAddress::Tcp);
        }
        if text.starts_with('/') {
            return Ok(SyslogAddress::Unix(PathBuf::from(text)));
        }
        Err(format!("`{text}` is not a syslog address: use a socket path such as /dev/log, udp://host:port or tcp://host:port"))
    }
}

/// The unit of a timed rotation.
#[derive(Clone, Copy, Debug, Deserialize, Default, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum When {
    /// Seconds.
    S,
    /// Minutes.
    M,
    /// Hours (the default).
    #[default]
    H,
    /// Days.
    D,
    /// Every midnight (or `at_time`).
    #[serde(rename = "midnight")]
    Midnight,
    /// Mondays.
    W0,
    /// Tuesdays.
    W1,
    /// Wednesdays.
    W2,
    /// Thursdays.
    W3,
    /// Fridays.
    W4,
    /// Saturdays.
    W5,
    /// Sundays.
    W6,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_names_aliases_and_numbers() {
        assert_eq!(Level::parse("warn"), Ok(Level(30)));
        assert_eq!(Level::parse("Fatal"), Ok(Level(50)));
        assert_eq!(Level::parse("15"), Ok(Level(15)));
        assert!(Level::parse("51").is_err());
        assert!(Level::parse("LOUD").is_err());
        assert_eq!(Level(25).name(), "Level 25");
    }

    #[test]
    fn sizes_parse_units() {
        assert_eq!(Size::parse("10MB"), Ok(Size(10 << 20)));
        assert_eq!(Size::parse("64 KiB"), Ok(Size(64 << 10)));
        assert_eq!(Size::parse("512"), Ok(Size(512)));
        assert!(Size::parse("10 TB").is_err());
        assert!(Size::parse("-1").is_err());
        assert!(Size::parse("99999999999999999999G").is_err());
    }

    #[test]
    fn size_pattern_agrees_with_parser() {
        let re = regex::Regex::new(SIZE_PATTERN).unwrap();
        for s in [
            "10MB", "64 KiB", "512", "1g", "3 M", "10TB", "x", "", "1.5MB",
        ] {
            assert_eq!(re.is_match(s), Size::parse(s).is_ok(), "{s}");
        }
    }

    #[test]
    fn durations_parse_units() {
        assert_eq!(Duration::parse("2s").unwrap().0.as_secs(), 2);
        assert_eq!(Duration::parse("500ms").unwrap().0.as_millis(), 500);
        assert_eq!(Duration::parse("5m").unwrap().0.as_secs(), 300);
        assert!(Duration::parse("2 days").is_err());
        let re = regex::Regex::new(DURATION_PATTERN).unwrap();
        for s in ["2s", "500ms", "1h", "2d", "s"] {
            assert_eq!(re.is_match(s), Duration::parse(s).is_ok(), "{s}");
        }
    }
}
