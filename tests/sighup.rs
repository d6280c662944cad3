//! A process that logs through `init()` and is sent SIGHUP — `systemctl reload`,
//! `kill -HUP` — reloads its logging.toml and keeps logging: the signal's default
//! action (ending the process) never applies once `init()` asked to reload on it; a
//! file that does not load changes nothing and is reported once on stderr. The child is
//! this test binary run again, logging through the `log` macros.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn config(tag: &str) -> String {
    format!(
        "version = 1\n[formatters.f]\nformat = \"{tag} %(message)s %(key_values)s\"\n[handlers.file]\nclass = \"file\"\nfilename = \"app.log\"\nformatter = \"f\"\n[loggers.sighup]\nlevel = \"INFO\"\nhandlers = [\"file\"]\n"
    )
}

/// The child: init() from LOG_CONFIG, then one record per line of stdin, each
/// answered on stdout once written.
fn child() {
    let _guard = logconf::init().expect("logging.toml loads");
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        log::info!(n = line.len(); "{line}");
        let _ = writeln!(out, "logged");
        let _ = out.flush();
    }
}

#[test]
fn sighup_reloads_a_process_that_logs_through_init() {
    if std::env::var_os("LOGCONF_SIGHUP_CHILD").is_some() {
        child();
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("logging.toml");
    std::fs::write(&cfg, config("BEFORE")).unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "sighup_reloads_a_process_that_logs_through_init",
            "--nocapture",
        ])
        .env("LOGCONF_SIGHUP_CHILD", "1")
        .env("LOG_CONFIG", &cfg)
        .env("LOG_BASE_DIR", dir.path())
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut answers = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut send = |text: &str| {
        writeln!(stdin, "{text}").unwrap();
        loop {
            let line = answers
                .next()
                .expect("the child answers")
                .expect("the child is alive");
            if line == "logged" {
                break;
            }
        }
    };
    send("first");
    std::fs::write(&cfg, config("AFTER")).unwrap();
    let log = dir.path().join("app.log");
    let pid = child.id() as i32;
    let hup = move || {
        // SAFETY: kill(2) with a child's pid and SIGHUP has no memory effects.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGHUP) }, 0);
    };
    hup();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut probes = 0;
    loop {
        send("probe");
        probes += 1;
        if std::fs::read_to_string(&log)
            .unwrap_or_default()
            .ends_with("AFTER probe n=5\n")
        {
            break;
        }
        assert!(Instant::now() < deadline, "no reload within 10 s of SIGHUP");
        std::thread::sleep(Duration::from_millis(20));
    }
    // a file that does not load: the running configuration stays
    std::fs::write(
        &cfg,
        config("BROKEN").replace("class = \"file\"", "class = \"fille\""),
    )
    .unwrap();
    hup();
    std::thread::sleep(Duration::from_millis(300));
    send("last");
    drop(stdin);
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "the child ended with {status}: {stderr}");
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), probes + 2, "{text}");
    assert_eq!(lines[0], "BEFORE first n=5");
    assert_eq!(lines[lines.len() - 1], "AFTER last n=4");
    // the `logconf` logger has no handler: the failure is on stderr once (not again
    // through Python's lastResort)
    assert_eq!(
        stderr.matches("reload after SIGHUP failed").count(),
        1,
        "{stderr}"
    );
    assert_eq!(stderr.matches("fille").count(), 2, "{stderr}");
}
