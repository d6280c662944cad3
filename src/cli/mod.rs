//! The `logconf` command line: `check`, `schema`, `explain`, `replay`.

/// Output that never panics: a closed pipe or a full disk on stdout or stderr must not
/// turn into a panic of the command (`logconf check | head`, `2>/dev/full`).
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}
macro_rules! err {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod check;
mod explain;
mod import;
mod replay;
mod test_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// logconf: check, explain and try a logging.toml.
#[derive(Parser)]
#[command(name = "logconf", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a configuration and print every problem (exit 1 if any error).
    Check {
        /// The file (default: $LOG_CONFIG, else ./logging.toml).
        file: Option<PathBuf>,
    },
    /// Log a test record through every logger, exercise the event helpers, and check
    /// every file handler's file (the seed's `manage.py test_logging`).
    Test {
        /// The test records' level.
        #[arg(long, default_value = "INFO", value_parser = parse_level)]
        level: logconf::Level,
        /// The configuration (default: $LOG_CONFIG, else ./logging.toml).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Convert a Django LOGGING dict, dumped as JSON, into logging.toml (on stdout).
    Import {
        /// The JSON file (`python -c 'import json, settings; print(json.dumps(settings.LOGGING))'`).
        file: PathBuf,
    },
    /// Print the JSON Schema of logging.toml.
    Schema {
        /// Print the configuration reference in Markdown instead.
        #[arg(long)]
        markdown: bool,
    },
    /// Show a logger's effective level, filters, and the handlers its records reach.
    Explain {
        /// The logger name, such as billing.api (or "root").
        logger: String,
        /// The configuration (default: $LOG_CONFIG, else ./logging.toml).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Log JSON lines from stdin through the configuration.
    ///
    /// Each line is {"logger": "a.b", "level": "INFO", "msg": "text", "kv": {...}} or
    /// {"reconfigure": "other.toml"} (relative to the config's folder).
    Replay {
        /// The configuration (default: $LOG_CONFIG, else ./logging.toml).
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

/// Runs the command line.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = |c: Option<PathBuf>| c.unwrap_or_else(logconf::__cli::default_config_path);
    match cli.command {
        Command::Check { file } => check::run(&config(file)),
        Command::Schema { markdown } => {
            if markdown {
                out!("{}", logconf::__cli::reference_markdown());
            } else {
                out!("{}", logconf::__cli::schema_text());
            }
            ExitCode::SUCCESS
        }
        Command::Explain { logger, config: c } => explain::run(&logger, &config(c)),
        Command::Replay { config: c } => replay::run(&config(c)),
        Command::Test { level, config: c } => test_cmd::run(&config(c), level),
        Command::Import { file } => import::run(&file),
    }
}

fn parse_level(s: &str) -> Result<logconf::Level, String> {
    logconf::Level::parse(s)
}
