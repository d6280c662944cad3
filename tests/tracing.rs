//! `tracing` events through logging.toml (feature `tracing`): routing by target, event
//! fields as key-values, span fields as context, other layers undisturbed, reload.
//! Each test sets its own subscriber for its thread (`with_default`); the global
//! installation by `init()` is tested in tests/tracing_init.rs.
#![cfg(feature = "tracing")]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use logconf::{Handle, Level};
use tracing_subscriber::layer::SubscriberExt as _;

fn with_logconf<R>(handle: &Handle, f: impl FnOnce() -> R) -> R {
    let subscriber = tracing_subscriber::registry().with(handle.tracing_layer());
    tracing::subscriber::with_default(subscriber, f)
}

const ROUTES: &str = r#"
version = 1
[formatters.plain]
format = "%(levelname)s %(levelno)d [%(name)s] %(message)s status=%(status)s"
defaults = { status = "-" }
[handlers.app]
class = "file"
filename = "app.log"
formatter = "plain"
[handlers.everything]
class = "file"
filename = "root.log"
formatter = "plain"
[loggers."billing.api"]
level = "DEBUG"
handlers = ["app"]
[root]
level = "WARNING"
handlers = ["everything"]
"#;

#[test]
fn events_route_by_target_with_python_levels_and_fields_as_key_values() {
    let dir = tempfile::tempdir().unwrap();
    let handle = common::build(dir.path(), ROUTES).unwrap();
    with_logconf(&handle, || {
        tracing::info!(target: "billing::api", status = 201, "API Request completed");
        tracing::debug!(target: "billing::api", "details");
        tracing::trace!(target: "billing::api", "too fine");
        tracing::info!(target: "hyper::proto", "not at INFO");
        tracing::warn!(target: "hyper::proto", status = "busy", "slow peer");
        tracing::error!(target: "billing::api", "failed");
        let span = tracing::info_span!("a span");
        let _entered = span.enter();
    });
    handle.flush();
    assert_eq!(
        common::read(&dir.path().join("app.log")),
        "INFO 20 [billing.api] API Request completed status=201\n\
         DEBUG 10 [billing.api] details status=-\n\
         ERROR 40 [billing.api] failed status=-\n"
    );
    // billing.api propagates to the root's handler, whose logger level does not apply
    // to propagated records (Python's rule)
    assert_eq!(
        common::read(&dir.path().join("root.log")),
        "INFO 20 [billing.api] API Request completed status=201\n\
         DEBUG 10 [billing.api] details status=-\n\
         WARNING 30 [hyper.proto] slow peer status=busy\n\
         ERROR 40 [billing.api] failed status=-\n"
    );
}

const CONTEXT: &str = r#"
version = 1
[formatters.api]
format = "[%(request_id)s] user=%(user_id)s spans=%(spans)s %(message)s"
defaults = { request_id = "-", user_id = "-", spans = "-" }
[formatters.json]
class = "json"
[handlers.text]
class = "file"
filename = "api.log"
formatter = "api"
[handlers.json]
class = "file"
filename = "api.json"
formatter = "json"
[root]
level = "DEBUG"
handlers = ["text", "json"]
"#;

#[test]
fn span_fields_are_context_for_tracing_events_and_log_records() {
    let dir = tempfile::tempdir().unwrap();
    let handle = common::build(dir.path(), CONTEXT).unwrap();
    with_logconf(&handle, || {
        let request = tracing::debug_span!(
            "request",
            request_id = "r-17",
            user_id = tracing::field::Empty
        );
        let _r = request.enter();
        tracing::info!(target: "billing.api", "started");
        {
            let handler = tracing::info_span!("create_invoice", amount = 12.5);
            let _h = handler.enter();
            request.record("user_id", 7);
            tracing::info!(target: "billing.api", invoice = "inv-1", "created");
            // a `log`-style record inside the span sees the same context
            common::log(&handle, "billing", Level::INFO, "from log");
        }
        tracing::info!(target: "billing.api", "finished");
    });
    tracing::info!(target: "billing.api", "outside any subscriber");
    common::log(&handle, "billing", Level::INFO, "after the spans");
    handle.flush();
    assert_eq!(
        common::read(&dir.path().join("api.log")),
        "[r-17] user=- spans=request started\n\
         [r-17] user=7 spans=request:create_invoice created\n\
         [r-17] user=7 spans=request:create_invoice from log\n\
         [r-17] user=7 spans=request finished\n\
         [-] user=- spans=- after the spans\n"
    );
    let json = common::read(&dir.path().join("api.json"));
    let lines: Vec<serde_json::Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(lines.len(), 5, "{json}");
    let created = &lines[1];
    assert_eq!(created["message"], "created", "{created}");
    assert_eq!(created["invoice"], "inv-1", "{created}");
    assert_eq!(created["request_id"], "r-17", "{created}");
    assert_eq!(created["user_id"], 7, "{created}");
    assert_eq!(created["amount"], 12.5, "{created}");
    assert_eq!(created["spans"], "request:create_invoice", "{created}");
    assert!(lines[4].get("request_id").is_none(), "{}", lines[4]);
}

/// Counts every event it sees: a second layer, as OpenTelemetry would be.
struct Counter(Arc<AtomicUsize>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Counter {
    fn on_event(&self, _e: &tracing::Event<'_>, _c: tracing_subscriber::layer::Context<'_, S>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn other_layers_still_see_the_events_logconf_filters_out() {
    let dir = tempfile::tempdir().unwrap();
    let handle = common::build(dir.path(), ROUTES).unwrap();
    let seen = Arc::new(AtomicUsize::new(0));
    let subscriber = tracing_subscriber::registry()
        .with(handle.tracing_layer())
        .with(Counter(seen.clone()));
    tracing::subscriber::with_default(subscriber, || {
        for _ in 0..3 {
            tracing::debug!(target: "hyper::proto", "below WARNING");
        }
        tracing::warn!(target: "hyper::proto", "written");
    });
    handle.flush();
    assert_eq!(seen.load(Ordering::SeqCst), 4);
    assert_eq!(
        common::read(&dir.path().join("root.log")),
        "WARNING 30 [hyper.proto] written status=-\n"
    );
}

#[test]
fn a_reload_changes_which_tracing_events_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("logging.toml");
    let at = |level: &str| {
        format!(
            "version = 1\n[handlers.f]\nclass = \"file\"\nfilename = \"{}\"\n[root]\nlevel = \"{level}\"\nhandlers = [\"f\"]\n",
            dir.path().join("app.log").display()
        )
    };
    std::fs::write(&config, at("INFO")).unwrap();
    let handle = logconf::Builder::new().path(&config).build().unwrap();
    let subscriber = tracing_subscriber::registry().with(handle.tracing_layer());
    tracing::subscriber::with_default(subscriber, || {
        let debug = |n: u32| tracing::debug!(target: "worker", "debug {n}");
        debug(1);
        std::fs::write(&config, at("DEBUG")).unwrap();
        handle.reload().unwrap();
        debug(2);
        std::fs::write(&config, at("ERROR")).unwrap();
        handle.reload().unwrap();
        debug(3);
    });
    handle.flush();
    assert_eq!(common::read(&dir.path().join("app.log")), "debug 2\n");
}

#[test]
fn a_span_carries_its_parents_fields_to_other_threads() {
    let dir = tempfile::tempdir().unwrap();
    let handle = common::build(dir.path(), CONTEXT).unwrap();
    let subscriber = tracing_subscriber::registry().with(handle.tracing_layer());
    let dispatch = tracing::Dispatch::new(subscriber);
    tracing::dispatcher::with_default(&dispatch, || {
        let request = tracing::info_span!(
            "request",
            request_id = "r-9",
            user_id = tracing::field::Empty
        );
        // created inside the request, entered only on another thread (a spawned task)
        let job = request.in_scope(|| tracing::info_span!("job"));
        let worker_dispatch = dispatch.clone();
        let worker_handle = handle.clone();
        let (go, ready) = std::sync::mpsc::channel::<()>();
        let worker = std::thread::spawn(move || {
            tracing::dispatcher::with_default(&worker_dispatch, || {
                let _j = job.enter();
                tracing::info!(target: "billing.jobs", "job started");
                ready.recv().unwrap();
                // recorded on the first thread while this one is inside the span
                tracing::info!(target: "billing.jobs", "job after the record");
                common::log(
                    &worker_handle,
                    "billing.jobs",
                    Level::INFO,
                    "a log record in the job",
                );
            });
        });
        std::thread::sleep(std::time::Duration::from_millis(50));
        request.record("user_id", 11);
        go.send(()).unwrap();
        worker.join().unwrap();
    });
    handle.flush();
    assert_eq!(
        common::read(&dir.path().join("api.log")),
        "[r-9] user=- spans=request:job job started\n\
         [r-9] user=11 spans=request:job job after the record\n\
         [r-9] user=11 spans=request:job a log record in the job\n"
    );
}
