//! The request log as a tower layer (feature `tower`): works with axum, hyper and any
//! `tower::Service<http::Request<_>>`.
//!
//! ```ignore
//! let app = axum::Router::new()
//!     .route("/api/v1/payments/", post(create_payment))
//!     .layer(RequestLoggingLayer::new().logger("payments.api"))
//!     .layer(auth_layer); // outer: inserts RequestUser before the log runs
//! // the client's address: axum's ConnectInfo (feature `axum`), found by itself
//! axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await?;
//! ```

use std::future::Future;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::header::{HeaderName, USER_AGENT};
use http::{HeaderValue, Request, Response, StatusCode};

/// `X-Request-ID`, read from the request and echoed in the response.
static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// `X-Forwarded-For`, read from trusted proxies.
static X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

use super::http::{IpNet, PeerAddr, RequestLog, RequestLogConfig, RequestUser, RequestView};
use crate::context;

type PeerFn = Arc<dyn Fn(&http::Extensions) -> Option<SocketAddr> + Send + Sync>;

/// Logs every request of the service it wraps, sets the request's context, turns a
/// panicking handler into a 500, and returns the request id in `X-Request-ID`.
#[derive(Clone)]
pub struct RequestLoggingLayer {
    config: Arc<RequestLogConfig>,
    peer: PeerFn,
}

impl Default for RequestLoggingLayer {
    fn default() -> Self {
        RequestLoggingLayer::new()
    }
}

impl RequestLoggingLayer {
    /// Logs to `http.request`, warns above 1 s, trusts no proxy. The client's address
    /// is the socket's peer, found in the request's extensions as axum's `ConnectInfo`
    /// (feature `axum`, with `into_make_service_with_connect_info::<SocketAddr>()`), a
    /// `SocketAddr` or a [`PeerAddr`]; see [`RequestLoggingLayer::peer_addr_from`] for
    /// other servers.
    pub fn new() -> Self {
        RequestLoggingLayer {
            config: Arc::new(RequestLogConfig::default()),
            peer: Arc::new(peer_from_extensions),
        }
    }

    /// The logger of the request records (default `http.request`; the Billing-API
    /// example's is `billing.api`).
    pub fn logger(mut self, name: impl Into<String>) -> Self {
        Arc::make_mut(&mut self.config).logger = name.into();
        self
    }

    /// Uses this configuration.
    pub fn config(mut self, config: RequestLogConfig) -> Self {
        self.config = Arc::new(config);
        self
    }

    /// Requests slower than this also log "Slow API request detected".
    pub fn slow_threshold(mut self, threshold: Duration) -> Self {
        Arc::make_mut(&mut self.config).slow_threshold = threshold;
        self
    }

    /// Believes `X-Forwarded-For` from these proxies.
    pub fn trusted_proxies(mut self, proxies: impl IntoIterator<Item = IpNet>) -> Self {
        Arc::make_mut(&mut self.config).trusted_proxies = proxies.into_iter().collect();
        self
    }

    /// How to find the socket's peer in a request's extensions (axum: `ConnectInfo`).
    pub fn peer_addr_from(
        mut self,
        f: impl Fn(&http::Extensions) -> Option<SocketAddr> + Send + Sync + 'static,
    ) -> Self {
        self.peer = Arc::new(f);
        self
    }
}

/// The socket's peer, as servers put it in a request's extensions.
fn peer_from_extensions(ext: &http::Extensions) -> Option<SocketAddr> {
    #[cfg(feature = "axum")]
    if let Some(info) = ext.get::<axum::extract::ConnectInfo<SocketAddr>>() {
        return Some(info.0);
    }
    ext.get::<SocketAddr>()
        .copied()
        .or_else(|| ext.get::<PeerAddr>().map(|p| p.0))
}

impl<S> tower_layer::Layer<S> for RequestLoggingLayer {
    type Service = RequestLogging<S>;

    fn layer(&self, inner: S) -> RequestLogging<S> {
        RequestLogging {
            inner,
            layer: self.clone(),
        }
    }
}

/// The service of [`RequestLoggingLayer`].
#[derive(Clone)]
pub struct RequestLogging<S> {
    inner: S,
    layer: RequestLoggingLayer,
}

/// A header's text, borrowed when it is plain ASCII (almost always).
fn header<'a>(req: &'a http::HeaderMap, name: &HeaderName) -> Option<std::borrow::Cow<'a, str>> {
    req.get(name).map(|v| match v.to_str() {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(v.as_bytes()),
    })
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown".to_string());
    format!("panic: {text}")
}

impl<S, ReqBody, ResBody> tower_service::Service<Request<ReqBody>> for RequestLogging<S>
where
    S: tower_service::Service<Request<ReqBody>, Response = Response<ResBody>>,
    S::Error: std::fmt::Display,
    ResBody: Default,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, ResBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<ReqBody>) -> Self::Future {
        let headers = req.headers();
        let user_agent = header(headers, &USER_AGENT);
        let forwarded_for = header(headers, &X_FORWARDED_FOR);
        let incoming_id = header(headers, &X_REQUEST_ID);
        let view = RequestView {
            method: req.method().as_str(),
            path: req.uri().path(),
            query: req.uri().query(),
            user_agent: user_agent.as_deref(),
            peer: (self.layer.peer)(req.extensions()).map(|a| a.ip()),
            forwarded_for: forwarded_for.as_deref(),
            request_id: incoming_id.as_deref(),
            user: req.extensions().get::<RequestUser>(),
        };
        let log = RequestLog::begin(&self.layer.config, &view);
        let fields = log.shared_context();
        let request_id = HeaderValue::from_str(log.request_id()).ok();
        let inner = &mut self.inner;
        let called = {
            let _scope = context::set_shared(fields.clone());
            std::panic::catch_unwind(AssertUnwindSafe(move || inner.call(req)))
        };
        let (inner, panicked) = match called {
            Ok(f) => (Some(f), None),
            Err(p) => (None, Some(panic_text(p.as_ref()))),
        };
        ResponseFuture {
            inner,
            panicked,
            log: Some(log),
            fields,
            request_id,
            _body: std::marker::PhantomData,
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`RequestLogging`].
    pub struct ResponseFuture<F, B> {
        #[pin]
        inner: Option<F>,
        panicked: Option<String>,
        log: Option<RequestLog>,
        fields: context::Fields,
        request_id: Option<HeaderValue>,
        _body: std::marker::PhantomData<fn() -> B>,
    }
}

impl<F, B, E> Future for ResponseFuture<F, B>
where
    F: Future<Output = Result<Response<B>, E>>,
    E: std::fmt::Display,
    B: Default,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let _scope = context::set_shared(this.fields.clone());
        let outcome = match this.inner.as_mut().as_pin_mut() {
            None => Err(this
                .panicked
                .take()
                .unwrap_or_else(|| "panic: unknown".into())),
            Some(inner) => match std::panic::catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
                Ok(Poll::Pending) => return Poll::Pending,
                Ok(Poll::Ready(result)) => Ok(result),
                Err(p) => Err(panic_text(p.as_ref())),
            },
        };
        this.inner.set(None);
        let log = this.log.take();
        let mut response = match outcome {
            Ok(Ok(response)) => {
                if let Some(log) = log {
                    log.finish(response.status().as_u16());
                }
                response
            }
            Ok(Err(e)) => {
                if let Some(log) = log {
                    log.fail(&e);
                }
                return Poll::Ready(Err(e));
            }
            Err(panic) => {
                if let Some(log) = log {
                    log.fail(&panic);
                }
                let mut r = Response::new(B::default());
                *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
                r
            }
        };
        if let Some(id) = this.request_id.take() {
            response.headers_mut().insert(X_REQUEST_ID.clone(), id);
        }
        Poll::Ready(Ok(response))
    }
}
