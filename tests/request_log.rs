//! The request log guard with `billing.api` switched off: nothing of its own is
//! written, yet the request's context (request id, user, ip) still reaches every other
//! record logged while the request runs. One test function: `log` takes one global
//! logger per process.

mod common;

use logconf::app::{RequestInfo, RequestLog, RequestLogConfig, RequestUser};
use logconf::context;

#[test]
fn a_switched_off_request_log_still_sets_the_context() {
    let dir = tempfile::tempdir().unwrap();
    let config = r#"
version = 1
[formatters.ctx]
format = "%(levelname)s [%(name)s] [%(request_id)s] user=%(username)s ip=%(ip)s %(message)s"
defaults = { request_id = "-", username = "-", ip = "-" }
[handlers.file]
class = "file"
filename = "app.log"
formatter = "ctx"
[loggers."billing.api"]
level = "CRITICAL"
handlers = ["file"]
[loggers.billing]
level = "INFO"
handlers = ["file"]
"#;
    let guard = common::builder(dir.path(), config).init().unwrap();
    let info = RequestInfo {
        method: "POST".into(),
        path: "/api/v1/payments/".into(),
        peer: Some("203.0.113.9".parse().unwrap()),
        request_id: Some("req-off-1".into()),
        user: Some(RequestUser {
            id: "123".into(),
            username: "john_doe".into(),
        }),
        ..RequestInfo::default()
    };
    let config = RequestLogConfig {
        logger: "billing.api".into(),
        ..RequestLogConfig::default()
    };
    let log = RequestLog::start(&config, &info);
    assert_eq!(log.request_id(), "req-off-1");
    {
        let _scope = context::set_shared(log.shared_context());
        log::info!(target: "billing", "Payment processed");
    }
    log.finish(201);
    // a 5xx and a slow request are not written either: the logger is off
    let slow = RequestLogConfig {
        slow_threshold: std::time::Duration::ZERO,
        ..config
    };
    RequestLog::start(&slow, &info).finish(503);
    drop(guard);
    assert_eq!(
        common::read(&dir.path().join("app.log")),
        "INFO [billing] [req-off-1] user=john_doe ip=203.0.113.9 Payment processed\n"
    );
}
