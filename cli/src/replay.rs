//! `logconf replay`: JSON lines from stdin through the configured tree.

use std::io::BufRead;
use std::path::Path;
use std::process::ExitCode;

use log::kv::{self, Key, Value, VisitSource};
use serde_json::Value as Json;

use logconf::{Builder, Level, Message, Record};

/// A record's key-values as JSON gave them.
struct JsonKv(Vec<(String, KvValue)>);

enum KvValue {
    Str(String),
    Int(i64),
    UInt(u64),
    Int128(i128),
    UInt128(u128),
    Float(f64),
    Bool(bool),
}

impl kv::Source for JsonKv {
    fn visit<'kvs>(&'kvs self, visitor: &mut dyn VisitSource<'kvs>) -> Result<(), kv::Error> {
        for (k, v) in &self.0 {
            let value = match v {
                KvValue::Str(s) => Value::from(s.as_str()),
                KvValue::Int(i) => Value::from(*i),
                KvValue::UInt(u) => Value::from(*u),
                KvValue::Int128(i) => Value::from(*i),
                KvValue::UInt128(u) => Value::from(*u),
                KvValue::Float(f) => Value::from(*f),
                KvValue::Bool(b) => Value::from(*b),
            };
            visitor.visit_pair(Key::from_str(k), value)?;
        }
        Ok(())
    }
}

/// The key-values' JSON texts, for integers beyond 64 bits (serde_json reads those as
/// floats; Python's json keeps them whole).
#[derive(serde::Deserialize)]
struct RawKv<'a> {
    #[serde(borrow, default)]
    kv: Option<
        std::collections::HashMap<std::borrow::Cow<'a, str>, &'a serde_json::value::RawValue>,
    >,
}

/// An integer literal that does not fit 64 bits, as i128 or u128.
fn wide_integer(raw: Option<&str>) -> Option<KvValue> {
    let text = raw?.trim();
    if !text
        .bytes()
        .enumerate()
        .all(|(i, b)| b.is_ascii_digit() || (i == 0 && b == b'-'))
    {
        return None;
    }
    text.parse::<i128>()
        .map(KvValue::Int128)
        .ok()
        .or_else(|| text.parse::<u128>().ok().map(KvValue::UInt128))
}

fn kv_from_json(obj: Option<&Json>, line: &str) -> JsonKv {
    let mut out = Vec::new();
    let mut raw: Option<RawKv<'_>> = None;
    if let Some(Json::Object(map)) = obj {
        for (k, v) in map {
            let value = match v {
                Json::String(s) => KvValue::Str(s.clone()),
                Json::Bool(b) => KvValue::Bool(*b),
                Json::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
                    (Some(i), _, _) => KvValue::Int(i),
                    (None, Some(u), _) => KvValue::UInt(u),
                    (_, _, Some(f)) => {
                        let raw = raw.get_or_insert_with(|| {
                            serde_json::from_str(line).unwrap_or(RawKv { kv: None })
                        });
                        let text = raw
                            .kv
                            .as_ref()
                            .and_then(|kv| kv.get(k.as_str()))
                            .map(|r| r.get());
                        wide_integer(text).unwrap_or(KvValue::Float(f))
                    }
                    _ => KvValue::Str(n.to_string()),
                },
                other => KvValue::Str(other.to_string()),
            };
            out.push((k.clone(), value));
        }
    }
    JsonKv(out)
}

/// A record's level: a name, or any integer as Python takes it (a record at 0 or
/// below is never handled, as Python's `logging.disable` floor drops it; above 50 it is
/// a custom level such as `Level 60`).
fn record_level(v: Option<&Json>) -> Result<Level, String> {
    match v {
        Some(Json::String(s)) => Level::parse(s),
        Some(Json::Number(n)) => match n.as_i64() {
            Some(i) if i <= 0 => Ok(Level::NOTSET),
            Some(i) if i <= 255 => Ok(Level::custom(i as u8)),
            _ => Err(format!(
                "level {n} is out of range: record levels are integers up to 255"
            )),
        },
        Some(other) => Err(format!("bad level {other}")),
        None => Err("missing \"level\"".into()),
    }
}

/// `LOGCONF_REPLAY_TIME` (seconds since the epoch, fractions allowed): every record is
/// logged at that time, so a replay's dates compare byte for byte with another
/// program's (the fidelity tests fix CPython's clock the same way).
fn fixed_time() -> Option<std::time::SystemTime> {
    let secs: f64 = std::env::var("LOGCONF_REPLAY_TIME")
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let d = std::time::Duration::try_from_secs_f64(secs.abs()).ok()?;
    if secs >= 0.0 {
        std::time::UNIX_EPOCH.checked_add(d)
    } else {
        std::time::UNIX_EPOCH.checked_sub(d)
    }
}

/// Replays stdin through the configuration at `config`.
pub fn run(config: &Path, strict: bool) -> ExitCode {
    if let Some(t) = fixed_time() {
        logconf::__cli::set_for_tests(Some(t));
    }
    let builder = logconf::__cli::cli_builder(Builder::new(), strict);
    let handle = match builder.path(config).reload_on_sighup(true).build() {
        Ok(h) => h,
        Err(e) => {
            err!("{e}");
            errln!("\nerror: {} does not load", config.display());
            return ExitCode::from(1);
        }
    };
    for w in logconf::__cli::passed_filter_warnings(&logconf::__cli::loaded(&handle)) {
        errln!("{w}");
    }
    let dir = config.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut failed = false;
    let mut stdin = std::io::stdin().lock();
    let mut bytes = Vec::new();
    let mut lineno = 0;
    loop {
        bytes.clear();
        match stdin.read_until(b'\n', &mut bytes) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                errln!("logconf replay: stdin: {e}");
                failed = true;
                break;
            }
        }
        lineno += 1;
        let line = match std::str::from_utf8(&bytes) {
            Ok(l) => l.trim_end_matches(['\n', '\r']),
            Err(e) => {
                errln!(
                    "logconf replay: line {lineno}: not UTF-8 (an invalid byte at column {}); skipped",
                    e.valid_up_to() + 1
                );
                failed = true;
                continue;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let obj: Json = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                errln!("logconf replay: line {lineno}: not JSON: {e}");
                failed = true;
                continue;
            }
        };
        if let Some(target) = obj.get("reconfigure") {
            let Some(p) = target.as_str() else {
                errln!("logconf replay: line {lineno}: \"reconfigure\" must be a path string");
                failed = true;
                continue;
            };
            let path = dir.join(p);
            if let Err(e) = handle.reconfigure_file(&path) {
                // the path comes from the input: each line of the report escaped
                let text = e.to_string();
                let e: Vec<String> = text.split('\n').map(logconf::__cli::printable).collect();
                err!("{}", e.join("\n"));
                errln!("logconf replay: line {lineno}: reconfigure failed; the previous configuration stays");
                failed = true;
            }
            continue;
        }
        let level = match record_level(obj.get("level")) {
            Ok(l) => l,
            Err(e) => {
                // the level as written may hold anything: never echoed raw
                let e = logconf::__cli::printable(&e);
                errln!("logconf replay: line {lineno}: {e}");
                failed = true;
                continue;
            }
        };
        let logger = obj.get("logger").and_then(Json::as_str).unwrap_or("root");
        let msg = match obj.get("msg") {
            Some(Json::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => String::new(),
        };
        let kv = kv_from_json(obj.get("kv"), line);
        let rec = Record::new(level, Message::Text(&msg))
            .logger(logger)
            .key_values(&kv);
        handle.log(logger, &rec);
    }
    handle.flush();
    let dropped = handle.status().records_dropped;
    if dropped > 0 {
        errln!(
            "logconf replay: {dropped} record{} could not be written (see the errors above)",
            if dropped == 1 { "" } else { "s" }
        );
        failed = true;
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
