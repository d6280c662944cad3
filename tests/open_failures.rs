//! A handler that cannot be opened says why, by the reason the system gave: out of file
//! descriptors (EMFILE) is not a missing directory. The child is this test binary run
//! again, with a descriptor limit that leaves it none to open.

mod common;

#[test]
fn running_out_of_file_descriptors_is_named() {
    if let Ok(dir) = std::env::var("LOGCONF_EMFILE_CHILD") {
        // a new descriptor takes the lowest free number, and every number from 3 up
        // is at or over this limit: any open fails with EMFILE
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit and setrlimit with a pointer to a valid rlimit; the hard
        // limit is kept (raising it may be refused), the soft one lowered.
        unsafe {
            assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit), 0);
            limit.rlim_cur = 3;
            assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &limit), 0);
        }
        let err = common::build(
            std::path::Path::new(&dir),
            "version = 1\n[handlers.f]\nclass = \"file\"\nfilename = \"app.log\"\n[root]\nhandlers = [\"f\"]\n",
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        println!("ERROR<<{err}>>");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "running_out_of_file_descriptors_is_named",
            "--nocapture",
        ])
        .env("LOGCONF_EMFILE_CHILD", dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let err = stdout
        .split("ERROR<<")
        .nth(1)
        .and_then(|s| s.split(">>").next())
        .unwrap_or_else(|| panic!("no report from the child: {stdout}"));
    assert!(err.contains("handler `f`"), "{err}");
    assert!(err.contains("ulimit -n"), "{err}");
    assert!(!err.contains("check that the directory exists"), "{err}");
}
