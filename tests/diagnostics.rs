//! The bad-config corpus: every planted error gives a located diagnostic. Each
//! `tests/bad/NAME.toml` has a `NAME.expected` listing, per diagnostic, its message
//! line and its `file:line:col`; set UPDATE_EXPECT=1 to rewrite them after a change.

use std::collections::HashMap;
use std::path::PathBuf;

use logconf::__cli::{load_str, LoadOptions};

fn summary(text: &str, name: &str) -> String {
    let options = LoadOptions {
        env: Some(HashMap::from([
            (
                "LOG_BASE_DIR".to_string(),
                "/tmp/logconf-bad-corpus".to_string(),
            ),
            ("LOG_DEBUG".to_string(), "0".to_string()),
        ])),
        ..LoadOptions::default()
    };
    match load_str(text, name.as_ref(), &options) {
        Ok(_) => "loads without error\n".to_string(),
        Err(d) => {
            let rendered = d.to_string();
            rendered
                .lines()
                .filter(|l| {
                    l.starts_with("error")
                        || l.starts_with("warning")
                        || l.trim_start().starts_with("-->")
                })
                .map(|l| format!("{}\n", l.trim_start()))
                .collect()
        }
    }
}

#[test]
fn every_planted_error_is_reported_with_its_location() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/bad");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 8);
    let mut failures = Vec::new();
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&case).unwrap();
        let got = summary(&text, &name);
        let expected_path = case.with_extension("expected");
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::write(&expected_path, &got).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        // every planted error (`# ERROR` comment on its line) is located
        for (i, line) in text.lines().enumerate() {
            if line.contains("# ERROR") {
                let at = format!("{name}:{}:", i + 1);
                if !got.contains(&at) {
                    failures.push(format!("{name}: no diagnostic at line {}:\n{got}", i + 1));
                }
            }
        }
        if got != expected {
            failures.push(format!(
                "{name}: diagnostics changed\n--- expected\n{expected}--- got\n{got}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn never_panics_on_garbage() {
    let samples = [
        "",
        "\u{0}",
        "[[[",
        "version = ",
        "version = 1\n[handlers]\nx = 1",
        "version = 1\n[loggers]\n\"\" = {}",
        "version = 1\nformatters = []",
        "version = 1\n[formatters.a]\nformat = \"%(\"",
        "version = 1\n[formatters.a]\nformat = \"{\"\nstyle = \"{\"",
        "version = 99999999999999999999",
        "version = 1\n[root]\nlevel = 1e400",
        "version = 1\n[handlers.h]\nclass = 1",
        "a.b.c.d = 1\n[a]\nb = 2",
        "version = 1\n[formatters.f]\nformat = \"é%(message)s\u{1F600}{\"\nstyle = \"{\"",
    ];
    for s in samples {
        let _ = load_str(s, "garbage.toml".as_ref(), &LoadOptions::default())
            .map_err(|d| d.to_string());
    }
}

#[test]
fn a_bad_log_debug_is_a_configuration_error() {
    let options = |v: &str| LoadOptions {
        env: Some(HashMap::from([("LOG_DEBUG".to_string(), v.to_string())])),
        ..LoadOptions::default()
    };
    let err = load_str("version = 1\n", "x.toml".as_ref(), &options("maybe"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("LOG_DEBUG=\"maybe\" is not a boolean"),
        "{err}"
    );
    for (v, on) in [
        ("1", true),
        ("YES", true),
        ("on", true),
        ("off", false),
        ("", false),
        ("False", false),
    ] {
        let loaded = load_str(
            "version = 1\ndebug = true\n",
            "x.toml".as_ref(),
            &options(v),
        )
        .unwrap();
        assert_eq!(loaded.debug, on, "LOG_DEBUG={v:?}");
    }
    let loaded = load_str(
        "version = 1\ndebug = true\n",
        "x.toml".as_ref(),
        &LoadOptions {
            env: Some(HashMap::new()),
            ..LoadOptions::default()
        },
    )
    .unwrap();
    assert!(loaded.debug, "the key applies when LOG_DEBUG is unset");
}

#[test]
fn a_file_that_is_not_utf8_and_a_key_nested_too_deep_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let latin = dir.path().join("latin.toml");
    std::fs::write(&latin, b"version = 1\n# caf\xe9 au lait\n[root]\n").unwrap();
    let err = logconf::__cli::load_file(&latin, &LoadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("is not UTF-8 text"), "{err}");
    assert!(err.contains("latin.toml:2:6"), "{err}");

    let deep = format!("version = 1\n{} = 1\n", vec!["a"; 300].join("."));
    let err = load_str(&deep, "deep.toml".as_ref(), &LoadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("deep.toml:2:1"), "{err}");
}

#[test]
fn nested_defaults_expand_as_in_sh() {
    let options = LoadOptions {
        env: Some(HashMap::from([
            (
                "LOG_BASE_DIR".to_string(),
                "/tmp/logconf-nested".to_string(),
            ),
            ("APP_LEVEL".to_string(), String::new()),
            ("FALLBACK".to_string(), "ERROR".to_string()),
        ])),
        ..LoadOptions::default()
    };
    let loaded = load_str(
        "version = 1\n[root]\nlevel = \"${APP_LEVEL:-${FALLBACK:-INFO}}\"\n",
        "nested.toml".as_ref(),
        &options,
    )
    .unwrap();
    assert_eq!(loaded.config.root.level, logconf::Level::ERROR);
}
