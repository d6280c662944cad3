//! logconf: Rust logging driven by one declarative `logging.toml`, with the semantics
//! of Python's `logging.config.dictConfig`.
//!
//! ```no_run
//! let _guard = logconf::init().expect("logging.toml");
//! log::info!(target: "billing.api", user_id = 7; "API Request started");
//! logconf::critical!(target: "billing", "Ledger mismatch");
//! ```
//!
//! The public API is what an application writes code against: [`init`] and the
//! [`Builder`], the [`Handle`] and its flush-on-drop [`Guard`], [`Error`], [`Level`],
//! the [`Record`] a custom filter sees, [`context`] (fields for a scope),
//! [`StructuredLogger`], [`critical!`], and [`app`] (request logging and the event
//! helpers). How the pieces fit is in `docs/architecture.md`.
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The layers, bottom to top, are listed in docs/architecture.md and checked by
// tests/architecture.rs: each module uses only those below it.
mod api;
pub mod app;
mod append_only;
mod clock;
mod compile;
mod config;
pub mod context;
mod diagnostics;
mod filters;
mod fork;
mod format;
mod handlers;
mod import;
mod load;
mod record;
mod rotation;
mod router;
mod runtime;
mod structured;
mod sync;
mod threads;
#[cfg(feature = "tracing")]
mod tracing_layer;
mod value;

#[doc(hidden)]
pub mod __cli;

#[doc(hidden)]
pub mod __private {
    pub use log;
}

pub use api::{init, ActiveConfig, Builder, Error, Guard, Handle, SeenLogger};
pub use config::values::Level;
pub use diagnostics::Diagnostics;
pub use handlers::HandlerHealth;
pub use record::{Message, Origin, Record};
pub use runtime::{Source, Status};
pub use structured::StructuredLogger;
