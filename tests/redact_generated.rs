//! The `redact` filter against generated secrets and generated clean lines.
//!
//! Secrets: every class of docs/redaction.md (cards, track data, passwords and other
//! values named like secrets, credentials in URLs, cookies, bearer credentials, JWTs,
//! providers' keys, private keys), fresh random values each run, in every context
//! (plain text, `key=value`, JSON, escaped JSON, Python repr, query string, URL,
//! URL-encoded, XML, HTML input, command line, prose, nested JSON, a structured
//! key-value, a context field) and encoding (Unicode spaces, dashes and digits,
//! percent-encoding, JSON `\u` escapes). Each goes through a real file handler; no
//! secret may survive and the words around it must.
//!
//! Clean lines: at least 10,000 realistic log lines (request lines, SQL, stack traces,
//! ids, UUIDs, hashes, amounts, timestamps, IP addresses, prose about passwords and
//! tokens): every line must come out unchanged; the false-positive rate is printed.
//!
//! The seed is printed; `LOGCONF_REDACT_SEED=N` replays a run.

mod common;

use common::{build, read, Rng};
use logconf::{Level, Message, Record};

const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER32: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const HEX: &str = "0123456789abcdef";
const B64URL: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn luhn_complete(body: &str) -> String {
    // the check digit that makes body + digit pass
    for d in 0..10 {
        let candidate = format!("{body}{d}");
        let sum: u32 = candidate
            .chars()
            .rev()
            .enumerate()
            .map(|(i, c)| {
                let mut v = c.to_digit(10).unwrap();
                if i % 2 == 1 {
                    v *= 2;
                    if v > 9 {
                        v -= 9;
                    }
                }
                v
            })
            .sum();
        if sum.is_multiple_of(10) {
            return candidate;
        }
    }
    unreachable!()
}

/// A random card number of a real network, Luhn-valid.
fn card(rng: &mut Rng) -> String {
    let (prefix, len) = *rng.pick(&[
        ("4", 16),
        ("4", 13),
        ("4", 19),
        ("51", 16),
        ("55", 16),
        ("2221", 16),
        ("2720", 16),
        ("34", 15),
        ("37", 15),
        ("6011", 16),
        ("65", 16),
        ("3528", 16),
        ("36", 14),
        ("62", 19),
    ]);
    let body = format!(
        "{prefix}{}",
        rng.chars("0123456789", len - prefix.len() - 1)
    );
    luhn_complete(&body)
}

/// The card written with separators and digits of another script.
fn render_card(rng: &mut Rng, digits: &str) -> String {
    let sep = *rng.pick(&[
        "", " ", "-", ".", "\u{a0}", "\u{202f}", "\u{2013}", "\u{2014}", "\u{b7}", "|", ",", "+",
        " - ", "/",
    ]);
    let script = rng.below(4);
    let convert = |c: char| -> char {
        let d = c.to_digit(10).unwrap();
        match script {
            1 => char::from_u32(0xff10 + d).unwrap(),
            2 => char::from_u32(0x0660 + d).unwrap(),
            _ => c,
        }
    };
    let groups: Vec<String> = digits
        .as_bytes()
        .chunks(4)
        .map(|g| g.iter().map(|&b| convert(b as char)).collect())
        .collect();
    groups.join(sep)
}

fn b64url(bytes: &[u8]) -> String {
    let table = B64URL.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n =
            chunk.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(table[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// A secret recognised by its shape alone, and its class.
fn shaped(rng: &mut Rng) -> (&'static str, String) {
    match rng.below(17) {
        0 => ("aws key id", format!("AKIA{}", rng.chars(UPPER32, 16))),
        1 => ("github", format!("ghp_{}", rng.chars(ALNUM, 36))),
        2 => (
            "github pat",
            format!(
                "github_pat_{}_{}",
                rng.chars(ALNUM, 22),
                rng.chars(ALNUM, 59)
            ),
        ),
        3 => (
            "slack",
            format!(
                "xoxb-{}-{}-{}",
                rng.chars("0123456789", 12),
                rng.chars("0123456789", 12),
                rng.chars(ALNUM, 24)
            ),
        ),
        4 => (
            "slack webhook",
            format!(
                "https://hooks.slack.com/services/T{}/B{}/{}",
                rng.chars(UPPER32, 8),
                rng.chars(UPPER32, 10),
                rng.chars(ALNUM, 24)
            ),
        ),
        5 => ("stripe", format!("sk_live_{}", rng.chars(ALNUM, 24))),
        6 => (
            "stripe restricted",
            format!("rk_live_{}", rng.chars(ALNUM, 24)),
        ),
        7 => ("google", format!("AIza{}", rng.chars(B64URL, 35))),
        8 => (
            "sendgrid",
            format!("SG.{}.{}", rng.chars(B64URL, 22), rng.chars(B64URL, 43)),
        ),
        9 => ("twilio", format!("SK{}", rng.chars(HEX, 32))),
        10 => ("jwt", {
            let header = b64url(br#"{"alg":"HS256","typ":"JWT"}"#);
            let payload = b64url(format!(r#"{{"sub":"{}"}}"#, rng.chars(ALNUM, 8)).as_bytes());
            format!("{header}.{payload}.{}", rng.chars(B64URL, 43))
        }),
        11 => ("bearer", format!("Bearer {}", rng.chars(ALNUM, 32))),
        12 => (
            "url password",
            format!("postgres://admin:{}@db:5432/app", rng.chars(ALNUM, 14)),
        ),
        13 => ("card", card(rng)),
        14 => ("gitlab", format!("glpat-{}", rng.chars(ALNUM, 20))),
        15 => ("openai", format!("sk-proj-{}", rng.chars(ALNUM, 40))),
        _ => ("npm", format!("npm_{}", rng.chars(ALNUM, 36))),
    }
}

/// The part of a shaped secret that must not survive (a URL keeps its user and host).
fn secret_part(class: &str, secret: &str) -> String {
    match class {
        "url password" => {
            secret["postgres://admin:".len()..secret.find("@db").unwrap()].to_string()
        }
        "slack webhook" => secret.rsplit('/').next().unwrap().to_string(),
        "bearer" => secret["Bearer ".len()..].to_string(),
        _ => secret.to_string(),
    }
}

/// Names whose values are secrets, with their spelling variants.
const SECRET_NAMES: &[&str] = &[
    "password",
    "Password",
    "PASSWORD",
    "db_password",
    "newPassword",
    "pw",
    "pass",
    "pswd",
    "passwd",
    "passphrase",
    "api_key",
    "x-api-key",
    "apiKey",
    "access_key",
    "secret",
    "client_secret",
    "aws-secret",
    "token",
    "access_token",
    "refresh_token",
    "csrftoken",
    "session",
    "sessionid",
    "otp",
    "pin",
    "cvv",
    "cvc",
    "pan",
    "private-key",
    "AccountKey",
    "auth_token",
    "credentials",
];

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A name disguised: one letter percent-encoded or `\u`-escaped (for contexts that
/// decode so).
fn disguise(rng: &mut Rng, name: &str, json: bool) -> String {
    let at = rng.below(name.len());
    let c = name.as_bytes()[at];
    let code = if json {
        format!("\\u{:04x}", c)
    } else {
        format!("%{c:02x}")
    };
    format!("{}{code}{}", &name[..at], &name[at + 1..])
}

/// One generated case: the record, the secret texts that must not survive, words that
/// must, and how it was made.
struct Case {
    message: String,
    kv: Option<(String, String)>,
    context: Option<(String, String)>,
    secrets: Vec<String>,
    keep: Vec<String>,
    what: String,
}

fn named_case(rng: &mut Rng, n: usize) -> Case {
    let name = *rng.pick(SECRET_NAMES);
    // values of the shapes applications use: passwords with symbols, hex, base64
    let value = match rng.below(3) {
        0 => format!("{}!{}", rng.chars(ALNUM, 10), rng.below(1000)),
        1 => rng.chars(HEX, 32),
        _ => rng.chars(ALNUM, 24),
    };
    let keep = format!("keep{n}");
    let context = rng.below(13);
    let mut case = Case {
        message: String::new(),
        kv: None,
        context: None,
        secrets: vec![value.clone()],
        keep: vec![keep.clone()],
        what: String::new(),
    };
    let (what, message) = match context {
        0 => ("key=value", format!("{keep} {name}={value} user=bob")),
        1 => ("key: value", format!("{keep} {name}: {value}")),
        2 => (
            "json",
            format!(r#"{keep} {{"{name}": "{value}", "user": "bob"}}"#),
        ),
        3 => (
            "escaped json",
            format!(r#"{keep} {{\"{name}\":\"{value}\",\"user\":\"bob\"}}"#),
        ),
        4 => (
            "python repr",
            format!("{keep} {{'{name}': '{value}', 'user': 'bob'}}"),
        ),
        5 => (
            "query",
            format!(
                "{keep} GET /login?user=bob&{name}={}&next=/ 200",
                percent_encode(&value)
            ),
        ),
        6 => (
            "url-encoded",
            format!(
                "{keep} body={}",
                percent_encode(&format!("user=bob&{name}={value}"))
            ),
        ),
        7 => ("xml", format!("{keep} <{name}>{value}</{name}>")),
        8 => (
            "nested json",
            format!(r#"{keep} {{"db": {{"host": "db1", "{name}": "{value}"}}}}"#),
        ),
        9 => ("arrow", format!("{keep} {name} => {value}")),
        10 => ("disguised name", {
            let json = rng.below(2) == 0;
            let d = disguise(rng, name, json);
            if json {
                format!(r#"{keep} {{"{d}": "{value}"}}"#)
            } else {
                format!("{keep} {d}={value}&user=bob")
            }
        }),
        11 => {
            case.kv = Some((name.to_string(), value.clone()));
            ("structured key-value", keep.clone())
        }
        _ => {
            case.context = Some((name.to_string(), value.clone()));
            ("context field", keep.clone())
        }
    };
    if context == 5 || context == 6 {
        case.secrets.push(percent_encode(&value));
    }
    case.message = message;
    case.what = format!("{what} `{name}`");
    case
}

fn shaped_case(rng: &mut Rng, n: usize) -> Case {
    let (class, secret) = shaped(rng);
    let part = secret_part(class, &secret);
    let keep = format!("keep{n}");
    let rendered = if class == "card" {
        render_card(rng, &secret)
    } else {
        secret.clone()
    };
    let mut case = Case {
        message: String::new(),
        kv: None,
        context: None,
        secrets: vec![if class == "card" {
            rendered.clone()
        } else {
            part.clone()
        }],
        keep: vec![keep.clone()],
        what: class.to_string(),
    };
    if class == "card" {
        case.secrets.push(secret.clone());
        case.secrets.push(secret[..12].to_string());
    }
    let (what, message) = match rng.below(9) {
        0 => ("plain", format!("{keep} got {rendered} from client")),
        1 => (
            "json value",
            format!(r#"{keep} {{"note": "{rendered}", "n": 1}}"#),
        ),
        2 => (
            "escaped json",
            format!(r#"{keep} {{\"note\":\"{rendered}\"}}"#),
        ),
        3 => (
            "query",
            format!("{keep} GET /cb?ref={}&page=2", percent_encode(&rendered)),
        ),
        4 => ("glued", format!("{keep} ref:{rendered}.")),
        5 => ("line end", format!("{keep}\n{rendered}")),
        6 => ("parenthesised", format!("{keep} ({rendered})")),
        7 => {
            case.kv = Some(("note".into(), rendered.clone()));
            ("structured key-value", keep.clone())
        }
        _ => {
            case.context = Some(("note".into(), rendered.clone()));
            ("context field", keep.clone())
        }
    };
    case.message = message;
    case.what = format!("{} in {what}", case.what);
    case
}

/// Classes with fixed shapes: command lines, prose, markup, headers, track data,
/// private keys, AWS secret keys, connection strings.
fn special_case(rng: &mut Rng, n: usize) -> Case {
    let keep = format!("keep{n}");
    let v = format!("{}{}", rng.chars(ALNUM, 12), rng.below(100));
    let case = |what: &str, message: String, secrets: Vec<String>, also_kept: &[&str]| Case {
        message,
        kv: None,
        context: None,
        secrets,
        keep: std::iter::once(keep.clone())
            .chain(also_kept.iter().map(|k| k.to_string()))
            .collect(),
        what: what.into(),
    };
    // a value generated the way keys are: five groups of a capital, a small letter and
    // a digit, each group in any order (what the redactor calls generated)
    let g = |rng: &mut Rng| {
        let classes = [
            "ABCDEFGHJKLMNPQRSTUVWXYZ",
            "abcdefghijkmnopqrstuvwxyz",
            "23456789",
        ];
        let orders = [
            [0, 1, 2],
            [0, 2, 1],
            [1, 0, 2],
            [1, 2, 0],
            [2, 0, 1],
            [2, 1, 0],
        ];
        let mut word = String::new();
        for _ in 0..5 {
            for c in *rng.pick(&orders) {
                word += &rng.chars(classes[c], 1);
            }
        }
        word
    };
    let user = format!("user{}", rng.below(1000));
    match rng.below(20) {
        12 => {
            let g = g(rng);
            case("value later: `secret: the value X`", format!("{keep} secret: the value {g} ok"), vec![g], &["the value", "ok"])
        }
        13 => {
            let g = g(rng);
            case("value later: `token for U: X`", format!("{keep} token for {user}: {g} issued"), vec![g], &[&user, "issued"])
        }
        14 => {
            let (a, b) = (g(rng), g(rng));
            let message = format!("{keep} changed password from {a} to {b} for {user}");
            case("value later: `from X to Y`", message, vec![a, b], &["for"])
        }
        15 => {
            let g = g(rng);
            case("value later: `API key [X]`", format!("{keep} API key [{g}] accepted"), vec![g], &["accepted"])
        }
        16 => case("htpasswd -b", format!("{keep} htpasswd -b /etc/nginx/.htpasswd {user} {v}"), vec![v], &[&user]),
        17 => {
            let message = format!("{keep} headers=[[\"Cookie\", \"sid={v}\"], [\"Host\", \"h\"]]");
            case("header pairs in a list", message, vec![v], &["Host"])
        }
        18 => {
            let sign = *rng.pick(&["!!", "]]", ">>", "//", "''", "}}", "``"]);
            let message = format!("{keep} db init password={sign}{v} host=db");
            case("a value that starts with signs", message, vec![v], &["host=db"])
        }
        19 => {
            let g = g(rng);
            let message = format!("{keep}   ~ master_password = \"{v}\" -> \"{g}\"");
            case("terraform old -> new", message, vec![v, g], &["master_password"])
        }
        0 => case("cli --password V", format!("{keep} exec pg_dump --password {v} -h db"), vec![v], &["-h db"]),
        1 => case("cli --password=V", format!("{keep} exec pg_dump --password={v} -h db"), vec![v], &["-h db"]),
        2 => case("cli -pV", format!("{keep} exec mysql -u root -p{v} shop"), vec![v], &["shop"]),
        3 => case("prose is", format!("{keep} the password is {v} for now"), vec![v], &["for now"]),
        4 => case("prose was quoted", format!("{keep} password was '{v}'"), vec![v], &[]),
        5 => case("html input", format!(r#"{keep} <input type="password" name="pw" value="{v}">"#), vec![v], &["type="]),
        6 => {
            let w = rng.chars(ALNUM, 20);
            case("cookie header", format!("{keep} Cookie: sessionid={v}; csrftoken={w}"), vec![v, w], &[])
        }
        7 => {
            let c = card(rng);
            let message = format!("{keep} swipe %B{c}^DOE/JOHN^2512101{}?", rng.chars("0123456789", 12));
            case("track 1", message, vec![c, "DOE/JOHN^2512".into()], &["swipe"])
        }
        8 => {
            let body = rng.chars(ALNUM, 64);
            let message = format!("{keep} key -----BEGIN OPENSSH PRIVATE KEY-----\n{body}\n-----END OPENSSH PRIVATE KEY----- loaded");
            case("private key", message, vec![body], &["loaded"])
        }
        9 => {
            let s = format!("{}/{}{}", rng.chars(ALNUM, 20), rng.chars(ALNUM, 18), rng.below(10));
            let id = format!("AKIA{}", rng.chars(UPPER32, 16));
            case("aws secret key", format!("{keep} aws-secret: creds {id} {s}"), vec![s, id], &[])
        }
        10 => case(
            "azure connection string",
            format!("{keep} DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={v}==;EndpointSuffix=core.windows.net"),
            vec![v],
            &["AccountName=acme", "EndpointSuffix"],
        ),
        _ => case("authorization header", format!("{keep} Authorization: Basic {v}== sent"), vec![v], &["sent"]),
    }
}

const FORMAT: &str = "%(message)s |%(key_values)s";

fn handle(dir: &std::path::Path) -> logconf::Handle {
    build(
        dir,
        &format!("version = 1\n[filters.redact]\nclass = \"redact\"\n[formatters.f]\nformat = \"{FORMAT}\"\n[handlers.f]\nclass = \"file\"\nfilename = \"out.log\"\nformatter = \"f\"\nfilters = [\"redact\"]\n[root]\nlevel = \"INFO\"\nhandlers = [\"f\"]\n"),
    )
    .unwrap()
}

fn log_case(h: &logconf::Handle, case: &Case) {
    let kv_pair;
    let kv: Vec<(&str, log::kv::Value<'_>)> = match &case.kv {
        Some((k, v)) => {
            kv_pair = (k.as_str(), v.as_str());
            vec![(kv_pair.0, log::kv::Value::from(kv_pair.1))]
        }
        None => Vec::new(),
    };
    let _scope = case
        .context
        .as_ref()
        .map(|(k, v)| logconf::context::set([(k.as_str(), v.as_str().into())]));
    let rec = Record::new(Level::INFO, Message::Text(&case.message)).key_values(&kv);
    h.log("app", &rec);
}

#[test]
fn no_generated_secret_survives() {
    let mut rng = Rng(common::seed("LOGCONF_REDACT_SEED"));
    let per_class = common::stress(400, 4000);
    let dir = tempfile::tempdir().unwrap();
    let h = handle(dir.path());
    let mut cases = Vec::new();
    for n in 0..per_class * 3 {
        cases.push(match n % 3 {
            0 => named_case(&mut rng, n),
            1 => shaped_case(&mut rng, n),
            _ => special_case(&mut rng, n),
        });
    }
    for case in &cases {
        log_case(&h, case);
    }
    h.flush();
    let out = read(&dir.path().join("out.log"));
    // each record is the text up to the next `keepN ` of the next case
    let mut failures = Vec::new();
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for (n, case) in cases.iter().enumerate() {
        *counts
            .entry(case.what.split(" `").next().unwrap().to_string())
            .or_default() += 1;
        let start = out.find(&format!("keep{n}")).unwrap_or_else(|| {
            panic!(
                "case {n} ({}) lost its marker: {:?}",
                case.what, case.message
            )
        });
        let end = out[start..]
            .find(&format!("keep{}", n + 1))
            .map_or(out.len(), |e| start + e);
        let line = &out[start..end];
        for s in &case.secrets {
            if line.contains(s.as_str()) {
                failures.push(format!(
                    "leaked ({}): {:?} kv {:?} ctx {:?}\n   -> {line:?}",
                    case.what, case.message, case.kv, case.context
                ));
            }
        }
        for k in &case.keep {
            if !line.contains(k.as_str()) {
                failures.push(format!(
                    "over-redacted ({}): {:?}\n   -> {line:?}",
                    case.what, case.message
                ));
            }
        }
    }
    eprintln!("{} generated secrets, by class and context:", cases.len());
    for (what, n) in &counts {
        eprintln!("  {n:>6}  {what}");
    }
    assert!(
        failures.is_empty(),
        "{} of {} generated cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures[..failures.len().min(30)].join("\n")
    );
}

/// A realistic clean log line.
fn clean_line(rng: &mut Rng) -> String {
    let uuid = format!(
        "{}-{}-4{}-a{}-{}",
        rng.chars(HEX, 8),
        rng.chars(HEX, 4),
        rng.chars(HEX, 3),
        rng.chars(HEX, 3),
        rng.chars(HEX, 12)
    );
    let ip = format!(
        "{}.{}.{}.{}",
        10 + rng.below(200),
        rng.below(256),
        rng.below(256),
        1 + rng.below(254)
    );
    let ts = format!(
        "2026-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        1 + rng.below(12),
        1 + rng.below(28),
        rng.below(24),
        rng.below(60),
        rng.below(60),
        rng.below(1_000_000)
    );
    let user = *rng.pick(&["bob", "alice", "john_doe", "svc-billing", "maria.k"]);
    let path = *rng.pick(&[
        "/api/v1/payments/",
        "/api/v1/invoices/42",
        "/health",
        "/api/v1/users/me",
        "/static/app.js",
        "/api/v1/orders?page=2&sort=created",
    ]);
    let snowflake = format!("1{}", rng.chars("0123456789", 18));
    let amount = format!("{}.{:02}", rng.below(100_000), rng.below(100));
    let sha = rng.chars(HEX, 64);
    let git = rng.chars(HEX, 40);
    let ms = 1_700_000_000_000u64 + rng.next() % 100_000_000_000;
    match rng.below(24) {
        0 => format!("{ip} - - [{ts}] \"GET {path} HTTP/1.1\" {} {} \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\"", *rng.pick(&[200, 201, 204, 301, 404, 500]), rng.below(50_000)),
        1 => format!("API Request started - User: {user} (ID: {}), IP: {ip}, Method: POST, Path: {path}", rng.below(100_000)),
        2 => format!("SELECT id, amount, created_at FROM payments WHERE user_id = {} AND status = 'settled' ORDER BY created_at DESC LIMIT 50", rng.below(100_000)),
        3 => format!("UPDATE invoices SET total = {amount}, updated_at = '{ts}' WHERE id = {}", rng.below(1_000_000)),
        4 => format!("Traceback (most recent call last):\n  File \"/app/billing/views.py\", line {}, in create_payment\n    charge = gateway.charge(amount)\nValueError: amount must be positive", rng.below(900)),
        5 => format!("thread 'main' panicked at src/billing/mod.rs:{}:{}:\ncalled `Option::unwrap()` on a `None` value", rng.below(900), rng.below(80)),
        6 => format!("at com.acme.billing.PaymentService.charge(PaymentService.java:{})", rng.below(900)),
        7 => format!("request {uuid} finished in {}.{:03}s", rng.below(10), rng.below(1000)),
        8 => format!("event id={snowflake} type=invoice.paid amount={amount} currency=EUR"),
        9 => format!("artifact sha256:{sha} pushed"),
        10 => format!("deployed commit {git} to production"),
        11 => format!("password reset email sent to user {}", rng.below(100_000)),
        12 => format!("login failed for {user}: password is incorrect"),
        13 => format!("token expired for session of user {}; redirecting to /login", rng.below(100_000)),
        14 => format!("shipping address updated for company {} (order {})", rng.below(1000), rng.below(10_000_000)),
        15 => format!("cache_key=user:{} hit=true ttl={}", rng.below(100_000), rng.below(3600)),
        16 => format!("payment of {amount} EUR captured, card ending {}", rng.chars("0123456789", 4)),
        17 => format!("timestamp_ms={ms} lag_ms={}", rng.below(5000)),
        18 => format!("connection from [2001:db8::{}:{}]:443 accepted", rng.chars(HEX, 4), rng.chars(HEX, 4)),
        19 => format!("phone +1 415 555 {:04} verified for {user}", rng.below(10_000)),
        20 => format!("keyboard shortcut pressed; spinner shown; pin_attempts={} mapping updated", rng.below(5)),
        21 => format!("GET /api/v1/search?q=passenger+compass&page={} 200 {}ms", rng.below(20), rng.below(900)),
        22 => format!("retry {}/5 for job {uuid} (backoff {}ms)", rng.below(5), rng.below(10_000)),
        _ => format!("the password policy requires {} characters; tokens used: {}", 8 + rng.below(8), rng.below(10_000)),
    }
}

#[test]
fn ten_thousand_clean_lines_pass_unchanged() {
    let mut rng = Rng(common::seed("LOGCONF_REDACT_SEED"));
    let lines: Vec<String> = (0..common::stress(10_000, 100_000))
        .map(|_| clean_line(&mut rng))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let h = build(
        dir.path(),
        "version = 1\n[filters.redact]\nclass = \"redact\"\n[formatters.f]\nformat = \"%(message)s\\u0000\"\n[handlers.f]\nclass = \"file\"\nfilename = \"out.log\"\nformatter = \"f\"\nfilters = [\"redact\"]\n[root]\nlevel = \"INFO\"\nhandlers = [\"f\"]\n",
    )
    .unwrap();
    for l in &lines {
        h.log("app", &Record::new(Level::INFO, Message::Text(l)));
    }
    h.flush();
    let out = read(&dir.path().join("out.log"));
    let written: Vec<&str> = out.split("\0\n").collect();
    let mut changed = Vec::new();
    for (l, w) in lines.iter().zip(&written) {
        if l != w {
            changed.push(format!("{l:?}\n   -> {w:?}"));
        }
    }
    eprintln!(
        "clean corpus: {} lines, {} changed (false-positive rate {:.4}%)",
        lines.len(),
        changed.len(),
        100.0 * changed.len() as f64 / lines.len() as f64
    );
    assert!(
        changed.is_empty(),
        "over-redacted:\n{}",
        changed[..changed.len().min(20)].join("\n")
    );
}
