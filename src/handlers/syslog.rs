//! `syslog`: records to a syslog daemon (Python's `SysLogHandler`), over the local
//! socket (`/dev/log`), UDP or TCP. On the local socket the message is what glibc's
//! `syslog(3)` writes (`<PRI>Mmm dd hh:mm:ss TAG[PID]: MSG`), which rsyslog's
//! `imuxsock` and journald's syslog socket parse; over the network it is RFC 3164 or
//! RFC 5424, the latter with the record's key-values and context fields as
//! STRUCTURED-DATA. UDP messages are cut at `max_size` bytes (at a character boundary);
//! TCP messages are octet-counted (RFC 6587).
//!
//! A logging call never waits long for the daemon: sockets have a 1 s write timeout, a
//! TCP connection that fails is retried at most once a second, and a failure is reported
//! once on stderr (by the handler) while other handlers go on.

use std::io::Write;
use std::net::{TcpStream, ToSocketAddrs, UdpSocket};
use std::os::unix::net::{UnixDatagram, UnixStream};
use std::time::{Duration, Instant};

use crate::sync::Mutex;
use chrono::{Local, TimeZone};
use serde::Deserialize;

use super::{HandlerClass, HandlerCommon, Output, PlanContext};
use crate::config::values::{Level, Size, SyslogAddress};
use crate::diagnostics::Diagnostic;
use crate::format::time::Stamp;
use crate::record::Record;

/// Sends records to a syslog daemon (Python's `logging.handlers.SysLogHandler`).
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SyslogConfig {
    /// Level, formatter, filters, debug_only.
    #[serde(flatten)]
    pub common: HandlerCommon,
    /// "/dev/log" (the default), "udp://host:port" or "tcp://host:port".
    pub address: Option<String>,
    /// The syslog facility, such as "user" (the default), "daemon", "local0".
    pub facility: Option<Facility>,
    /// "rfc5424" or "rfc3164" (the default). On a local socket the default is the
    /// format of glibc's `syslog(3)` (no host name), which rsyslog and journald parse;
    /// "rfc5424" there needs rsyslog's `UseSpecialParser="off"` on the socket's input.
    pub protocol: Option<SyslogProtocol>,
    /// The APP-NAME / TAG. Default: the executable's name.
    pub app_name: Option<String>,
    /// The SD-ID under which RFC 5424 messages carry the record's key-values and context
    /// fields (`[meta@32473 user_id="7" request_id="r-1"]`). Default "meta@32473" (the
    /// enterprise number RFC 5612 reserves for examples: use your own); "-" sends none.
    pub sd_id: Option<String>,
    /// The longest message sent over UDP, such as "2KB" (the default 2048 bytes, rsyslog's
    /// limit): a longer one is cut at a character boundary.
    pub max_size: Option<Size>,
    /// How TCP messages are delimited: "octet-counting" (the default, RFC 6587: the
    /// length, a space, the message; a message may hold line breaks) or "lf" (a line
    /// feed after each message, for receivers that only split lines).
    pub framing: Option<Framing>,
    /// The longest a logging call waits for the daemon (connecting, sending), such as
    /// "1s" (the default) or "200ms"; after a failure the handler tries again at most
    /// once per this time.
    pub timeout: Option<crate::config::values::Duration>,
    /// Appends the record's key-values and context fields to RFC 3164 and local
    /// messages as ` key=value` (quoted when needed). Default false. RFC 5424 carries
    /// them as STRUCTURED-DATA instead.
    pub append_key_values: Option<bool>,
}

/// How TCP syslog messages are delimited.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Framing {
    /// RFC 6587 octet counting: `LEN MESSAGE`.
    OctetCounting,
    /// A line feed after each message (line breaks inside it become spaces).
    Lf,
}

/// A syslog facility.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum Facility {
    Kern,
    User,
    Mail,
    Daemon,
    Auth,
    Syslog,
    Lpr,
    News,
    Uucp,
    Cron,
    Authpriv,
    Ftp,
    Local0,
    Local1,
    Local2,
    Local3,
    Local4,
    Local5,
    Local6,
    Local7,
}

/// The syslog message format.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum SyslogProtocol {
    /// RFC 5424 (structured, with a full timestamp).
    Rfc5424,
    /// RFC 3164 (BSD syslog).
    Rfc3164,
}

/// Where and how a syslog handler sends, as planned at load (the address parsed).
#[derive(Clone, Debug, PartialEq)]
pub struct SyslogTarget {
    /// The parsed address.
    pub address: SyslogAddress,
    /// The address as written (or the default `/dev/log`).
    pub address_text: String,
    /// The facility.
    pub facility: Facility,
    /// The message format.
    pub protocol: SyslogProtocol,
    /// The APP-NAME / TAG.
    pub app_name: Option<String>,
    /// True when `protocol` was given (on a local socket the default is `syslog(3)`'s
    /// format).
    pub protocol_given: bool,
    /// The SD-ID of the key-values (None: no STRUCTURED-DATA).
    pub sd_id: Option<String>,
    /// The longest UDP message, in bytes.
    pub max_size: usize,
    /// TCP framing.
    pub framing: Framing,
    /// The longest wait for the daemon.
    pub timeout: Duration,
    /// Key-values after RFC 3164 / local messages.
    pub append_key_values: bool,
}

/// The default `max_size`: rsyslog's default maximum message size.
const DEFAULT_MAX_SIZE: usize = 2048;

impl HandlerClass for SyslogConfig {
    fn name(&self) -> &'static str {
        "syslog"
    }

    fn common(&self) -> &HandlerCommon {
        &self.common
    }

    fn plan(&self, cx: &PlanContext<'_>, diags: &mut Vec<Diagnostic>) -> Option<Output> {
        let text = self.address.as_deref().unwrap_or("/dev/log");
        match SyslogAddress::parse(text) {
            Ok(address) => Some(Output::Syslog(SyslogTarget {
                address,
                address_text: text.to_string(),
                facility: self.facility.unwrap_or(Facility::User),
                protocol: self.protocol.unwrap_or(SyslogProtocol::Rfc3164),
                app_name: self.app_name.clone(),
                protocol_given: self.protocol.is_some(),
                sd_id: match self.sd_id.as_deref() {
                    None => Some("meta@32473".into()),
                    Some("-" | "") => None,
                    Some(id) => Some(sd_name(id)),
                },
                max_size: self.max_size.map_or(DEFAULT_MAX_SIZE, |s| {
                    usize::try_from(s.0).unwrap_or(usize::MAX).max(64)
                }),
                framing: self.framing.unwrap_or(Framing::OctetCounting),
                timeout: self
                    .timeout
                    .map_or(TIMEOUT, |d| d.0.max(Duration::from_millis(1))),
                append_key_values: self.append_key_values.unwrap_or(false),
            })),
            Err(e) => {
                diags.push(
                    cx.error("address", e)
                        .label("not a syslog address")
                        .help("\"/dev/log\" (the default), \"udp://127.0.0.1:514\" or \"tcp://logs.internal:601\""),
                );
                None
            }
        }
    }
}

const TIMEOUT: Duration = Duration::from_secs(1);

#[derive(Default)]
enum Connection {
    #[default]
    None,
    UnixDgram(UnixDatagram),
    UnixStream(UnixStream),
    /// Not connected: datagrams go out with `send_to`, as Python's SysLogHandler sends
    /// them, so a collector that is down (an ICMP "port unreachable") loses them
    /// quietly instead of failing later sends.
    Udp(UdpSocket, std::net::SocketAddr),
    Tcp(TcpStream),
}

#[derive(Default)]
struct State {
    conn: Connection,
    retry_at: Option<Instant>,
}

/// How a message is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// glibc's `syslog(3)` on a local socket: `<PRI>Mmm dd hh:mm:ss TAG[PID]: MSG`.
    Local,
    /// RFC 3164 with the host name.
    Rfc3164,
    /// RFC 5424 with STRUCTURED-DATA.
    Rfc5424,
}

/// Sends lines to syslog.
pub struct SyslogSink {
    address: SyslogAddress,
    facility: u8,
    format: Format,
    sd_id: Option<String>,
    max_size: usize,
    framing: Framing,
    timeout: Duration,
    append_key_values: bool,
    /// A network address resolved when the handler was made (not on a logging call).
    resolved: Option<std::net::SocketAddr>,
    app_name: String,
    hostname: String,
    /// A forked child opens its own connection (see [`crate::fork`]).
    state: crate::fork::PerProcess<Mutex<State>>,
}

fn facility_code(f: Facility) -> u8 {
    match f {
        Facility::Kern => 0,
        Facility::User => 1,
        Facility::Mail => 2,
        Facility::Daemon => 3,
        Facility::Auth => 4,
        Facility::Syslog => 5,
        Facility::Lpr => 6,
        Facility::News => 7,
        Facility::Uucp => 8,
        Facility::Cron => 9,
        Facility::Authpriv => 10,
        Facility::Ftp => 11,
        Facility::Local0 => 16,
        Facility::Local1 => 17,
        Facility::Local2 => 18,
        Facility::Local3 => 19,
        Facility::Local4 => 20,
        Facility::Local5 => 21,
        Facility::Local6 => 22,
        Facility::Local7 => 23,
    }
}

/// The syslog severity of a level, as Python's `SysLogHandler` maps them.
pub fn severity(level: Level) -> u8 {
    match level.0 {
        50.. => 2,
        40..=49 => 3,
        30..=39 => 4,
        20..=29 => 6,
        _ => 7,
    }
}

/// An SD-ID or PARAM-NAME as RFC 5424 allows it: 1–32 printable ASCII characters
/// other than `=`, space, `]` and `"` (others become `_`).
fn sd_name(name: &str) -> String {
    name.chars()
        .take(32)
        .map(|c| {
            if c.is_ascii_graphic() && !matches!(c, '=' | ']' | '"') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A header field as RFC 5424 allows it (and RFC 3164 parses it): printable ASCII
/// without spaces (others become `_`), at most `max` characters, `-` when empty.
fn header_field(text: &str, max: usize) -> String {
    let out: String = text
        .chars()
        .take(max)
        .map(|c| if c.is_ascii_graphic() { c } else { '_' })
        .collect();
    if out.is_empty() {
        "-".into()
    } else {
        out
    }
}

/// The `sockaddr_un` of a socket path, and its length.
pub(super) fn unix_address(
    path: &std::path::Path,
) -> std::io::Result<(libc::sockaddr_un, libc::socklen_t)> {
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_os_str().as_bytes();
    // SAFETY: an all-zero sockaddr_un is valid; the path is copied within its bounds.
    let mut addr: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
    if bytes.len() >= addr.sun_path.len() {
        return Err(std::io::Error::other(format!(
            "the socket path {} is too long",
            path.display()
        )));
    }
    for (dst, src) in addr.sun_path.iter_mut().zip(bytes) {
        *dst = *src as libc::c_char;
    }
    let len = (std::mem::size_of::<libc::sa_family_t>() + bytes.len() + 1) as libc::socklen_t;
    Ok((addr, len))
}

/// Connects to a Unix stream socket with a send timeout set first: Linux applies it to
/// `connect`, so a daemon whose backlog is full cannot hold the call.
fn connect_unix_stream(path: &std::path::Path, timeout: Duration) -> std::io::Result<UnixStream> {
    use std::os::fd::FromRawFd;
    // SAFETY: a plain socket(2); the result is checked and owned below.
    let fd = unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `fd` is a new socket owned here only.
    let stream = unsafe { UnixStream::from_raw_fd(fd) };
    stream.set_write_timeout(Some(timeout))?;
    let (addr, len) = unix_address(path)?;
    // SAFETY: `addr` is a valid sockaddr_un of `len` bytes; the socket is open.
    let r = unsafe {
        libc::connect(
            std::os::fd::AsRawFd::as_raw_fd(&stream),
            (&addr as *const libc::sockaddr_un).cast(),
            len,
        )
    };
    if r < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(stream)
}

/// The executable's file name: the default APP-NAME / SYSLOG_IDENTIFIER.
pub(super) fn program_name() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "logconf".into())
}

fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: gethostname writes at most `buf.len()` bytes into the buffer it is given.
    let ok = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0;
    let name = if ok {
        String::from_utf8_lossy(buf.split(|&b| b == 0).next().unwrap_or_default()).into_owned()
    } else {
        String::new()
    };
    if name.is_empty() {
        "-".into()
    } else {
        name
    }
}

impl SyslogSink {
    /// A sink; nothing is connected until the first record.
    pub fn new(target: &SyslogTarget) -> SyslogSink {
        let app_name = header_field(&target.app_name.clone().unwrap_or_else(program_name), 48);
        SyslogSink {
            address: target.address.clone(),
            facility: facility_code(target.facility),
            format: match (&target.address, target.protocol) {
                (_, SyslogProtocol::Rfc5424) if target.protocol_given => Format::Rfc5424,
                (SyslogAddress::Unix(_), _) => Format::Local,
                (_, SyslogProtocol::Rfc5424) => Format::Rfc5424,
                (_, SyslogProtocol::Rfc3164) => Format::Rfc3164,
            },
            sd_id: target.sd_id.clone(),
            max_size: target.max_size,
            framing: target.framing,
            timeout: target.timeout,
            append_key_values: target.append_key_values,
            resolved: match &target.address {
                SyslogAddress::Udp(h) | SyslogAddress::Tcp(h) => {
                    h.to_socket_addrs().ok().and_then(|mut a| a.next())
                }
                SyslogAddress::Unix(_) => None,
            },
            app_name,
            hostname: header_field(&hostname(), 255),
            state: crate::fork::PerProcess::default(),
        }
    }

    /// The message for one record: header and the formatted line (and, in RFC 5424,
    /// `sd`, the STRUCTURED-DATA).
    pub fn message(&self, level: Level, stamp: Stamp, line: &str, sd: &str) -> String {
        let pri = u32::from(self.facility) * 8 + u32::from(severity(level));
        let pid = std::process::id();
        let local = Local.timestamp_opt(stamp.secs, stamp.nanos).earliest();
        let bsd_time = || {
            local
                .map(|t| t.format("%b %e %H:%M:%S").to_string())
                .unwrap_or_default()
        };
        match self.format {
            Format::Local => format!("<{pri}>{} {}[{pid}]: {line}", bsd_time(), self.app_name),
            Format::Rfc3164 => format!(
                "<{pri}>{} {} {}[{pid}]: {line}",
                bsd_time(),
                self.hostname,
                self.app_name
            ),
            Format::Rfc5424 => {
                let ts = local
                    .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string())
                    .unwrap_or_else(|| "-".into());
                let sd = if sd.is_empty() { "-" } else { sd };
                format!(
                    "<{pri}>1 {ts} {} {} {pid} - {sd} {line}",
                    self.hostname, self.app_name
                )
            }
        }
    }

    /// ` key=value ...` for RFC 3164 and local messages (values quoted when they hold a
    /// space, a quote or `=`).
    fn key_values_suffix(&self, rec: &Record<'_>) -> String {
        if !self.append_key_values || self.format == Format::Rfc5424 {
            return String::new();
        }
        let mut out = String::new();
        for (k, v) in super::record_fields(rec) {
            out.push(' ');
            out.push_str(&k);
            out.push('=');
            if v.is_empty() || v.contains([' ', '"', '=']) {
                out.push('"');
                out.push_str(&v.replace('\\', "\\\\").replace('"', "\\\""));
                out.push('"');
            } else {
                out.push_str(&v);
            }
        }
        out
    }

    /// RFC 5424 STRUCTURED-DATA of a record: its key-values, then the context fields
    /// it does not override, under the handler's SD-ID; "" when there are none.
    fn structured_data(&self, rec: &Record<'_>) -> String {
        let (Some(id), Format::Rfc5424) = (&self.sd_id, self.format) else {
            return String::new();
        };
        let mut out = String::new();
        let mut seen: Vec<String> = Vec::new();
        for (key, value) in super::record_fields(rec) {
            let name = sd_name(&key);
            if name.is_empty() || seen.contains(&name) {
                continue;
            }
            out.push(' ');
            out.push_str(&name);
            out.push_str("=\"");
            for c in value.chars() {
                // RFC 5424 §6.3.3: `"`, `\` and `]` are escaped
                if matches!(c, '"' | '\\' | ']') {
                    out.push('\\');
                }
                out.push(c);
            }
            out.push('"');
            seen.push(name);
        }
        if out.is_empty() {
            return String::new();
        }
        format!("[{id}{out}]")
    }

    /// The address of `hostport`: resolved when the handler was made, else now (a
    /// failure is retried at most once per `timeout`, as any connection).
    fn resolve(&self, hostport: &str) -> std::io::Result<std::net::SocketAddr> {
        if let Some(a) = self.resolved {
            return Ok(a);
        }
        hostport
            .to_socket_addrs()?
            .next()
            .ok_or_else(|| std::io::Error::other(format!("{hostport} does not resolve")))
    }

    fn connect(&self) -> std::io::Result<Connection> {
        Ok(match &self.address {
            SyslogAddress::Unix(path) => {
                let dgram = UnixDatagram::unbound()?;
                match dgram.connect(path) {
                    Ok(()) => {
                        dgram.set_write_timeout(Some(self.timeout))?;
                        Connection::UnixDgram(dgram)
                    }
                    // a stream socket (some systems' /dev/log)
                    Err(e) if e.raw_os_error() == Some(libc::EPROTOTYPE) => {
                        Connection::UnixStream(connect_unix_stream(path, self.timeout)?)
                    }
                    Err(e) => return Err(e),
                }
            }
            SyslogAddress::Udp(hostport) => {
                let target = self.resolve(hostport)?;
                let bind = if target.is_ipv4() {
                    "0.0.0.0:0"
                } else {
                    "[::]:0"
                };
                let s = UdpSocket::bind(bind)?;
                s.set_write_timeout(Some(self.timeout))?;
                Connection::Udp(s, target)
            }
            SyslogAddress::Tcp(hostport) => {
                let target = self.resolve(hostport)?;
                let s = TcpStream::connect_timeout(&target, self.timeout)?;
                s.set_write_timeout(Some(self.timeout))?;
                s.set_nodelay(true)?;
                Connection::Tcp(s)
            }
        })
    }

    /// Sends one record (its formatted `line`).
    pub fn send(&self, rec: &Record<'_>, line: &[u8]) -> std::io::Result<()> {
        let text = String::from_utf8_lossy(line);
        let mut sd = self.structured_data(rec);
        let mut body = text.trim_end_matches('\n').to_string();
        body.push_str(&self.key_values_suffix(rec));
        let stamp = Stamp::of(rec.time);
        let mut message = self.message(rec.level, stamp, &body, &sd);
        if matches!(self.address, SyslogAddress::Udp(_)) && message.len() > self.max_size {
            // cut the MSG, never the header or the STRUCTURED-DATA; when those alone do
            // not fit, the STRUCTURED-DATA goes
            let mut head = message.len() - body.len();
            if head > self.max_size && !sd.is_empty() {
                sd.clear();
                head = self.message(rec.level, stamp, "", &sd).len();
            }
            let mut keep = self.max_size.saturating_sub(head).min(body.len());
            while !body.is_char_boundary(keep) {
                keep -= 1;
            }
            body.truncate(keep);
            message = self.message(rec.level, stamp, &body, &sd);
        }
        let mut state = self.state.get().lock();
        if matches!(state.conn, Connection::None) {
            if state.retry_at.is_some_and(|t| Instant::now() < t) {
                return Err(std::io::Error::other(
                    "the syslog daemon is not reachable; retrying",
                ));
            }
            match self.connect() {
                Ok(c) => {
                    state.conn = c;
                    state.retry_at = None;
                }
                Err(e) => {
                    state.retry_at = Some(Instant::now() + self.timeout);
                    return Err(e);
                }
            }
        }
        let result = match &mut state.conn {
            Connection::UnixDgram(s) => s.send(message.as_bytes()).map(|_| ()),
            Connection::Udp(s, to) => s.send_to(message.as_bytes(), *to).map(|_| ()),
            // octet-counted framing (RFC 6587), which rsyslog and syslog-ng read, or a
            // line feed
            Connection::Tcp(s) => match self.framing {
                Framing::OctetCounting => {
                    s.write_all(format!("{} {message}", message.len()).as_bytes())
                }
                Framing::Lf => s.write_all(format!("{}\n", message.replace('\n', " ")).as_bytes()),
            },
            Connection::UnixStream(s) => s.write_all(format!("{message}\0").as_bytes()),
            Connection::None => Ok(()),
        };
        if result.is_err() {
            state.conn = Connection::None;
            state.retry_at = Some(Instant::now() + self.timeout);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_severities() {
        assert_eq!(
            SyslogAddress::parse("/dev/log"),
            Ok(SyslogAddress::Unix("/dev/log".into()))
        );
        assert_eq!(
            SyslogAddress::parse("udp://127.0.0.1:514"),
            Ok(SyslogAddress::Udp("127.0.0.1:514".into()))
        );
        assert!(SyslogAddress::parse("udp://nohost").is_err());
        assert!(SyslogAddress::parse("http://x:1").is_err());
        assert_eq!(severity(Level::CRITICAL), 2);
        assert_eq!(severity(Level::WARNING), 4);
        assert_eq!(severity(Level(15)), 7);
        assert_eq!(sd_name("user id=\"x\"]é"), "user_id__x___");
        assert_eq!(sd_name(&"k".repeat(40)).len(), 32);
    }
}
