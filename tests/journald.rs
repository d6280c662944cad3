//! The journald handler against a socket server that reads systemd's native journal
//! protocol as journald does (`FIELD=value` lines, length-prefixed values with line
//! breaks, and a sealed memfd passed with an empty datagram for a large message).

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::io::AsRawFd;
use std::os::unix::net::UnixDatagram;
use std::time::Duration;

use common::build;
use logconf::{Level, Message, Record};

/// Decodes one native-protocol payload.
fn decode(mut data: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    while !data.is_empty() {
        let nl = data
            .iter()
            .position(|b| *b == b'\n')
            .expect("a field ends with \\n");
        let head = &data[..nl];
        if let Some(eq) = head.iter().position(|b| *b == b'=') {
            out.insert(
                String::from_utf8(head[..eq].to_vec()).unwrap(),
                head[eq + 1..].to_vec(),
            );
            data = &data[nl + 1..];
        } else {
            let name = String::from_utf8(head.to_vec()).unwrap();
            let len = u64::from_le_bytes(data[nl + 1..nl + 9].try_into().unwrap()) as usize;
            let value = data[nl + 9..nl + 9 + len].to_vec();
            assert_eq!(data[nl + 9 + len], b'\n', "a binary field ends with \\n");
            out.insert(name, value);
            data = &data[nl + 10 + len..];
        }
    }
    out
}

/// Receives one datagram; when it carries a descriptor (the memfd path), the payload
/// is the descriptor's content. Returns the payload and whether it came by memfd.
fn receive(server: &UnixDatagram) -> (Vec<u8>, bool) {
    let mut buf = vec![0u8; 256 * 1024];
    let mut control = [0u8; 64];
    let mut iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    // SAFETY: recvmsg into buffers that live for the call.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = control.len() as _;
    let n = unsafe { libc::recvmsg(server.as_raw_fd(), &mut msg, 0) };
    assert!(n >= 0, "recvmsg: {}", std::io::Error::last_os_error());
    // SAFETY: the control buffer was filled by the kernel.
    let cmsg = unsafe { libc::CMSG_FIRSTHDR(&msg) };
    if cmsg.is_null() {
        buf.truncate(n as usize);
        return (buf, false);
    }
    let fd = unsafe {
        assert_eq!((*cmsg).cmsg_type, libc::SCM_RIGHTS);
        std::ptr::read_unaligned(libc::CMSG_DATA(cmsg).cast::<libc::c_int>())
    };
    // SAFETY: the descriptor was passed to this process and is owned here.
    let mut file = std::fs::File::from(unsafe { OwnedFd::from_raw_fd(fd) });
    // sealed: it can be neither written nor resized
    let seals = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_GET_SEALS) };
    assert_eq!(
        seals & (libc::F_SEAL_WRITE | libc::F_SEAL_SHRINK | libc::F_SEAL_GROW),
        libc::F_SEAL_WRITE | libc::F_SEAL_SHRINK | libc::F_SEAL_GROW
    );
    let mut data = Vec::new();
    std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(0)).unwrap();
    file.read_to_end(&mut data).unwrap();
    (data, true)
}

#[test]
fn records_become_journal_entries_with_their_fields() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("journal.socket");
    let server = UnixDatagram::bind(&socket).unwrap();
    server
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let config = format!(
        "version = 1\n[formatters.f]\nformat = \"%(name)s: %(message)s\"\n[handlers.j]\nclass = \"journald\"\nsocket = \"{}\"\nsyslog_identifier = \"billing-api\"\nformatter = \"f\"\n[root]\nlevel = \"DEBUG\"\nhandlers = [\"j\"]\n",
        socket.display()
    );
    let h = build(dir.path(), &config).unwrap();
    let kv = [("user_id", "7"), ("request-id", "r-1"), ("_hidden", "x")];
    let _ctx = logconf::context::set([("tenant", logconf::context::Value::from("acme"))]);
    h.log(
        "billing.api",
        &Record::new(Level::WARNING, Message::Text("Zoë paid\nin two lines"))
            .logger("billing.api")
            .key_values(&kv)
            .location("src/api.rs", 42),
    );
    let (payload, by_memfd) = receive(&server);
    assert!(!by_memfd);
    let fields = decode(&payload);
    let text = |k: &str| String::from_utf8(fields[k].clone()).unwrap();
    assert_eq!(text("MESSAGE"), "billing.api: Zoë paid\nin two lines");
    assert_eq!(text("PRIORITY"), "4");
    assert_eq!(text("SYSLOG_IDENTIFIER"), "billing-api");
    assert_eq!(text("LOGGER"), "billing.api");
    assert_eq!(text("CODE_FILE"), "src/api.rs");
    assert_eq!(text("CODE_LINE"), "42");
    assert_eq!(text("USER_ID"), "7");
    assert_eq!(text("REQUEST_ID"), "r-1");
    assert_eq!(
        text("HIDDEN"),
        "x",
        "a leading _ is the journal's own: dropped"
    );
    assert_eq!(text("TENANT"), "acme");

    // larger than a datagram can be: through a sealed memfd
    let big = "é".repeat(400 * 1024);
    h.log(
        "billing.api",
        &Record::new(Level::ERROR, Message::Text(&big)).logger("billing.api"),
    );
    let (payload, by_memfd) = receive(&server);
    assert!(by_memfd, "a 800 KB entry goes by memfd");
    let fields = decode(&payload);
    assert_eq!(fields["MESSAGE"].len(), "billing.api: ".len() + big.len());
    assert_eq!(fields["PRIORITY"], b"3");
    assert_eq!(h.status().records_dropped, 0);
}

#[test]
fn a_missing_journal_is_a_counted_failure_not_a_blocked_call() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "version = 1\n[handlers.j]\nclass = \"journald\"\nsocket = \"{}/none.socket\"\n[handlers.file]\nclass = \"file\"\nfilename = \"also.log\"\n[root]\nlevel = \"INFO\"\nhandlers = [\"j\", \"file\"]\n",
        dir.path().display()
    );
    let h = build(dir.path(), &config).unwrap();
    for i in 0..5 {
        common::log(&h, "app", Level::INFO, &format!("record {i}"));
    }
    assert_eq!(h.status().records_dropped, 5);
    let also = std::fs::read_to_string(dir.path().join("also.log")).unwrap();
    assert_eq!(also.lines().count(), 5);
}

/// A journal that stops reading: once its socket's buffer is full, one call waits the
/// timeout and the next ones fail at once until it has passed.
#[test]
fn a_stuck_journal_costs_one_timeout_not_one_per_record() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("journal.socket");
    let _server = UnixDatagram::bind(&socket).unwrap(); // never read
    let config = format!(
        "version = 1\n[handlers.j]\nclass = \"journald\"\nsocket = \"{}\"\ntimeout = \"200ms\"\n[root]\nlevel = \"INFO\"\nhandlers = [\"j\"]\n",
        socket.display()
    );
    let h = build(dir.path(), &config).unwrap();
    let text = "x".repeat(60_000);
    let start = std::time::Instant::now();
    for _ in 0..200 {
        common::log(&h, "app", Level::INFO, &text);
    }
    let took = start.elapsed();
    assert!(h.status().records_dropped > 0, "the buffer never filled");
    assert!(took < Duration::from_secs(3), "200 calls took {took:?}");
}
