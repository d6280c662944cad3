//! `syslog`: records to a syslog daemon (Python's `SysLogHandler`), over the local
//! socket (`/dev/log`), UDP or TCP, as RFC 3164 or RFC 5424 messages.
//!
//! A logging call never waits long for the daemon: sockets have a 1 s write timeout, a
//! TCP connection that fails is retried at most once a second, and a failure is reported
//! once on stderr (by the handler) while other handlers go on.

use std::io::Write;
use std::net::{TcpStream, ToSocketAddrs, UdpSocket};
use std::os::unix::net::{UnixDatagram, UnixStream};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::{Local, TimeZone};
use parking_lot::Mutex;

use crate::config::model::{Facility, SyslogProtocol};
use crate::format::time::Stamp;
use crate::Level;

const TIMEOUT: Duration = Duration::from_secs(1);

/// Where the messages go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Address {
    /// A local socket such as `/dev/log`.
    Unix(PathBuf),
    /// `udp://host:port`.
    Udp(String),
    /// `tcp://host:port`.
    Tcp(String),
}

impl Address {
    /// Parses `/dev/log`, `udp://host:port` or `tcp://host:port`.
    pub fn parse(text: &str) -> Result<Address, String> {
        let hostport = |rest: &str| -> Result<String, String> {
            match rest.rsplit_once(':') {
                Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => {
                    Ok(rest.to_string())
                }
                _ => Err(format!(
                    "`{text}`: expected host:port after the scheme, such as udp://127.0.0.1:514"
                )),
            }
        };
        if let Some(rest) = text.strip_prefix("udp://") {
            return hostport(rest).map(Address::Udp);
        }
        if let Some(rest) = text.strip_prefix("tcp://") {
            return hostport(rest).map(Address::Tcp);
        }
        if text.starts_with('/') {
            return Ok(Address::Unix(PathBuf::from(text)));
        }
        Err(format!("`{text}` is not a syslog address: use a socket path such as /dev/log, udp://host:port or tcp://host:port"))
    }
}

enum Connection {
    None,
    UnixDgram(UnixDatagram),
    UnixStream(UnixStream),
    Udp(UdpSocket),
    Tcp(TcpStream),
}

struct State {
    conn: Connection,
    retry_at: Option<Instant>,
}

/// Sends lines to syslog.
pub struct SyslogSink {
    address: Address,
    facility: u8,
    protocol: SyslogProtocol,
    app_name: String,
    hostname: String,
    state: Mutex<State>,
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
    pub fn new(
        address: Address,
        facility: Option<Facility>,
        protocol: Option<SyslogProtocol>,
        app_name: Option<String>,
    ) -> SyslogSink {
        let app_name = app_name.unwrap_or_else(|| {
            std::env::current_exe()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| "logconf".into())
        });
        SyslogSink {
            address,
            facility: facility_code(facility.unwrap_or(Facility::User)),
            protocol: protocol.unwrap_or(SyslogProtocol::Rfc3164),
            app_name,
            hostname: hostname(),
            state: Mutex::new(State {
                conn: Connection::None,
                retry_at: None,
            }),
        }
    }

    /// The message for one record: header and the formatted line.
    pub fn message(&self, level: Level, stamp: Stamp, line: &str) -> String {
        let pri = u32::from(self.facility) * 8 + u32::from(severity(level));
        let pid = std::process::id();
        let local = Local.timestamp_opt(stamp.secs, stamp.nanos).earliest();
        match self.protocol {
            SyslogProtocol::Rfc3164 => {
                let ts = local
                    .map(|t| t.format("%b %e %H:%M:%S").to_string())
                    .unwrap_or_default();
                format!(
                    "<{pri}>{ts} {} {}[{pid}]: {line}",
                    self.hostname, self.app_name
                )
            }
            SyslogProtocol::Rfc5424 => {
                let ts = local
                    .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string())
                    .unwrap_or_else(|| "-".into());
                format!(
                    "<{pri}>1 {ts} {} {} {pid} - - {line}",
                    self.hostname, self.app_name
                )
            }
        }
    }

    fn connect(&self) -> std::io::Result<Connection> {
        Ok(match &self.address {
            Address::Unix(path) => {
                let dgram = UnixDatagram::unbound()?;
                match dgram.connect(path) {
                    Ok(()) => {
                        dgram.set_write_timeout(Some(TIMEOUT))?;
                        Connection::UnixDgram(dgram)
                    }
                    // a stream socket (some systems' /dev/log)
                    Err(e) if e.raw_os_error() == Some(libc::EPROTOTYPE) => {
                        let s = UnixStream::connect(path)?;
                        s.set_write_timeout(Some(TIMEOUT))?;
                        Connection::UnixStream(s)
                    }
                    Err(e) => return Err(e),
                }
            }
            Address::Udp(hostport) => {
                let target = hostport
                    .to_socket_addrs()?
                    .next()
                    .ok_or_else(|| std::io::Error::other(format!("{hostport} does not resolve")))?;
                let bind = if target.is_ipv4() {
                    "0.0.0.0:0"
                } else {
                    "[::]:0"
                };
                let s = UdpSocket::bind(bind)?;
                s.connect(target)?;
                s.set_write_timeout(Some(TIMEOUT))?;
                Connection::Udp(s)
            }
            Address::Tcp(hostport) => {
                let target = hostport
                    .to_socket_addrs()?
                    .next()
                    .ok_or_else(|| std::io::Error::other(format!("{hostport} does not resolve")))?;
                let s = TcpStream::connect_timeout(&target, TIMEOUT)?;
                s.set_write_timeout(Some(TIMEOUT))?;
                s.set_nodelay(true)?;
                Connection::Tcp(s)
            }
        })
    }

    /// Sends one record.
    pub fn send(&self, level: Level, stamp: Stamp, line: &[u8]) -> std::io::Result<()> {
        let text = String::from_utf8_lossy(line);
        let message = self.message(level, stamp, text.trim_end_matches('\n'));
        let mut state = self.state.lock();
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
                    state.retry_at = Some(Instant::now() + TIMEOUT);
                    return Err(e);
                }
            }
        }
        let result = match &mut state.conn {
            Connection::UnixDgram(s) => s.send(message.as_bytes()).map(|_| ()),
            Connection::Udp(s) => s.send(message.as_bytes()).map(|_| ()),
            // octet-counted framing (RFC 6587), which rsyslog and syslog-ng read
            Connection::Tcp(s) => s.write_all(format!("{} {message}", message.len()).as_bytes()),
            Connection::UnixStream(s) => s.write_all(format!("{message}\0").as_bytes()),
            Connection::None => Ok(()),
        };
        if result.is_err() {
            state.conn = Connection::None;
            state.retry_at = Some(Instant::now() + TIMEOUT);
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
            Address::parse("/dev/log"),
            Ok(Address::Unix("/dev/log".into()))
        );
        assert_eq!(
            Address::parse("udp://127.0.0.1:514"),
            Ok(Address::Udp("127.0.0.1:514".into()))
        );
        assert!(Address::parse("udp://nohost").is_err());
        assert!(Address::parse("http://x:1").is_err());
        assert_eq!(severity(Level::CRITICAL), 2);
        assert_eq!(severity(Level::WARNING), 4);
        assert_eq!(severity(Level(15)), 7);
    }
}
