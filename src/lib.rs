//! logconf: Rust logging driven by one declarative `logging.toml`, with the semantics
//! of Python's `logging.config.dictConfig`.
//!
//! ```no_run
//! let _guard = logconf::init().expect("logging.toml");
//! log::info!(target: "billing.api", user_id = 7; "API Request started");
//! ```
#![warn(missing_docs)]

mod api;
pub mod clock;
pub mod compile;
pub mod config;
pub mod context;
pub mod diagnostics;
pub mod events;
pub mod filters;
pub mod format;
pub mod handlers;
pub mod http;
pub mod import;
pub mod record;
pub mod redact;
mod reload;
pub mod rotation;
pub mod router;
mod runtime;
pub mod schema;
pub mod structured;

#[doc(hidden)]
pub mod __private {
    pub use log;
}

pub use api::{default_config_path, init, Builder, Error, Guard, Handle};
pub use config::values::Level;
pub use events::{log_billing_event, log_performance_metric, log_security_event, Severity};
pub use record::{Message, Record};
pub use runtime::{Source, Status};
pub use structured::StructuredLogger;
