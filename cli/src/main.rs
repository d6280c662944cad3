//! The `logconf` command line: `check`, `test`, `explain`, `replay`, `import`,
//! `schema`. Installed with `cargo install --path cli` from the repository.

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
mod schema;
mod test_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// logconf: check, explain and try a logging.toml.
///
/// Every command reads the configuration given with --config, else $LOG_CONFIG, else
/// ./logging.toml.
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
        /// The configuration (same as --config).
        file: Option<PathBuf>,
        /// The configuration (default: $LOG_CONFIG, else ./logging.toml).
        #[arg(long, conflicts_with = "file")]
        config: Option<PathBuf>,
        /// Refuse a `custom` filter that no code registered (by default the command
        /// passes records through it, with a warning: the application registers it).
        #[arg(long)]
        strict: bool,
    },
    /// Log a test record through every logger, exercise the event helpers, and check
    /// every file handler's file (Django's `manage.py test_logging`). It writes to the
    /// configuration's real files: it lists them first; --dry-run writes nothing.
    Test {
        /// The test records' level.
        #[arg(long, default_value = "INFO", value_parser = parse_level)]
        level: logconf::Level,
        /// The configuration (default: $LOG_CONFIG, else ./logging.toml).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Show which handlers and files each logger's test record would reach, and
        /// write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Refuse a `custom` filter that no code registered (by default the command
        /// passes records through it, with a warning: the application registers it).
        #[arg(long)]
        strict: bool,
    },
    /// Convert a Django LOGGING dict into logging.toml (on stdout, or into the file
    /// given with --config). Exit 0 only when the result loads.
    ///
    /// The input is the dict as JSON (`python -c 'import json, settings;
    /// print(json.dumps(settings.LOGGING, default=str))'`) or a Python file with a
    /// `LOGGING = {...}` literal (read, never run).
    Import {
        /// The JSON file, or the Python settings file.
        file: PathBuf,
        /// Write the result to this file (it must not exist yet) instead of stdout.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Resolve relative file names against LOG_BASE_DIR (default /tmp) instead of
        /// the working directory, where Python put them.
        #[arg(long)]
        base_dir: bool,
    },
    /// Print the JSON Schema of logging.toml (what editors use for completion and
    /// hover), or write it beside a configuration.
    Schema {
        /// Print the configuration reference in Markdown instead.
        #[arg(long, conflicts_with = "write")]
        markdown: bool,
        /// Write logging.schema.json beside the configuration and point the
        /// configuration's `#:schema` line at it.
        #[arg(long)]
        write: bool,
        /// The configuration, for --write (default: $LOG_CONFIG, else ./logging.toml).
        #[arg(long, requires = "write")]
        config: Option<PathBuf>,
    },
    /// Show a logger's effective level, filters, and the handlers its records reach.
    Explain {
        /// The logger name: billing.api, a Rust target such as app::billing::views,
        /// or root.
        logger: String,
        /// The configuration (default: $LOG_CONFIG, else ./logging.toml).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Refuse a `custom` filter that no code registered (by default the command
        /// passes records through it, with a warning: the application registers it).
        #[arg(long)]
        strict: bool,
    },
    /// Log JSON lines from stdin through the configuration.
    ///
    /// Each line is {"logger": "a.b", "level": "INFO", "msg": "text", "kv": {...}} or
    /// {"reconfigure": "other.toml"} (relative to the config's folder).
    Replay {
        /// The configuration (default: $LOG_CONFIG, else ./logging.toml).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Refuse a `custom` filter that no code registered (by default the command
        /// passes records through it, with a warning: the application registers it).
        #[arg(long)]
        strict: bool,
    },
}

/// Runs the command line.
fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = |c: Option<PathBuf>| c.unwrap_or_else(logconf::__cli::default_config_path);
    match cli.command {
        Command::Check {
            file,
            config: c,
            strict,
        } => check::run(&config(file.or(c)), strict),
        Command::Schema {
            markdown,
            write,
            config: c,
        } => {
            if write {
                schema::write(&config(c))
            } else if markdown {
                out!("{}", logconf::__cli::reference_markdown());
                ExitCode::SUCCESS
            } else {
                out!("{}", logconf::__cli::schema_text());
                ExitCode::SUCCESS
            }
        }
        Command::Explain {
            logger,
            config: c,
            strict,
        } => explain::run(&logger, &config(c), strict),
        Command::Replay { config: c, strict } => replay::run(&config(c), strict),
        Command::Test {
            level,
            config: c,
            dry_run,
            strict,
        } => test_cmd::run(&config(c), level, dry_run, strict),
        Command::Import {
            file,
            config,
            base_dir,
        } => import::run(&file, config.as_deref(), base_dir),
    }
}

fn parse_level(s: &str) -> Result<logconf::Level, String> {
    logconf::Level::parse(s)
}
