//! `handlers`: the standard library's classes map to logconf's; the classes with an
//! obvious equivalent (colorlog's `StreamHandler`, Django's old `NullHandler`,
//! concurrent-log-handler, `QueueHandler`, `MemoryHandler`) map to it; libraries'
//! handlers that write to a stream (rich's `RichHandler`, coloredlogs') become `console`
//! on that stream. A class it does not know becomes the standard class its arguments
//! belong to (`filename` and `when`: `timed_rotating_file`), so the records go where
//! Python wrote them. A handler without a counterpart (mail, Sentry, logstash,
//! CloudWatch, ...) and a class whose arguments say nothing becomes a `null` handler of
//! the same name, level and filters: every logger keeps the handlers it had and no
//! record falls to lastResort that Python would not have printed there, but what
//! Python sent through it goes nowhere, and its note says so.

use serde_json::{Map, Value};

use super::emit::Section;
use super::python::code_of;
use super::values::{self, literal_text, names, size, stream};
use super::{factory_of, place, short_name, Converter};

/// What a Python handler class becomes.
enum Target {
    /// A logconf class, and a note when the Python class was not the standard one.
    Class(&'static str, Option<String>),
    /// A `null` placeholder, with the Rust crate or practice that does the job.
    Placeholder(&'static str),
    /// `console` on this stream (`stdout`, `stderr`), with the note that says what of
    /// the library's own output is not reproduced.
    Stream(&'static str, &'static str),
    /// A class logconf does not know whose arguments (or name) say which standard
    /// class it is: logconf's class and the Python class it stands for.
    ByArguments(&'static str, &'static str),
}

/// The logconf class for a Python handler class.
fn target(class: &str, h: &Map<String, Value>) -> Target {
    let short = short_name(class);
    let std = class.starts_with("logging.");
    let variant = |c: &'static str| {
        Target::Class(
            c,
            (!std).then(|| {
                format!("`{class}` written as class = \"{c}\", the standard handler it extends")
            }),
        )
    };
    match short {
        "StreamHandler" => variant("console"),
        "FileHandler" if class.ends_with("WatchedFileHandler") => variant("watched_file"),
        "WatchedFileHandler" => variant("watched_file"),
        "FileHandler" => variant("file"),
        "ConcurrentRotatingFileHandler" => Target::Class(
            "rotating_file",
            Some(format!("`{class}` written as class = \"rotating_file\" with lock = true: several processes share the file and one rolls it over")),
        ),
        "ConcurrentTimedRotatingFileHandler" => Target::Class(
            "timed_rotating_file",
            Some(format!("`{class}` written as class = \"timed_rotating_file\" with lock = true: several processes share the file and one rolls it over")),
        ),
        "RotatingFileHandler" => variant("rotating_file"),
        "TimedRotatingFileHandler" => variant("timed_rotating_file"),
        "SysLogHandler" => variant("syslog"),
        "NullHandler" => variant("null"),
        "JournalHandler" | "JournaldLogHandler" => Target::Class(
            "journald",
            Some(format!("`{class}` written as class = \"journald\": records go to systemd's journal, key-values as fields")),
        ),
        "QueueHandler" => variant("queue"),
        "MemoryHandler" => variant("queue"),
        "AdminEmailHandler" | "SMTPHandler" => Target::Placeholder(
            "it sends mail: alert from your log pipeline, or send mail from Rust with the `lettre` crate",
        ),
        "SentryHandler" | "EventHandler" | "BreadcrumbHandler" => Target::Placeholder(
            "it reports to Sentry: the `sentry` crate's `log` integration (sentry-log) does that job in Rust",
        ),
        "CloudWatchLogHandler" | "CloudwatchHandler" => Target::Placeholder(
            "it ships records to CloudWatch: let the CloudWatch agent ship the log file, or use the `aws-sdk-cloudwatchlogs` crate",
        ),
        "HTTPHandler" => Target::Placeholder(
            "it posts records over HTTP: ship the log file (Vector, Fluent Bit), or post from Rust with `reqwest`/`ureq`",
        ),
        "SocketHandler" | "DatagramHandler" => Target::Placeholder(
            "it sends pickled records to a Python listener: use class = \"syslog\" or ship the file",
        ),
        _ if class.to_ascii_lowercase().contains("logstash") => Target::Placeholder(
            "it ships records to Logstash: write JSON lines (class = \"json\" formatter) and ship the file, or use class = \"syslog\" with tcp://",
        ),
        // rich's console writes to sys.stdout
        "RichHandler" => Target::Stream(
            "stdout",
            "its own layout (time, level and path columns, colours, rich tracebacks) is not reproduced: the formatter's text is written",
        ),
        // coloredlogs
        "StandardErrorHandler" => Target::Stream(
            "stderr",
            "its colours are not reproduced: the formatter's text is written",
        ),
        // google-cloud-logging: one JSON object per record on stdout, for Cloud Run and GKE
        "StructuredLogHandler" => Target::Stream(
            "stdout",
            "its JSON layout is not reproduced: give the handler a formatter of class = \"json\"",
        ),
        _ => match class_by_arguments(h).or_else(|| class_by_name(class)) {
            Some((logconf, python)) => Target::ByArguments(logconf, python),
            None => Target::Placeholder(
                "its class is not one logconf knows and its arguments do not say where it writes: do its job from Rust, or ship the log file",
            ),
        },
    }
}

/// The standard class an unknown handler class's arguments belong to: `filename` with
/// `when`, `interval` or `atTime` is a timed rotating file, with `maxBytes` or
/// `backupCount` a rotating file, alone a file; `stream` is a stream handler. With
/// the Python class it stands for.
fn class_by_arguments(h: &Map<String, Value>) -> Option<(&'static str, &'static str)> {
    let has = |k: &str| h.get(k).is_some_and(|v| !v.is_null());
    if has("filename") {
        Some(if has("when") || has("interval") || has("atTime") {
            (
                "timed_rotating_file",
                "logging.handlers.TimedRotatingFileHandler",
            )
        } else if has("maxBytes") || has("backupCount") {
            ("rotating_file", "logging.handlers.RotatingFileHandler")
        } else {
            ("file", "logging.FileHandler")
        })
    } else if has("stream") {
        Some(("console", "logging.StreamHandler"))
    } else {
        None
    }
}

/// The standard class an unknown handler class's name says it extends, when its
/// arguments say nothing: a `…StreamHandler` writes to stderr, as `StreamHandler` does
/// without a stream.
fn class_by_name(class: &str) -> Option<(&'static str, &'static str)> {
    short_name(class)
        .ends_with("StreamHandler")
        .then_some(("console", "logging.StreamHandler"))
}

/// The keyword arguments each class takes (beyond level, formatter, filters).
fn arguments(class: &str) -> &'static [&'static str] {
    match class {
        "console" => &["stream"],
        "file" | "watched_file" => &["filename", "mode", "encoding", "delay", "errors"],
        "rotating_file" => &[
            "filename",
            "mode",
            "maxBytes",
            "backupCount",
            "encoding",
            "delay",
            "errors",
        ],
        "timed_rotating_file" => &[
            "filename",
            "when",
            "interval",
            "backupCount",
            "encoding",
            "delay",
            "utc",
            "atTime",
            "errors",
        ],
        "syslog" => &["address", "facility", "socktype"],
        "journald" => &["SYSLOG_IDENTIFIER", "identifier"],
        "queue" => &[
            "queue",
            "listener",
            "handlers",
            "respect_handler_level",
            "capacity",
            "flushLevel",
            "target",
            "flushOnClose",
        ],
        _ => &[],
    }
}

impl Converter {
    pub(super) fn handler(
        &mut self,
        name: &str,
        h: &Map<String, Value>,
        all: &Map<String, Value>,
    ) -> Section {
        let mut s = Section::new(&["handlers", name]);
        let at = place(&s);
        let Some(class) = factory_of(h, &["class", "()"]) else {
            self.note(
                &at,
                "no class: Python refuses a handler without one; written as a null handler",
            );
            s.set("class", "null");
            self.common(&mut s, &at, h);
            return s;
        };
        match target(&class, h) {
            Target::ByArguments(logconf, python) => {
                let own = if logconf == "console" {
                    "colours, prefixes"
                } else {
                    "its file names, extra rollover rules"
                };
                self.note(
                    &at,
                    format!("`{class}` is not a class logconf knows; its arguments are those of `{python}`: written as class = \"{logconf}\", so the records go where those arguments send them in Python. What `{}` does of its own ({own}) is not reproduced", short_name(&class)),
                );
                self.known_class(s, &at, name, &class, logconf, h, all, true)
            }
            Target::Stream(stream, what) => {
                self.note(
                    &at,
                    format!("`{class}` written as class = \"console\" on {stream}, where it writes; {what}"),
                );
                s.set("class", "console");
                s.set("stream", stream);
                self.common(&mut s, &at, h);
                self.arguments_left_out(&at, h, "its own arguments ({}) are left out");
                s
            }
            Target::Placeholder(why) => {
                s.set("class", "null");
                self.placeholders.push(name.to_string());
                self.note(
                    &at,
                    format!("`{class}` has no counterpart: written as a null handler of the same level and filters, so each logger keeps its handlers, but what Python sent through it goes nowhere after the import; {why}"),
                );
                self.common(&mut s, &at, h);
                self.arguments_left_out(&at, h, "its arguments ({}) are left out with it");
                s
            }
            Target::Class(logconf, note) => {
                if let Some(n) = note {
                    self.note(&at, n);
                }
                self.known_class(s, &at, name, &class, logconf, h, all, false)
            }
        }
    }

    /// A note naming the handler's arguments beyond `class`, `level`, `formatter` and
    /// `filters`, when it has any: `wording` with `{}` where their list goes.
    fn arguments_left_out(&mut self, at: &str, h: &Map<String, Value>, wording: &str) {
        let rest: Vec<&str> = h
            .keys()
            .map(String::as_str)
            .filter(|k| !matches!(*k, "class" | "()" | "level" | "formatter" | "filters"))
            .collect();
        if !rest.is_empty() {
            self.note(at, wording.replacen("{}", &rest.join(", "), 1));
        }
    }

    /// A handler written as logconf's `logconf` class with its arguments; `by_keys`: the
    /// class was chosen by them, and arguments of its own are left out with a note.
    #[allow(clippy::too_many_arguments)]
    fn known_class(
        &mut self,
        mut s: Section,
        at: &str,
        name: &str,
        class: &str,
        logconf: &str,
        h: &Map<String, Value>,
        all: &Map<String, Value>,
        by_keys: bool,
    ) -> Section {
        s.set("class", logconf);
        self.common(&mut s, at, h);
        let memory = short_name(class) == "MemoryHandler";
        // the standard library's class, named by `class`: Python's own rules for its
        // arguments hold (a factory or another class may read them its own way)
        let std = class.starts_with("logging.") && !h.contains_key("()");
        let mut own = Vec::new();
        for (k, v) in h {
            if matches!(
                k.as_str(),
                "class" | "()" | "level" | "formatter" | "filters"
            ) {
                continue;
            }
            if by_keys && !arguments(logconf).contains(&k.as_str()) {
                own.push(k.as_str());
                continue;
            }
            self.argument(&mut s, at, logconf, memory, std, k, v, all);
        }
        if !own.is_empty() {
            self.note(
                at,
                format!(
                    "its own arguments ({}) are left out with what they do",
                    own.join(", ")
                ),
            );
        }
        self.finish(&mut s, at, name, logconf, memory);
        s
    }

    /// `level`, `formatter`, `filters`.
    fn common(&mut self, s: &mut Section, at: &str, h: &Map<String, Value>) {
        if let Some(v) = h.get("level").filter(|v| !v.is_null()) {
            match values::level(v) {
                Ok((level, note)) => {
                    s.set("level", level);
                    if let Some(n) = note {
                        self.note(at, n);
                    }
                }
                Err(n) => self.left_out(at, v, n),
            }
        }
        match h.get("formatter") {
            None | Some(Value::Null) => {}
            Some(Value::String(f)) => s.set("formatter", f.as_str()),
            Some(other) => self.left_out(
                at,
                other,
                format!(
                    "formatter = {} is not a formatter name; left out",
                    values::show(other)
                ),
            ),
        }
        match h.get("filters") {
            None | Some(Value::Null) => {}
            Some(v) => match names(v) {
                Some(list) => s.set(
                    "filters",
                    toml::Value::Array(list.into_iter().map(toml::Value::String).collect()),
                ),
                None => self.left_out(
                    at,
                    v,
                    format!(
                        "filters = {} is not a list of filter names; left out",
                        values::show(v)
                    ),
                ),
            },
        }
    }

    /// One constructor argument of a handler that logconf has a class for.
    #[allow(clippy::too_many_arguments)]
    fn argument(
        &mut self,
        s: &mut Section,
        at: &str,
        class: &str,
        memory: bool,
        std: bool,
        k: &str,
        v: &Value,
        all: &Map<String, Value>,
    ) {
        let shown = || values::show(v);
        match (class, k, v) {
            (_, _, Value::Null) => {}
            ("console", "stream", Value::String(text))
                if std && !text.starts_with("ext://") && !text.starts_with('<') =>
            {
                // Python hands the string itself to StreamHandler, which cannot write to it
                let name = stream(v).unwrap_or("stderr");
                s.set("stream", name);
                self.note(at, format!("stream = \"{text}\" without ext://: Python logs an error for every record; written {name}"));
            }
            ("console", "stream", v) => match stream(v) {
                Some(name) => s.set("stream", name),
                None => self.note(at, format!("stream = {}: only stdout and stderr have a counterpart; written stderr", shown())),
            },
            (_, "filename", v) => match values::filename(v) {
                Ok((path, note)) => {
                    if let Some(n) = note {
                        self.note(at, n);
                    } else if !std::path::Path::new(&path).is_absolute() {
                        self.relative_files.push(path.clone());
                    }
                    s.set("filename", literal_text(&path));
                }
                Err(n) => self.left_out(at, v, n),
            },
            ("file" | "watched_file", "mode", Value::String(m)) if m == "a" || m == "w" => {
                s.set("mode", m.as_str())
            }
            ("file" | "watched_file", "mode", _) => {
                self.note(at, format!("mode = {}: logconf opens files \"a\" or \"w\"; written \"a\"", shown()))
            }
            (_, "mode", _) => self.note(
                at,
                format!("mode = {}: a rotating file always appends (Python appends too once it rotates); left out", shown()),
            ),
            (_, "encoding", Value::String(e))
                if matches!(e.to_ascii_lowercase().replace('-', "").as_str(), "utf8") =>
            {
                self.note(at, "encoding: logconf always writes UTF-8; left out")
            }
            (_, "encoding", Value::String(e))
                if e.eq_ignore_ascii_case("utf-8-sig") || e.eq_ignore_ascii_case("utf_8_sig") =>
            {
                self.note(at, "encoding = \"utf-8-sig\": Python starts the file with a byte-order mark; logconf writes UTF-8 without one")
            }
            (_, "encoding", _) => self.note(
                at,
                format!("encoding = {}: logconf always writes UTF-8; text outside ASCII will differ", shown()),
            ),
            (_, "errors", _) => self.note(
                at,
                "errors: logconf writes Rust strings, which are always valid UTF-8; left out",
            ),
            (_, "delay" | "utc", Value::Bool(b)) => s.set(k, *b),
            (_, "delay" | "utc", v) if values::truth(v).is_some() => {
                let b = values::truth(v).unwrap_or(false);
                s.set(k, b);
                self.note(at, format!("{k} = {}: written {b}, its truth in Python", shown()));
            }
            (_, ".", Value::Object(attrs)) => {
                let names: Vec<&str> = attrs.keys().map(String::as_str).collect();
                self.note(
                    at,
                    format!("`.` sets attributes after the handler is made ({}): logconf has no such settings (lines end with \\n); left out", names.join(", ")),
                );
            }
            (_, "maxBytes", Value::Number(n)) if n.as_i64().is_some() => {
                s.set("max_bytes", size(n.as_i64().unwrap_or(0)))
            }
            (_, "backupCount", Value::Number(n)) if n.as_i64().is_some() => {
                s.set("backup_count", n.as_i64().unwrap_or(0))
            }
            (_, "when", Value::String(w)) => {
                let when = if w.eq_ignore_ascii_case("midnight") {
                    "midnight".to_string()
                } else {
                    w.to_ascii_uppercase()
                };
                s.set("when", when);
            }
            (_, "interval", Value::Number(n)) if n.as_i64().is_some() => {
                s.set("interval", n.as_i64().unwrap_or(1))
            }
            (_, "atTime", v) => match at_time(v) {
                Some(t) => s.set("at_time", t),
                None => self.left_out(at, v, format!("atTime = {}: not a time of day logconf can read; left out", shown())),
            },
            ("syslog", "address", v) => match syslog_address(v, all.get("socktype")) {
                Some(a) => s.set("address", a),
                None => self.left_out(at, v, format!("address = {}: Python takes a string as a Unix socket's path; logconf needs an absolute one (or [host, port]); left out", shown())),
            },
            ("syslog", "socktype", _) => {}
            ("journald", "SYSLOG_IDENTIFIER" | "identifier", Value::String(id)) => {
                s.set("syslog_identifier", literal_text(id))
            }
            ("syslog", "facility", v) => match facility(v) {
                Some(f) => s.set("facility", f),
                None => self.left_out(at, v, format!("facility = {}: give a name such as \"local0\"; left out", shown())),
            },
            ("queue", "handlers", v) => match names(v) {
                Some(list) => s.set(
                    "handlers",
                    toml::Value::Array(list.into_iter().map(toml::Value::String).collect()),
                ),
                None => self.left_out(at, v, format!("handlers = {}: not a list of handler names; left out", shown())),
            },
            ("queue", "target", Value::String(t)) if memory => s.set(
                "handlers",
                toml::Value::Array(vec![t.as_str().into()]),
            ),
            ("queue", "capacity" | "flushLevel" | "flushOnClose", _) if memory => self.note(
                at,
                format!("{k}: the queue's worker hands each record on as it comes (for fewer writes, set `buffer` and `flush_level` on the target file handler); left out"),
            ),
            ("queue", "queue" | "listener", _) => self.note(
                at,
                format!("{k}: logconf's queue and its worker are built in (`queue_size`, default 10000, and `overflow` set them); left out"),
            ),
            ("queue", "respect_handler_level", _) => self.note(
                at,
                "respect_handler_level: logconf's queue worker always applies each target's level; left out",
            ),
            (_, key, _) if arguments(class).contains(&key) => self.left_out(
                at,
                v,
                format!("{key} = {} is not a value logconf can take here; left out", shown()),
            ),
            (_, key, _) if std => {
                let hint = crate::diagnostics::did_you_mean(key, arguments(class).iter().copied())
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default();
                self.note(
                    at,
                    format!("`{key}` is not an argument of this handler class (Python would refuse the handler); left out{hint}"),
                );
            }
            (_, key, _) => self.note(
                at,
                format!("`{key}`: an argument of this class's own, with no counterpart in class = \"{class}\"; left out"),
            ),
        }
    }

    /// What a class needs beyond its arguments: syslog's Python default address, a
    /// lock for concurrent-log-handler, a queue's targets.
    fn finish(&mut self, s: &mut Section, at: &str, name: &str, class: &str, memory: bool) {
        match class {
            "syslog" if s.get("address").is_none() => {
                s.set("address", "udp://localhost:514");
                self.note(at, "no address: Python's default, UDP to localhost:514 (logconf's own default is /dev/log)");
            }
            "rotating_file" | "timed_rotating_file"
                if self
                    .notes
                    .iter()
                    .any(|(p, t)| p == at && t.contains("with lock = true")) =>
            {
                s.set("lock", true);
            }
            "queue" if s.get("handlers").is_none() => {
                s.set("class", "null");
                self.placeholders.push(name.to_string());
                let why = if memory {
                    "a MemoryHandler without a target writes nothing"
                } else {
                    "a QueueHandler without `handlers` hands records to a listener set up in code"
                };
                self.note(at, format!("{why}: written as a null handler; give it `class = \"queue\"` and `handlers` to write them"));
            }
            _ => {}
        }
    }
}

/// `"02:30"`, `"02:30:00"` (`default=str` of a `datetime.time`), or
/// `datetime.time(2, 30)` as code.
fn at_time(v: &Value) -> Option<String> {
    if let Some(s) = v.as_str() {
        let parts: Vec<&str> = s.split(':').collect();
        return match parts.as_slice() {
            [h, m] | [h, m, "00"] => Some(format!("{h:0>2}:{m:0>2}")),
            [h, m, sec] => Some(format!("{h:0>2}:{m:0>2}:{sec:0>2}")),
            _ => None,
        };
    }
    let code = code_of(v)?;
    let args = code
        .strip_prefix("datetime.time(")
        .or_else(|| code.strip_prefix("time("))?
        .strip_suffix(')')?;
    let nums: Vec<u32> = args
        .split(',')
        .map(|a| a.trim().parse().ok())
        .collect::<Option<_>>()?;
    match nums.as_slice() {
        [h] => Some(format!("{h:02}:00")),
        [h, m] => Some(format!("{h:02}:{m:02}")),
        [h, m, s] => Some(format!("{h:02}:{m:02}:{s:02}")),
        _ => None,
    }
}

/// A socket path, or `[host, port]` (UDP, or TCP with `socktype` SOCK_STREAM).
fn syslog_address(v: &Value, socktype: Option<&Value>) -> Option<String> {
    let tcp = socktype
        .and_then(|t| t.as_str().or_else(|| code_of(t)))
        .is_some_and(|t| t.contains("SOCK_STREAM") || t.trim() == "1");
    let scheme = if tcp { "tcp" } else { "udp" };
    match v {
        // Python takes any string as a Unix socket's path
        Value::String(path) if path.starts_with('/') => Some(path.clone()),
        Value::Array(a) if a.len() == 2 => {
            let host = a[0].as_str()?;
            let port = a[1].as_i64().or_else(|| a[1].as_str()?.parse().ok())?;
            Some(format!("{scheme}://{host}:{port}"))
        }
        _ => None,
    }
}

/// `"local0"`, `SysLogHandler.LOG_LOCAL0` (code or `ext://`), or a facility number.
fn facility(v: &Value) -> Option<String> {
    const BY_NUMBER: &[&str] = &[
        "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron",
        "authpriv", "ftp",
    ];
    if let Some(n) = v.as_i64() {
        let n = usize::try_from(n).ok()?;
        return match n {
            0..=11 => Some(BY_NUMBER[n].to_string()),
            16..=23 => Some(format!("local{}", n - 16)),
            _ => None,
        };
    }
    let text = v.as_str().or_else(|| code_of(v))?;
    let last = text.rsplit('.').next()?.to_ascii_lowercase();
    let name = last.strip_prefix("log_").unwrap_or(&last).to_string();
    (BY_NUMBER.contains(&name.as_str())
        || (name.starts_with("local") && name.len() == 6 && name.as_bytes()[5].is_ascii_digit()))
    .then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn times_addresses_facilities() {
        assert_eq!(at_time(&json!("02:30:00")).as_deref(), Some("02:30"));
        assert_eq!(at_time(&json!("2:30:15")).as_deref(), Some("02:30:15"));
        let code = json!({ super::super::python::CODE: "datetime.time(4, 5)" });
        assert_eq!(at_time(&code).as_deref(), Some("04:05"));
        assert_eq!(
            syslog_address(&json!("/dev/log"), None).as_deref(),
            Some("/dev/log")
        );
        assert_eq!(
            syslog_address(
                &json!(["logs.example", 1514]),
                Some(&json!("ext://socket.SOCK_STREAM"))
            )
            .as_deref(),
            Some("tcp://logs.example:1514")
        );
        assert_eq!(
            syslog_address(&json!(["localhost", 514]), None).as_deref(),
            Some("udp://localhost:514")
        );
        assert_eq!(facility(&json!("local3")).as_deref(), Some("local3"));
        assert_eq!(
            facility(&json!("ext://logging.handlers.SysLogHandler.LOG_LOCAL7")).as_deref(),
            Some("local7")
        );
        assert_eq!(facility(&json!(17)).as_deref(), Some("local1"));
        assert_eq!(facility(&json!("nope")), None);
    }
}
