//! The application layer through the installed logger: `critical!`, StructuredLogger,
//! the event helpers, context on threads and across `.await`, the json formatter and
//! the redact filter. One test function: `log` takes one global logger per process.

mod common;

use logconf::app::{log_billing_event, log_performance_metric, log_security_event, Severity};
use logconf::context::{self, FutureExt as _, Value};
use logconf::{critical, StructuredLogger};

#[derive(Debug)]
struct GatewayError(Option<Box<GatewayError>>, &'static str);

impl std::fmt::Display for GatewayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.1)
    }
}

impl std::error::Error for GatewayError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.as_deref().map(|e| e as _)
    }
}

#[test]
fn application_layer_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let config = r#"
version = 1
[formatters.api]
format = "%(levelname)s [%(name)s] req=%(request_id)s user=%(user_id)s %(message)s"
[formatters.json]
class = "json"
[formatters.ecs]
class = "json"
ecs = true
[filters.redact]
class = "redact"
[filters.only_critical]
class = "level_range"
min = "CRITICAL"
[handlers.text]
class = "file"
filename = "app.log"
formatter = "api"
filters = ["redact"]
[handlers.json]
class = "file"
filename = "app.json"
formatter = "json"
filters = ["redact"]
[handlers.ecs]
class = "file"
filename = "ecs.json"
formatter = "ecs"
[formatters.picked]
class = "json"
fields = ["levelname", "name", "lineno", "message"]
[handlers.critical]
class = "file"
filename = "critical.log"
filters = ["only_critical"]
[handlers.picked]
class = "file"
filename = "picked.json"
formatter = "picked"
[loggers.guard]
handlers = ["picked"]
propagate = false
[loggers.alarms]
level = "CRITICAL"
handlers = ["critical"]
propagate = false
[root]
level = "DEBUG"
handlers = ["text", "json", "ecs", "critical"]
"#;
    let guard = common::builder(dir.path(), config).init().unwrap();

    // CRITICAL from Rust
    critical!(target: "billing.security", "Payment provider unreachable");
    critical!(target: "billing", order_id = 42; "Ledger mismatch on order {}", 42);
    log::error!(target: "billing", "an ordinary error");

    // context on this thread, then across .await on two executors
    {
        let _scope = context::set([("request_id", Value::from("r-1")), ("user_id", 123.into())]);
        log::info!(target: "billing.views", "Processing payment request for user 123");
        std::thread::spawn(|| log::info!(target: "billing.views", "another thread: no context"))
            .join()
            .unwrap();
    }
    async fn handler() {
        tokio::task::yield_now().await;
        log::info!(target: "billing.views", "after an await");
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(rt.spawn(handler().with_context([("request_id", Value::from("r-tokio"))])))
        .unwrap();
    pollster::block_on(
        async {
            log::info!(target: "billing.views", "in block_on");
        }
        .with_context([("request_id", Value::from("r-block-on"))]),
    );

    // the seed's helpers and StructuredLogger
    log_billing_event(
        "payment_created",
        123,
        &[
            ("payment_id", 456.into()),
            ("amount", 99.99.into()),
            ("currency", "USD".into()),
        ],
    );
    log_security_event(
        "unauthorized_admin_access",
        Severity::Warning,
        &[
            ("user_id", 9.into()),
            ("attempted_endpoint", "/api/v1/admin/".into()),
        ],
    );
    log_performance_metric("payment_processing", 0.095, "seconds", &[]);
    log_performance_metric("db_query", 12.5, "ms", &[("table", "payments".into())]);
    let logger = StructuredLogger::new("myapp.payments");
    logger.info(
        "Processing refund",
        &[
            ("payment_id", 456.into()),
            ("reason", "customer_request".into()),
        ],
    );
    let err = GatewayError(
        Some(Box::new(GatewayError(None, "connection reset"))),
        "refund refused",
    );
    logger.error_with("Refund failed", &[("payment_id", 456.into())], &err);
    logger.critical("Refunds disabled", &[]);
    // a logger at CRITICAL: `log` carries CRITICAL as ERROR, yet the record passes
    let alarms = StructuredLogger::new("alarms");
    alarms.error("below the alarms logger's level", &[]);
    alarms.critical("Ledger offline", &[]);

    // secrets never reach the files that redact
    log::info!(target: "billing.api", card = "4111 1111 1111 1111"; "charge card 4111-1111-1111-1111 with password=hunter2 and Bearer abc.def");
    log::warn!(target: "billing", "json \"quotes\"\nand a second line\twith a tab");

    // the plain request guard, for servers without tower
    use logconf::app::{RequestInfo, RequestLog, RequestLogConfig, RequestUser};
    let config = RequestLogConfig {
        logger: "guard".into(),
        ..RequestLogConfig::default()
    };
    let info = RequestInfo {
        method: "POST".into(),
        path: "/api/v1/payments/".into(),
        query: Some("token=abc&page=2".into()),
        user_agent: Some("curl/8".into()),
        peer: Some("192.168.1.100".parse().unwrap()),
        request_id: Some("guard-1".into()),
        user: Some(RequestUser {
            id: "123".into(),
            username: "john_doe".into(),
        }),
        ..RequestInfo::default()
    };
    let log = RequestLog::start(&config, &info);
    context::scope(
        log.context(),
        || log::info!(target: "guard", "inside the request"),
    );
    log.finish(201);
    let anonymous = RequestInfo {
        method: "GET".into(),
        path: "/x".into(),
        ..RequestInfo::default()
    };
    RequestLog::start(&config, &anonymous).fail(&"database down");
    let dropped = std::panic::catch_unwind(|| {
        let _log = RequestLog::start(&config, &anonymous);
        panic!("handler bug");
    });
    assert!(dropped.is_err());
    drop(guard);

    let text = std::fs::read_to_string(dir.path().join("app.log")).unwrap();
    let expect = [
        "CRITICAL [billing.security] req=- user=- Payment provider unreachable",
        "CRITICAL [billing] req=- user=- Ledger mismatch on order 42",
        "ERROR [billing] req=- user=- an ordinary error",
        "INFO [billing.views] req=r-1 user=123 Processing payment request for user 123",
        "INFO [billing.views] req=- user=- another thread: no context",
        "INFO [billing.views] req=r-tokio user=- after an await",
        "INFO [billing.views] req=r-block-on user=- in block_on",
        "INFO [billing.events] req=- user=123 Billing Event: payment_created - User: 123, Details: {'payment_id': 456, 'amount': 99.99, 'currency': 'USD'}",
        "WARNING [billing.security] req=- user=9 Security Event: unauthorized_admin_access - Severity: warning, Details: {'user_id': 9, 'attempted_endpoint': '/api/v1/admin/'}",
        "INFO [billing.performance] req=- user=- Performance Metric: payment_processing - Value: 0.095 seconds",
        "INFO [billing.performance] req=- user=- Performance Metric: db_query - Value: 12.5 ms, Details: {'table': 'payments'}",
        "INFO [myapp.payments] req=- user=- Processing refund - {'payment_id': 456, 'reason': 'customer_request'}",
        "ERROR [myapp.payments] req=- user=- Refund failed - {'payment_id': 456}",
        "Error: refund refused",
        "Caused by: connection reset",
        "CRITICAL [myapp.payments] req=- user=- Refunds disabled",
        "INFO [billing.api] req=- user=- charge card [REDACTED] with password=[REDACTED] and Bearer [REDACTED]",
        "WARNING [billing] req=- user=- json \"quotes\"",
        "and a second line\twith a tab",
    ];
    assert_eq!(text.lines().collect::<Vec<_>>(), expect);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("critical.log")).unwrap(),
        "Payment provider unreachable\nLedger mismatch on order 42\nRefunds disabled\nLedger offline\n",
        "CRITICAL passes a level_range filter of CRITICAL, ERROR does not"
    );

    let json = std::fs::read_to_string(dir.path().join("app.json")).unwrap();
    let records: Vec<serde_json::Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    assert_eq!(
        records.len(),
        16,
        "one JSON object per record, whatever the message"
    );
    assert_eq!(records[0]["level"], "CRITICAL");
    assert_eq!(records[1]["order_id"], 42);
    assert!(
        records[1].get("__logconf_level").is_none(),
        "internal keys stay internal"
    );
    assert_eq!(records[3]["request_id"], "r-1");
    assert_eq!(records[3]["user_id"], 123);
    assert_eq!(records[3]["logger"], "billing.views");
    let ts = records[3]["timestamp"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(ts).is_ok()
            && ts.len() >= 23
            && ts.as_bytes()[19] == b'.',
        "RFC 3339 with ms: {ts}"
    );
    assert_eq!(records[5]["request_id"], "r-tokio");
    assert_eq!(records[7]["event_type"], "payment_created");
    assert_eq!(records[7]["amount"], 99.99);
    assert_eq!(records[7]["currency"], "USD");
    assert_eq!(records[8]["severity"], "warning");
    assert_eq!(records[9]["value"], 0.095);
    assert_eq!(records[10]["metric_name"], "db_query");
    assert_eq!(records[10]["unit"], "ms");
    assert_eq!(
        records[10]["table"], "payments",
        "the caller's details follow"
    );
    assert_eq!(
        records[14]["card"], "[REDACTED]",
        "a key-value named like a secret"
    );
    assert_eq!(
        records[15]["message"],
        "json \"quotes\"\nand a second line\twith a tab"
    );

    let ecs = std::fs::read_to_string(dir.path().join("ecs.json")).unwrap();
    let first: serde_json::Value = serde_json::from_str(ecs.lines().next().unwrap()).unwrap();
    for key in [
        "@timestamp",
        "log.level",
        "log.logger",
        "message",
        "process.pid",
        "process.thread.name",
        "ecs.version",
    ] {
        assert!(first.get(key).is_some(), "ECS key {key} missing: {first}");
    }
    assert_eq!(first["log.level"], "CRITICAL");
    assert!(
        ecs.contains("4111 1111 1111 1111"),
        "the ecs handler has no redact filter: the control case"
    );

    // `fields` picks the attributes; key-values and context follow
    let picked: Vec<serde_json::Value> = std::fs::read_to_string(dir.path().join("picked.json"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let keys: Vec<&str> = picked[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "levelname",
            "name",
            "lineno",
            "message",
            "method",
            "path",
            "query",
            "user_agent",
            "request_id",
            "user_id",
            "username",
            "ip"
        ]
    );
    assert_eq!(picked[0]["message"], "API Request started - User: john_doe (ID: 123), IP: 192.168.1.100, Method: POST, Path: /api/v1/payments/");
    assert_eq!(picked[0]["query"], "token=[REDACTED]&page=2");
    assert_eq!(picked[1]["message"], "inside the request");
    assert_eq!(picked[1]["request_id"], "guard-1");
    assert!(picked[2]["message"]
        .as_str()
        .unwrap()
        .starts_with("API Request completed - Status: 201, Duration: 0.0"));
    assert_eq!(
        picked[3]["message"],
        "API Request started - User: anonymous (ID: None), IP: -, Method: GET, Path: /x"
    );
    assert!(picked[4]["message"]
        .as_str()
        .unwrap()
        .starts_with("API Request failed - Error: database down, Duration: "));
    assert_eq!(picked[4]["levelname"], "ERROR");
    assert!(
        picked[6]["message"]
            .as_str()
            .unwrap()
            .starts_with("API Request failed - Error: the handler panicked"),
        "{}",
        picked[6]
    );
    assert_eq!(picked.len(), 7);
}
