//! The Billing-API document's logging utilities: pre-named loggers and the billing, security and
//! performance event helpers, with the message texts of the Billing-API document. Each
//! also carries its data as key-values, so a JSON formatter writes real fields.

use std::fmt;

use crate::context::Value;
use crate::structured::{emit, python_dict, Fields};
use crate::Level;

/// `billing`: general billing operations.
pub const BILLING: &str = "billing";
/// `billing.api`: API requests (the request logging middleware).
pub const API: &str = "billing.api";
/// `billing.security`: security events.
pub const SECURITY: &str = "billing.security";
/// `billing.performance`: performance metrics.
pub const PERFORMANCE: &str = "billing.performance";
/// `billing.events`: business events.
pub const EVENTS: &str = "billing.events";

/// How serious a security event is; it decides the record's level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// INFO.
    Info,
    /// WARNING.
    Warning,
    /// ERROR.
    Error,
    /// CRITICAL.
    Critical,
}

impl Severity {
    /// The record level of this severity.
    pub fn level(self) -> Level {
        match self {
            Severity::Info => Level::INFO,
            Severity::Warning => Level::WARNING,
            Severity::Error => Level::ERROR,
            Severity::Critical => Level::CRITICAL,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
            Severity::Critical => "critical",
        })
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "warning" | "warn" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            "critical" => Ok(Severity::Critical),
            other => Err(format!(
                "unknown severity `{other}`: expected info, warning, error or critical"
            )),
        }
    }
}

fn with_fields<'a>(head: Vec<(&'a str, Value)>, details: Fields<'a>) -> Vec<(&'a str, Value)> {
    let mut all = head;
    all.extend(details.iter().cloned());
    all
}

/// `Billing Event: payment_created - User: 123, Details: {'payment_id': 456, ...}` at
/// INFO on `billing.events`.
#[track_caller]
pub fn log_billing_event(event_type: &str, user_id: impl Into<Value>, details: Fields<'_>) {
    let user = user_id.into();
    let message = format!(
        "Billing Event: {event_type} - User: {user}, Details: {}",
        python_dict(details)
    );
    let fields = with_fields(
        vec![("event_type", event_type.into()), ("user_id", user)],
        details,
    );
    emit(EVENTS, Level::INFO, &message, &fields);
}

/// `Security Event: unauthorized_admin_access - Severity: warning, Details: {...}` on
/// `billing.security`, at the level of the severity.
#[track_caller]
pub fn log_security_event(event_type: &str, severity: Severity, details: Fields<'_>) {
    let message = format!(
        "Security Event: {event_type} - Severity: {severity}, Details: {}",
        python_dict(details)
    );
    let fields = with_fields(
        vec![
            ("event_type", event_type.into()),
            ("severity", severity.to_string().into()),
        ],
        details,
    );
    emit(SECURITY, severity.level(), &message, &fields);
}

/// `Performance Metric: payment_processing - Value: 0.095 seconds` at INFO on
/// `billing.performance` (`, Details: {...}` follows when there are details).
#[track_caller]
pub fn log_performance_metric(metric_name: &str, value: f64, unit: &str, details: Fields<'_>) {
    let mut shown = String::new();
    crate::format::value::float_repr(value, &mut shown);
    let mut message = format!("Performance Metric: {metric_name} - Value: {shown} {unit}");
    if !details.is_empty() {
        message.push_str(&format!(", Details: {}", python_dict(details)));
    }
    let fields = with_fields(
        vec![
            ("metric_name", metric_name.into()),
            ("value", value.into()),
            ("unit", unit.into()),
        ],
        details,
    );
    emit(PERFORMANCE, Level::INFO, &message, &fields);
}
