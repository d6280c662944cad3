//! The Billing-API example (a Django service's logging, docs/recipes.md) as an axum
//! service, logged with logconf:
//! request logging middleware, billing/security/performance events, a refund through
//! `StructuredLogger`, and the shipped `logging.toml`.
//!
//! ```sh
//! LOG_BASE_DIR=/tmp/billing cargo run --features axum --example billing_api
//! curl -s -X POST localhost:8000/api/v1/payments/ -H 'X-User: 123:john_doe' \
//!      -H 'content-type: application/json' -d '{"amount": 99.99, "currency": "USD"}'
//! tail /tmp/billing/billing_api_requests.log /tmp/billing/billing_api.log
//! ```
//!
//! `X-User: ID:NAME[:staff]` stands in for a real authentication layer.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::extract::{Path, Query, Request};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use logconf::app::{
    log_billing_event, log_performance_metric, log_security_event, IpNet, RequestLoggingLayer,
    RequestUser, Severity, API,
};
use logconf::StructuredLogger;
use serde_json::{json, Value};

/// The service's settings.
#[derive(Clone, Debug)]
pub struct AppConfig {
    /// Requests slower than this log "Slow API request detected".
    pub slow_threshold: Duration,
    /// Proxies whose X-Forwarded-For is believed.
    pub trusted_proxies: Vec<IpNet>,
}

impl AppConfig {
    /// From `SLOW_REQUEST_MS` and `TRUSTED_PROXIES` (comma-separated networks).
    pub fn from_env() -> AppConfig {
        let slow = std::env::var("SLOW_REQUEST_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1000);
        let proxies = std::env::var("TRUSTED_PROXIES").unwrap_or_default();
        AppConfig {
            slow_threshold: Duration::from_millis(slow),
            trusted_proxies: proxies
                .split(',')
                .filter(|s| !s.trim().is_empty())
                .filter_map(|s| s.parse().ok())
                .collect(),
        }
    }
}

/// Whether the user is staff (set by the demo auth layer).
#[derive(Clone, Copy)]
struct Staff(bool);

/// The stand-in for authentication: `X-User: 123:john_doe[:staff]`.
async fn authenticate(mut req: Request, next: Next) -> Response {
    let user = req
        .headers()
        .get("x-user")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let Some(text) = user {
        let parts: Vec<&str> = text.split(':').collect();
        if parts.len() >= 2 {
            req.extensions_mut().insert(RequestUser {
                id: parts[0].to_string(),
                username: parts[1].to_string(),
            });
            req.extensions_mut()
                .insert(Staff(parts.get(2) == Some(&"staff")));
        }
    }
    next.run(req).await
}

fn user_id(user: &Option<Extension<RequestUser>>) -> Option<i64> {
    user.as_ref().and_then(|Extension(u)| u.id.parse().ok())
}

fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({"error": "authentication required"})),
    )
        .into_response()
}

async fn create_payment(user: Option<Extension<RequestUser>>, Json(body): Json<Value>) -> Response {
    let started = Instant::now();
    let Some(uid) = user_id(&user) else {
        return unauthorized();
    };
    log::debug!(target: "billing.views", "Processing payment request for user {uid}");
    let amount = body["amount"].as_f64().unwrap_or(0.0);
    let currency = body["currency"].as_str().unwrap_or("USD").to_string();
    if amount <= 0.0 {
        log::warn!(target: "billing.views", amount; "Payment validation failed: amount must be positive");
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({"error": "amount must be positive"})),
        )
            .into_response();
    }
    log::info!(target: "billing.views", "Payment validation successful");
    if let Some(note) = body["note"].as_str() {
        // customer text may hold anything: the shipped config's redact filter keeps
        // card numbers and passwords out of the files
        log::info!(target: "billing.views", "Customer note: {note}");
    }
    let payment_id = 456;
    log_billing_event(
        "payment_created",
        uid,
        &[
            ("payment_id", payment_id.into()),
            ("amount", amount.into()),
            ("currency", currency.clone().into()),
        ],
    );
    log_performance_metric(
        "payment_processing",
        (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
        "seconds",
        &[],
    );
    (
        StatusCode::CREATED,
        Json(json!({"status": "success", "payment_id": payment_id})),
    )
        .into_response()
}

async fn create_subscription(
    user: Option<Extension<RequestUser>>,
    Json(body): Json<Value>,
) -> Response {
    let Some(uid) = user_id(&user) else {
        return unauthorized();
    };
    let plan = body["plan_id"].as_i64().unwrap_or(1);
    log_billing_event(
        "subscription_created",
        uid,
        &[
            ("subscription_id", 789.into()),
            ("plan_id", plan.into()),
            ("amount", 29.0.into()),
            ("currency", "USD".into()),
        ],
    );
    (StatusCode::CREATED, Json(json!({"subscription_id": 789}))).into_response()
}

#[derive(Debug)]
struct RefundError(&'static str);

impl std::fmt::Display for RefundError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for RefundError {}

async fn refund(Path(payment_id): Path<i64>, Json(body): Json<Value>) -> Response {
    let logger = StructuredLogger::new("billing.refunds");
    let amount = body["amount"].as_f64().unwrap_or(0.0);
    logger.info(
        "Processing refund",
        &[
            ("payment_id", payment_id.into()),
            ("amount", amount.into()),
            ("reason", "customer_request".into()),
        ],
    );
    if amount <= 0.0 {
        logger.error_with(
            "Refund failed",
            &[("payment_id", payment_id.into())],
            &RefundError("refund amount must be positive"),
        );
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({"error": "refund failed"})),
        )
            .into_response();
    }
    logger.info(
        "Refund successful",
        &[
            ("payment_id", payment_id.into()),
            ("refund_id", 1001.into()),
        ],
    );
    Json(json!({"refund_id": 1001})).into_response()
}

async fn admin(
    user: Option<Extension<RequestUser>>,
    staff: Option<Extension<Staff>>,
    req: Request,
) -> Response {
    if !staff.is_some_and(|Extension(s)| s.0) {
        let uid = user
            .map(|Extension(u)| u.id)
            .unwrap_or_else(|| "None".into());
        log_security_event(
            "unauthorized_admin_access",
            Severity::Warning,
            &[
                ("user_id", uid.into()),
                ("attempted_endpoint", req.uri().path().into()),
            ],
        );
        return (
            StatusCode::FORBIDDEN,
            Json(json!({"error": "Unauthorized"})),
        )
            .into_response();
    }
    Json(json!({"admin": true})).into_response()
}

async fn report(
    Path(kind): Path<String>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let started = Instant::now();
    let delay = q.get("delay_ms").and_then(|v| v.parse().ok()).unwrap_or(0);
    tokio::time::sleep(Duration::from_millis(delay)).await;
    let records = 250;
    log_performance_metric(
        "report_generation",
        started.elapsed().as_secs_f64(),
        "seconds",
        &[
            ("report_type", kind.clone().into()),
            ("num_records", records.into()),
        ],
    );
    Json(json!({"report": kind, "records": records})).into_response()
}

async fn boom() -> &'static str {
    panic!("the report generator crashed")
}

/// The service.
pub fn app(config: AppConfig) -> Router {
    // the client's address comes from axum's ConnectInfo (logconf's `axum` feature)
    let logging = RequestLoggingLayer::new()
        .logger(API)
        .slow_threshold(config.slow_threshold)
        .trusted_proxies(config.trusted_proxies);
    Router::new()
        .route("/api/v1/payments/", post(create_payment))
        .route("/api/v1/payments/{id}/refund/", post(refund))
        .route("/api/v1/subscriptions/", post(create_subscription))
        .route("/api/v1/admin/", get(admin))
        .route("/api/v1/reports/{kind}/", get(report))
        .route("/api/v1/boom/", get(boom))
        .layer(logging)
        .layer(middleware::from_fn(authenticate)) // outermost: the user is known when the log starts
}

/// Serves `app` on `listener` until the process ends.
pub async fn serve(listener: tokio::net::TcpListener, app: Router) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await
}

#[tokio::main]
#[allow(dead_code)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let _logging = logconf::init()?; // $LOG_CONFIG or ./logging.toml
    let addr: SocketAddr = std::env::var("BIND")
        .unwrap_or_else(|_| "127.0.0.1:8000".into())
        .parse()?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    log::info!(target: "billing", "Billing-API listening on http://{}", listener.local_addr()?);
    serve(listener, app(AppConfig::from_env())).await?;
    Ok(())
}
