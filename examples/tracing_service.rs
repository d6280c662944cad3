//! An axum service that logs through `tracing`, written by logconf from the shipped
//! `logging.toml`: tower-http's `TraceLayer` (logger `tower_http`), axum's own events
//! (logger `axum`), an `#[instrument]`ed handler (logger `billing.api`) and a `log`
//! record (logger `billing`) share the files, and the request span's `request_id`
//! prints in the `api` format's `[%(request_id)s]` column of every line of the request.
//!
//! ```sh
//! LOG_BASE_DIR=/tmp/svc cargo run --features tracing --example tracing_service
//! curl -s -X POST localhost:8000/api/v1/invoices/acme -H 'X-Request-ID: r-1' \
//!      -H 'content-type: application/json' -d '{"amount": 99.99}'
//! tail /tmp/svc/billing_api.log /tmp/svc/billing_api_requests.log
//! RUST_LOG=info,axum=trace cargo run --features tracing --example tracing_service
//! ```
//!
//! hyper 1.x emits `tracing` events only when built with `--cfg hyper_unstable_tracing`;
//! the `hyper` logger of logging.toml receives them then.

use std::net::SocketAddr;

use axum::extract::Path;
use axum::http::{Request, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use tower_http::trace::{DefaultOnRequest, DefaultOnResponse, TraceLayer};
use tracing::Level;

/// The service: one route, traced by tower-http with a `request` span per request.
pub fn app() -> Router {
    let trace = TraceLayer::new_for_http()
        .make_span_with(|req: &Request<_>| {
            // the client's X-Request-ID when it is a plain token, else a new UUID
            let incoming = req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok());
            let request_id = logconf::app::request_id(incoming);
            tracing::info_span!(
                "request",
                method = %req.method(),
                path = %req.uri().path(),
                request_id = %request_id,
            )
        })
        .on_request(DefaultOnRequest::new().level(Level::INFO))
        .on_response(DefaultOnResponse::new().level(Level::INFO));
    Router::new()
        .route("/api/v1/invoices/{customer}", post(create_invoice))
        .layer(trace)
}

/// Creates an invoice: a `tracing` event with fields, and a `log` record, both inside
/// the request's span.
#[tracing::instrument(target = "billing::api", skip(customer, body), fields(customer = %customer))]
async fn create_invoice(
    Path(customer): Path<String>,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    let Some(amount) = body.get("amount").and_then(Value::as_f64) else {
        tracing::warn!(target: "billing::api", "Invoice rejected: no amount");
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "amount required"})),
        );
    };
    tracing::info!(target: "billing::api", amount, currency = "USD", "Invoice created");
    log::info!(target: "billing", "Ledger updated for {customer}");
    (
        StatusCode::CREATED,
        Json(json!({"customer": customer, "amount": amount})),
    )
}

/// Serves `app` on `listener` until the process ends.
pub async fn serve(listener: tokio::net::TcpListener) -> std::io::Result<()> {
    axum::serve(
        listener,
        app().into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // one call: `log` records and `tracing` events through ./logging.toml
    let _logging = logconf::init()?;
    let addr: SocketAddr = std::env::var("BIND")
        .unwrap_or_else(|_| "127.0.0.1:8000".into())
        .parse()?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(target: "billing", "listening on http://{}", listener.local_addr()?);
    serve(listener).await?;
    Ok(())
}
