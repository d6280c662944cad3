//! Faults around a logging call, as real processes meet them: stderr closed or on a
//! full device, input that is not UTF-8, a handler that cannot write. Logging goes on
//! where it can, never panics, and says what was lost.

#[path = "../../tests/common/mod.rs"]
mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{build, log, read};
use logconf::Level;

const CONSOLE_AND_FILE: &str = "version = 1\n[handlers.console]\nclass = \"console\"\n[handlers.file]\nclass = \"file\"\nfilename = \"app.log\"\n[root]\nlevel = \"INFO\"\nhandlers = [\"console\", \"file\"]\n";

fn records(n: usize) -> String {
    (0..n)
        .map(|i| format!("{{\"level\": \"WARNING\", \"msg\": \"record {i}\"}}\n"))
        .collect()
}

fn replay(dir: &Path, stderr: Stdio, close_stderr: bool, input: &[u8]) -> std::process::ExitStatus {
    let cfg = dir.join("logging.toml");
    std::fs::write(&cfg, CONSOLE_AND_FILE).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_logconf"))
        .args(["replay", "--config", cfg.to_str().unwrap()])
        .env("LOG_BASE_DIR", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap();
    if close_stderr {
        // the reader of the child's stderr goes away: its writes fail with EPIPE
        drop(child.stderr.take());
    }
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait().unwrap()
}

fn expected(n: usize) -> String {
    (0..n).map(|i| format!("record {i}\n")).collect()
}

#[test]
fn a_child_whose_stderr_is_closed_keeps_logging_to_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let status = replay(dir.path(), Stdio::piped(), true, records(200).as_bytes());
    assert_ne!(
        status.code(),
        Some(101),
        "a logging call panicked: {status}"
    );
    assert!(status.code().is_some(), "killed by a signal: {status}");
    assert_eq!(read(&dir.path().join("app.log")), expected(200));
    assert_eq!(
        status.code(),
        Some(1),
        "records the console could not write are reported in the exit status"
    );
}

#[test]
fn a_child_whose_stderr_is_a_full_device_keeps_logging_to_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let status = replay(dir.path(), Stdio::from(full), false, records(50).as_bytes());
    assert_eq!(status.code(), Some(1), "{status}");
    assert_eq!(read(&dir.path().join("app.log")), expected(50));
}

#[test]
fn replay_skips_a_line_that_is_not_utf8_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = b"{\"level\": \"WARNING\", \"msg\": \"before\"}\n".to_vec();
    input.extend_from_slice(b"{\"level\": \"WARNING\", \"msg\": \"caf\xe9\"}\n");
    input.extend_from_slice(b"{\"level\": \"WARNING\", \"msg\": \"after\"}\n");
    let cfg = dir.path().join("logging.toml");
    std::fs::write(&cfg, CONSOLE_AND_FILE.replace("\"console\", ", "")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_logconf"))
        .args(["replay", "--config", cfg.to_str().unwrap()])
        .env("LOG_BASE_DIR", dir.path())
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 2: not UTF-8"), "{err}");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(read(&dir.path().join("app.log")), "before\nafter\n");
}

#[test]
fn status_counts_the_records_a_handler_could_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let h = build(
        dir.path(),
        "version = 1\n[handlers.full]\nclass = \"file\"\nfilename = \"/dev/full\"\n[handlers.ok]\nclass = \"file\"\nfilename = \"ok.log\"\n[root]\nhandlers = [\"full\", \"ok\"]\n",
    )
    .unwrap();
    for i in 0..3 {
        log(&h, "app", Level::ERROR, &format!("r{i}"));
    }
    let status = h.status();
    let full = status.handlers.iter().find(|h| h.name == "full").unwrap();
    let ok = status.handlers.iter().find(|h| h.name == "ok").unwrap();
    assert_eq!(full.records_dropped, 3);
    assert!(full
        .last_error
        .as_ref()
        .is_some_and(|(_, e)| e.contains("No space left")));
    assert_eq!(ok.records_dropped, 0);
    assert!(ok.last_error.is_none());
    assert_eq!(status.records_dropped, 3);
    assert_eq!(read(&dir.path().join("ok.log")), "r0\nr1\nr2\n");
}

#[test]
fn escape_keeps_every_record_on_one_line_and_is_off_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let h = build(
        dir.path(),
        "version = 1\n[formatters.safe]\nformat = \"%(levelname)s [%(user)s] %(message)s\"\nescape = true\n[formatters.python]\nformat = \"%(levelname)s %(message)s\"\n[handlers.safe]\nclass = \"file\"\nfilename = \"safe.log\"\nformatter = \"safe\"\n[handlers.python]\nclass = \"file\"\nfilename = \"python.log\"\nformatter = \"python\"\n[root]\nhandlers = [\"safe\", \"python\"]\n",
    )
    .unwrap();
    let forged = "login ok\nERROR [admin] forged line\r\x1b[31mred\x1b[0m\u{2028}sep\u{85}nel\ttab \u{202e}txt.exe\u{200b}\u{feff} 👨\u{200d}👩";
    let kv = [("user", log::kv::Value::from("eve\nINFO [root] fake"))];
    let rec = logconf::Record::new(Level::WARNING, logconf::Message::Text(forged))
        .logger("auth")
        .key_values(&kv);
    h.log("auth", &rec);
    h.flush();
    let safe = read(&dir.path().join("safe.log"));
    assert_eq!(
        safe,
        "WARNING [eve\\nINFO [root] fake] login ok\\nERROR [admin] forged line\\r\\x1b[31mred\\x1b[0m\\u2028sep\\x85nel\\ttab \\u202etxt.exe\\u200b\\ufeff 👨\u{200d}👩\n"
    );
    assert_eq!(safe.lines().count(), 1);
    // off by default: the bytes Python writes
    assert_eq!(
        read(&dir.path().join("python.log")),
        format!("WARNING {forged}\n")
    );
}

/// A `file` handler writing into a FIFO: without a reader the load fails at once
/// (instead of waiting for one, maybe forever); with a slow reader the writes wait for
/// room, losing nothing; once the reader goes away the writes fail (a closed pipe) and
/// are counted, instead of filling the pipe and blocking, which is what would happen
/// if logconf held the FIFO open for reading too.
#[test]
fn a_fifo_whose_reader_leaves_fails_the_writes_and_never_blocks() {
    use std::io::BufRead as _;
    use std::sync::mpsc::channel;
    use std::time::Duration;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("app.log");
    common::mkfifo(&fifo);
    let config = "version = 1\n[handlers.file]\nclass = \"file\"\nfilename = \"app.log\"\n[root]\nlevel = \"INFO\"\nhandlers = [\"file\"]\n";
    // nobody reads it yet: the load fails at once, saying why, instead of waiting
    let (tx, loaded) = channel();
    let base = dir.path().to_path_buf();
    std::thread::spawn(move || {
        let _ = tx.send(build(&base, config).err().map(|e| e.to_string()));
    });
    let error = loaded
        .recv_timeout(Duration::from_secs(10))
        .expect("opening a FIFO without a reader blocked")
        .expect("a FIFO without a reader was accepted");
    assert!(error.contains("a FIFO that no process reads"), "{error}");
    // the reader opens first (without waiting for a writer), then reads slowly
    let read_side = common::fifo_read_side(&fifo);
    let h = std::sync::Arc::new(build(dir.path(), config).unwrap());
    let lines = 200;
    let reader = std::thread::spawn(move || {
        use std::os::fd::AsRawFd as _;
        // SAFETY: fcntl on the descriptor the thread owns; no pointer is passed.
        unsafe { libc::fcntl(read_side.as_raw_fd(), libc::F_SETFL, 0) };
        // the writer fills the pipe (200 KB against 64 KB) and waits for room
        std::thread::sleep(Duration::from_millis(200));
        let mut read = std::io::BufReader::new(read_side);
        let mut got = Vec::new();
        for _ in 0..lines {
            let mut line = String::new();
            read.read_line(&mut line).unwrap();
            got.push(line);
        }
        got // the reader closes the FIFO here
    });
    let record = |i: usize| format!("{i} {}", "x".repeat(1000));
    for i in 0..lines {
        log(&h, "app", Level::INFO, &record(i));
    }
    // before waiting for the reader, which would wait forever for a lost line
    assert_eq!(
        h.status().records_dropped,
        0,
        "a full FIFO lost records instead of waiting for its reader"
    );
    let got = reader.join().unwrap();
    assert_eq!(got.len(), lines);
    for (i, line) in got.iter().enumerate() {
        assert_eq!(*line, record(i) + "\n");
    }
    // the reader is gone
    let (done, finished) = channel();
    let writer = {
        let h = h.clone();
        std::thread::spawn(move || {
            // 200 KB: more than a pipe holds, were nobody reading
            for i in 0..200 {
                log(&h, "app", Level::INFO, &record(i));
            }
            let _ = done.send(());
        })
    };
    finished
        .recv_timeout(Duration::from_secs(10))
        .expect("logging into a FIFO without a reader blocked");
    writer.join().unwrap();
    assert!(
        h.status().records_dropped >= 190,
        "writes into a FIFO without a reader did not fail: {} dropped",
        h.status().records_dropped
    );
}

/// A `file` handler pointed at a Unix socket (`/dev/stdout` under systemd's journal is
/// one) fails the load saying so, and which handlers can write there.
#[test]
fn a_socket_as_a_log_file_is_refused_with_what_to_use_instead() {
    let dir = tempfile::tempdir().unwrap();
    let _listener = std::os::unix::net::UnixListener::bind(dir.path().join("app.log")).unwrap();
    let Err(error) = build(
        dir.path(),
        "version = 1\n[handlers.file]\nclass = \"file\"\nfilename = \"app.log\"\n[root]\nhandlers = [\"file\"]\n",
    ) else {
        panic!("a socket was accepted as a log file");
    };
    let error = error.to_string();
    assert!(
        error.contains("is a socket, which a file handler cannot open"),
        "{error}"
    );
}
