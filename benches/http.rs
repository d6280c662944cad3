//! What request logging costs a service: one axum app with `GET /ping`, in several
//! variants, each its own server process, driven by a keep-alive load generator in
//! this process (CONNECTIONS connections to 127.0.0.1, a warm-up, then SECONDS
//! measured, ROUNDS rounds alternating the variants; medians). The server's CPU time
//! per request (from `/proc/PID/stat`) is the figure to trust when client and server
//! share a few cores. After each run the log files are checked: one "started" and one
//! "completed" line per request answered, whole.
//!
//! Variants: `none` (no logging middleware), `logconf` (`RequestLoggingLayer`, the
//! shipped logging.toml), `tracelayer` (tower-http's `TraceLayer`, a line per request
//! and per response, tracing-subscriber's `fmt` to a file through tracing-appender,
//! blocking), `logconf-off` (the middleware with `billing.api` at CRITICAL: nothing
//! written), `logconf-queue` (the requests file behind a `queue` handler) and
//! `logconf-buffer` (the requests file with `buffer = "64KiB"`).
//!
//!     cargo bench --features axum --bench http
//!     SECONDS=3 ROUNDS=1 VARIANTS=none,logconf cargo bench --features axum --bench http
//!     SERVER_CPUS=0,1 CLIENT_CPUS=2-5 CLIENT_THREADS=4 cargo bench --features axum --bench http

mod common;

use std::io::{BufRead as _, Read as _, Write as _};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{contender_args, listing};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const VARIANTS: &[&str] = &[
    "none",
    "logconf",
    "tracelayer",
    "logconf-off",
    "logconf-queue",
    "logconf-buffer",
];

/// Pins this process (and the threads it starts afterwards) to the CPUs listed in the
/// environment variable `name` ("0,1" or "2-5"); nothing when it is unset. On a
/// many-core machine `SERVER_CPUS` and `CLIENT_CPUS` keep the server and the load
/// generator off each other's cores.
fn pin_to(name: &str) {
    let Ok(list) = std::env::var(name) else {
        return;
    };
    // SAFETY: a zeroed cpu_set_t is a valid empty set; CPU_SET writes inside it.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    for part in list.split(',').filter(|p| !p.is_empty()) {
        let (from, to) = part.split_once('-').unwrap_or((part, part));
        let (from, to): (usize, usize) = (
            from.trim().parse().expect("a CPU number"),
            to.trim().parse().expect("a CPU number"),
        );
        for cpu in from..=to {
            // SAFETY: CPU_SET on a set this function owns.
            unsafe { libc::CPU_SET(cpu, &mut set) };
        }
    }
    // SAFETY: the set lives for the call; 0 is this thread, inherited by later ones.
    let r = unsafe { libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) };
    assert_eq!(r, 0, "{name}={list}: {}", std::io::Error::last_os_error());
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The shipped logging.toml, changed for a variant.
fn shipped_config(variant: &str) -> String {
    let shipped =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("logging.toml"))
            .expect("the shipped logging.toml");
    let api = "[loggers.\"billing.api\"]\nlevel = \"INFO\"\nhandlers = [\"requests_file\", \"error_file\", \"console\"]";
    assert!(
        shipped.contains(api),
        "the shipped billing.api logger changed"
    );
    let config = match variant {
        "logconf-off" => shipped.replace(
            api,
            "[loggers.\"billing.api\"]\nlevel = \"CRITICAL\"\nhandlers = [\"requests_file\", \"error_file\", \"console\"]",
        ),
        "logconf-queue" => shipped.replace(
            api,
            "[loggers.\"billing.api\"]\nlevel = \"INFO\"\nhandlers = [\"requests_queue\", \"error_file\", \"console\"]",
        ) + "\n[handlers.requests_queue]\nclass = \"queue\"\nhandlers = [\"requests_file\"]\n",
        // not run by default: what the requests file's gzip and `redact` cost, for the
        // comparison with TraceLayer's file, which has neither
        "logconf-nogzip" => shipped.replace(
            "compress = \"gzip\"              # backups NAME.1.gz ... compressed off the logging thread\nlevel = \"INFO\"\nfilters = [\"redact\"]",
            "level = \"INFO\"\nfilters = [\"redact\"]",
        ),
        "logconf-bare" => shipped.replace(
            "compress = \"gzip\"              # backups NAME.1.gz ... compressed off the logging thread\nlevel = \"INFO\"\nfilters = [\"redact\"]",
            "level = \"INFO\"",
        ),
        "logconf-buffer" => shipped.replace(
            "filename = \"billing_api_requests.log\"",
            "filename = \"billing_api_requests.log\"\nbuffer = \"64KiB\"",
        ),
        _ => shipped.clone(),
    };
    assert!(
        variant == "logconf" || config != shipped,
        "{variant}: the shipped logging.toml changed; the variant's edit no longer applies"
    );
    config
}

/// The server of one variant: prints its port, serves until stdin closes, flushes.
fn serve(variant: &str, dir: &Path) {
    use axum::routing::get;
    pin_to("SERVER_CPUS");
    let app = axum::Router::new().route("/ping", get(|| async { "pong" }));
    let mut guard = None;
    let app = match variant {
        "none" => app,
        "tracelayer" => {
            use tower_http::trace::{DefaultOnRequest, DefaultOnResponse, TraceLayer};
            let appender = tracing_appender::rolling::never(dir, "trace.log");
            let subscriber = tracing_subscriber::fmt()
                .with_writer(appender)
                .with_ansi(false)
                .with_max_level(tracing::Level::INFO)
                .finish();
            tracing::subscriber::set_global_default(subscriber).expect("tracing init");
            app.layer(
                TraceLayer::new_for_http()
                    .on_request(DefaultOnRequest::new().level(tracing::Level::INFO))
                    .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
            )
        }
        _ => {
            guard = Some(
                logconf::Builder::new()
                    .text(shipped_config(variant))
                    .base_dir(dir)
                    .env(Default::default())
                    .init()
                    .expect("logconf init"),
            );
            app.layer(logconf::app::RequestLoggingLayer::new().logger("billing.api"))
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        println!("{}", listener.local_addr().expect("addr").port());
        let _ = std::io::stdout().flush();
        let stop = async {
            let _ = tokio::task::spawn_blocking(|| {
                let mut sink = Vec::new();
                let _ = std::io::stdin().read_to_end(&mut sink);
            })
            .await;
        };
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(stop)
        .await
        .expect("serve");
    });
    drop(guard);
}

/// The server's user + system CPU time so far.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // the fields after the command name in parentheses: utime and stime are 14 and 15
    let after = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<u64> = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse().ok())
        .collect();
    let ticks: u64 = fields.iter().sum();
    Duration::from_micros(ticks * 1_000_000 / clock_ticks())
}

fn clock_ticks() -> u64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100)
}

/// One keep-alive connection sending `GET /ping` until `stop`; the latencies of the
/// requests answered while `measuring`, and how many were answered in all.
async fn connection(
    addr: SocketAddr,
    measuring: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
) -> (Vec<u32>, u64) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let request = b"GET /ping HTTP/1.1\r\nHost: bench\r\nUser-Agent: bench/1.0\r\n\r\n";
    let mut buf = vec![0u8; 4096];
    let mut latencies = Vec::new();
    let mut answered = 0u64;
    while !stop.load(Ordering::Relaxed) {
        let start = Instant::now();
        stream.write_all(request).await.expect("send");
        let mut have = 0;
        loop {
            let n = stream.read(&mut buf[have..]).await.expect("receive");
            assert!(n > 0, "the server closed the connection");
            have += n;
            let text = &buf[..have];
            if let Some(end) = text.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&text[..end]).to_ascii_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                if have >= end + 4 + length {
                    assert!(head.starts_with("http/1.1 200"), "{head}");
                    break;
                }
            }
        }
        answered += 1;
        if measuring.load(Ordering::Relaxed) {
            latencies.push(start.elapsed().as_micros().min(u32::MAX as u128) as u32);
        }
    }
    (latencies, answered)
}

struct Run {
    /// Requests whose lines the files still hold, of those answered.
    kept: Option<(u64, u64)>,
    rate: f64,
    p50: f64,
    p99: f64,
    cpu_us: f64,
}

/// Counts the lines of `name` and its gzip backups that contain `needle`.
fn count_lines(dir: &Path, name: &str, needle: &str) -> u64 {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).expect("dir") {
        let path = entry.expect("entry").path();
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // a `.gz.tmp` is a compression cut short by the server's exit: its pending
        // source is still there and counted
        if !file.starts_with(name) || file.ends_with(".tmp") {
            continue;
        }
        let mut text = String::new();
        if file.ends_with(".gz") {
            flate2::read::MultiGzDecoder::new(std::fs::File::open(&path).expect("open"))
                .read_to_string(&mut text)
                .expect("a valid gzip backup");
        } else {
            text = std::fs::read_to_string(&path).expect("read");
        }
        for line in text.lines() {
            if line.contains(needle) {
                assert!(line.starts_with("20"), "a torn line: {line:?}");
                total += 1;
            }
        }
    }
    total
}

fn run(variant: &str) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    let exe = std::env::current_exe().expect("own path");
    let mut child = Command::new(exe)
        .args(["--contender", variant, dir.path().to_str().expect("utf-8")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server");
    let mut port = String::new();
    std::io::BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut port)
        .expect("the server's port");
    let addr: SocketAddr = format!("127.0.0.1:{}", port.trim()).parse().expect("port");
    let connections: usize = env_or("CONNECTIONS", 32);
    let warmup = Duration::from_secs(env_or("WARMUP", 2));
    let seconds = Duration::from_secs(env_or("SECONDS", 10));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(env_or("CLIENT_THREADS", 2))
        .enable_all()
        .build()
        .expect("runtime");
    let (latencies, answered, measured_secs, cpu) = rt.block_on(async {
        let measuring = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let tasks: Vec<_> = (0..connections)
            .map(|_| tokio::spawn(connection(addr, measuring.clone(), stop.clone())))
            .collect();
        tokio::time::sleep(warmup).await;
        let cpu_before = cpu_time(child.id());
        let start = Instant::now();
        measuring.store(true, Ordering::Relaxed);
        tokio::time::sleep(seconds).await;
        measuring.store(false, Ordering::Relaxed);
        let measured_secs = start.elapsed().as_secs_f64();
        let cpu = cpu_time(child.id()) - cpu_before;
        stop.store(true, Ordering::Relaxed);
        let mut latencies = Vec::new();
        let mut answered = 0;
        for t in tasks {
            let (l, a) = t.await.expect("a connection");
            latencies.extend(l);
            answered += a;
        }
        (latencies, answered, measured_secs, cpu)
    });
    drop(child.stdin.take());
    let status = child.wait().expect("the server ends");
    assert!(status.success(), "{variant}: the server failed");
    let kept = verify(variant, dir.path(), answered);
    let mut sorted = latencies;
    sorted.sort_unstable();
    let pick = |p: f64| f64::from(sorted[((sorted.len() - 1) as f64 * p) as usize]);
    Run {
        kept: kept.map(|k| (k, answered)),
        rate: sorted.len() as f64 / measured_secs,
        p50: pick(0.5),
        p99: pick(0.99),
        cpu_us: cpu.as_micros() as f64 / sorted.len() as f64,
    }
}

/// Every line whole; with nothing rotated away, every answered request logged once
/// started and once completed. Returns how many requests the files still hold (the
/// shipped retention keeps 10 MB × 6 of the requests log).
fn verify(variant: &str, dir: &Path, answered: u64) -> Option<u64> {
    let (file, started, completed) = match variant {
        "none" | "logconf-off" => return None,
        "tracelayer" => (
            "trace.log",
            "started processing request",
            "finished processing request",
        ),
        _ => (
            "billing_api_requests.log",
            "API Request started",
            "API Request completed",
        ),
    };
    let s = count_lines(dir, file, started);
    let c = count_lines(dir, file, completed);
    let backups = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(&format!("{file}."))
        })
        .count();
    if backups < 5 {
        assert_eq!(
            (s, c),
            (answered, answered),
            "{variant}: lines for {answered} requests"
        );
    } else {
        // the oldest backups were deleted: the rest is a whole suffix of the log
        assert!(
            s <= answered && c <= answered,
            "{variant}: {s} / {c} lines for {answered}"
        );
        assert!(s.abs_diff(c) <= 64, "{variant}: {s} started, {c} completed");
    }
    Some(c)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    if let Some((variant, dir)) = contender_args() {
        serve(&variant, &dir);
        return;
    }
    if listing() {
        return;
    }
    // before any thread starts; the servers pin themselves (they inherit this too)
    pin_to("CLIENT_CPUS");
    let rounds: usize = env_or("ROUNDS", 3);
    let wanted: Vec<String> = std::env::var("VARIANTS")
        .map(|v| v.split(',').map(str::to_string).collect())
        .unwrap_or_else(|_| VARIANTS.iter().map(|s| s.to_string()).collect());
    println!(
        "http: GET /ping, {} connections, {} s measured after {} s, {rounds} rounds (medians); {} CPUs",
        env_or("CONNECTIONS", 32),
        env_or("SECONDS", 10),
        env_or("WARMUP", 2),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let mut runs: Vec<Vec<Run>> = wanted.iter().map(|_| Vec::new()).collect();
    for _ in 0..rounds {
        for (i, v) in wanted.iter().enumerate() {
            runs[i].push(run(v));
        }
    }
    let summary: Vec<(f64, f64, f64, f64)> = runs
        .iter()
        .map(|r| {
            (
                median(r.iter().map(|x| x.rate).collect()),
                median(r.iter().map(|x| x.p50).collect()),
                median(r.iter().map(|x| x.p99).collect()),
                median(r.iter().map(|x| x.cpu_us).collect()),
            )
        })
        .collect();
    let find = |name: &str| wanted.iter().position(|v| v == name).map(|i| summary[i]);
    let base = find("none");
    let trace = find("tracelayer");
    println!(
        "\n{:<15} {:>9} {:>8} {:>8} {:>8} {:>10} {:>8} {:>9}",
        "variant", "req/s", "vs none", "p50 µs", "p99 µs", "CPU µs/req", "vs none", "vs trace"
    );
    for (name, (rate, p50, p99, cpu)) in wanted.iter().zip(&summary) {
        let ratio =
            |of: Option<(f64, f64, f64, f64)>, f: fn((f64, f64, f64, f64)) -> f64, x: f64| {
                of.map_or("-".to_string(), |b| format!("{:.2}", x / f(b)))
            };
        println!(
            "{name:<15} {rate:>9.0} {:>8} {p50:>8.0} {p99:>8.0} {cpu:>10.1} {:>8} {:>9}",
            ratio(base, |b| b.0, *rate),
            ratio(base, |b| b.3, *cpu),
            ratio(trace, |b| b.3, *cpu),
        );
    }
    for (name, r) in wanted.iter().zip(&runs) {
        if let Some(Some((kept, answered))) = r.last().map(|r| r.kept) {
            if kept < answered {
                println!(
                    "{name}: the files keep the last {kept} of {answered} requests (retention)"
                );
            }
        }
    }
}
