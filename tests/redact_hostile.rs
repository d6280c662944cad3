//! The `redact` filter on hostile records: long messages (256 KiB; 1 MiB with
//! `LOGCONF_STRESS=full`) of the shapes that make a
//! naive matcher quadratic (a secret name then prose, thousands of `key=value` pairs,
//! separators, dashes, tags, hexadecimal blobs, card-like digit lists). Each must go
//! through in time linear in its size: the bound below is a hang guard (minutes for a
//! quadratic matcher), not a speed measurement (`cargo bench --bench components` is).

mod common;

use std::time::{Duration, Instant};

use common::{build, read};
use logconf::{Level, Message, Record};

fn shapes() -> Vec<(&'static str, String)> {
    // a quarter of a megabyte each, a megabyte under LOGCONF_STRESS=full
    shapes_of(common::stress(256 << 10, 1 << 20))
}

/// Each shape, `size` bytes long.
fn shapes_of(size: usize) -> Vec<(&'static str, String)> {
    let fill = |unit: &str| unit.repeat(size / unit.len());
    vec![
        (
            "a secret name, then prose",
            format!("password=x {}", fill("lorem ipsum ")),
        ),
        ("pairs", fill("password=x ")),
        ("short pairs", fill("pass=x ")),
        ("colons", fill("password:x ")),
        (
            "an environment dump",
            fill("HOME=/root PATH=/bin DB_PASSWORD=x1 LANG=C "),
        ),
        ("digits", fill("4 ")),
        ("dashes", fill("-")),
        ("tags", fill("<input value=x ")),
        ("tag values", fill("value=x ")),
        ("quotes", fill("\"password\":\"")),
        ("a hexadecimal blob", fill("abc4111111111111111def")),
        ("card-like groups", fill("4111 ")),
        ("urls", fill("https://u:p@")),
        ("bearer", fill("Bearer ")),
        ("prose verbs", fill("password is ")),
        ("escapes", fill("p%61ss\\u0077ord=")),
        ("track data", fill("%B4111111111111111^")),
        ("slack", fill("xoxb-1-1-1")),
        ("headers on one line", fill("Authorization: Bearer x ")),
        ("cookies on one line", fill("Cookie: a=b ")),
        ("password flags", fill("sshpass -p ")),
        ("mysql flags", fill("mysql -u root -pX ")),
    ]
}

/// The time a record takes grows with its length, not with its square: each shape at
/// 32 KiB and at eight times that must take at most 24 times as long (a quadratic
/// matcher takes 64 times; a guard of seconds alone would let one through at this
/// size).
#[test]
fn eight_times_the_text_is_about_eight_times_the_time() {
    let dir = tempfile::tempdir().unwrap();
    let h = build(
        dir.path(),
        "version = 1\n[filters.redact]\nclass = \"redact\"\n[handlers.g]\nclass = \"file\"\nfilename = \"/dev/null\"\nfilters = [\"redact\"]\n[root]\nlevel = \"INFO\"\nhandlers = [\"g\"]\n",
    )
    .unwrap();
    let time = |text: &str| {
        // the best of three: the machine's noise only ever adds
        (0..3)
            .map(|_| {
                let start = Instant::now();
                h.log("app", &Record::new(Level::INFO, Message::Text(text)));
                start.elapsed()
            })
            .min()
            .unwrap_or_default()
    };
    let small = shapes_of(32 << 10);
    let large = shapes_of(256 << 10);
    let mut quadratic = Vec::new();
    for ((what, s), (_, l)) in small.iter().zip(&large) {
        let (ts, tl) = (time(s), time(l));
        let ratio = tl.as_secs_f64() / ts.as_secs_f64().max(1e-6);
        eprintln!("{what:>28}: {ts:>10?} {tl:>10?} x{ratio:.1}");
        if ratio > 24.0 && tl > Duration::from_millis(20) {
            quadratic.push(format!("{what}: {ts:?} then {tl:?}"));
        }
    }
    assert!(
        quadratic.is_empty(),
        "grows faster than the text: {quadratic:?}"
    );
}

#[test]
fn megabyte_records_go_through_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    let h = build(
        dir.path(),
        "version = 1\n[filters.redact]\nclass = \"redact\"\n[handlers.f]\nclass = \"file\"\nfilename = \"out.log\"\nfilters = [\"redact\"]\n[root]\nlevel = \"INFO\"\nhandlers = [\"f\"]\n",
    )
    .unwrap();
    let mut slow = Vec::new();
    for (what, text) in shapes() {
        let start = Instant::now();
        h.log("app", &Record::new(Level::INFO, Message::Text(&text)));
        let took = start.elapsed();
        eprintln!("{what:>28}: {:>6} ms", took.as_millis());
        if took > Duration::from_secs(20) {
            slow.push(format!("{what}: {took:?}"));
        }
    }
    h.flush();
    let out = read(&dir.path().join("out.log"));
    assert!(out.lines().count() >= shapes().len(), "a record was lost");
    assert!(slow.is_empty(), "not linear: {slow:?}");
}
