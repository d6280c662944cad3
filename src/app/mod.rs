//! The application layer: request logging for any service (a plain guard for any
//! server, and a tower layer with the `tower` feature, on a logger you name), and the
//! Billing-API example's billing, security and performance event helpers, with the
//! message texts of its Django original (docs/recipes.md), on its pre-named loggers (`billing`, `billing.api`, `billing.security`,
//! `billing.performance`, `billing.events`).
//!
//! ```no_run
//! use logconf::app::{log_billing_event, log_security_event, Severity};
//! log_billing_event("payment_processed", 123, &[("amount", 99.99.into())]);
//! log_security_event("failed_login", Severity::Warning, &[("ip", "203.0.113.7".into())]);
//! ```

mod events;
mod http;
#[cfg(feature = "tower")]
mod tower;

pub use events::{
    log_billing_event, log_performance_metric, log_security_event, Severity, API, BILLING, EVENTS,
    PERFORMANCE, SECURITY,
};
pub use http::{
    client_ip, escape_untrusted, redact_query, request_id, IpNet, PeerAddr, RequestInfo,
    RequestLog, RequestLogConfig, RequestUser,
};
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub use tower::{RequestLogging, RequestLoggingLayer};
