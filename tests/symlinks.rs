//! Files another user could plant in a shared log directory: a symbolic link where a
//! rotated or pending backup goes, or where the log file goes. logconf refuses them with
//! a clear error and copies nothing; backups keep the log file's permissions.
//!
//! "Another user" is uid 4242: the links are made by this process and handed to that
//! uid with lchown, which needs root; without root those cases are skipped (said so).

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use common::{build, files_containing, gunzip, log, read};
use logconf::Level;

const OTHER_UID: u32 = 4242;

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn plant_link(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
    std::os::unix::fs::lchown(link, Some(OTHER_UID), Some(OTHER_UID)).unwrap();
}

fn gz_config(extra: &str) -> String {
    format!("version = 1\n[handlers.app]\nclass = \"rotating_file\"\nfilename = \"app.log\"\nmax_bytes = 200\nbackup_count = 3\ncompress = \"gzip\"\n{extra}[root]\nlevel = \"INFO\"\nhandlers = [\"app\"]\n")
}

/// Logs `n` records through a small gzip-rotating file in `dir`, then flushes.
fn rotate_a_while(dir: &Path, n: usize) {
    let h = build(dir, &gz_config("")).unwrap();
    for i in 0..n {
        log(
            &h,
            "app",
            Level::INFO,
            &format!("record {i:03} ........................"),
        );
    }
    h.flush();
}

#[test]
fn a_planted_pending_link_is_refused_and_nothing_is_copied() {
    if !is_root() {
        eprintln!("symlinks: not root, cannot make a link of another user; skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "TOP SECRET\n").unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    plant_link(
        &secret,
        &dir.path()
            .join("app.log.pending-000000000000000000000001-00000000"),
    );
    plant_link(&secret, &dir.path().join("app.log.2"));
    rotate_a_while(dir.path(), 20);
    for gz in files_containing(dir.path(), ".gz") {
        let text = gunzip(&dir.path().join(&gz));
        assert!(
            !text.contains("TOP SECRET"),
            "{gz} holds the planted file's content"
        );
    }
    assert_eq!(read(&secret), "TOP SECRET\n", "the target was changed");
}

#[test]
fn a_log_file_planted_as_another_users_link_is_refused_with_a_clear_error() {
    if !is_root() {
        eprintln!("symlinks: not root, cannot make a link of another user; skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "keep me\n").unwrap();
    plant_link(&victim, &dir.path().join("app.log"));
    let err = build(dir.path(), &gz_config("")).unwrap_err().to_string();
    assert!(err.contains("refusing"), "{err}");
    assert!(err.contains("symbolic link of another user"), "{err}");
    assert_eq!(read(&victim), "keep me\n");
}

#[test]
fn a_link_of_the_processs_own_user_is_followed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("real")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("real/app.log"), dir.path().join("app.log"))
        .unwrap();
    let h = build(
        dir.path(),
        "version = 1\n[handlers.app]\nclass = \"file\"\nfilename = \"app.log\"\n[root]\nhandlers = [\"app\"]\n",
    )
    .unwrap();
    log(&h, "app", Level::WARNING, "through the link");
    h.flush();
    assert_eq!(read(&dir.path().join("real/app.log")), "through the link\n");
}

#[test]
fn gzip_backups_keep_the_log_files_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("app.log");
    std::fs::write(&live, "").unwrap();
    std::fs::set_permissions(&live, std::fs::Permissions::from_mode(0o600)).unwrap();
    rotate_a_while(dir.path(), 40);
    let gzs = files_containing(dir.path(), ".gz");
    assert!(!gzs.is_empty());
    for gz in gzs {
        let mode = std::fs::metadata(dir.path().join(&gz)).unwrap().mode() & 0o777;
        assert_eq!(mode, 0o600, "{gz} is {mode:o}, the log file 600");
    }
}
