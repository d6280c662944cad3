//! logconf as one output of an existing `fern::Dispatch` (`Handle::logger()`): fern
//! keeps its own file, logging.toml routes its share. One test function: `log` takes
//! one global logger per process.

mod common;

#[test]
fn logconf_is_one_chain_of_a_fern_dispatch() {
    let dir = tempfile::tempdir().unwrap();
    let config = r#"
version = 1
[formatters.kv]
format = "%(levelname)s [%(name)s] %(message)s user=%(user_id)s"
defaults = { user_id = "-" }
[handlers.api]
class = "file"
filename = "api.log"
formatter = "kv"
[loggers.billing]
level = "INFO"
handlers = ["api"]
"#;
    let handle = common::build(dir.path(), config).unwrap();
    let fern_file = dir.path().join("fern.log");
    fern::Dispatch::new()
        .level(log::LevelFilter::Debug)
        .chain(
            fern::Dispatch::new()
                .format(|out, message, record| {
                    out.finish(format_args!(
                        "fern {} {} {message}",
                        record.level(),
                        record.target()
                    ))
                })
                .chain(fern::log_file(&fern_file).unwrap()),
        )
        .chain(handle.logger())
        .apply()
        .unwrap();

    log::info!(target: "billing::api", user_id = 7; "API Request started");
    log::debug!(target: "billing::api", "below billing's INFO");
    log::warn!(target: "hyper", "no handler in logging.toml: Python's lastResort");
    log::logger().flush();
    handle.flush();

    assert_eq!(
        common::read(&dir.path().join("api.log")),
        "INFO [billing.api] API Request started user=7\n"
    );
    assert_eq!(
        common::read(&fern_file),
        "fern INFO billing::api API Request started\n\
         fern DEBUG billing::api below billing's INFO\n\
         fern WARN hyper no handler in logging.toml: Python's lastResort\n"
    );
}
