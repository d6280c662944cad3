//! The syslog handler against real sockets on this machine: UDP and TCP listeners on
//! 127.0.0.1 and a Unix datagram socket, as a syslog daemon listens.

mod common;

use std::io::Read;
use std::net::{TcpListener, UdpSocket};
use std::os::unix::net::UnixDatagram;
use std::time::{Duration, Instant};

use common::{build, log};
use logconf::Level;

fn config(address: &str, extra: &str) -> String {
    format!("version = 1\n[formatters.f]\nformat = \"%(name)s: %(message)s\"\n[handlers.s]\nclass = \"syslog\"\naddress = \"{address}\"\nformatter = \"f\"\n{extra}\n[handlers.file]\nclass = \"file\"\nfilename = \"also.log\"\n[root]\nlevel = \"DEBUG\"\nhandlers = [\"s\", \"file\"]\n")
}

#[test]
fn udp_rfc5424_with_facility_and_severity() {
    let server = UdpSocket::bind("127.0.0.1:0").unwrap();
    server
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let address = format!("udp://{}", server.local_addr().unwrap());
    let h = build(
        dir.path(),
        &config(
            &address,
            "facility = \"local0\"\nprotocol = \"rfc5424\"\napp_name = \"billing-api\"",
        ),
    )
    .unwrap();
    log(
        &h,
        "billing.api",
        Level::WARNING,
        "Slow API request detected - Duration: 1.877 seconds",
    );
    log(&h, "billing", Level::CRITICAL, "Ledger mismatch");
    let mut buf = [0u8; 2048];
    let n = server.recv(&mut buf).unwrap();
    let msg = String::from_utf8_lossy(&buf[..n]).into_owned();
    // local0 (16) * 8 + warning (4) = 132
    let re = regex::Regex::new(r"^<132>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d \S+ billing-api \d+ - - billing\.api: Slow API request detected - Duration: 1\.877 seconds$").unwrap();
    assert!(re.is_match(&msg), "{msg:?}");
    let n = server.recv(&mut buf).unwrap();
    assert!(
        String::from_utf8_lossy(&buf[..n]).starts_with("<130>1 "),
        "critical is severity 2"
    );
}

#[test]
fn tcp_rfc3164_octet_counted() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let address = format!("tcp://{}", server.local_addr().unwrap());
    let h = build(dir.path(), &config(&address, "facility = \"daemon\"")).unwrap();
    log(&h, "app", Level::INFO, "one");
    log(&h, "app", Level::ERROR, "two");
    drop(h);
    let (mut conn, _) = server.accept().unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut text = String::new();
    conn.read_to_string(&mut text).unwrap();
    let (len, rest) = text.split_once(' ').unwrap();
    let first = &rest[..len.parse::<usize>().unwrap()];
    // daemon (3) * 8 + info (6) = 30
    let re =
        regex::Regex::new(r"^<30>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ \S+\[\d+\]: app: one$")
            .unwrap();
    assert!(re.is_match(first), "{first:?}");
    assert!(
        rest[first.len()..]
            .trim_start()
            .split_once(' ')
            .unwrap()
            .1
            .starts_with("<27>"),
        "error is severity 3: {text:?}"
    );
}

#[test]
fn unix_datagram_socket() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.sock");
    let server = UnixDatagram::bind(&path).unwrap();
    server
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let h = build(dir.path(), &config(path.to_str().unwrap(), "")).unwrap();
    log(&h, "app", Level::DEBUG, "over the local socket");
    let mut buf = [0u8; 2048];
    let n = server.recv(&mut buf).unwrap();
    let msg = String::from_utf8_lossy(&buf[..n]);
    assert!(
        msg.starts_with("<15>") && msg.ends_with("]: app: over the local socket"),
        "user (1) * 8 + debug (7): {msg:?}"
    );
}

#[test]
fn a_daemon_that_is_down_never_blocks_logging() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port(); // closed again
    let dir = tempfile::tempdir().unwrap();
    let h = build(dir.path(), &config(&format!("tcp://127.0.0.1:{port}"), "")).unwrap();
    let start = Instant::now();
    for i in 0..200 {
        log(&h, "app", Level::INFO, &format!("record {i}"));
    }
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "logging waited for the daemon: {:?}",
        start.elapsed()
    );
    let other = std::fs::read_to_string(dir.path().join("also.log")).unwrap();
    assert_eq!(other.lines().count(), 200, "the other handler goes on");
}

#[test]
fn a_bad_address_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = build(dir.path(), &config("udp://nohost", ""))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("<string>:6:11") && err.contains("expected host:port"),
        "{err}"
    );
}

/// UDP goes out unconnected, as Python's SysLogHandler sends it: a collector that is
/// down (the kernel answers "port unreachable") loses the datagrams quietly and later
/// records still go out; nothing counts as a failed write. Then a collector comes up on
/// the port and receives the next record.
#[test]
fn udp_to_a_collector_that_is_down_is_fire_and_forget() {
    let port = UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port(); // closed again
    let dir = tempfile::tempdir().unwrap();
    let h = build(dir.path(), &config(&format!("udp://127.0.0.1:{port}"), "")).unwrap();
    for i in 0..20 {
        log(&h, "app", Level::INFO, &format!("record {i}"));
        std::thread::sleep(Duration::from_millis(2)); // let the ICMP answers come back
    }
    assert_eq!(h.status().records_dropped, 0, "{:?}", h.status());
    let server = UdpSocket::bind(("127.0.0.1", port)).unwrap();
    server
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    log(&h, "app", Level::INFO, "after the collector started");
    let mut buf = [0u8; 2048];
    let n = server.recv(&mut buf).unwrap();
    assert!(
        String::from_utf8_lossy(&buf[..n]).ends_with("app: after the collector started"),
        "{:?}",
        String::from_utf8_lossy(&buf[..n])
    );
}

/// RFC 5424 STRUCTURED-DATA: the record's key-values then the context's, names cut to
/// RFC 5424's rules, `"`, `\\` and `]` escaped; `sd_id = "-"` sends none. The local socket
/// gets glibc's syslog(3) format: no host name, the tag right after the time.
#[test]
fn structured_data_and_the_local_format() {
    let server = UdpSocket::bind("127.0.0.1:0").unwrap();
    server
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let address = format!("udp://{}", server.local_addr().unwrap());
    let h = build(
        dir.path(),
        &config(
            &address,
            "protocol = \"rfc5424\"\napp_name = \"api\"\nsd_id = \"billing@4242\"",
        ),
    )
    .unwrap();
    let kv = [("note", "say \"hi\" [x] \\ y"), ("user id", "7")];
    let _guard = logconf::context::set([("request_id", logconf::context::Value::from("r-1"))]);
    h.log(
        "app",
        &logconf::Record::new(Level::INFO, logconf::Message::Text("with fields"))
            .logger("app")
            .key_values(&kv),
    );
    let mut buf = [0u8; 2048];
    let n = server.recv(&mut buf).unwrap();
    let msg = String::from_utf8_lossy(&buf[..n]).into_owned();
    assert!(
        msg.ends_with(r#" api 1 - [billing@4242 note="say \"hi\" [x\] \\ y" user_id="7" request_id="r-1"] app: with fields"#)
            || msg.contains(r#"[billing@4242 note="say \"hi\" [x\] \\ y" user_id="7" request_id="r-1"] app: with fields"#),
        "{msg:?}"
    );

    let sock = dir.path().join("dev-log");
    let daemon = UnixDatagram::bind(&sock).unwrap();
    daemon
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let h = build(
        dir.path(),
        &config(
            sock.to_str().unwrap(),
            "app_name = \"api\"\nfacility = \"local1\"",
        ),
    )
    .unwrap();
    log(&h, "app", Level::WARNING, "local");
    let n = daemon.recv(&mut buf).unwrap();
    let msg = String::from_utf8_lossy(&buf[..n]).into_owned();
    // local1 (17) * 8 + warning (4) = 140
    let re =
        regex::Regex::new(r"^<140>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d api\[\d+\]: app: local$")
            .unwrap();
    assert!(re.is_match(&msg), "{msg:?}");
}

/// TCP with `framing = "lf"`: one line per message (line breaks inside become spaces);
/// `append_key_values` puts the key-values after an RFC 3164 message.
#[test]
fn lf_framing_and_key_values_after_the_message() {
    use std::io::BufRead;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let address = format!("tcp://{}", listener.local_addr().unwrap());
    let h = build(
        dir.path(),
        &config(
            &address,
            "framing = \"lf\"\nappend_key_values = true\napp_name = \"api\"",
        ),
    )
    .unwrap();
    let kv = [("user_id", "7"), ("note", "two words")];
    h.log(
        "app",
        &logconf::Record::new(Level::INFO, logconf::Message::Text("first\nsecond"))
            .logger("app")
            .key_values(&kv),
    );
    log(&h, "app", Level::INFO, "next");
    let (stream, _) = listener.accept().unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut lines = std::io::BufReader::new(stream).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(
        first.ends_with("]: app: first second user_id=7 note=\"two words\""),
        "{first:?}"
    );
    assert!(first.starts_with("<14>"), "{first:?}");
    let second = lines.next().unwrap().unwrap();
    assert!(second.ends_with("]: app: next"), "{second:?}");
}

/// A daemon that accepts but never reads: once the socket's buffer is full, each
/// logging call gives up after `timeout` (here 100 ms) and the record is counted as
/// dropped; a call never waits much longer.
#[test]
fn a_daemon_that_stops_reading_costs_at_most_the_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let address = format!("tcp://{}", listener.local_addr().unwrap());
    let h = build(dir.path(), &config(&address, "timeout = \"100ms\"")).unwrap();
    let big = "x".repeat(256 * 1024);
    let mut slowest = Duration::ZERO;
    for _ in 0..40 {
        let start = Instant::now();
        log(&h, "app", Level::INFO, &big);
        slowest = slowest.max(start.elapsed());
    }
    let _keep_open = listener.accept().unwrap();
    assert!(
        slowest < Duration::from_secs(2),
        "a call waited {slowest:?}"
    );
    assert!(h.status().records_dropped > 0, "{:?}", h.status());
    let also = std::fs::read_to_string(dir.path().join("also.log")).unwrap();
    assert_eq!(also.lines().count(), 40, "the other handler goes on");
}

/// A local stream socket whose daemon stopped accepting (its backlog full): connecting
/// waits at most `timeout`, then the handler retries at most once per timeout.
#[test]
fn a_stuck_local_stream_socket_costs_at_most_the_timeout() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stream.sock");
    // a stream listener with a backlog of 0 that never accepts
    let fd = unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_STREAM, 0) };
    assert!(fd >= 0);
    let mut addr: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
    for (d, s) in addr.sun_path.iter_mut().zip(path.as_os_str().as_bytes()) {
        *d = *s as libc::c_char;
    }
    let len = std::mem::size_of::<libc::sockaddr_un>() as libc::socklen_t;
    assert_eq!(
        unsafe { libc::bind(fd, (&addr as *const libc::sockaddr_un).cast(), len) },
        0
    );
    assert_eq!(unsafe { libc::listen(fd, 0) }, 0);
    // fill the backlog
    let _held: Vec<std::os::unix::net::UnixStream> = (0..2)
        .filter_map(|_| {
            let s =
                unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_STREAM | libc::SOCK_NONBLOCK, 0) };
            let r = unsafe { libc::connect(s, (&addr as *const libc::sockaddr_un).cast(), len) };
            (r == 0).then(|| unsafe { std::os::fd::FromRawFd::from_raw_fd(s) })
        })
        .collect();
    let h = build(
        dir.path(),
        &config(path.to_str().unwrap(), "timeout = \"200ms\""),
    )
    .unwrap();
    let start = Instant::now();
    for i in 0..10 {
        log(&h, "app", Level::INFO, &format!("record {i}"));
    }
    let took = start.elapsed();
    assert!(took < Duration::from_secs(2), "10 calls took {took:?}");
    assert!(h.status().records_dropped > 0);
    unsafe { libc::close(fd) };
}

/// A message over `max_size` on UDP loses the end of its MSG, never its header or its
/// STRUCTURED-DATA.
#[test]
fn udp_truncation_keeps_the_header_and_the_structured_data() {
    let server = UdpSocket::bind("127.0.0.1:0").unwrap();
    server
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let address = format!("udp://{}", server.local_addr().unwrap());
    let h = build(
        dir.path(),
        &config(
            &address,
            "protocol = \"rfc5424\"\nmax_size = 200\napp_name = \"my app\"",
        ),
    )
    .unwrap();
    let kv = [("user_id", "7")];
    let long = format!("start {}", "é".repeat(300));
    h.log(
        "app",
        &logconf::Record::new(Level::INFO, logconf::Message::Text(&long))
            .logger("app")
            .key_values(&kv),
    );
    let mut buf = [0u8; 4096];
    let n = server.recv(&mut buf).unwrap();
    let msg = std::str::from_utf8(&buf[..n]).expect("cut at a character boundary");
    assert!(n <= 200, "{n} bytes");
    assert!(
        msg.contains(" my_app "),
        "APP-NAME without a space: {msg:?}"
    );
    assert!(
        msg.contains("[meta@32473 user_id=\"7\"] app: start é"),
        "{msg:?}"
    );
}
