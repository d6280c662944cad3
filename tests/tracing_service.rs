//! The tracing example service (examples/tracing_service.rs) on 127.0.0.1, driven over
//! real sockets, asserted from the real files of the shipped logging.toml (plus a json
//! handler): tower-http's and axum's `tracing` events reach the `tower_http` and `axum`
//! loggers, span fields are context in the `api` format and JSON fields, `log` and
//! `tracing` records share a file in order, and `RUST_LOG` raises a level over the file.
#![cfg(feature = "tracing")]

mod common;

use common::http::exchange;

#[path = "../examples/tracing_service.rs"]
#[allow(dead_code)]
mod tracing_service;

use std::collections::HashMap;
use std::path::Path;

fn post(path: &str, extra: &str, body: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: svc\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{extra}\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// The shipped logging.toml, with a json handler beside the text files of the loggers
/// this test reads.
fn config(dir: &Path) -> std::path::PathBuf {
    let shipped =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("logging.toml"))
            .unwrap();
    let with_json = shipped
        .replace(
            "handlers = [\"requests_file\", \"error_file\", \"console\"]",
            "handlers = [\"requests_file\", \"error_file\", \"console\", \"json_file\"]",
        )
        .replace(
            "[loggers.tower_http]\nlevel = \"INFO\"\nhandlers = [\"stack_file\", \"console\"]",
            "[loggers.tower_http]\nlevel = \"INFO\"\nhandlers = [\"stack_file\", \"console\", \"json_file\"]",
        )
        + "\n[formatters.json]\nclass = \"json\"\n\n[handlers.json_file]\nclass = \"file\"\nfilename = \"service.json.log\"\nformatter = \"json\"\n";
    assert!(
        with_json.matches("json_file\"]").count() == 2,
        "the shipped loggers changed"
    );
    let path = dir.join("logging.toml");
    std::fs::write(&path, with_json).unwrap();
    path
}

fn lines_with<'a>(text: &'a str, needle: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.contains(needle)).collect()
}

#[test]
fn tracing_events_of_the_http_stack_reach_the_configured_loggers() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("logs");
    let guard = logconf::Builder::new()
        .path(config(dir.path()))
        .env(HashMap::from([
            ("LOG_BASE_DIR".to_string(), base.display().to_string()),
            // the file says axum = INFO; RUST_LOG wins, for logger levels only: the
            // file handler keeps its own level, which the shipped file takes from
            // LOG_FILE_LEVEL
            ("RUST_LOG".to_string(), "axum=trace".to_string()),
            ("LOG_FILE_LEVEL".to_string(), "TRACE".to_string()),
        ]))
        .init()
        .expect("the shipped logging.toml loads");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = listener.local_addr().unwrap();
        tokio::spawn(tracing_service::serve(listener));
        let status = exchange(
            server,
            None,
            &post(
                "/api/v1/invoices/acme",
                "X-Request-ID: r-test-1\r\n",
                r#"{"amount": 99.99}"#,
            ),
        )
        .await
        .status;
        assert_eq!(status, 201);
        let status = exchange(
            server,
            None,
            &post("/api/v1/invoices/globex", "", r#"{"amount": 5}"#),
        )
        .await
        .status;
        assert_eq!(status, 201);
        let status = exchange(
            server,
            None,
            &post("/api/v1/invoices/initech", "X-Request-ID: r-bad\r\n", "{}"),
        )
        .await
        .status;
        assert_eq!(status, 400);
    });
    drop(rt);
    guard.handle().flush();
    let seen = guard.handle().loggers_seen();
    drop(guard);

    let app = std::fs::read_to_string(base.join("billing_api.log")).unwrap();
    let requests = std::fs::read_to_string(base.join("billing_api_requests.log")).unwrap();
    let json = std::fs::read_to_string(base.join("service.json.log")).unwrap();

    // tower-http's events reach `tower_http`, with the request span's id as context,
    // and the `log` record of the handler sits between them, in order
    let first: Vec<&str> = lines_with(&app, "[r-test-1]");
    assert_eq!(first.len(), 3, "{app}");
    assert!(
        first[0]
            .contains(" INFO [tower_http.trace.on_request] [r-test-1] started processing request"),
        "{}",
        first[0]
    );
    assert!(
        first[1].contains(" INFO [billing] [r-test-1] Ledger updated for acme"),
        "{}",
        first[1]
    );
    assert!(
        first[2].contains(
            " INFO [tower_http.trace.on_response] [r-test-1] finished processing request"
        ),
        "{}",
        first[2]
    );

    // the stack's events carry their facts as fields: `%(key_values)s` writes them
    // (tower-http's latency and status), then the span's fields, as logfmt
    let finished = first[2]
        .split(" finished processing request ")
        .nth(1)
        .unwrap_or_else(|| panic!("no key-values: {}", first[2]));
    assert!(
        finished.starts_with("latency=\"") && finished.contains(" ms\" status=201 "),
        "{finished}"
    );
    assert!(
        finished.contains(" request_id=r-test-1 ")
            && finished.contains(" method=POST path=/api/v1/invoices/acme"),
        "{finished}"
    );
    // a `log` record without fields of its own ends with its message
    assert!(
        first[1].ends_with("Ledger updated for acme"),
        "{}",
        first[1]
    );

    // a request without an id gets a new UUID, the same on each of its lines
    let globex = lines_with(&app, "Ledger updated for globex");
    assert_eq!(globex.len(), 1, "{app}");
    let id = globex[0]
        .split('[')
        .nth(2)
        .and_then(|s| s.split(']').next())
        .unwrap();
    assert_eq!(id.len(), 36, "a UUID: {}", globex[0]);
    assert_eq!(lines_with(&app, &format!("[{id}]")).len(), 3, "{app}");

    // axum's own events reach `axum`, at TRACE because RUST_LOG says so
    let axum = lines_with(&app, " TRACE [axum.serve] [-] connection ");
    assert_eq!(axum.len(), 3, "one per connection: {app}");

    // the #[instrument]ed handler's event reaches `billing.api` with the span context
    let created = lines_with(&requests, "Invoice created");
    assert_eq!(created.len(), 2, "{requests}");
    assert!(
        created[0].contains(" INFO [billing.api] [r-test-1] Invoice created"),
        "{}",
        created[0]
    );
    let rejected = lines_with(&requests, "Invoice rejected");
    assert_eq!(rejected.len(), 1, "{requests}");
    assert!(
        rejected[0].contains(" WARNING [billing.api] [r-bad] Invoice rejected: no amount"),
        "{}",
        rejected[0]
    );

    // the same event in JSON: event fields and span fields as fields
    let records: Vec<serde_json::Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let invoice = records
        .iter()
        .find(|r| r["message"] == "Invoice created" && r["request_id"] == "r-test-1")
        .unwrap_or_else(|| panic!("{json}"));
    assert_eq!(invoice["logger"], "billing.api", "{invoice}");
    assert_eq!(invoice["amount"], 99.99, "{invoice}");
    assert_eq!(invoice["currency"], "USD", "{invoice}");
    assert_eq!(invoice["customer"], "acme", "{invoice}");
    assert_eq!(invoice["method"], "POST", "{invoice}");
    assert_eq!(invoice["path"], "/api/v1/invoices/acme", "{invoice}");
    assert_eq!(invoice["spans"], "request:create_invoice", "{invoice}");
    let response = records
        .iter()
        .find(|r| r["logger"] == "tower_http.trace.on_response" && r["request_id"] == "r-bad")
        .unwrap_or_else(|| panic!("{json}"));
    assert_eq!(response["status"], 400, "{response}");
    assert!(response.get("latency").is_some(), "{response}");

    // the names seen so far, with where they went
    let names: Vec<&str> = seen.iter().map(|s| s.name.as_str()).collect();
    for expected in [
        "axum.serve",
        "billing",
        "billing.api",
        "tower_http.trace.on_request",
        "tower_http.trace.on_response",
    ] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    let on_request = seen
        .iter()
        .find(|s| s.name == "tower_http.trace.on_request")
        .unwrap();
    assert_eq!(
        on_request.handlers,
        ["stack_file", "json_file"],
        "{on_request:?}"
    );
}
