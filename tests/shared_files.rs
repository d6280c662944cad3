//! One writer per file, and `watched_file` following external logrotate.

mod common;

use common::{build, log, read};
use logconf::Level;

#[test]
fn handlers_naming_one_file_share_one_writer_and_one_rotation() {
    let dir = tempfile::tempdir().unwrap();
    let h = build(
        dir.path(),
        r#"
version = 1
[formatters.a]
format = "A %(message)s"
[formatters.b]
format = "B %(message)s"
[handlers.a]
class = "rotating_file"
filename = "shared.log"
max_bytes = 40
backup_count = 10
formatter = "a"
[handlers.b]
class = "rotating_file"
filename = "./shared.log"
max_bytes = 40
backup_count = 10
formatter = "b"
[root]
level = "INFO"
handlers = ["a", "b"]
"#,
    )
    .unwrap();
    for i in 0..10 {
        log(&h, "x", Level::INFO, &format!("{i:03}"));
    }
    // 6-byte lines, rollover before reaching 40: 6 lines per file; the two handlers
    // never rotate over each other, so nothing is lost or duplicated
    let history = common::numbered_history(&dir.path().join("shared.log"));
    let expected: String = (0..10).map(|i| format!("A {i:03}\nB {i:03}\n")).collect();
    assert_eq!(history, expected);
}

#[test]
fn one_file_with_two_rotation_settings_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = build(
        dir.path(),
        "version = 1\n[handlers.a]\nclass = \"rotating_file\"\nfilename = \"x.log\"\nmax_bytes = 10\nbackup_count = 1\n[handlers.b]\nclass = \"file\"\nfilename = \"x.log\"\n",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("handlers `a` and `b` write"), "{err}");
    assert!(err.contains("<string>:9:12"), "{err}");
}

#[test]
fn an_unchanged_handler_keeps_its_file_across_a_reconfiguration() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = "version = 1\ndisable_existing_loggers = false\n[handlers.w]\nclass = \"file\"\nfilename = \"keep.log\"\nmode = \"w\"\n[root]\nhandlers = [\"w\"]\n";
    let h = build(dir.path(), cfg).unwrap();
    log(&h, "x", Level::WARNING, "before");
    let other = dir.path().join("same.toml");
    std::fs::write(
        &other,
        cfg.replace("[root]", "[loggers.extra]\nlevel = \"INFO\"\n[root]"),
    )
    .unwrap();
    h.reconfigure_file(&other).unwrap();
    log(&h, "x", Level::WARNING, "after");
    assert_eq!(
        read(&dir.path().join("keep.log")),
        "before\nafter\n",
        "mode w is not truncated again"
    );
}

#[test]
fn watched_file_reopens_after_a_move_or_removal() {
    let dir = tempfile::tempdir().unwrap();
    let h = build(dir.path(), "version = 1\n[handlers.w]\nclass = \"watched_file\"\nfilename = \"app.log\"\n[root]\nhandlers = [\"w\"]\n").unwrap();
    let path = dir.path().join("app.log");
    log(&h, "x", Level::WARNING, "one");
    std::fs::rename(&path, dir.path().join("app.log.1")).unwrap(); // logrotate's move
    log(&h, "x", Level::WARNING, "two");
    assert_eq!(read(&dir.path().join("app.log.1")), "one\n");
    assert_eq!(read(&path), "two\n");
    std::fs::remove_file(&path).unwrap();
    log(&h, "x", Level::WARNING, "three");
    assert_eq!(read(&path), "three\n");
    // copytruncate style: same inode, emptied; appends continue at the new end
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(0)
        .unwrap();
    log(&h, "x", Level::WARNING, "four");
    assert_eq!(read(&path), "four\n");
}
