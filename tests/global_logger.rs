//! `init` installs logconf as the `log` logger: macros, key-values, `::` targets,
//! max level, flush on guard drop. One test: `log` takes one global logger per process.

mod common;

#[test]
fn log_macros_reach_the_configured_files() {
    let dir = tempfile::tempdir().unwrap();
    let config = r#"
version = 1
[formatters.kv]
format = "%(levelname)s %(name)s user=%(user_id)s req=%(request_id)s %(module)s %(message)s"
defaults = { request_id = "none" }
[handlers.f]
class = "file"
filename = "app.log"
formatter = "kv"
[loggers.billing]
level = "DEBUG"
handlers = ["f"]
[root]
level = "ERROR"
"#;
    let guard = common::builder(dir.path(), config).init().expect("init");
    assert_eq!(
        log::max_level(),
        log::LevelFilter::Debug,
        "max level follows the most verbose logger"
    );
    log::info!(target: "billing::api", user_id = 7, request_id = "r-1"; "API Request started");
    log::debug!(target: "billing::views", "Processing payment {}", 456);
    log::trace!(target: "billing", "below DEBUG: dropped");
    log::warn!(target: "elsewhere", "root is ERROR: dropped");
    log::error!(target: "elsewhere", "to lastResort");
    assert!(log::log_enabled!(target: "billing.x", log::Level::Debug));
    assert!(!log::log_enabled!(target: "elsewhere", log::Level::Warn));
    drop(guard);
    let text = std::fs::read_to_string(dir.path().join("app.log")).unwrap();
    assert_eq!(
        text,
        "INFO billing.api user=7 req=r-1 global_logger API Request started\nDEBUG billing.views user=- req=none global_logger Processing payment 456\n"
    );
    assert!(
        logconf::Builder::new().text("version = 1").init().is_err(),
        "a second init is refused"
    );
}
