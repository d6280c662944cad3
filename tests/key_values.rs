//! The `key_values` record attribute: the record's key-values, then the context fields
//! they do not override, as logfmt, in every text style. Examples through the `log`
//! macros, a queue handler and the redact filter; then generated records (keys and
//! values with spaces, quotes, `=`, backslashes, line breaks, escapes and non-ASCII
//! text, a context that overlaps the key-values) whose lines an independent logfmt
//! reader in this file must read back to exactly the pairs logged.
//!
//! `KV_SEED` replays a generated run; `KV_CASES` sets its size.

mod common;

use std::collections::HashMap;

use common::{build, read, Rng};
use logconf::context::{self, Value};
use logconf::{Level, Message, Record};

fn config(format: &str, style: &str, extra: &str) -> String {
    format!(
        "version = 1\n[formatters.f]\nformat = '{format}'\nstyle = \"{style}\"\n[handlers.file]\nclass = \"file\"\nfilename = \"app.log\"\nformatter = \"f\"\n{extra}[root]\nlevel = \"DEBUG\"\nhandlers = [\"file\"]\n"
    )
}

/// The one test that installs the `log` logger (one per process).
#[test]
fn log_macros_write_their_fields_in_every_style() {
    let dir = tempfile::tempdir().unwrap();
    let toml = "version = 1
[formatters.pct]
format = '%(message)s %(key_values)s'
[formatters.brace]
format = '{message} [{key_values}]'
style = '{'
[formatters.dollar]
format = '${message} | ${key_values}'
style = '$'
[formatters.padded]
format = '%(key_values)-24s|%(message)s'
[formatters.repr]
format = '{message} {key_values!r}'
style = '{'
[handlers.pct]
class = 'file'
filename = 'pct.log'
formatter = 'pct'
[handlers.brace]
class = 'file'
filename = 'brace.log'
formatter = 'brace'
[handlers.dollar]
class = 'file'
filename = 'dollar.log'
formatter = 'dollar'
[handlers.padded]
class = 'file'
filename = 'padded.log'
formatter = 'padded'
[handlers.repr]
class = 'file'
filename = 'repr.log'
formatter = 'repr'
[root]
level = 'INFO'
handlers = ['pct', 'brace', 'dollar', 'padded', 'repr']
";
    let guard = common::builder(dir.path(), toml).init().unwrap();
    log::info!(amount = 5, currency = "USD"; "paid");
    log::info!("no fields");
    log::info!(note = "two words", ok = true, ratio = 0.5; "typed");
    {
        let _scope = context::set([
            ("request_id", Value::from("r-1")),
            ("amount", Value::from(9)),
        ]);
        // the record's amount wins over the context's; request_id follows
        log::info!(amount = 5; "in a request");
    }
    logconf::critical!(target: "billing", code = 7; "ledger mismatch");
    drop(guard);
    let file = |name: &str| read(&dir.path().join(name));
    assert_eq!(
        file("pct.log"),
        "paid amount=5 currency=USD\n\
         no fields\n\
         typed note=\"two words\" ok=true ratio=0.5\n\
         in a request amount=5 request_id=r-1\n\
         ledger mismatch code=7\n"
    );
    assert_eq!(
        file("brace.log"),
        "paid [amount=5 currency=USD]\n\
         no fields []\n\
         typed [note=\"two words\" ok=true ratio=0.5]\n\
         in a request [amount=5 request_id=r-1]\n\
         ledger mismatch [code=7]\n"
    );
    assert_eq!(
        file("dollar.log").lines().next(),
        Some("paid | amount=5 currency=USD")
    );
    // without fields, the one space before a field that ends the format is left out
    assert_eq!(file("dollar.log").lines().nth(1), Some("no fields |"));
    // a spec applies to the whole text
    assert_eq!(
        file("padded.log").lines().take(2).collect::<Vec<_>>(),
        [
            "amount=5 currency=USD   |paid",
            "                        |no fields"
        ]
    );
    assert_eq!(
        file("repr.log").lines().next(),
        Some("paid 'amount=5 currency=USD'")
    );
}

#[test]
fn a_queue_handler_keeps_the_logging_threads_context() {
    let dir = tempfile::tempdir().unwrap();
    let h = build(
        dir.path(),
        "version = 1\n[formatters.f]\nformat = '%(message)s %(key_values)s'\n[handlers.file]\nclass = \"file\"\nfilename = \"app.log\"\nformatter = \"f\"\n[handlers.q]\nclass = \"queue\"\nhandlers = [\"file\"]\n[root]\nlevel = \"INFO\"\nhandlers = [\"q\"]\n",
    )
    .unwrap();
    let kv = [("user_id", 7)];
    {
        let _scope = context::set([("request_id", Value::from("r-9"))]);
        h.log(
            "app",
            &Record::new(Level::INFO, Message::Text("queued")).key_values(&kv),
        );
    }
    h.flush();
    assert_eq!(
        read(&dir.path().join("app.log")),
        "queued user_id=7 request_id=r-9\n"
    );
}

#[test]
fn redact_rewrites_what_key_values_writes() {
    let dir = tempfile::tempdir().unwrap();
    let h = build(
        dir.path(),
        &config(
            "%(message)s %(key_values)s",
            "%",
            "[filters.redact]\nclass = \"redact\"\n",
        )
        .replace(
            "formatter = \"f\"\n",
            "formatter = \"f\"\nfilters = [\"redact\"]\n",
        ),
    )
    .unwrap();
    let kv = [
        ("user", "john"),
        ("password", "hunter2"),
        ("card", "4111 1111 1111 1111"),
    ];
    h.log(
        "app",
        &Record::new(Level::INFO, Message::Text("login")).key_values(&kv),
    );
    h.flush();
    let text = read(&dir.path().join("app.log"));
    assert!(text.starts_with("login user=john password="), "{text}");
    assert!(
        !text.contains("hunter2") && !text.contains("4111"),
        "{text}"
    );
}

/// A generated value: the three kinds a key-value takes.
#[derive(Clone, Debug)]
enum Gen {
    Int(i64),
    Bool(bool),
    Text(String),
}

impl Gen {
    fn kv(&self) -> log::kv::Value<'_> {
        match self {
            Gen::Int(i) => log::kv::Value::from(*i),
            Gen::Bool(b) => log::kv::Value::from(*b),
            Gen::Text(s) => log::kv::Value::from(s.as_str()),
        }
    }

    fn context(&self) -> Value {
        match self {
            Gen::Int(i) => Value::from(*i),
            Gen::Bool(b) => Value::from(*b),
            Gen::Text(s) => Value::from(s.as_str()),
        }
    }

    /// The text the field should read back as.
    fn text(&self) -> String {
        match self {
            Gen::Int(i) => i.to_string(),
            Gen::Bool(b) => b.to_string(),
            Gen::Text(s) => s.clone(),
        }
    }
}

impl Rng {
    fn text(&mut self, max: usize) -> String {
        const PIECES: &[&str] = &[
            "a",
            "Z",
            "7",
            "_",
            ".",
            "-",
            " ",
            "=",
            "\"",
            "\\",
            "\n",
            "\r",
            "\t",
            "\u{1b}[31m",
            "é",
            "€",
            "用户",
            "\u{2028}",
            "\u{a0}",
            "'",
            "{",
            "}",
            "%",
            "$",
            "\\n",
            "\u{7f}",
        ];
        let n = self.below(max + 1);
        (0..n).map(|_| PIECES[self.below(PIECES.len())]).collect()
    }

    fn key(&mut self) -> String {
        // mostly plain names, so that keys repeat and the context overlaps
        if self.below(3) > 0 {
            [
                "amount",
                "user_id",
                "note",
                "a",
                "http.method",
                "request_id",
            ][self.below(6)]
            .to_string()
        } else {
            self.text(6)
        }
    }

    fn value(&mut self) -> Gen {
        match self.below(4) {
            0 => Gen::Int(self.next() as i64 >> self.below(64)),
            1 => Gen::Bool(self.below(2) == 0),
            _ => Gen::Text(self.text(8)),
        }
    }
}

/// An independent logfmt reader: `key=value` pairs split by single spaces, a value
/// quoted with `"` when it holds what would break the pair, with `\"`, `\\`, `\n`,
/// `\r`, `\t` and `\u{..}` escapes inside the quotes.
fn read_logfmt(mut s: &str) -> Result<Vec<(String, String)>, String> {
    let mut pairs = Vec::new();
    while !s.is_empty() {
        let eq = s.find('=').ok_or(format!("no `=` in {s:?}"))?;
        let key = &s[..eq];
        if key.is_empty() || key.contains([' ', '"']) {
            return Err(format!("a broken key {key:?}"));
        }
        s = &s[eq + 1..];
        let value = if let Some(rest) = s.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = rest.char_indices();
            let end = loop {
                let (i, c) = chars.next().ok_or("an unterminated quote")?;
                match c {
                    '"' => break i + 1,
                    '\\' => match chars.next().ok_or("a trailing backslash")?.1 {
                        'n' => value.push('\n'),
                        'r' => value.push('\r'),
                        't' => value.push('\t'),
                        '"' => value.push('"'),
                        '\\' => value.push('\\'),
                        'u' => {
                            let mut hex = String::new();
                            for (_, c) in chars.by_ref() {
                                match c {
                                    '{' => {}
                                    '}' => break,
                                    c => hex.push(c),
                                }
                            }
                            let n = u32::from_str_radix(&hex, 16).map_err(|e| e.to_string())?;
                            value.push(char::from_u32(n).ok_or("a bad escape")?);
                        }
                        other => return Err(format!("an unknown escape \\{other}")),
                    },
                    c if c.is_control() => return Err(format!("a raw control {c:?}")),
                    c => value.push(c),
                }
            };
            s = &rest[end..];
            value
        } else {
            let end = s.find(' ').unwrap_or(s.len());
            let value = &s[..end];
            if value.contains(['"', '=', '\\']) || value.chars().any(char::is_control) {
                return Err(format!("an unquoted value that needed quotes: {value:?}"));
            }
            s = &s[end..];
            value.to_string()
        };
        pairs.push((key.to_string(), value));
        if let Some(rest) = s.strip_prefix(' ') {
            s = rest;
            if s.is_empty() {
                return Err("a trailing space".into());
            }
        }
    }
    Ok(pairs)
}

/// The key as logfmt writes it: whitespace, `=`, `"` and controls become `_`.
fn written_key(key: &str) -> String {
    if key.is_empty() {
        return "_".into();
    }
    key.chars()
        .map(|c| {
            if c == '=' || c == '"' || c.is_whitespace() || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect()
}

#[test]
fn generated_fields_read_back_exactly() {
    let seed = common::seed("KV_SEED");
    let cases: usize = std::env::var("KV_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| common::stress(2_000, 20_000));
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    // escape = true too: it must not touch what logfmt already escaped
    let h = build(
        dir.path(),
        &config("%(message)s %(key_values)s", "%", "")
            .replace("style = \"%\"\n", "style = \"%\"\nescape = true\n"),
    )
    .unwrap();
    let mut expected: Vec<Vec<(String, String)>> = Vec::new();
    for i in 0..cases {
        let pairs: Vec<(String, Gen)> = (0..rng.below(5))
            .map(|_| (rng.key(), rng.value()))
            .collect();
        let context_fields: Vec<(String, Gen)> = (0..rng.below(3))
            .map(|_| (rng.key(), rng.value()))
            .collect();
        let kv: Vec<(&str, log::kv::Value<'_>)> =
            pairs.iter().map(|(k, v)| (k.as_str(), v.kv())).collect();
        let scope = (!context_fields.is_empty())
            .then(|| context::set(context_fields.iter().map(|(k, v)| (k.clone(), v.context()))));
        let message = format!("m{i}");
        h.log(
            "app",
            &Record::new(Level::INFO, Message::Text(&message)).key_values(&kv),
        );
        drop(scope);
        // the record's pairs (the first of a name), then the context's that no pair
        // overrides (the last value of a name, at its first place)
        let mut want: Vec<(String, String)> = Vec::new();
        let mut names: Vec<&str> = Vec::new();
        for (k, v) in &pairs {
            if !names.contains(&k.as_str()) {
                names.push(k);
                want.push((written_key(k), v.text()));
            }
        }
        let mut context_want: Vec<(&str, String)> = Vec::new();
        for (k, v) in &context_fields {
            if names.contains(&k.as_str()) {
                continue;
            }
            match context_want.iter_mut().find(|(ck, _)| ck == k) {
                Some(slot) => slot.1 = v.text(),
                None => context_want.push((k, v.text())),
            }
        }
        want.extend(context_want.into_iter().map(|(k, v)| (written_key(k), v)));
        expected.push(want);
    }
    h.flush();
    let text = read(&dir.path().join("app.log"));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), cases, "a value broke a line (seed {seed})");
    let mut by_message: HashMap<&str, &str> = HashMap::new();
    for line in &lines {
        let (message, rest) = line.split_once(' ').unwrap_or((line, ""));
        by_message.insert(message, rest);
    }
    for (i, want) in expected.iter().enumerate() {
        let message = format!("m{i}");
        let rest = by_message
            .get(message.as_str())
            .unwrap_or_else(|| panic!("{message} missing (seed {seed})"));
        let got = read_logfmt(rest)
            .unwrap_or_else(|e| panic!("{message}: {e} in {rest:?} (seed {seed})"));
        assert_eq!(&got, want, "{message}: {rest:?} (seed {seed})");
    }
}
