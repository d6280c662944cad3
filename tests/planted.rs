//! Another local user acts first in a shared log directory (mode 1777, as /tmp): they
//! plant a log file, a symbolic link among the log path's parents, a directory with a
//! backup's name, files that only look like a log's. logconf writes into none of them,
//! follows none, deletes or renames none, and its own files are never more open than
//! its umask allows.
//!
//! The other user is real: uid 4242 acting through `setpriv`, which needs root; without
//! root (or setpriv) these tests say so and are skipped, except under
//! LOGCONF_REQUIRE_ALL.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use common::{build, files_containing, gunzip, log, read};
use logconf::Level;

const OTHER: &str = "4242";

/// True when another user can be acted as here.
fn can_act_as_another_user(test: &str) -> bool {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let setpriv = Path::new("/usr/bin/setpriv").exists();
    if root && setpriv {
        return true;
    }
    assert!(
        std::env::var_os("LOGCONF_REQUIRE_ALL").is_none(),
        "{test}: needs root and setpriv (util-linux) to act as another user"
    );
    eprintln!("{test}: needs root and setpriv to act as another user; skipped");
    false
}

/// `program args…` as uid/gid 4242 (no supplementary groups), in `dir`.
fn other_user(dir: &Path, program: &str, args: &[&str]) -> std::process::Command {
    let mut command = std::process::Command::new("setpriv");
    command
        .args([
            &format!("--reuid={OTHER}"),
            &format!("--regid={OTHER}"),
            "--clear-groups",
            program,
        ])
        .args(args)
        .current_dir(dir);
    command
}

/// Runs `script` in `sh` as uid/gid 4242.
fn as_other_user(dir: &Path, script: &str) {
    let status = other_user(dir, "sh", &["-ec", script]).status().unwrap();
    assert!(status.success(), "as uid {OTHER}: {script}");
}

/// A directory every user may write, with the sticky bit (as /tmp).
fn shared_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o1777)).unwrap();
    dir
}

/// Logs `n` records of 40 bytes each through `h`, then flushes.
fn log_records(h: &logconf::Handle, n: usize) {
    for i in 0..n {
        log(
            h,
            "app",
            Level::INFO,
            &format!("record {i:03} ........................"),
        );
    }
    h.flush();
}

fn config(filename: &str, extra: &str) -> String {
    format!("version = 1\n[handlers.app]\nclass = \"rotating_file\"\nfilename = \"{filename}\"\nmax_bytes = 300\nbackup_count = 2\n{extra}[root]\nlevel = \"INFO\"\nhandlers = [\"app\"]\n")
}

#[test]
fn a_log_file_another_user_made_first_is_refused_and_left_as_it_was() {
    if !can_act_as_another_user("planted log file") {
        return;
    }
    let dir = shared_dir();
    as_other_user(
        dir.path(),
        "printf 'theirs\\n' > app.log; chmod 0666 app.log",
    );
    let err = build(dir.path(), &config("app.log", ""))
        .unwrap_err()
        .to_string();
    assert!(err.contains("refusing"), "{err}");
    assert!(err.contains("belongs to another user (uid 4242)"), "{err}");
    assert_eq!(read(&dir.path().join("app.log")), "theirs\n");
}

#[test]
fn a_link_of_another_user_among_the_parents_is_not_followed() {
    if !can_act_as_another_user("planted parent link") {
        return;
    }
    let dir = shared_dir();
    let private = tempfile::tempdir().unwrap(); // root's, 0700
    let target = private.path().to_str().unwrap().to_string();
    as_other_user(dir.path(), &format!("ln -s '{target}' appdir"));
    let err = build(dir.path(), &config("appdir/app.log", ""))
        .unwrap_err()
        .to_string();
    assert!(err.contains("refusing"), "{err}");
    assert!(err.contains("a symbolic link of another user"), "{err}");
    assert_eq!(
        std::fs::read_dir(private.path()).unwrap().count(),
        0,
        "a file was made in the directory the link points to"
    );
}

#[test]
fn planted_backup_names_are_skipped_and_retention_still_holds() {
    if !can_act_as_another_user("planted backup names") {
        return;
    }
    for compress in ["", "compress = \"gzip\"\n"] {
        let dir = shared_dir();
        as_other_user(
            dir.path(),
            "mkdir app.log.2 app.log.2.gz; printf 'theirs\\n' > app.log.3; \
             printf 'x\\n' > app.log.1.gz.tmp; printf 'keep\\n' > app.log.notes.tmp; \
             printf 'pending?\\n' > app.log.pending-000000000000000000000001-0000000001-00000001",
        );
        let h = build(dir.path(), &config("app.log", compress)).unwrap();
        log_records(&h, 200);
        drop(h);
        // the planted entries are untouched
        let d = dir.path();
        assert!(d.join("app.log.2").is_dir() && d.join("app.log.2.gz").is_dir());
        assert_eq!(read(&d.join("app.log.3")), "theirs\n");
        assert_eq!(read(&d.join("app.log.notes.tmp")), "keep\n");
        assert_eq!(
            read(&d.join("app.log.1.gz.tmp")),
            "x\n",
            "another user's .tmp"
        );
        assert_eq!(
            read(&d.join("app.log.pending-000000000000000000000001-0000000001-00000001")),
            "pending?\n",
            "another user's pending name"
        );
        // logconf's own backups: two, on the numbers the planted ones left free
        let mine: Vec<String> = files_containing(d, "app.log.")
            .into_iter()
            .filter(|n| std::fs::symlink_metadata(d.join(n)).unwrap().uid() == 0)
            .filter(|n| d.join(n).is_file())
            .collect();
        let mut expected = if compress.is_empty() {
            vec!["app.log.1", "app.log.4"]
        } else {
            vec!["app.log.1.gz", "app.log.4.gz"]
        };
        expected.sort();
        let mut got = mine.clone();
        got.sort();
        assert_eq!(got, expected, "compress={compress:?}");
        // and they hold the newest records, in order
        let text = |n: &str| {
            if n.ends_with(".gz") {
                gunzip(&d.join(n))
            } else {
                read(&d.join(n))
            }
        };
        let all = format!(
            "{}{}{}",
            text(expected[1]),
            text(expected[0]),
            read(&d.join("app.log"))
        );
        assert!(all.ends_with("record 199 ........................\n"));
    }
}

#[test]
fn files_that_only_look_like_a_logs_are_left_alone_at_start() {
    if !can_act_as_another_user("look-alike files") {
        return;
    }
    let dir = shared_dir();
    let d = dir.path();
    // the process's own files, with names near a timed log's
    std::fs::write(d.join("app.log.2020-01-01_00.important"), "mine\n").unwrap();
    std::fs::write(d.join("app.log.2020-01-01_00.part.tmp"), "mine too\n").unwrap();
    std::fs::write(d.join("app.log.2020-01-01_00.gz.tmp"), "half-written\n").unwrap();
    as_other_user(d, "printf 'theirs\\n' > app.log.2020-01-02_00");
    let toml = "version = 1\n[handlers.app]\nclass = \"timed_rotating_file\"\nfilename = \"app.log\"\nwhen = \"H\"\nbackup_count = 1\ncompress = \"gzip\"\n[root]\nlevel = \"INFO\"\nhandlers = [\"app\"]\n";
    let h = build(d, toml).unwrap();
    log(&h, "app", Level::INFO, "hello");
    h.flush();
    drop(h);
    assert_eq!(read(&d.join("app.log.2020-01-01_00.important")), "mine\n");
    assert_eq!(
        read(&d.join("app.log.2020-01-01_00.part.tmp")),
        "mine too\n"
    );
    assert_eq!(read(&d.join("app.log.2020-01-02_00")), "theirs\n");
    assert!(
        !d.join("app.log.2020-01-01_00.gz.tmp").exists(),
        "logconf's own half-written archive name is cleaned up"
    );
}

#[test]
fn files_made_at_a_rollover_are_never_more_open_than_the_umask() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("app.log"), "").unwrap();
    std::fs::set_permissions(d.join("app.log"), std::fs::Permissions::from_mode(0o666)).unwrap();
    let h = build(d, &config("app.log", "compress = \"gzip\"\n")).unwrap();
    log_records(&h, 50);
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let umask = status
        .lines()
        .find_map(|l| l.strip_prefix("Umask:"))
        .map(|v| u32::from_str_radix(v.trim(), 8).unwrap())
        .unwrap();
    for name in files_containing(d, "app.log") {
        let mode = std::fs::metadata(d.join(&name)).unwrap().mode() & 0o777;
        assert_eq!(
            mode & umask,
            0,
            "{name} has mode {mode:o}, more open than umask {umask:o} allows"
        );
    }
    assert!(
        !files_containing(d, ".gz").is_empty(),
        "no rollover happened"
    );
}

#[test]
fn lock_files_are_the_users_own_and_a_locked_directory_does_not_stop_logging() {
    if !can_act_as_another_user("lock files") {
        return;
    }
    // `lock = true`: NAME.lock and NAME.compress.lock are 0600, so another user cannot
    // even open them to hold their lock for ever
    let dir = shared_dir();
    let d = dir.path();
    let h = build(d, &config("app.log", "compress = \"gzip\"\nlock = true\n")).unwrap();
    log_records(&h, 50);
    for name in ["app.log.lock", "app.log.compress.lock"] {
        let mode = std::fs::metadata(d.join(name)).unwrap().mode() & 0o777;
        assert_eq!(mode, 0o600, "{name}");
    }
    let status = other_user(d, "sh", &["-c", "exec 3< app.log.lock"])
        .status()
        .unwrap();
    assert!(!status.success(), "another user opened app.log.lock");
    drop(h);

    // without `lock`, the compressor takes the directory's own lock, which any user
    // who can read the directory can hold: logging and flushing still end
    let dir = shared_dir();
    let d = dir.path().to_path_buf();
    let mut holder = other_user(&d, "flock", &[d.to_str().unwrap(), "sleep", "60"])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300)); // it holds the lock
    let (tx, rx) = std::sync::mpsc::channel();
    let worker_dir = d.clone();
    std::thread::spawn(move || {
        let h = build(&worker_dir, &config("app.log", "compress = \"gzip\"\n")).unwrap();
        log_records(&h, 200);
        let _ = tx.send(());
    });
    // the compressor gives up after FAMILY_LOCK_LIMIT (10 s) a round; the flush waits
    // for it, never for the holder
    let ended = rx.recv_timeout(std::time::Duration::from_secs(50));
    let _ = holder.kill();
    let _ = holder.wait();
    assert!(
        ended.is_ok(),
        "logging or its flush waited for another user's lock"
    );
    // the newest records are kept (retention may have let the oldest go)
    let mut text = String::new();
    for name in files_containing(&d, "app.log") {
        let path = d.join(&name);
        if name.ends_with(".gz") {
            text.push_str(&gunzip(&path));
        } else if !name.ends_with(".tmp") {
            text.push_str(&read(&path));
        }
    }
    assert!(text.contains("record 199 ........................"));
}

#[test]
fn links_of_the_processs_own_user_among_the_parents_are_followed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("real/logs")).unwrap();
    // an absolute link, a relative one, and `..` through them
    std::os::unix::fs::symlink(d.join("real"), d.join("abs")).unwrap();
    std::os::unix::fs::symlink("real/logs", d.join("rel")).unwrap();
    for (i, filename) in ["abs/logs/a.log", "rel/b.log", "rel/../logs/c.log"]
        .iter()
        .enumerate()
    {
        let h = build(d, &config(filename, "")).unwrap();
        log(&h, "app", Level::INFO, &format!("through link {i}"));
        h.flush();
    }
    assert_eq!(read(&d.join("real/logs/a.log")), "through link 0\n");
    assert_eq!(read(&d.join("real/logs/b.log")), "through link 1\n");
    assert_eq!(read(&d.join("real/logs/c.log")), "through link 2\n");
}
