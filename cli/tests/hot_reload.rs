//! Hot reload: the file changes under a running configuration, by every way files
//! really get replaced, under load, and badly.

#[path = "../../tests/common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{log, read};
use logconf::{Builder, Handle, Level};

fn wait_for(what: &str, limit: Duration, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(f(), "timed out after {limit:?} waiting for {what}");
}

fn config(tag: &str, watch: &str) -> String {
    format!(
        "version = 1\ndisable_existing_loggers = false\nwatch = {watch}\n[formatters.f]\nformat = \"{tag}|%(message)s\"\n[handlers.out]\nclass = \"file\"\nfilename = \"out.log\"\nformatter = \"f\"\n[handlers.errors]\nclass = \"file\"\nfilename = \"errors.log\"\n[loggers.logconf]\nhandlers = [\"errors\"]\npropagate = false\n[root]\nlevel = \"INFO\"\nhandlers = [\"out\"]\n"
    )
}

fn replace_atomically(path: &Path, text: &str) {
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

fn start(dir: &Path, text: &str) -> Handle {
    let path = dir.join("logging.toml");
    std::fs::write(&path, text).unwrap();
    Builder::new()
        .path(&path)
        .env(std::collections::HashMap::from([(
            "LOG_BASE_DIR".to_string(),
            dir.display().to_string(),
        )]))
        .build()
        .unwrap()
}

#[test]
fn under_load_every_record_once_in_one_of_the_two_formats() {
    let dir = tempfile::tempdir().unwrap();
    let h = start(dir.path(), &config("A", "\"20ms\""));
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..2)
        .map(|t| {
            let (h, stop) = (h.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    log(&h, "load", Level::INFO, &format!("t{t} {n:08}"));
                    n += 1;
                }
                n
            })
        })
        .collect();
    let path = dir.path().join("logging.toml");
    for i in 0..100 {
        let generation = h.status().generation;
        let tag = if i % 2 == 0 { "B" } else { "A" };
        replace_atomically(&path, &config(tag, "\"20ms\""));
        wait_for("the reload", Duration::from_secs(10), || {
            h.status().generation > generation
        });
    }
    stop.store(true, Ordering::Relaxed);
    let counts: Vec<u64> = workers.into_iter().map(|w| w.join().unwrap()).collect();
    let text = read(&dir.path().join("out.log"));
    let mut next = [0u64; 2];
    let mut formats = [0usize; 2];
    for line in text.lines() {
        let (tag, rest) = line
            .split_once('|')
            .unwrap_or_else(|| panic!("torn line {line:?}"));
        formats[usize::from(tag == "B")] += 1;
        assert!(tag == "A" || tag == "B", "torn line {line:?}");
        let (t, n) = rest
            .split_once(' ')
            .unwrap_or_else(|| panic!("torn line {line:?}"));
        let t: usize = t[1..].parse().unwrap();
        let n: u64 = n.parse().unwrap_or_else(|_| panic!("torn line {line:?}"));
        assert_eq!(n, next[t], "thread {t}: a record lost or written twice");
        next[t] += 1;
    }
    assert_eq!(next.to_vec(), counts, "every record exactly once");
    assert!(
        formats[0] > 0 && formats[1] > 0,
        "both formats were in force: {formats:?}"
    );
    assert_eq!(h.status().generation, 101);
    assert_eq!(read(&dir.path().join("errors.log")), "", "no reload failed");
}

#[test]
fn a_bad_file_keeps_the_old_configuration_and_is_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    let h = start(dir.path(), &config("OLD", "\"20ms\""));
    let path = dir.path().join("logging.toml");
    let bad = config("NEW", "\"20ms\"").replace(
        "filename = \"out.log\"",
        "filename = \"out.log\"\nmax_bytes = 5",
    );
    replace_atomically(&path, &bad);
    wait_for("the reload error", Duration::from_secs(10), || {
        h.status().last_error.is_some()
    });
    log(&h, "app", Level::INFO, "still running");
    std::thread::sleep(Duration::from_millis(200)); // several polls of the same bad file
    let (_, error) = h.status().last_error.unwrap();
    assert!(error.contains("logging.toml:9:1"), "{error}");
    assert!(error.contains("unknown key `max_bytes`"), "{error}");
    let reported = read(&dir.path().join("errors.log"));
    assert_eq!(
        reported.matches("unknown key `max_bytes`").count(),
        1,
        "reported once: {reported}"
    );
    replace_atomically(&path, &config("FIXED", "\"20ms\""));
    wait_for("the fix", Duration::from_secs(10), || {
        h.status().last_error.is_none()
    });
    log(&h, "app", Level::INFO, "after the fix");
    assert_eq!(
        read(&dir.path().join("out.log")),
        "OLD|still running\nFIXED|after the fix\n"
    );
}

#[test]
fn every_way_of_replacing_the_file_is_seen() {
    let dir = tempfile::tempdir().unwrap();
    // a Kubernetes ConfigMap volume: logging.toml -> ..data/logging.toml, ..data -> ts1
    let volume = dir.path().join("volume");
    std::fs::create_dir_all(volume.join("ts1")).unwrap();
    std::fs::write(volume.join("ts1/logging.toml"), config("K0", "\"100ms\"")).unwrap();
    std::os::unix::fs::symlink("ts1", volume.join("..data")).unwrap();
    std::os::unix::fs::symlink("..data/logging.toml", volume.join("logging.toml")).unwrap();
    let h = Builder::new()
        .path(volume.join("logging.toml"))
        .env(std::collections::HashMap::from([(
            "LOG_BASE_DIR".to_string(),
            dir.path().display().to_string(),
        )]))
        .build()
        .unwrap();
    let path = volume.join("logging.toml");
    let mut expect = String::new();
    let mut step = |name: &str, replace: &dyn Fn(&str)| {
        let generation = h.status().generation;
        replace(&config(name, "\"100ms\""));
        wait_for(name, Duration::from_secs(10), || {
            h.status().generation > generation
        });
        log(&h, "app", Level::INFO, "x");
        expect.push_str(&format!("{name}|x\n"));
        assert_eq!(read(&dir.path().join("out.log")), expect);
    };
    step("SYMLINK_SWAP", &|text| {
        std::fs::create_dir_all(volume.join("ts2")).unwrap();
        std::fs::write(volume.join("ts2/logging.toml"), text).unwrap();
        std::os::unix::fs::symlink("ts2", volume.join("..data_tmp")).unwrap();
        std::fs::rename(volume.join("..data_tmp"), volume.join("..data")).unwrap();
    });
    step("TEMP_AND_RENAME", &|text| {
        replace_atomically(&volume.join("ts2/logging.toml"), text)
    });
    step("TRUNCATE_AND_WRITE", &|text| {
        std::fs::write(&path, text).unwrap()
    });
    step("IN_PLACE", &|text| {
        let mut f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f.set_len(text.len() as u64).unwrap();
    });
    // a file that disappears and comes back is picked up again
    std::fs::remove_file(volume.join("ts2/logging.toml")).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    step("BACK_AGAIN", &|text| {
        std::fs::write(volume.join("ts2/logging.toml"), text).unwrap()
    });
}

#[test]
fn mode_w_file_survives_a_reload() {
    let dir = tempfile::tempdir().unwrap();
    let text = config("W", "\"20ms\"").replace(
        "filename = \"out.log\"",
        "filename = \"out.log\"\nmode = \"w\"",
    );
    let h = start(dir.path(), &text);
    log(&h, "app", Level::INFO, "one");
    let generation = h.status().generation;
    replace_atomically(
        &dir.path().join("logging.toml"),
        &text.replace("level = \"INFO\"", "level = \"DEBUG\""),
    );
    wait_for("the reload", Duration::from_secs(10), || {
        h.status().generation > generation
    });
    log(&h, "app", Level::DEBUG, "two");
    assert_eq!(read(&dir.path().join("out.log")), "W|one\nW|two\n");
}

/// A `logconf replay` child on a config whose format prints `TAG message` to stdout.
struct ReplayChild {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    out: BufReader<std::process::ChildStdout>,
    cfg: std::path::PathBuf,
    watch: &'static str,
    _dir: tempfile::TempDir,
}

impl ReplayChild {
    fn config(watch: &str, tag: &str) -> String {
        format!("version = 1\nwatch = {watch}\n[formatters.f]\nformat = \"{tag} %(message)s\"\n[handlers.o]\nclass = \"console\"\nstream = \"stdout\"\nformatter = \"f\"\n[root]\nhandlers = [\"o\"]\n")
    }

    fn start(watch: &'static str) -> ReplayChild {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("logging.toml");
        std::fs::write(&cfg, Self::config(watch, "BEFORE")).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_logconf"))
            .args(["replay", "--config", cfg.to_str().unwrap()])
            .env_clear()
            .env("LOG_BASE_DIR", dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let out = BufReader::new(child.stdout.take().unwrap());
        let mut c = ReplayChild {
            child,
            stdin,
            out,
            cfg,
            watch,
            _dir: dir,
        };
        assert_eq!(
            c.send("first"),
            "BEFORE first\n",
            "the original file is in force before the change"
        );
        c
    }

    fn send(&mut self, msg: &str) -> String {
        writeln!(self.stdin, "{{\"level\": \"WARNING\", \"msg\": \"{msg}\"}}").unwrap();
        let mut line = String::new();
        self.out.read_line(&mut line).unwrap();
        line
    }

    fn rewrite(&self, tag: &str) {
        replace_atomically(&self.cfg, &Self::config(self.watch, tag));
    }

    /// Probes until a record comes out in the AFTER format, with a deadline.
    fn wait_for_after(mut self, what: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let line = self.send("probe");
            if line == "AFTER probe\n" {
                break;
            }
            assert_eq!(line, "BEFORE probe\n");
            assert!(
                Instant::now() < deadline,
                "{what} did not reload within 10 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        drop(self.stdin);
        assert!(self.child.wait().unwrap().success());
    }
}

#[test]
fn sighup_reloads_a_running_process() {
    let child = ReplayChild::start("false");
    child.rewrite("AFTER"); // no watch: only the signal reloads
                            // SAFETY: kill(2) with a child's pid and SIGHUP has no memory effects.
    assert_eq!(
        unsafe { libc::kill(child.child.id() as i32, libc::SIGHUP) },
        0
    );
    child.wait_for_after("SIGHUP");
}

#[test]
fn replay_honours_watch() {
    let child = ReplayChild::start("\"50ms\"");
    child.rewrite("AFTER");
    child.wait_for_after("the watched file");
}

/// With the default `disable_existing_loggers = true`, a hot reload gives what a
/// restart gives: loggers that exist only because they logged keep logging (through the
/// root), under load, while the file changes only a format.
#[test]
fn reload_with_default_disable_existing_loggers_loses_nothing() {
    let text = |tag: &str| {
        format!(
            "version = 1\n[formatters.f]\nformat = \"{tag}|%(name)s|%(message)s\"\n[handlers.out]\nclass = \"file\"\nfilename = \"out.log\"\nformatter = \"f\"\n[handlers.own]\nclass = \"file\"\nfilename = \"own.log\"\n[loggers.logconf]\nhandlers = [\"own\"]\npropagate = false\n[root]\nlevel = \"INFO\"\nhandlers = [\"out\"]\n"
        )
    };
    let dir = tempfile::tempdir().unwrap();
    let h = start(dir.path(), &text("A"));
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..2)
        .map(|t| {
            let (h, stop) = (h.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) || n < 200 {
                    log(
                        &h,
                        &format!("app.worker{t}"),
                        Level::INFO,
                        &format!("{t}-{n}"),
                    );
                    n += 1;
                }
                n
            })
        })
        .collect();
    let path = dir.path().join("logging.toml");
    for i in 0..10 {
        replace_atomically(&path, &text(if i % 2 == 0 { "B" } else { "A" }));
        h.reload().unwrap();
        std::thread::sleep(Duration::from_millis(2));
    }
    stop.store(true, Ordering::Relaxed);
    let counts: Vec<usize> = workers.into_iter().map(|w| w.join().unwrap()).collect();
    h.flush();
    let out = read(&dir.path().join("out.log"));
    for (t, n) in counts.iter().enumerate() {
        let mine: Vec<&str> = out
            .lines()
            .filter(|l| l[2..].starts_with(&format!("app.worker{t}|")))
            .collect();
        assert_eq!(mine.len(), *n, "worker {t} lost records across reloads");
    }
    // only formats changed: no logger was disabled or re-routed, so nothing is said
    assert_eq!(read(&dir.path().join("own.log")), "");

    // an explicit reconfiguration is Python's second dictConfig: the workers that
    // logged exist, are not named, and are disabled
    h.reconfigure_file(&path).unwrap();
    log(&h, "app.worker0", Level::WARNING, "after reconfigure");
    h.flush();
    assert!(!read(&dir.path().join("out.log")).contains("after reconfigure"));
}

/// A hot reload that disables a configured logger or sends a logger's records to other
/// handlers says so in one line on the `logconf` logger.
#[test]
fn a_reload_that_disables_or_reroutes_says_so() {
    let with = |extra: &str, root: &str| {
        format!(
            "version = 1\n[handlers.a]\nclass = \"file\"\nfilename = \"a.log\"\n[handlers.b]\nclass = \"file\"\nfilename = \"b.log\"\n[handlers.own]\nclass = \"file\"\nfilename = \"own.log\"\n[loggers.logconf]\nhandlers = [\"own\"]\npropagate = false\n{extra}[root]\nlevel = \"INFO\"\nhandlers = [\"{root}\"]\n"
        )
    };
    let dir = tempfile::tempdir().unwrap();
    let h = start(
        dir.path(),
        &with("[loggers.billing]\nlevel = \"INFO\"\n", "a"),
    );
    log(&h, "billing", Level::INFO, "one");
    log(&h, "app", Level::INFO, "one");
    let path = dir.path().join("logging.toml");
    replace_atomically(&path, &with("", "b"));
    h.reload().unwrap();
    let own = read(&dir.path().join("own.log"));
    assert_eq!(own.lines().count(), 1, "{own}");
    assert!(own.contains("disabled billing"), "{own}");
    assert!(own.contains("re-routed app"), "{own}");
    log(&h, "app", Level::INFO, "two");
    log(&h, "billing", Level::INFO, "two");
    h.flush();
    assert_eq!(read(&dir.path().join("b.log")), "two\n");
}
