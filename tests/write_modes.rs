//! The three write modes (docs/performance.md) under many threads: group commit (the default),
//! `buffer`, and the `queue` handler. Every record lands exactly once, whole, in order
//! per thread, through gzip rotation and through hot reloads in the middle of a burst;
//! a panic writes what a buffer holds; a full `overflow = "drop"` queue reports its count.
//!
//! Records per thread: 10,000 by default, 100,000 with `LOGCONF_STRESS=full` (.ci/run);
//! LOGCONF_WM_RECORDS sets another number.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use common::{build, builder, files_containing, gunzip, read};
use logconf::{Handle, Level, Message, Record};

fn per_thread() -> usize {
    std::env::var("LOGCONF_WM_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| common::stress(10_000, 100_000))
}

const THREADS: usize = 16;

fn file_handler(extra: &str) -> String {
    format!("[handlers.file]\nclass = \"rotating_file\"\nfilename = \"app.log\"\nmax_bytes = \"256KB\"\nbackup_count = 100000\ncompress = \"gzip\"\ncompress_level = 1\n{extra}")
}

fn config(mode: &str) -> String {
    let handlers = match mode {
        "group" => file_handler(""),
        "buffer" => file_handler("buffer = \"64KiB\"\nflush_interval = \"50ms\"\n"),
        "queue" => format!(
            "{}[handlers.q]\nclass = \"queue\"\nhandlers = [\"file\"]\nqueue_size = 1000\n",
            file_handler("")
        ),
        other => panic!("{other}"),
    };
    let root = if mode == "queue" { "q" } else { "file" };
    format!("version = 1\n{handlers}[root]\nlevel = \"INFO\"\nhandlers = [\"{root}\"]\n")
}

/// Every line of app.log and its backups: (thread, number) counted.
fn lines(dir: &Path) -> HashMap<(usize, usize), usize> {
    let mut seen = HashMap::new();
    for name in files_containing(dir, "app.log") {
        assert!(
            name == "app.log" || name.ends_with(".gz"),
            "left over: {name}"
        );
        let path = dir.join(&name);
        let text = if name.ends_with(".gz") {
            gunzip(&path)
        } else {
            read(&path)
        };
        for line in text.lines() {
            let (t, rest) = line[1..]
                .split_once(" n")
                .unwrap_or_else(|| panic!("{line:?}"));
            let (n, tail) = rest.split_once(' ').unwrap_or_else(|| panic!("{line:?}"));
            assert_eq!(tail, "payload-payload-payload", "a torn line: {line:?}");
            *seen
                .entry((t.parse().unwrap(), n.parse().unwrap()))
                .or_insert(0) += 1;
        }
    }
    seen
}

fn burst(h: &Handle, n: usize, during: impl FnOnce()) {
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let h = h.clone();
            std::thread::spawn(move || {
                let mut msg = String::new();
                for i in 0..n {
                    use std::fmt::Write;
                    msg.clear();
                    let _ = write!(msg, "t{t} n{i:07} payload-payload-payload");
                    h.log(
                        "app",
                        &Record::new(Level::INFO, Message::Text(&msg)).logger("app"),
                    );
                }
            })
        })
        .collect();
    during();
    for w in workers {
        w.join().unwrap();
    }
    h.flush();
}

fn exactly_once(dir: &Path, n: usize) {
    let seen = lines(dir);
    let twice = seen.values().filter(|&&c| c > 1).count();
    assert_eq!(twice, 0, "{twice} records written twice");
    assert_eq!(
        seen.len(),
        THREADS * n,
        "{} records lost",
        THREADS * n - seen.len()
    );
}

fn in_order_per_thread(dir: &Path) {
    // through the whole history, oldest backup first: each thread's numbers increase
    let history = common::numbered_history(&dir.join("app.log"));
    let mut last: HashMap<usize, usize> = HashMap::new();
    for line in history.lines() {
        let (t, rest) = line[1..].split_once(" n").unwrap();
        let n: usize = rest[..7].parse().unwrap();
        let t: usize = t.parse().unwrap();
        if let Some(&prev) = last.get(&t) {
            assert!(n > prev, "thread {t} wrote {n} after {prev}");
        }
        last.insert(t, n);
    }
    assert!(!last.is_empty(), "no history read");
}

fn run_mode(mode: &str) {
    let n = per_thread();
    let dir = tempfile::tempdir().unwrap();
    let h = build(dir.path(), &config(mode)).unwrap();
    burst(&h, n, || {});
    exactly_once(dir.path(), n);
    in_order_per_thread(dir.path());
    assert_eq!(h.status().records_dropped, 0);
}

#[test]
fn group_commit_sixteen_threads_every_record_once_in_order() {
    run_mode("group");
}

#[test]
fn buffered_sixteen_threads_every_record_once_in_order() {
    run_mode("buffer");
}

#[test]
fn queue_sixteen_threads_every_record_once_in_order() {
    run_mode("queue");
}

/// A handle loaded from `dir/logging.toml` holding `text` (so it can be reloaded),
/// with its files in `dir`; and the file's path.
fn from_file(dir: &Path, text: &str) -> (Handle, std::path::PathBuf) {
    let path = dir.join("logging.toml");
    std::fs::write(&path, text).unwrap();
    let h = logconf::Builder::new()
        .path(&path)
        .env(HashMap::from([(
            "LOG_BASE_DIR".to_string(),
            dir.display().to_string(),
        )]))
        .build()
        .unwrap();
    (h, path)
}

#[test]
fn hot_reload_in_a_burst_loses_nothing_in_any_mode() {
    let n = (per_thread() / 10).max(500);
    for mode in ["group", "buffer", "queue"] {
        let dir = tempfile::tempdir().unwrap();
        let (h, _) = from_file(dir.path(), &config(mode));
        let reloader = h.clone();
        burst(&h, n, move || {
            for _ in 0..20 {
                reloader.reload().unwrap();
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
        });
        exactly_once(dir.path(), n);
        in_order_per_thread(dir.path());
    }
}

/// Thirty reloads in a sixteen-thread burst, the file replaced each time by
/// `text(i)`: every record once, in order per thread through the whole history.
fn reloads_in_a_burst_keep_each_threads_order(
    first: &str,
    text: impl Fn(usize) -> String + Send + 'static,
) {
    let n = (per_thread() / 10).max(500);
    let dir = tempfile::tempdir().unwrap();
    let (h, toml) = from_file(dir.path(), first);
    let reloader = h.clone();
    burst(&h, n, move || {
        for i in 0..30 {
            std::fs::write(&toml, text(i)).unwrap();
            reloader.reload().unwrap();
            std::thread::sleep(std::time::Duration::from_millis(3));
        }
    });
    exactly_once(dir.path(), n);
    in_order_per_thread(dir.path());
}

#[test]
fn a_reload_that_turns_the_buffer_on_and_off_keeps_each_threads_order() {
    // each reload gives the file a new writer (its settings change): the old writer's
    // buffer must be written before the new writer's first record, and only one of
    // them may roll the file over. Buffer off, on, and off with another max_bytes
    reloads_in_a_burst_keep_each_threads_order(&config("buffer"), |i| match i % 3 {
        0 => config("group"),
        1 => config("buffer"),
        _ => config("group").replace("256KB", "200KB"),
    });
}

#[test]
fn a_full_drop_queue_drops_and_reports_its_count() {
    let dir = tempfile::tempdir().unwrap();
    let slow = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = slow.clone();
    let h = builder(
        dir.path(),
        "version = 1\n[filters.slow]\nclass = \"custom\"\nfunction = \"slow\"\n[handlers.file]\nclass = \"file\"\nfilename = \"app.log\"\nfilters = [\"slow\"]\n[handlers.q]\nclass = \"queue\"\nhandlers = [\"file\"]\nqueue_size = 2\noverflow = \"drop\"\n[root]\nlevel = \"INFO\"\nhandlers = [\"q\"]\n",
    )
    .filter("slow", move |_| {
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        std::thread::sleep(std::time::Duration::from_millis(5));
        true
    })
    .build()
    .unwrap();
    for i in 0..200 {
        h.log(
            "app",
            &Record::new(Level::INFO, Message::Text(&format!("r{i}"))).logger("app"),
        );
    }
    h.flush();
    let written = read(&dir.path().join("app.log")).lines().count();
    let status = h.status();
    let q = status.handlers.iter().find(|h| h.name == "q").unwrap();
    assert!(q.records_dropped > 0, "nothing was dropped");
    assert_eq!(written as u64 + q.records_dropped, 200);
    assert_eq!(slow.load(std::sync::atomic::Ordering::Relaxed), written);
}

/// The voluntary context switches of this process's thread named `name`.
fn switches_of(name: &str) -> Option<u64> {
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let task = task.ok()?.path();
        let comm = std::fs::read_to_string(task.join("comm")).ok()?;
        if comm.trim_end() == name {
            let status = std::fs::read_to_string(task.join("status")).ok()?;
            let line = status
                .lines()
                .find(|l| l.starts_with("voluntary_ctxt_switches:"))?;
            return line.split_whitespace().nth(1)?.parse().ok();
        }
    }
    None
}

#[test]
fn an_idle_queue_worker_sleeps_and_the_next_record_wakes_it() {
    let dir = tempfile::tempdir().unwrap();
    let h = build(
        dir.path(),
        "version = 1\n[handlers.file]\nclass = \"file\"\nfilename = \"app.log\"\n[handlers.idle]\nclass = \"queue\"\nhandlers = [\"file\"]\n[root]\nlevel = \"INFO\"\nhandlers = [\"idle\"]\n",
    )
    .unwrap();
    let log = |text: &str| {
        h.log(
            "app",
            &Record::new(Level::INFO, Message::Text(text)).logger("app"),
        )
    };
    log("before");
    h.flush();
    // past the worker's ~100 ms of looks every millisecond
    std::thread::sleep(std::time::Duration::from_millis(400));
    let before = switches_of("logconf-queue-i").expect("the worker thread");
    std::thread::sleep(std::time::Duration::from_secs(1));
    let after = switches_of("logconf-queue-i").expect("the worker thread");
    assert!(
        after - before <= 3,
        "an idle worker woke {} times in a second",
        after - before
    );
    log("after");
    // no flush: the record wakes the worker, which writes it well before its
    // one-second safety net would
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while read(&dir.path().join("app.log")) != "before\nafter\n" {
        assert!(
            std::time::Instant::now() < deadline,
            "the record was not written"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// A child process logs buffered records, then panics and aborts: the panic hook
/// wrote the buffer before the process died.
#[test]
fn a_panic_writes_the_buffer() {
    if let Ok(dir) = std::env::var("LOGCONF_PANIC_CHILD") {
        let h = build(
            Path::new(&dir),
            "version = 1\n[handlers.file]\nclass = \"file\"\nfilename = \"app.log\"\nbuffer = \"1MiB\"\nflush_interval = \"1h\"\n[root]\nlevel = \"INFO\"\nhandlers = [\"file\"]\n",
        )
        .unwrap();
        for i in 0..100 {
            h.log(
                "app",
                &Record::new(Level::INFO, Message::Text(&format!("r{i}"))).logger("app"),
            );
        }
        // no destructor may run: abort right after the hooks
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            previous(info);
            std::process::abort();
        }));
        panic!("the application crashed");
    }
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "a_panic_writes_the_buffer", "--nocapture"])
        .env("LOGCONF_PANIC_CHILD", dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let text = read(&dir.path().join("app.log"));
    assert_eq!(text.lines().count(), 100, "{text}");
}

/// `kill -9` of a buffered writer loses at most what one buffer holds: the file holds
/// whole lines, in order, without gaps, and every record acknowledged more than one
/// buffer before the kill.
#[test]
fn kill_9_of_a_buffered_writer_loses_at_most_one_buffer() {
    use std::io::{BufRead, BufReader, Write};
    const BUFFER: usize = 16 * 1024;
    if let Ok(dir) = std::env::var("LOGCONF_BUFFER_CHILD") {
        let h = build(
            Path::new(&dir),
            &format!("version = 1\n[handlers.file]\nclass = \"file\"\nfilename = \"app.log\"\nbuffer = {BUFFER}\nflush_interval = \"1h\"\n[root]\nlevel = \"INFO\"\nhandlers = [\"file\"]\n"),
        )
        .unwrap();
        let mut out = std::io::stdout().lock();
        for i in 0.. {
            let msg = format!("n{i:09} payload");
            h.log(
                "app",
                &Record::new(Level::INFO, Message::Text(&msg)).logger("app"),
            );
            if i % 100 == 0 {
                let _ = writeln!(out, "{i}");
                let _ = out.flush();
            }
        }
        return;
    }
    let line_len = "n000000000 payload\n".len();
    for round in 0..common::stress(2, 5) {
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "kill_9_of_a_buffered_writer_loses_at_most_one_buffer",
                "--nocapture",
            ])
            .env("LOGCONF_BUFFER_CHILD", dir.path())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut acked = 0usize;
        let wanted = 2_000 + round * 3_000;
        for l in lines.by_ref() {
            if let Ok(n) = l.unwrap_or_default().trim().parse::<usize>() {
                acked = n;
                if n >= wanted {
                    break;
                }
            }
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let text = read(&dir.path().join("app.log"));
        assert!(
            text.is_empty() || text.ends_with('\n'),
            "half a line at the end"
        );
        let numbers: Vec<usize> = text
            .lines()
            .map(|l| {
                assert_eq!(l.len() + 1, line_len, "a torn line: {l:?}");
                l[1..10].parse().unwrap()
            })
            .collect();
        for (i, n) in numbers.iter().enumerate() {
            assert_eq!(*n, i, "a gap or a repeat at line {i}");
        }
        let lost = (acked + 1).saturating_sub(numbers.len());
        assert!(
            lost * line_len <= BUFFER,
            "round {round}: {lost} acknowledged records lost, more than one buffer"
        );
    }
}

/// While a full buffer is being written, other threads go on adding records to a fresh
/// one instead of waiting for the write. A FIFO whose reader is paused makes the write
/// wait: one thread fills the pipe and its buffer and is left writing; another thread's
/// record must still return. Afterwards every line arrives, in order.
#[test]
fn a_full_buffer_is_written_without_stopping_other_threads() {
    use std::io::BufRead as _;
    use std::os::fd::AsRawFd as _;
    use std::sync::mpsc::channel;
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("app.fifo");
    common::mkfifo(&fifo);
    let read_side = common::fifo_read_side(&fifo);
    // 64 KiB whatever the page size
    // SAFETY: fcntl on a descriptor this test owns; no pointer is passed.
    let pipe = unsafe { libc::fcntl(read_side.as_raw_fd(), libc::F_SETPIPE_SZ, 65536) };
    assert!(pipe >= 65536, "{}", std::io::Error::last_os_error());
    let h = Arc::new(
        build(
            dir.path(),
            "version = 1\n[handlers.file]\nclass = \"file\"\nfilename = \"app.fifo\"\nbuffer = \"4KiB\"\nflush_interval = \"1h\"\n[root]\nlevel = \"INFO\"\nhandlers = [\"file\"]\n",
        )
        .unwrap(),
    );
    let log = |h: &Handle, text: &str| h.log("app", &Record::new(Level::INFO, Message::Text(text)));
    let filler = |i: usize| format!("filler {i:03} {}", "x".repeat(1000));
    // twice the pipe: one of the buffer's writes waits for the reader
    let fillers = 2 * pipe as usize / 1000;
    let filling = {
        let h = h.clone();
        std::thread::spawn(move || {
            for i in 0..fillers {
                log(&h, &filler(i));
            }
        })
    };
    // until the pipe is full and the filler is left writing
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut queued: libc::c_int = 0;
        // SAFETY: FIONREAD writes one int through the pointer given.
        unsafe { libc::ioctl(read_side.as_raw_fd(), libc::FIONREAD, &mut queued) };
        if queued as usize + 4096 > pipe as usize {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the pipe never filled ({queued} bytes)"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(50));
    assert!(!filling.is_finished(), "the filler was not left writing");
    let (done, returned) = channel();
    let other = {
        let h = h.clone();
        std::thread::spawn(move || {
            log(&h, "another thread");
            let _ = done.send(());
        })
    };
    let other_returned = returned.recv_timeout(Duration::from_secs(5)).is_ok();
    // the reader comes back (also when the check failed, so that nothing stays stuck)
    // and reads until every writer is gone
    let reader = std::thread::spawn(move || {
        // SAFETY: fcntl on the descriptor the thread owns; no pointer is passed.
        unsafe { libc::fcntl(read_side.as_raw_fd(), libc::F_SETFL, 0) };
        let mut read = std::io::BufReader::new(read_side);
        let mut got = Vec::new();
        let mut line = String::new();
        while read.read_line(&mut line).unwrap() > 0 {
            got.push(line.trim_end().to_string());
            line.clear();
        }
        got
    });
    filling.join().unwrap();
    other.join().unwrap();
    assert!(
        other_returned,
        "a record waited for another thread's write of the full buffer"
    );
    let dropped = h.status().records_dropped;
    drop(h); // writes the buffer and closes the FIFO: the reader sees its end
    let got = reader.join().unwrap();
    assert_eq!(dropped, 0);
    let fillers_got: Vec<String> = got
        .iter()
        .filter(|l| l.starts_with("filler"))
        .cloned()
        .collect();
    assert_eq!(
        fillers_got,
        (0..fillers).map(filler).collect::<Vec<_>>(),
        "in order"
    );
    assert!(got.iter().any(|l| l == "another thread"), "{got:?}");
}

#[test]
fn a_reload_under_a_queue_keeps_each_threads_order() {
    // each reload starts a new queue and worker: the old queue's records must be
    // written before the new worker writes any. The file's writer is kept, or changes
    // with max_bytes
    reloads_in_a_burst_keep_each_threads_order(&config("queue"), |i| match i % 3 {
        2 => config("queue").replace("256KB", "200KB"),
        _ => config("queue"),
    });
}
