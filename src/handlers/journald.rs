//! `journald`: records to systemd's journal over its native protocol (a datagram of
//! `FIELD=value` lines on `/run/systemd/journal/socket`; a value holding a line break
//! goes length-prefixed; a message too large for one datagram goes through a sealed
//! memfd passed with the datagram, as `sd_journal_send` does).
//!
//! Fields: `MESSAGE` (the formatted line), `PRIORITY` (the syslog severity),
//! `SYSLOG_IDENTIFIER`, `LOGGER`, `CODE_FILE`/`CODE_LINE` where the record has them,
//! and every key-value and context field as an upper-case journal field
//! (`user_id` → `USER_ID`). A logging call waits at most `timeout` for the journal.

use std::os::unix::net::UnixDatagram;
use std::path::PathBuf;
use std::time::Duration;

use crate::sync::Mutex;
use serde::Deserialize;

use super::{HandlerClass, HandlerCommon, Output, PlanContext};
use crate::diagnostics::Diagnostic;
use crate::record::Record;

/// Sends records to systemd-journald (`journalctl -t IDENTIFIER` shows them).
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct JournaldConfig {
    /// Level, formatter, filters, debug_only.
    #[serde(flatten)]
    pub common: HandlerCommon,
    /// The journal's socket. Default "/run/systemd/journal/socket".
    pub socket: Option<String>,
    /// `SYSLOG_IDENTIFIER`, what `journalctl -t` selects. Default: the executable's name.
    pub syslog_identifier: Option<String>,
    /// The longest a logging call waits for the daemon (connecting, sending), such as
    /// "1s" (the default) or "200ms"; after a failure the handler tries again at most
    /// once per this time.
    pub timeout: Option<crate::config::values::Duration>,
}

/// Where and how a journald handler sends, as planned at load.
#[derive(Clone, Debug, PartialEq)]
pub struct JournaldTarget {
    /// The socket's path.
    pub socket: PathBuf,
    /// `SYSLOG_IDENTIFIER`.
    pub identifier: Option<String>,
    /// The longest wait.
    pub timeout: Duration,
}

impl HandlerClass for JournaldConfig {
    fn name(&self) -> &'static str {
        "journald"
    }

    fn common(&self) -> &HandlerCommon {
        &self.common
    }

    fn plan(&self, cx: &PlanContext<'_>, diags: &mut Vec<Diagnostic>) -> Option<Output> {
        let socket = self
            .socket
            .as_deref()
            .unwrap_or("/run/systemd/journal/socket");
        if !socket.starts_with('/') {
            diags.push(
                cx.error("socket", format!("`{socket}` is not an absolute path"))
                    .label("the journal's socket")
                    .help("the default is /run/systemd/journal/socket"),
            );
            return None;
        }
        Some(Output::Journald(JournaldTarget {
            socket: PathBuf::from(socket),
            identifier: self.syslog_identifier.clone(),
            timeout: self.timeout.map_or(Duration::from_secs(1), |d| {
                d.0.max(Duration::from_millis(1))
            }),
        }))
    }
}

/// Sends records to the journal.
pub struct JournaldSink {
    socket: PathBuf,
    identifier: String,
    timeout: Duration,
    /// A forked child opens its own connection (see [`crate::fork`]).
    conn: crate::fork::PerProcess<Mutex<Conn>>,
}

/// The socket, and when to try again after a failure.
#[derive(Default)]
struct Conn {
    socket: Option<UnixDatagram>,
    retry_at: Option<std::time::Instant>,
}

/// A journal field name from a key: upper case, `A-Z0-9_` only, not starting with `_`
/// (reserved for the journal's own fields) or a digit, at most 64 characters.
pub fn field_name(key: &str) -> String {
    let mut name: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    let trimmed = name.trim_start_matches('_').len();
    name = name[name.len() - trimmed..].to_string();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "F_");
    }
    name.truncate(64);
    name
}

/// Appends one field in the native protocol.
fn push_field(out: &mut Vec<u8>, name: &str, value: &[u8]) {
    out.extend_from_slice(name.as_bytes());
    if value.contains(&b'\n') {
        out.push(b'\n');
        out.extend_from_slice(&(value.len() as u64).to_le_bytes());
    } else {
        out.push(b'=');
    }
    out.extend_from_slice(value);
    out.push(b'\n');
}

impl JournaldSink {
    /// A sink; the socket is opened at the first record.
    pub fn new(target: &JournaldTarget) -> JournaldSink {
        let identifier = target
            .identifier
            .clone()
            .unwrap_or_else(super::syslog::program_name);
        JournaldSink {
            socket: target.socket.clone(),
            identifier,
            timeout: target.timeout,
            conn: crate::fork::PerProcess::default(),
        }
    }

    /// The datagram of one record.
    pub fn payload(&self, rec: &Record<'_>, line: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(line.len() + 128);
        let message = line.strip_suffix(b"\n").unwrap_or(line);
        push_field(&mut out, "MESSAGE", message);
        let priority = super::syslog::severity(rec.level);
        push_field(&mut out, "PRIORITY", priority.to_string().as_bytes());
        push_field(&mut out, "SYSLOG_IDENTIFIER", self.identifier.as_bytes());
        push_field(&mut out, "LOGGER", rec.logger.as_bytes());
        if let Some(file) = rec.file {
            push_field(&mut out, "CODE_FILE", file.as_bytes());
        }
        if let Some(line) = rec.line {
            push_field(&mut out, "CODE_LINE", line.to_string().as_bytes());
        }
        let written = [
            "MESSAGE",
            "PRIORITY",
            "SYSLOG_IDENTIFIER",
            "LOGGER",
            "CODE_FILE",
            "CODE_LINE",
        ];
        let mut seen: Vec<String> = written.iter().map(|s| s.to_string()).collect();
        for (key, value) in super::record_fields(rec) {
            let name = field_name(&key);
            if seen.contains(&name) {
                continue;
            }
            push_field(&mut out, &name, value.as_bytes());
            seen.push(name);
        }
        out
    }

    /// Sends one record: one datagram, or a sealed memfd when it is too large. After a
    /// failure, records are not tried again for `timeout` (each counts as a failure),
    /// so a journal that is gone or stuck costs a logging call at most one wait.
    pub fn send(&self, rec: &Record<'_>, line: &[u8]) -> std::io::Result<()> {
        let payload = self.payload(rec, line);
        let mut conn = self.conn.get().lock();
        if conn.retry_at.is_some_and(|t| std::time::Instant::now() < t) {
            return Err(std::io::Error::other(
                "the journal is not reachable; retrying",
            ));
        }
        let result = (|| {
            if conn.socket.is_none() {
                let s = UnixDatagram::unbound()?;
                s.set_write_timeout(Some(self.timeout))?;
                conn.socket = Some(s);
            }
            let Some(socket) = conn.socket.as_ref() else {
                return Err(std::io::Error::other("no journal socket"));
            };
            match socket.send_to(&payload, &self.socket) {
                Ok(_) => Ok(()),
                Err(e)
                    if e.raw_os_error() == Some(libc::EMSGSIZE)
                        || e.raw_os_error() == Some(libc::ENOBUFS) =>
                {
                    send_memfd(socket, &self.socket, &payload)
                }
                Err(e) => Err(e),
            }
        })();
        conn.retry_at = result
            .is_err()
            .then(|| std::time::Instant::now() + self.timeout);
        result
    }
}

/// The large-message path of `sd_journal_send`: the payload in a sealed memfd, its
/// descriptor passed in an empty datagram.
fn send_memfd(socket: &UnixDatagram, to: &std::path::Path, payload: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

    // SAFETY: memfd_create with a NUL-terminated name; the result is checked and owned.
    let fd = unsafe {
        libc::memfd_create(
            c"logconf-journal".as_ptr(),
            libc::MFD_ALLOW_SEALING | libc::MFD_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `fd` was just created and is owned here only.
    let owned = unsafe { OwnedFd::from_raw_fd(fd) };
    let mut file = std::fs::File::from(owned);
    file.write_all(payload)?;
    let seals = libc::F_SEAL_SHRINK | libc::F_SEAL_GROW | libc::F_SEAL_WRITE | libc::F_SEAL_SEAL;
    // SAFETY: fcntl on a descriptor this function owns.
    if unsafe { libc::fcntl(file.as_raw_fd(), libc::F_ADD_SEALS, seals) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    let (mut addr, addr_len) = super::syslog::unix_address(to)?;
    // one SCM_RIGHTS message carrying the descriptor
    let fd_size = std::mem::size_of::<libc::c_int>();
    // SAFETY: CMSG_SPACE only computes a size.
    let space = unsafe { libc::CMSG_SPACE(fd_size as u32) } as usize;
    // u64s: a cmsghdr's alignment (CMSG_SPACE of one int is 24 bytes here)
    let mut control = [0u64; 8];
    if space > std::mem::size_of_val(&control) {
        return Err(std::io::Error::other("no room for the descriptor"));
    }
    // SAFETY: an all-zero msghdr is valid; every pointer set below outlives sendmsg.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_name = (&mut addr as *mut libc::sockaddr_un).cast();
    msg.msg_namelen = addr_len;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = space as _;
    // SAFETY: the control buffer holds CMSG_SPACE(sizeof(int)) bytes, so the first
    // header and its data fit; the descriptor is copied into it.
    unsafe {
        let cmsg = libc::CMSG_FIRSTHDR(&msg);
        if cmsg.is_null() {
            return Err(std::io::Error::other("no room for the descriptor"));
        }
        (*cmsg).cmsg_level = libc::SOL_SOCKET;
        (*cmsg).cmsg_type = libc::SCM_RIGHTS;
        (*cmsg).cmsg_len = libc::CMSG_LEN(fd_size as u32) as _;
        std::ptr::copy_nonoverlapping(
            (&file.as_raw_fd() as *const libc::c_int).cast::<u8>(),
            libc::CMSG_DATA(cmsg),
            fd_size,
        );
    }
    // SAFETY: `msg` points at live buffers; the socket is open.
    let sent = unsafe { libc::sendmsg(socket.as_raw_fd(), &msg, libc::MSG_NOSIGNAL) };
    if sent < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_are_journal_names() {
        assert_eq!(field_name("user_id"), "USER_ID");
        assert_eq!(field_name("request-id"), "REQUEST_ID");
        assert_eq!(field_name("_private"), "PRIVATE");
        assert_eq!(field_name("2fa"), "F_2FA");
        assert_eq!(field_name("é"), "F_");
        assert_eq!(field_name(&"k".repeat(80)).len(), 64);
        let mut out = Vec::new();
        push_field(&mut out, "A", b"x");
        push_field(&mut out, "B", b"1\n2");
        assert_eq!(out, b"A=x\nB\n\x03\0\0\0\0\0\0\x001\n2\n");
    }
}
