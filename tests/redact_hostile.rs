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
    let size = common::stress(256 << 10, 1 << 20);
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
    ]
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
