//! With the `tracing` feature, `init()` installs logconf as the `log` logger and as the
//! global `tracing` subscriber: both kinds of records land in one file, in order, with
//! no other call. One test function: both are global, once per process.
#![cfg(feature = "tracing")]

mod common;

#[test]
fn init_installs_log_and_tracing_into_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let config = r#"
version = 1
[formatters.api]
format = "%(levelname)s [%(name)s] %(message)s%(suffix)s"
defaults = { suffix = "" }
[handlers.file]
class = "file"
filename = "app.log"
formatter = "api"
[loggers.billing]
level = "DEBUG"
handlers = ["file"]
"#;
    let guard = common::builder(dir.path(), config).init().unwrap();
    for i in 0..50 {
        log::info!(target: "billing::api", "log {i}");
        tracing::info!(target: "billing::api", "tracing {i}");
        tracing::debug!(target: "billing::db", suffix = " (db)", "tracing debug {i}");
    }
    tracing::debug!(target: "axum::serve", "not configured: root is WARNING");
    // a second installation names what is in the way
    let second = common::builder(dir.path(), config).init();
    assert!(
        matches!(second, Err(logconf::Error::TracingAlreadyInstalled)),
        "{second:?}"
    );
    assert!(format!("{:?}", second.err().unwrap()).contains("tracing_layer"));
    drop(guard);
    let text = common::read(&dir.path().join("app.log"));
    let expected: String = (0..50)
        .map(|i| {
            format!(
                "INFO [billing.api] log {i}\nINFO [billing.api] tracing {i}\nDEBUG [billing.db] tracing debug {i} (db)\n"
            )
        })
        .collect();
    assert_eq!(text, expected);
}
