//! Request logging, the Billing-API example's `@log_api_request` (docs/recipes.md): "API
//! Request started", "API Request completed", "Slow API request detected", "API Request
//! failed" on the logger of [`RequestLogConfig`] (`http.request` unless set; the
//! example's is `billing.api`), with the request id, user and client IP in the context of everything
//! logged while the request runs.
//!
//! [`RequestLog`] is the plain guard for any server; with the `tower` feature,
//! [`RequestLoggingLayer`] does it all for axum, hyper and any tower service.
//!
//! Nothing a client sends can forge a log line or leak a secret: control characters
//! (CR, LF, ...) in the path, query and headers are escaped (CWE-117), query parameters
//! named like secrets are replaced by `[REDACTED]`, a client-sent `X-Request-ID` is used
//! only when short and plain, and `X-Forwarded-For` only from a trusted proxy.

use std::borrow::Cow;
use std::fmt::Write;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use crate::context::{self, Value};
use crate::Level;

/// The user of a request, as the application's auth layer knows it. Insert it into the
/// request's extensions before the logging layer runs; requests without it are logged
/// as anonymous.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestUser {
    /// The user's id.
    pub id: String,
    /// The user's name.
    pub username: String,
}

/// The peer address of a connection, for servers that do not put a `SocketAddr` into
/// request extensions themselves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeerAddr(pub std::net::SocketAddr);

/// An IP network such as `10.0.0.0/8` or `::1/128` (a bare address is a /32 or /128).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl std::str::FromStr for IpNet {
    type Err = String;
    fn from_str(s: &str) -> Result<IpNet, String> {
        let (a, p) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = a
            .trim()
            .parse()
            .map_err(|_| format!("`{s}` is not an IP address or network"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match p {
            Some(p) => p
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|&n| n <= max)
                .ok_or_else(|| format!("`{s}`: the prefix must be 0-{max}"))?,
            None => max,
        };
        Ok(IpNet { addr, prefix })
    }
}

impl IpNet {
    /// True when `ip` is in this network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = if self.prefix == 0 {
                    0
                } else {
                    u32::MAX << (32 - u32::from(self.prefix))
                };
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = if self.prefix == 0 {
                    0
                } else {
                    u128::MAX << (128 - u32::from(self.prefix))
                };
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// The logger request records go to unless told otherwise.
pub const DEFAULT_LOGGER: &str = "http.request";

/// How requests are logged.
#[derive(Clone, Debug)]
pub struct RequestLogConfig {
    /// The logger of the request records. Default `http.request` (the Billing-API
    /// example's is `billing.api`, [`crate::app::API`]).
    pub logger: String,
    /// Requests slower than this also log "Slow API request detected". Default 1 s.
    pub slow_threshold: Duration,
    /// Proxies whose `X-Forwarded-For` is believed. Default none: the socket's peer is
    /// the client.
    pub trusted_proxies: Vec<IpNet>,
}

impl Default for RequestLogConfig {
    fn default() -> Self {
        RequestLogConfig {
            logger: DEFAULT_LOGGER.to_string(),
            slow_threshold: Duration::from_secs(1),
            trusted_proxies: Vec::new(),
        }
    }
}

/// Escapes what could forge a log line: CR, LF and other control characters, and the
/// Unicode line separators, become visible escapes (CWE-117).
pub fn escape_untrusted(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// A query string with the values of secret-named parameters (password, token, secret,
/// api_key, authorization, card, ...) replaced by `[REDACTED]`, and escaped.
pub fn redact_query(query: &str) -> String {
    let parts: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if is_secret_param(k) => format!("{k}=[REDACTED]"),
            _ => pair.to_string(),
        })
        .collect();
    escape_untrusted(&parts.join("&")).into_owned()
}

fn is_secret_param(name: &str) -> bool {
    let decoded = name.replace("%5F", "_").replace("%5f", "_");
    let n = decoded.to_ascii_lowercase();
    crate::filters::redact::is_secret_name(&n)
        || ["key", "auth", "cvv", "cvc", "pin", "ssn", "cc"]
            .iter()
            .any(|s| n == *s)
        || n.contains("card")
        || n.contains("session")
}

/// The client's address: the socket peer, or — only when the peer is a trusted proxy —
/// the last address in `X-Forwarded-For` that is not itself a trusted proxy.
pub fn client_ip(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    trusted: &[IpNet],
) -> Option<IpAddr> {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
    let peer = peer?;
    if !is_trusted(peer) {
        return Some(peer);
    }
    let Some(header) = forwarded_for else {
        return Some(peer);
    };
    let hops: Vec<IpAddr> = match header
        .split(',')
        .map(|h| h.trim().parse::<IpAddr>())
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(h) if !h.is_empty() => h,
        _ => return Some(peer), // a malformed header is not believed
    };
    Some(
        hops.iter()
            .rev()
            .find(|ip| !is_trusted(**ip))
            .copied()
            .unwrap_or(hops[0]),
    )
}

/// An address as text, as `Display` writes it (an IPv4 address without the formatting
/// machinery: it is written for every request).
fn ip_text(ip: IpAddr) -> String {
    let IpAddr::V4(v4) = ip else {
        return ip.to_string();
    };
    let mut text = String::with_capacity(15);
    for (i, octet) in v4.octets().into_iter().enumerate() {
        if i > 0 {
            text.push('.');
        }
        if octet >= 100 {
            text.push(char::from(b'0' + octet / 100));
        }
        if octet >= 10 {
            text.push(char::from(b'0' + octet / 10 % 10));
        }
        text.push(char::from(b'0' + octet % 10));
    }
    text
}

/// The request id: the client's `X-Request-ID` when it is 1–128 characters of letters,
/// digits, `-`, `_`, `.`, `:`; else a new version 4 UUID (unique, not secret).
pub fn request_id(incoming: Option<&str>) -> String {
    match incoming {
        Some(id)
            if (1..=128).contains(&id.len())
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':')) =>
        {
            id.to_string()
        }
        _ => new_uuid(),
    }
}

/// A number that changes in a child after `fork` (never 0): per-thread generators
/// copied into a child are seeded again. Linux wipes a page marked `MADV_WIPEONFORK`
/// in every child however it was made (`fork`, `_Fork`, `clone`), as arc4random and
/// OpenSSL use it; elsewhere, or when the kernel refuses, the process id, which costs a
/// system call each time (glibc no longer caches it).
fn fork_generation() -> u64 {
    use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
    static PAGE: AtomicPtr<AtomicU64> = AtomicPtr::new(std::ptr::null_mut());
    static GENERATION: AtomicU64 = AtomicU64::new(0);
    /// What PAGE holds when the kernel has no wipe-on-fork pages.
    const UNSUPPORTED: *mut AtomicU64 = std::ptr::dangling_mut::<AtomicU64>();
    let mut page = PAGE.load(Ordering::Acquire);
    if page.is_null() {
        let mine = wipe_on_fork_page().unwrap_or(UNSUPPORTED);
        page = match PAGE.compare_exchange(
            std::ptr::null_mut(),
            mine,
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => mine,
            Err(theirs) => theirs, // another thread won; its page is the one (ours leaks, once)
        };
    }
    if page == UNSUPPORTED {
        return u64::from(std::process::id()) | 1 << 63;
    }
    // SAFETY: `page` is a page this process mapped read-write and never unmaps.
    let marker = unsafe { &*page };
    match marker.load(Ordering::Acquire) {
        0 => {
            // the first call, or the first in a child: the page was wiped
            let generation = GENERATION.fetch_add(1, Ordering::AcqRel) + 1;
            marker.store(generation, Ordering::Release);
            generation
        }
        generation => generation,
    }
}

/// A zeroed page the kernel wipes again in a child after `fork` (Linux 4.14 and later).
fn wipe_on_fork_page() -> Option<*mut std::sync::atomic::AtomicU64> {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: an anonymous private mapping of one page, checked before use; the
        // advice only concerns that page.
        unsafe {
            let size = 4096;
            let page = libc::mmap(
                std::ptr::null_mut(),
                size,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            if page == libc::MAP_FAILED {
                return None;
            }
            if libc::madvise(page, size, libc::MADV_WIPEONFORK) != 0 {
                libc::munmap(page, size);
                return None;
            }
            Some(page.cast())
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// A version 4 UUID for a request id: unique, not secret (do not use it as a token).
/// Two 64-bit generators per thread, seeded from the operating system's randomness
/// (through std's hash keys), the thread and the process id, and seeded again in a
/// child after `fork`: no system call per request.
fn new_uuid() -> String {
    use std::cell::Cell;
    use std::hash::{BuildHasher, Hasher};
    struct Streams {
        /// The fork generation the streams were seeded in (0: not yet).
        seeded_in: Cell<u64>,
        hi: Cell<u64>,
        lo: Cell<u64>,
    }
    fn seed(stream: u64) -> u64 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(stream);
        h.write_u32(std::process::id());
        h.write_i64(crate::clock::now_secs());
        h.finish()
    }
    thread_local! {
        static STREAMS: Streams = const {
            Streams { seeded_in: Cell::new(0), hi: Cell::new(0), lo: Cell::new(0) }
        };
    }
    // splitmix64: every 64-bit output once per period, well mixed
    fn next(state: &Cell<u64>) -> u64 {
        let x = state.get().wrapping_add(0x9E37_79B9_7F4A_7C15);
        state.set(x);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    let generation = fork_generation();
    let pair = STREAMS.try_with(|s| {
        if s.seeded_in.get() != generation {
            s.seeded_in.set(generation);
            s.hi.set(seed(1));
            s.lo.set(seed(2));
        }
        (next(&s.hi), next(&s.lo))
    });
    let (hi, lo) = pair.unwrap_or_else(|_| (seed(3), seed(4)));
    let hi = (hi & !0xF000) | 0x4000; // version 4
    let lo = (lo & !(0b11 << 62)) | (0b10 << 62); // RFC 4122 variant
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut text = [b'-'; 36];
    let value = (u128::from(hi) << 64) | u128::from(lo);
    let mut nibble = 32;
    for (i, slot) in text.iter_mut().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            continue;
        }
        nibble -= 1;
        *slot = HEX[((value >> (nibble * 4)) & 0xF) as usize];
    }
    std::str::from_utf8(&text).map_or_else(|_| String::new(), str::to_owned)
}

/// What the request log needs to know about a request.
#[derive(Clone, Debug, Default)]
pub struct RequestInfo {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path, as sent (percent-encoded).
    pub path: String,
    /// The query string, without `?`.
    pub query: Option<String>,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
    /// The socket's peer.
    pub peer: Option<IpAddr>,
    /// The `X-Forwarded-For` header.
    pub forwarded_for: Option<String>,
    /// The `X-Request-ID` header.
    pub request_id: Option<String>,
    /// The authenticated user.
    pub user: Option<RequestUser>,
}

/// A request as the log reads it, borrowed from the server's own request type.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RequestView<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub peer: Option<IpAddr>,
    pub forwarded_for: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub user: Option<&'a RequestUser>,
}

impl<'a> RequestView<'a> {
    fn of(info: &'a RequestInfo) -> RequestView<'a> {
        RequestView {
            method: &info.method,
            path: &info.path,
            query: info.query.as_deref(),
            user_agent: info.user_agent.as_deref(),
            peer: info.peer,
            forwarded_for: info.forwarded_for.as_deref(),
            request_id: info.request_id.as_deref(),
            user: info.user.as_ref(),
        }
    }
}

/// "john_doe (ID: 123)", or "anonymous (ID: None)".
struct UserText<'a>(Option<(&'a str, &'a str)>);

impl std::fmt::Display for UserText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some((name, id)) => write!(f, "{name} (ID: {id})"),
            None => f.write_str("anonymous (ID: None)"),
        }
    }
}

/// A request being logged: "started" when created; "completed" by [`RequestLog::finish`],
/// "failed" by [`RequestLog::fail`] — or when dropped unfinished (a panic, a dropped
/// future). Keep [`RequestLog::context`] for the fields to reach every record logged
/// while the request runs.
pub struct RequestLog {
    logger: Cow<'static, str>,
    slow_threshold: Duration,
    start: Instant,
    /// request_id (first), user_id and username, ip (last).
    fields: context::Fields,
    done: bool,
}

impl RequestLog {
    /// Logs "API Request started - User: john_doe (ID: 123), IP: ..., Method: POST,
    /// Path: /api/v1/payments/" and returns the guard.
    #[track_caller]
    pub fn start(config: &RequestLogConfig, info: &RequestInfo) -> RequestLog {
        RequestLog::begin(config, &RequestView::of(info))
    }

    /// [`RequestLog::start`] for a request borrowed from the server: nothing is copied
    /// but the request id and the context fields, and the line is written only when
    /// the logger is on.
    #[track_caller]
    pub(crate) fn begin(config: &RequestLogConfig, req: &RequestView<'_>) -> RequestLog {
        let request_id = request_id(req.request_id);
        let ip = client_ip(req.peer, req.forwarded_for, &config.trusted_proxies);
        let ip_text = ip.map_or_else(|| "-".to_string(), ip_text);
        let user = req
            .user
            .map(|u| (escape_untrusted(&u.username), escape_untrusted(&u.id)));
        let mut fields: Vec<(String, Value)> = Vec::with_capacity(4);
        fields.push(("request_id".into(), Value::Str(request_id)));
        match &user {
            Some((name, id)) => {
                let id_value = id
                    .parse::<i64>()
                    .map_or_else(|_| Value::Str(id.to_string()), Value::Int);
                fields.push(("user_id".into(), id_value));
                fields.push(("username".into(), Value::Str(name.to_string())));
            }
            None => fields.push(("username".into(), Value::from("anonymous"))),
        }
        fields.push(("ip".into(), Value::Str(ip_text)));
        let logger = if config.logger == super::events::API {
            Cow::Borrowed(super::events::API)
        } else {
            Cow::Owned(config.logger.clone())
        };
        let log = RequestLog {
            logger,
            slow_threshold: config.slow_threshold,
            start: Instant::now(),
            fields: std::sync::Arc::new(fields),
            done: false,
        };
        if crate::structured::enabled(&log.logger, Level::INFO) {
            let method = escape_untrusted(req.method);
            let path = escape_untrusted(req.path);
            let query = req.query.filter(|q| !q.is_empty()).map(redact_query);
            let agent = req.user_agent.map(escape_untrusted);
            // on the stack: method and path, then the query and the agent when present
            let mut kv: [(&str, log::kv::Value<'_>); 4] = [
                ("method", log::kv::Value::from(&*method)),
                ("path", log::kv::Value::from(&*path)),
                ("", log::kv::Value::from("")),
                ("", log::kv::Value::from("")),
            ];
            let mut len = 2;
            if let Some(q) = &query {
                kv[len] = ("query", log::kv::Value::from(q.as_str()));
                len += 1;
            }
            if let Some(a) = &agent {
                kv[len] = ("user_agent", log::kv::Value::from(&**a));
                len += 1;
            }
            let kv = &kv[..len];
            let user_text = UserText(user.as_ref().map(|(n, i)| (&**n, &**i)));
            let ip = log.field_text("ip");
            let _scope = context::set_shared(log.fields.clone());
            crate::structured::emit_args(
                &log.logger,
                Level::INFO,
                format_args!(
                    "API Request started - User: {user_text}, IP: {ip}, Method: {method}, Path: {path}"
                ),
                kv,
            );
        }
        log
    }

    /// The request id (echo it in the `X-Request-ID` response header).
    pub fn request_id(&self) -> &str {
        self.field_text("request_id")
    }

    /// A text field of the request's context ("" when absent).
    fn field_text(&self, name: &str) -> &str {
        match self.fields.iter().find(|(k, _)| k == name) {
            Some((_, Value::Str(s))) => s,
            _ => "",
        }
    }

    /// The context fields of the request: request_id, user_id, username, ip.
    pub fn context(&self) -> Vec<(String, Value)> {
        self.fields.as_ref().clone()
    }

    /// The context fields, shared (for [`context::set_shared`] or a
    /// [`context::WithContext`] future) without copying them.
    pub fn shared_context(&self) -> context::Fields {
        self.fields.clone()
    }

    /// Logs "API Request completed - Status: 201, Duration: 0.102 seconds" (at ERROR as
    /// "API Request failed" for a 5xx status) and, above the threshold, "Slow API request
    /// detected - Duration: 1.877 seconds".
    #[track_caller]
    pub fn finish(mut self, status: u16) {
        self.done = true;
        let elapsed = self.start.elapsed();
        let (level, word) = if status >= 500 {
            (Level::ERROR, "failed")
        } else {
            (Level::INFO, "completed")
        };
        if crate::structured::enabled(&self.logger, level) {
            let secs = elapsed.as_secs_f64();
            let _scope = context::set_shared(self.fields.clone());
            crate::structured::emit_args(
                &self.logger,
                level,
                format_args!("API Request {word} - Status: {status}, Duration: {secs:.3} seconds"),
                &[
                    ("status", log::kv::Value::from(status)),
                    ("duration", log::kv::Value::from(secs)),
                ],
            );
        }
        self.slow_check(elapsed);
    }

    /// Logs "API Request failed - Error: ..., Duration: ... seconds" at ERROR.
    #[track_caller]
    pub fn fail(mut self, error: &dyn std::fmt::Display) {
        self.done = true;
        self.failed(&error.to_string());
    }

    #[track_caller]
    fn failed(&self, error: &str) {
        let elapsed = self.start.elapsed();
        if crate::structured::enabled(&self.logger, Level::ERROR) {
            let secs = elapsed.as_secs_f64();
            let error = escape_untrusted(error);
            let _scope = context::set_shared(self.fields.clone());
            crate::structured::emit_args(
                &self.logger,
                Level::ERROR,
                format_args!("API Request failed - Error: {error}, Duration: {secs:.3} seconds"),
                &[
                    ("error", log::kv::Value::from(&*error)),
                    ("duration", log::kv::Value::from(secs)),
                ],
            );
        }
        self.slow_check(elapsed);
    }

    #[track_caller]
    fn slow_check(&self, elapsed: Duration) {
        if elapsed > self.slow_threshold && crate::structured::enabled(&self.logger, Level::WARNING)
        {
            let secs = elapsed.as_secs_f64();
            let _scope = context::set_shared(self.fields.clone());
            crate::structured::emit_args(
                &self.logger,
                Level::WARNING,
                format_args!("Slow API request detected - Duration: {secs:.3} seconds"),
                &[("duration", log::kv::Value::from(secs))],
            );
        }
    }
}

impl Drop for RequestLog {
    fn drop(&mut self) {
        if !self.done {
            self.done = true;
            let why = if std::thread::panicking() {
                "the handler panicked"
            } else {
                "the request was dropped before a response"
            };
            self.failed(why);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_could_forge_a_line() {
        assert_eq!(escape_untrusted("/ok/path"), "/ok/path");
        assert_eq!(escape_untrusted("/x\r\nINFO fake"), "/x\\r\\nINFO fake");
        assert_eq!(
            escape_untrusted("a\u{1b}[31mb\u{2028}"),
            "a\\u{1b}[31mb\\u{2028}"
        );
    }

    #[test]
    fn redacts_secret_parameters() {
        assert_eq!(
            redact_query("page=2&password=hunter2&api_key=k&card_number=4111"),
            "page=2&password=[REDACTED]&api_key=[REDACTED]&card_number=[REDACTED]"
        );
        assert_eq!(redact_query("q=a%0Ab"), "q=a%0Ab");
        assert_eq!(
            redact_query("access_token=x&Authorization=y"),
            "access_token=[REDACTED]&Authorization=[REDACTED]"
        );
    }

    #[test]
    fn trusts_forwarded_for_only_from_proxies() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let peer = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        assert_eq!(
            client_ip(peer("203.0.113.9"), Some("1.2.3.4"), &trusted),
            peer("203.0.113.9"),
            "spoofed"
        );
        assert_eq!(
            client_ip(peer("10.0.0.5"), Some("1.2.3.4, 10.0.0.7"), &trusted),
            peer("1.2.3.4")
        );
        assert_eq!(
            client_ip(peer("10.0.0.5"), Some("garbage"), &trusted),
            peer("10.0.0.5")
        );
        assert_eq!(
            client_ip(peer("10.0.0.5"), None, &trusted),
            peer("10.0.0.5")
        );
        assert!("10.0.0.0/33".parse::<IpNet>().is_err());
        assert!("::1"
            .parse::<IpNet>()
            .unwrap()
            .contains("::1".parse().unwrap()));
    }

    #[test]
    fn request_ids_are_short_and_plain() {
        assert_eq!(request_id(Some("abc-123")), "abc-123");
        assert_ne!(request_id(Some("bad id\r\n")), "bad id\r\n");
        assert_eq!(request_id(Some(&"x".repeat(200))).len(), 36);
        assert_eq!(request_id(None).len(), 36);
    }

    #[test]
    fn new_request_ids_are_version_4_uuids_and_distinct() {
        let ids: std::collections::HashSet<String> = (0..10_000).map(|_| new_uuid()).collect();
        assert_eq!(ids.len(), 10_000);
        let other_thread = std::thread::spawn(new_uuid).join().unwrap();
        assert!(!ids.contains(&other_thread));
        for id in ids.iter().take(100) {
            let parts: Vec<&str> = id.split('-').collect();
            let lens: Vec<usize> = parts.iter().map(|p| p.len()).collect();
            assert_eq!(lens, [8, 4, 4, 4, 12], "{id}");
            assert!(parts[2].starts_with('4'), "{id}");
            assert!(matches!(&parts[3][..1], "8" | "9" | "a" | "b"), "{id}");
            assert!(
                id.chars().all(|c| c == '-' || c.is_ascii_hexdigit()),
                "{id}"
            );
        }
    }
    #[test]
    fn addresses_read_as_display_writes_them() {
        for ip in [
            "0.0.0.0",
            "127.0.0.1",
            "10.20.30.40",
            "192.168.1.100",
            "255.255.255.255",
            "9.99.100.109",
            "::1",
            "2001:db8::8a2e:370:7334",
            "::ffff:10.0.0.1",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert_eq!(ip_text(ip), ip.to_string());
        }
    }

    #[test]
    fn a_forked_child_does_not_repeat_its_parents_request_ids() {
        use std::io::Read as _;
        let _ = new_uuid(); // this thread's generators are seeded before the fork
        let mut fds = [0; 2];
        // SAFETY: a pipe into a valid two-element array.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        // SAFETY: the child only computes ids, writes them to the pipe and exits.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0);
        if pid == 0 {
            let ids: String = (0..3).map(|_| new_uuid()).collect();
            // SAFETY: writing a buffer to the pipe's write end, then leaving at once.
            unsafe {
                libc::write(fds[1], ids.as_ptr().cast(), ids.len());
                libc::_exit(0);
            }
        }
        let parent: String = (0..3).map(|_| new_uuid()).collect();
        // SAFETY: closing this process's copy of the write end.
        unsafe { libc::close(fds[1]) };
        let mut child = String::new();
        // SAFETY: the read end is this test's own descriptor, closed with the File.
        let mut pipe = unsafe { <std::fs::File as std::os::fd::FromRawFd>::from_raw_fd(fds[0]) };
        pipe.read_to_string(&mut child).unwrap();
        // SAFETY: reaping the child this test forked.
        unsafe { libc::waitpid(pid, std::ptr::null_mut(), 0) };
        assert_eq!(child.len(), 3 * 36, "{child}");
        assert_ne!(child, parent);
        for i in 0..3 {
            assert!(
                !parent.contains(&child[i * 36..(i + 1) * 36]),
                "{child} / {parent}"
            );
        }
    }
}
