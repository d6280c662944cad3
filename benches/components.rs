//! What the pieces of request logging cost, one at a time, in one process:
//!
//! - the `redact` filter: ns per record, a request line with no secret and with one
//!   (a `null` handler with and without the filter; the difference is the filter);
//! - the request log middleware's bookkeeping: `RequestLog::start` + `finish` with
//!   `billing.api` off, and with its records going to a `null` handler;
//! - gzip of real log text at each `compress_level`: compression ratio and CPU per MB;
//! - one record with many key-values (1,000 to 100,000) through a JSON formatter and
//!   through `%(key_values)s`: the cost per key-value must stay flat (linear time).
//!
//!     cargo bench --bench components

use std::hint::black_box;
use std::io::Write as _;
use std::time::Instant;

use logconf::app::{RequestInfo, RequestLog, RequestLogConfig};
use logconf::{Level, Message, Record};

fn ns_per(iterations: u64, mut f: impl FnMut(u64)) -> f64 {
    for i in 0..iterations / 10 {
        f(i); // warm-up
    }
    let start = Instant::now();
    for i in 0..iterations {
        f(i);
    }
    start.elapsed().as_nanos() as f64 / iterations as f64
}

fn handle(filters: &str) -> logconf::Handle {
    let config = format!(
        "version = 1\n[filters.redact]\nclass = \"redact\"\n\
         [handlers.sink]\nclass = \"file\"\nfilename = \"/dev/null\"\nfilters = [{filters}]\n\
         [loggers.\"billing.api\"]\nlevel = \"INFO\"\nhandlers = [\"sink\"]\n"
    );
    logconf::Builder::new()
        .text(config)
        .env(Default::default())
        .build()
        .expect("config")
}

fn redact() {
    let plain = handle("");
    let redacting = handle("\"redact\"");
    let clean = "API Request started - User: john_doe (ID: 123), IP: 203.0.113.7, Method: POST, Path: /api/v1/payments/";
    let secret = "API Request started - User: john_doe (ID: 123), IP: 203.0.113.7, Method: POST, Path: /api/v1/payments/?card=4111111111111111";
    let run = |h: &logconf::Handle, text: &'static str| {
        ns_per(1_000_000, |_| {
            let rec =
                Record::new(Level::INFO, Message::Text(black_box(text))).logger("billing.api");
            h.log("billing.api", &rec);
        })
    };
    let base_clean = run(&plain, clean);
    let with_clean = run(&redacting, clean);
    let base_secret = run(&plain, secret);
    let with_secret = run(&redacting, secret);
    println!("redact filter (ns per record, on top of the route to a file handler on /dev/null)");
    println!("  no secret   {:>8.0} ns", with_clean - base_clean);
    println!("  a card      {:>8.0} ns", with_secret - base_secret);
}

fn middleware() {
    let off = logconf::Builder::new()
        .text("version = 1\n[loggers.\"billing.api\"]\nlevel = \"CRITICAL\"\n")
        .env(Default::default())
        .init()
        .expect("config");
    let info = RequestInfo {
        method: "GET".into(),
        path: "/ping".into(),
        user_agent: Some("bench/1.0".into()),
        peer: Some("127.0.0.1".parse().expect("ip")),
        ..RequestInfo::default()
    };
    let config = RequestLogConfig {
        logger: "billing.api".into(),
        ..RequestLogConfig::default()
    };
    let ns_off = ns_per(1_000_000, |_| {
        let log = RequestLog::start(&config, black_box(&info));
        log.finish(200);
    });
    off.handle()
        .reconfigure_file({
            let dir = std::env::temp_dir().join(format!("logconf-components-{}", std::process::id()));
            let _ = std::fs::create_dir_all(&dir);
            let path = dir.join("null.toml");
            let mut f = std::fs::File::create(&path).expect("config file");
            let _ = f.write_all(
                b"version = 1\n[handlers.sink]\nclass = \"null\"\n[loggers.\"billing.api\"]\nlevel = \"INFO\"\nhandlers = [\"sink\"]\n",
            );
            path
        })
        .expect("reconfigure");
    let ns_null = ns_per(1_000_000, |_| {
        let log = RequestLog::start(&config, black_box(&info));
        log.finish(200);
    });
    // the same records to /dev/null, without and with `redact`: the difference is
    // what the filter costs on a request's two records (no secret in them)
    let dir = std::env::temp_dir().join(format!("logconf-components-{}", std::process::id()));
    let through = |filters: &str| {
        let path = dir.join("devnull.toml");
        let _ = std::fs::write(
            &path,
            format!("version = 1\n[filters.redact]\nclass = \"redact\"\n[handlers.sink]\nclass = \"file\"\nfilename = \"/dev/null\"\nfilters = [{filters}]\n[loggers.\"billing.api\"]\nlevel = \"INFO\"\nhandlers = [\"sink\"]\n"),
        );
        off.handle().reconfigure_file(&path).expect("reconfigure");
        ns_per(1_000_000, |_| {
            let log = RequestLog::start(&config, black_box(&info));
            log.finish(200);
        })
    };
    let ns_devnull = through("");
    let ns_redact = through("\"redact\"") - ns_devnull;
    println!("request log middleware bookkeeping (ns per request: start + finish)");
    println!("  billing.api off        {ns_off:>8.0} ns");
    println!("  to a null handler      {ns_null:>8.0} ns");
    println!("  `redact` on its records {ns_redact:>7.0} ns (both records, no secret)");
}

fn gzip() {
    // the requests file's text: the shipped `api` format, two lines per request
    let mut text = String::new();
    let mut i = 0u64;
    while text.len() < 16 << 20 {
        let ms = i % 1000;
        text.push_str(&format!(
            "2026-11-27 10:30:{:02},{ms:03} INFO [billing.api] [{:08x}-7c2e-4b1d-9a3f-{:012x}] API Request started - User: user_{} (ID: {}), IP: 203.0.113.{}, Method: POST, Path: /api/v1/payments/\n",
            (i / 1000) % 60,
            i.wrapping_mul(2654435761) as u32,
            i.wrapping_mul(0x9E37_79B9) & 0xFFFF_FFFF_FFFF,
            i % 5000,
            i % 5000,
            i % 250
        ));
        text.push_str(&format!(
            "2026-11-27 10:30:{:02},{ms:03} INFO [billing.api] [{:08x}-7c2e-4b1d-9a3f-{:012x}] API Request completed - Status: 201, Duration: 0.{:03} seconds\n",
            (i / 1000) % 60,
            i.wrapping_mul(2654435761) as u32,
            i.wrapping_mul(0x9E37_79B9) & 0xFFFF_FFFF_FFFF,
            (i * 7) % 1000
        ));
        i += 1;
    }
    let mb = text.len() as f64 / (1 << 20) as f64;
    println!("gzip of {mb:.0} MiB of request log text (flate2, its default backend)");
    println!("  level   ratio   CPU ms per MiB   MiB/s");
    for level in [1, 3, 6, 9] {
        let start = Instant::now();
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(level));
        enc.write_all(text.as_bytes()).expect("gzip");
        let out = enc.finish().expect("gzip");
        let secs = start.elapsed().as_secs_f64();
        println!(
            "  {level:>5} {:>7.1}x {:>16.2} {:>7.0}",
            text.len() as f64 / out.len() as f64,
            secs * 1000.0 / mb,
            mb / secs
        );
    }
}

fn many_key_values() {
    let config = |format: &str| {
        format!(
            "version = 1\n[formatters.json]\nclass = \"json\"\n[formatters.text]\nformat = \"%(message)s %(key_values)s\"\n\
             [handlers.sink]\nclass = \"file\"\nfilename = \"/dev/null\"\nformatter = \"{format}\"\n\
             [root]\nlevel = \"INFO\"\nhandlers = [\"sink\"]\n"
        )
    };
    println!("\none record with N key-values, ns per key-value (flat = linear)");
    for format in ["json", "text"] {
        let h = logconf::Builder::new()
            .text(config(format))
            .env(Default::default())
            .build()
            .expect("config");
        for n in [1_000usize, 10_000, 100_000] {
            let keys: Vec<String> = (0..n).map(|i| format!("key{i}")).collect();
            let kv: Vec<(&str, u64)> = keys.iter().map(|k| (k.as_str(), 7)).collect();
            let start = Instant::now();
            h.log(
                "app",
                &Record::new(Level::INFO, Message::Text("many")).key_values(&kv),
            );
            let ns = start.elapsed().as_nanos() as f64 / n as f64;
            println!("  {format:<5} N = {n:>7}: {ns:>8.1} ns per key-value");
        }
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    redact();
    middleware();
    gzip();
    many_key_values();
}
