//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod http;

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use logconf::{Builder, Handle, Level, Message, Record};

/// A builder for `toml` with `base` as the only environment (no LOG_* leaks in).
pub fn builder(base: &Path, toml: &str) -> Builder {
    Builder::new()
        .text(toml)
        .env(std::collections::HashMap::from([(
            "LOG_BASE_DIR".to_string(),
            base.display().to_string(),
        )]))
}

/// A configuration built in `base`, not installed as the `log` logger.
pub fn build(base: &Path, toml: &str) -> Result<Handle, logconf::Error> {
    builder(base, toml).build()
}

/// Logs `msg` at `level` on `logger` through `handle`.
pub fn log(handle: &Handle, logger: &str, level: Level, msg: &str) {
    let rec = Record::new(level, Message::Text(msg))
        .logger(logger)
        .location("src/billing/views.rs", 42)
        .time(SystemTime::now());
    handle.log(logger, &rec);
}

/// A file's text, or "" when it does not exist.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// The decompressed text of a `.gz` file, read with a real gzip decoder.
pub fn gunzip(path: &Path) -> String {
    use std::io::Read;
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(file)
        .read_to_string(&mut text)
        .unwrap_or_else(|e| panic!("{} is not a valid gzip file: {e}", path.display()));
    text
}

/// The whole history of a numbered rotating file, oldest first: NAME.N(.gz) … NAME.1(.gz),
/// NAME (every numbered backup present, gaps skipped).
pub fn numbered_history(path: &Path) -> String {
    let dir = path.parent().unwrap();
    let base = path.file_name().unwrap().to_string_lossy().into_owned();
    let mut numbered: Vec<(u64, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&format!("{base}.")) else {
            continue;
        };
        let number = rest.strip_suffix(".gz").unwrap_or(rest);
        if let Ok(n) = number.parse::<u64>() {
            numbered.push((n, dir.join(&name)));
        }
    }
    numbered.sort();
    for w in numbered.windows(2) {
        assert_ne!(
            w[0].0,
            w[1].0,
            "both {} and {} exist",
            w[0].1.display(),
            w[1].1.display()
        );
    }
    let mut parts: Vec<String> = numbered
        .iter()
        .rev()
        .map(|(_, p)| {
            if p.extension().is_some_and(|e| e == "gz") {
                gunzip(p)
            } else {
                read(p)
            }
        })
        .collect();
    parts.push(read(path));
    parts.concat()
}

/// Makes a FIFO at `path`.
pub fn mkfifo(path: &Path) {
    let c_path = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
}

/// Opens the read side of the FIFO at `path` without waiting for a writer; the
/// descriptor stays non-blocking (clear it with `fcntl` before blocking reads).
pub fn fifo_read_side(path: &Path) -> std::fs::File {
    use std::os::unix::fs::OpenOptionsExt as _;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .unwrap()
}

/// Files in `dir` whose names contain `needle`.
pub fn files_containing(dir: &Path, needle: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(needle))
        .collect();
    v.sort();
    v
}

/// The path of `program` (looked for on `PATH`, then in `/usr/sbin` and `/sbin`), or
/// None after one line naming the Debian package to install. A test that needs the
/// program returns early on None. With `LOGCONF_REQUIRE_ALL=1` (set by `.ci/run`) a
/// missing program fails the test instead, so CI never skips.
pub fn require_program(program: &str, package: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")])
        .map(|dir| dir.join(program))
        .find(|p| p.is_file());
    if found.is_none() {
        let line = format!(
            "skipped: `{program}` is not installed (apt-get install -y {package}); \
             .ci/run installs it"
        );
        if std::env::var_os("LOGCONF_REQUIRE_ALL").is_some_and(|v| v == "1") {
            panic!("{line}, and LOGCONF_REQUIRE_ALL=1 forbids skipping");
        }
        // straight to stderr, past the test harness's capture, so the skip shows
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), "{line}");
    }
    found
}

/// `small` for the default run, `full` when `LOGCONF_STRESS=full` (set by `.ci/run`):
/// the size of a stress test (threads, records, rounds). Both sizes run the same
/// assertions; the small one keeps a warm `cargo test` within minutes on two cores.
pub fn stress(small: usize, full: usize) -> usize {
    if std::env::var("LOGCONF_STRESS").is_ok_and(|v| v == "full") {
        full
    } else {
        small
    }
}

/// `check` over every case on a few threads at once (the cases start processes, so
/// their waits overlap), the problems in the cases' order.
pub fn check_in_parallel<T: Sync>(
    cases: &[T],
    check: impl Fn(&T) -> Vec<String> + Sync,
) -> Vec<String> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<(usize, Vec<String>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(case) = cases.get(i) else { break };
                        mine.push((i, check(case)));
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().flat_map(|(_, p)| p).collect()
}

/// A generator's seed: `$var` when set (to replay a run), else one from the clock;
/// printed, so a failing run can be replayed. Never zero.
pub fn seed(var: &str) -> u64 {
    let seed = std::env::var(var)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0x5eed, |d| d.as_nanos() as u64)
        })
        .max(1);
    eprintln!("seed {seed} (set {var}={seed} to replay)");
    seed
}

/// A small generator for test data (xorshift64*), seeded with [`seed`]: enough for
/// cases that a seed replays.
pub struct Rng(pub u64);

impl Rng {
    /// The next number.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `len` characters drawn from `alphabet`.
    pub fn chars(&mut self, alphabet: &str, len: usize) -> String {
        let a: Vec<char> = alphabet.chars().collect();
        (0..len).map(|_| *self.pick(&a)).collect()
    }
}
