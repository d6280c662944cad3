//! The syslog handler against a real rsyslog (`apt-get install -y rsyslog`; `.ci/run`
//! installs it): rsyslogd runs on a private configuration with a Unix socket
//! (`imuxsock`), UDP and TCP on 127.0.0.1, and a template that writes the fields it
//! parsed. Every address × protocol sends records, and the test reads rsyslog's own
//! output: facility, severity, app name, pid, structured data and message, non-ASCII
//! included, and a UDP message over `max_size` cut at a character boundary.

mod common;

use std::net::{TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::build;
use logconf::{Level, Message, Record};

fn free_port_udp() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn free_port_tcp() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Daemon {
    child: Child,
    out: PathBuf,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// rsyslogd in the foreground on `dir`: the socket `dir/log.sock` (with rsyslog's
/// special parser, as for /dev/log) and `dir/log5424.sock` (without it, for RFC 5424),
/// UDP and TCP on the given ports; every message to `dir/out.log`, one line of fields.
fn start(rsyslogd: &Path, dir: &Path, udp: u16, tcp: u16) -> Daemon {
    let out = dir.join("out.log");
    let conf = format!(
        r#"global(workDirectory="{dir}" maxMessageSize="8k")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="{dir}/log.sock")
input(type="imuxsock" Socket="{dir}/log5424.sock" UseSpecialParser="off")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="{udp}")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="{tcp}")
template(name="fields" type="string" string="%syslogfacility-text%|%syslogseverity-text%|%app-name%|%procid%|%structured-data%|%msg%\n")
*.* action(type="omfile" file="{out}" template="fields")
"#,
        dir = dir.display(),
        out = out.display()
    );
    let conf_path = dir.join("rsyslog.conf");
    std::fs::write(&conf_path, conf).unwrap();
    let child = Command::new(rsyslogd)
        .arg("-n")
        .arg("-f")
        .arg(&conf_path)
        .arg("-i")
        .arg(dir.join("rsyslogd.pid"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rsyslogd starts");
    let daemon = Daemon { child, out };
    // ready when both sockets exist and TCP accepts
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let sockets = dir.join("log.sock").exists() && dir.join("log5424.sock").exists();
        if sockets && std::net::TcpStream::connect(("127.0.0.1", tcp)).is_ok() {
            return daemon;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("rsyslogd did not start on {}", dir.display());
}

/// The lines rsyslog wrote once `n` have arrived (or what it has after 20 s).
fn lines(daemon: &Daemon, n: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = std::fs::read_to_string(&daemon.out).unwrap_or_default();
        let lines: Vec<String> = text.lines().map(String::from).collect();
        if lines.len() >= n || Instant::now() > deadline {
            return lines;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn rsyslog_parses_every_address_and_protocol() {
    let Some(rsyslogd) = common::require_program("rsyslogd", "rsyslog") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (udp, tcp) = (free_port_udp(), free_port_tcp());
    let daemon = start(&rsyslogd, dir.path(), udp, tcp);
    let d = dir.path().display();
    let handler = |name: &str, address: &str, protocol: &str| {
        format!("[handlers.{name}]\nclass = \"syslog\"\naddress = \"{address}\"\nfacility = \"local3\"\napp_name = \"billing-api\"\nformatter = \"f\"\nmax_size = 600\n{protocol}\n")
    };
    let config = format!(
        "version = 1\n[formatters.f]\nformat = \"%(name)s: %(message)s\"\n{}{}{}{}{}{}\n[loggers.local]\nhandlers = [\"local\"]\n[loggers.local5424]\nhandlers = [\"local5424\"]\n[loggers.udp3164]\nhandlers = [\"udp3164\"]\n[loggers.udp5424]\nhandlers = [\"udp5424\"]\n[loggers.tcp3164]\nhandlers = [\"tcp3164\"]\n[loggers.tcp5424]\nhandlers = [\"tcp5424\"]\n[root]\nlevel = \"DEBUG\"\n",
        handler("local", &format!("{d}/log.sock"), ""),
        handler("local5424", &format!("{d}/log5424.sock"), "protocol = \"rfc5424\""),
        handler("udp3164", &format!("udp://127.0.0.1:{udp}"), "protocol = \"rfc3164\""),
        handler("udp5424", &format!("udp://127.0.0.1:{udp}"), "protocol = \"rfc5424\""),
        handler("tcp3164", &format!("tcp://127.0.0.1:{tcp}"), "protocol = \"rfc3164\""),
        handler("tcp5424", &format!("tcp://127.0.0.1:{tcp}"), "protocol = \"rfc5424\""),
    );
    let h = build(dir.path(), &config).unwrap();
    let loggers = [
        "local",
        "local5424",
        "udp3164",
        "udp5424",
        "tcp3164",
        "tcp5424",
    ];
    for (i, logger) in loggers.iter().enumerate() {
        let kv = [("user_id", 7i64), ("attempt", i as i64)];
        let text = format!("payment {i} for Zoë – 5 €");
        let rec = Record::new(Level::WARNING, Message::Text(&text))
            .logger(logger)
            .key_values(&kv);
        h.log(logger, &rec);
        std::thread::sleep(Duration::from_millis(20)); // rsyslog's order = ours
    }
    // a message over max_size (600) on UDP: cut at a character boundary
    let long = format!("long {}", "é".repeat(400));
    h.log(
        "udp3164",
        &Record::new(Level::ERROR, Message::Text(&long)).logger("udp3164"),
    );
    let got = lines(&daemon, loggers.len() + 1);
    let pid = std::process::id().to_string();
    assert_eq!(
        got.len(),
        loggers.len() + 1,
        "rsyslog wrote:\n{}",
        got.join("\n")
    );
    for (i, logger) in loggers.iter().enumerate() {
        let line = got
            .iter()
            .find(|l| l.contains(&format!("{logger}: payment {i} ")))
            .unwrap_or_else(|| panic!("no line for {logger} in:\n{}", got.join("\n")));
        let fields: Vec<&str> = line.splitn(6, '|').collect();
        assert_eq!(fields[0], "local3", "{line}");
        assert_eq!(fields[1], "warning", "{line}");
        assert_eq!(fields[2], "billing-api", "{logger}: app name in {line}");
        assert_eq!(fields[3], pid, "{logger}: pid in {line}");
        let sd = if logger.ends_with("5424") {
            format!("[meta@32473 user_id=\"7\" attempt=\"{i}\"]")
        } else {
            "-".to_string()
        };
        assert_eq!(fields[4], sd, "{logger}: structured data in {line}");
        assert_eq!(
            fields[5].trim_start(),
            format!("{logger}: payment {i} for Zoë – 5 €"),
            "{logger}: message in {line}"
        );
    }
    let cut = got
        .iter()
        .find(|l| l.contains("udp3164: long"))
        .expect("the long UDP message arrived");
    let msg = cut.splitn(6, '|').nth(5).unwrap();
    assert!(
        msg.ends_with('é') && msg.len() < 600,
        "{} bytes: {msg}",
        msg.len()
    );
    assert_eq!(h.status().records_dropped, 0);
}
