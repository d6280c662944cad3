//! The Billing-API example's logging utilities: pre-named loggers and the billing, security and
//! performance event helpers, with the message texts of the Billing-API example. Each
//! also carries its data as key-values, so a JSON formatter writes real fields.

use std::fmt;

use crate::context::Value;
use crate::structured::{emit_parts, enabled, Fields, PythonDict};
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

/// `Billing Event: payment_created - User: 123, Details: {'payment_id': 456, ...}` at
/// INFO on `billing.events`.
#[track_caller]
pub fn log_billing_event(event_type: &str, user_id: impl Into<Value>, details: Fields<'_>) {
    if !enabled(EVENTS, Level::INFO) {
        return;
    }
    let own = [
        ("event_type", Value::from(event_type)),
        ("user_id", user_id.into()),
    ];
    emit_parts(
        EVENTS,
        Level::INFO,
        format_args!(
            "Billing Event: {event_type} - User: {}, Details: {}",
            own[1].1,
            PythonDict(details)
        ),
        &own,
        details,
    );
}

/// `Security Event: unauthorized_admin_access - Severity: warning, Details: {...}` on
/// `billing.security`, at the level of the severity.
#[track_caller]
pub fn log_security_event(event_type: &str, severity: Severity, details: Fields<'_>) {
    let level = severity.level();
    if !enabled(SECURITY, level) {
        return;
    }
    let own = [
        ("event_type", Value::from(event_type)),
        ("severity", Value::from(severity.to_string())),
    ];
    emit_parts(
        SECURITY,
        level,
        format_args!(
            "Security Event: {event_type} - Severity: {severity}, Details: {}",
            PythonDict(details)
        ),
        &own,
        details,
    );
}

/// `Performance Metric: payment_processing - Value: 0.095 seconds` at INFO on
/// `billing.performance` (`, Details: {...}` follows when there are details).
#[track_caller]
pub fn log_performance_metric(metric_name: &str, value: f64, unit: &str, details: Fields<'_>) {
    if !enabled(PERFORMANCE, Level::INFO) {
        return;
    }
    let mut shown = String::new();
    crate::format::value::float_repr(value, &mut shown);
    let own = [
        ("metric_name", Value::from(metric_name)),
        ("value", Value::from(value)),
        ("unit", Value::from(unit)),
    ];
    let message = format_args!("Performance Metric: {metric_name} - Value: {shown} {unit}");
    if details.is_empty() {
        emit_parts(PERFORMANCE, Level::INFO, message, &own, details);
    } else {
        emit_parts(
            PERFORMANCE,
            Level::INFO,
            format_args!("{message}, Details: {}", PythonDict(details)),
            &own,
            details,
        );
    }
}
