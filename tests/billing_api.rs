//! The Billing-API example service on 127.0.0.1, driven over real sockets, asserted
//! from the real log files of the shipped logging.toml (plus a json handler).
#![cfg(feature = "axum")]

mod common;

use common::http::exchange;

#[path = "../examples/billing_api.rs"]
#[allow(dead_code)]
mod billing_api;

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

fn get(path: &str, extra: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: billing\r\nConnection: close\r\n{extra}\r\n").into_bytes()
}

fn post(path: &str, extra: &str, body: &str) -> Vec<u8> {
    format!("POST {path} HTTP/1.1\r\nHost: billing\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{extra}\r\n{body}", body.len()).into_bytes()
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_default()
}

fn lines_with<'a>(text: &'a str, needle: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.contains(needle)).collect()
}

/// The shipped logging.toml, plus a json handler on the billing loggers.
fn config(dir: &Path) -> std::path::PathBuf {
    let shipped =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/logging.toml")).unwrap();
    let with_json = shipped
        .replace("handlers = [\"file\", \"error_file\", \"debug_file\", \"console\"]", "handlers = [\"file\", \"error_file\", \"debug_file\", \"console\", \"json_file\"]")
        .replace("handlers = [\"requests_file\", \"error_file\", \"console\"]", "handlers = [\"requests_file\", \"error_file\", \"console\", \"json_file\"]")
        + "\n[formatters.json]\nclass = \"json\"\n\n[handlers.json_file]\nclass = \"file\"\nfilename = \"billing_api.json.log\"\nformatter = \"json\"\nfilters = [\"redact\"]\n";
    let path = dir.join("logging.toml");
    std::fs::write(&path, with_json).unwrap();
    path
}

#[test]
fn the_request_flow_in_the_real_files() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("logs");
    let _guard = logconf::Builder::new()
        .path(config(dir.path()))
        .env(HashMap::from([(
            "LOG_BASE_DIR".to_string(),
            base.display().to_string(),
        )]))
        .init()
        .expect("the shipped logging.toml loads");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let generated = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = listener.local_addr().unwrap();
        let app = billing_api::app(billing_api::AppConfig {
            slow_threshold: Duration::from_millis(300),
            trusted_proxies: vec!["127.0.0.2".parse().unwrap()],
        });
        tokio::spawn(billing_api::serve(listener, app));
        let local = Some("127.0.0.1".parse().unwrap());

        // 1. the document's payment flow, with the client's request id
        let r = exchange(server, local, &post("/api/v1/payments/", "X-User: 123:john_doe\r\nX-Request-ID: req-flow-1\r\n", r#"{"amount": 99.99, "currency": "USD"}"#)).await;
        assert_eq!(r.status, 201);
        assert_eq!(r.headers["x-request-id"], "req-flow-1");
        // 2. a new request id when the client sends none, or an unsafe one
        let r = exchange(server, local, &post("/api/v1/subscriptions/", "X-User: 123:john_doe\r\nX-Request-ID: bad id!\r\n", r#"{"plan_id": 3}"#)).await;
        assert_eq!(r.status, 201);
        let generated = r.headers["x-request-id"].clone();
        assert_eq!(generated.len(), 36, "a UUID: {generated}");
        // 3. an admin endpoint as a non-staff user: a security event
        let r = exchange(server, local, &get("/api/v1/admin/", "X-User: 9:mallory\r\nX-Request-ID: req-admin\r\n")).await;
        assert_eq!(r.status, 403);
        // 4. slow and fast reports
        let r = exchange(server, local, &get("/api/v1/reports/sales/?delay_ms=450", "X-Request-ID: req-slow\r\n")).await;
        assert_eq!(r.status, 200);
        let r = exchange(server, local, &get("/api/v1/reports/sales/?delay_ms=0", "X-Request-ID: req-fast\r\n")).await;
        assert_eq!(r.status, 200);
        // 5. a panicking handler is a 500 and the server keeps serving
        let r = exchange(server, local, &get("/api/v1/boom/", "X-Request-ID: req-boom\r\n")).await;
        assert_eq!(r.status, 500);
        assert_eq!(r.headers["x-request-id"], "req-boom");
        let r = exchange(server, local, &get("/api/v1/reports/daily/", "X-Request-ID: req-after-boom\r\n")).await;
        assert_eq!(r.status, 200, "the server keeps serving after a panic");
        // 6. X-Forwarded-For: ignored from an untrusted peer, believed from the proxy
        exchange(server, local, &get("/api/v1/reports/a/", "X-Forwarded-For: 6.6.6.6\r\nX-Request-ID: req-spoof\r\n")).await;
        exchange(server, Some("127.0.0.2".parse().unwrap()), &get("/api/v1/reports/b/", "X-Forwarded-For: 203.0.113.7, 127.0.0.2\r\nX-Request-ID: req-proxied\r\n")).await;
        // 7. what a client sends cannot start a new log line
        exchange(server, local, &get("/api/v1/reports/x%0D%0AINFO%20forged/?q=a%0D%0Ab", "User-Agent: evil\u{85}INFO [billing.api] forged\tline\u{2028}x\r\nX-Request-ID: req-crlf\r\n")).await;
        // 8. secrets in a message and in the query
        let r = exchange(
            server,
            local,
            &post("/api/v1/payments/?password=hunter2&ref=4111111111111111", "X-User: 123:john_doe\r\nX-Request-ID: req-secret\r\n", r#"{"amount": 5, "note": "pay with card 4111 1111 1111 1111, password=hunter2"}"#),
        )
        .await;
        assert_eq!(r.status, 201);
        // a refund through StructuredLogger, failing
        let r = exchange(server, local, &post("/api/v1/payments/456/refund/", "X-User: 123:john_doe\r\nX-Request-ID: req-refund\r\n", r#"{"amount": 0}"#)).await;
        assert_eq!(r.status, 422);
        generated
    });
    log::logger().flush();

    let requests = read(&base, "billing_api_requests.log");
    let app = read(&base, "billing_api.log");
    let security = read(&base, "billing_api_security.log");
    let errors = read(&base, "billing_api_errors.log");
    let json = read(&base, "billing_api.json.log");
    let ts = regex::Regex::new(
        r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) \[",
    )
    .unwrap();

    // the document's flow, line for line (with the request id column)
    let flow: Vec<&str> = lines_with(&requests, "[req-flow-1]");
    assert_eq!(flow.len(), 2, "{requests}");
    assert!(flow[0].ends_with("INFO [billing.api] [req-flow-1] API Request started - User: john_doe (ID: 123), IP: 127.0.0.1, Method: POST, Path: /api/v1/payments/"), "{}", flow[0]);
    assert!(regex::Regex::new(r"INFO \[billing\.api\] \[req-flow-1\] API Request completed - Status: 201, Duration: 0\.\d{3} seconds$").unwrap().is_match(flow[1]), "{}", flow[1]);
    let views: Vec<&str> = lines_with(&app, "[req-flow-1]");
    assert!(
        views[0].ends_with("INFO [billing.views] [req-flow-1] Payment validation successful"),
        "{app}"
    );
    assert!(views[1].ends_with("INFO [billing.events] [req-flow-1] Billing Event: payment_created - User: 123, Details: {'payment_id': 456, 'amount': 99.99, 'currency': 'USD'}"), "{}", views[1]);
    assert!(regex::Regex::new(r"INFO \[billing\.performance\] \[req-flow-1\] Performance Metric: payment_processing - Value: \d+\.\d+ seconds$").unwrap().is_match(views[2]), "{}", views[2]);
    // the same request id in both files, for the generated id too
    assert_eq!(lines_with(&requests, &generated).len(), 2);
    assert_eq!(
        lines_with(&app, &generated).len(),
        1,
        "the subscription event carries the generated id"
    );
    // the security event
    let sec = lines_with(&security, "[req-admin]").join("\n");
    assert!(sec.starts_with("WARNING ") && sec.contains(" billing.security ") && sec.contains("Security Event: unauthorized_admin_access - Severity: warning, Details: {'user_id': '9', 'attempted_endpoint': '/api/v1/admin/'}"), "{security}");
    // slow above the threshold only
    assert_eq!(
        lines_with(
            &requests,
            "[req-slow] Slow API request detected - Duration: 0."
        )
        .len(),
        1,
        "{requests}"
    );
    assert!(lines_with(&requests, "[req-fast] Slow API request").is_empty());
    // the panic
    let boom = lines_with(&requests, "[req-boom]");
    assert!(boom[1].contains("ERROR [billing.api] [req-boom] API Request failed - Error: panic: the report generator crashed, Duration: "), "{}", boom[1]);
    assert!(
        errors.contains("API Request failed - Error: panic: the report generator crashed"),
        "failures reach the errors file"
    );
    assert_eq!(
        lines_with(
            &requests,
            "[req-after-boom] API Request completed - Status: 200"
        )
        .len(),
        1
    );
    // X-Forwarded-For
    let spoof = lines_with(&requests, "[req-spoof] API Request started")[0];
    assert!(
        spoof.contains("IP: 127.0.0.1,"),
        "spoofed header ignored: {spoof}"
    );
    assert!(
        spoof.contains("User: anonymous (ID: None),"),
        "no user extension: anonymous: {spoof}"
    );
    assert!(
        lines_with(&requests, "[req-proxied] API Request started")[0].contains("IP: 203.0.113.7,"),
        "trusted proxy believed"
    );
    // no forged line anywhere: every line of the request log starts a record
    for line in requests.lines() {
        assert!(
            ts.is_match(line),
            "a line that does not start a record: {line:?}"
        );
    }
    let crlf = lines_with(&requests, "[req-crlf] API Request started")[0];
    assert!(
        crlf.contains("Path: /api/v1/reports/x%0D%0AINFO%20forged/"),
        "{crlf}"
    );
    let crlf_json: Vec<serde_json::Value> = json
        .lines()
        .filter(|l| l.contains("req-crlf"))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let agent = crlf_json[0]["user_agent"].as_str().unwrap();
    assert_eq!(
        agent, "evil\\u{85}INFO [billing.api] forged\\tline\\u{2028}x",
        "control characters escaped"
    );
    // secrets: nowhere, in any file
    for name in [
        "billing_api.log",
        "billing_api_requests.log",
        "billing_api_errors.log",
        "billing_api_security.log",
        "billing_api.json.log",
    ] {
        let text = read(&base, name);
        for secret in ["hunter2", "4111111111111111", "4111 1111 1111 1111"] {
            assert!(!text.contains(secret), "{name} contains {secret}");
        }
    }
    assert!(
        app.contains("Customer note: pay with card [REDACTED], password=[REDACTED]"),
        "{app}"
    );
    let secret_req: Vec<serde_json::Value> = json
        .lines()
        .filter(|l| l.contains("req-secret") && l.contains("started"))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(secret_req[0]["query"], "password=[REDACTED]&ref=[REDACTED]");
    // the refund through StructuredLogger, with its error: the shipped formats escape
    // line breaks (`escape = true`), so the error chain stays on the record's line
    assert!(
        errors.contains("billing.refunds")
            && errors.contains(
                "Refund failed - {'payment_id': 456}\\nError: refund amount must be positive\n"
            ),
        "{errors}"
    );
    // every JSON line parses, and carries the request context as fields
    let mut with_ids = 0;
    for line in json.lines() {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON: {line}: {e}"));
        if v.get("request_id").is_some() {
            with_ids += 1;
        }
    }
    assert!(with_ids >= 20, "{with_ids} JSON records with a request id");
    // four files, no debug file outside DEBUG mode
    assert!(
        base.join("billing_api_errors.log").exists()
            && !base.join("billing_api_debug.log").exists()
    );
}
