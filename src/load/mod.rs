//! Loading a configuration: parse, check against the schema, interpolate, check again,
//! build the typed model, check references, then compile formatters and filters and
//! plan every handler — reporting every problem of every stage at once, each pointing
//! at the input. What loads is what runs: compiling the tree consumes these results and
//! cannot fail on them.

pub mod editor_schema;
pub mod model;
#[cfg(feature = "schema")]
mod reference;
mod references;
pub mod schema;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::interpolate::interpolate;
use crate::config::join_path;
use crate::config::source::{self, Node, NodeValue, Span};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::filters::{CustomFilter, Filter, FilterConfig};
use crate::format::{Formatter, FormatterClass, FormatterConfig};
use crate::handlers::{HandlerPlan, Output, PlanContext};
use model::{Config, LoggerConfig};

/// Where settings come from besides the file: the init API's overrides and the
/// environment.
#[derive(Clone, Default)]
pub struct LoadOptions {
    /// Base dir set from code (env `LOG_BASE_DIR` still wins).
    pub base_dir: Option<PathBuf>,
    /// DEBUG mode set from code (env `LOG_DEBUG` still wins).
    pub debug: Option<bool>,
    /// The custom filters registered from code, by name.
    pub custom_filters: HashMap<String, CustomFilter>,
    /// The environment; None reads the process environment.
    pub env: Option<HashMap<String, String>>,
    /// What a `custom` filter that no code registered does.
    pub unregistered_filters: UnregisteredFilters,
}

/// What loading does with a `class = "custom"` filter whose function no code
/// registered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UnregisteredFilters {
    /// It is an error: an application's `init()` must register every filter it names.
    #[default]
    Error,
    /// It passes every record, with a warning: the `logconf` command runs no
    /// application code, so it can still check, explain and replay such a file.
    PassThrough,
}

impl LoadOptions {
    fn var(&self, name: &str) -> Option<String> {
        match &self.env {
            Some(env) => env.get(name).cloned(),
            None => std::env::var(name).ok(),
        }
    }
}

/// A configuration that passed every check, with its formatters and filters compiled
/// and its handlers planned (nothing opened yet).
#[derive(Clone)]
pub struct Loaded {
    /// The typed, interpolated configuration.
    pub config: Config,
    /// DEBUG mode after precedence (env > API > file > false).
    pub debug: bool,
    /// The log base dir after precedence (env > API > file > /tmp).
    pub base_dir: PathBuf,
    /// The file it came from.
    pub file: PathBuf,
    /// Its text.
    pub source: String,
    /// Where every key and value is written, by dotted path.
    pub spans: HashMap<String, (Span, Span)>,
    /// Problems that do not stop loading.
    pub warnings: Vec<Diagnostic>,
    /// The compiled formatters, by name.
    pub formatters: BTreeMap<String, Arc<Formatter>>,
    /// The compiled filters, by name.
    pub filters: BTreeMap<String, Arc<Filter>>,
    /// Every handler, checked and planned, by name (debug_only ones included).
    pub handlers: BTreeMap<String, HandlerPlan>,
    /// The loggers (`root` included) whose level `RUST_LOG` set, with the directive.
    pub env_levels: BTreeMap<String, String>,
    /// The loggers that exist only because `RUST_LOG` names them: in `config.loggers`
    /// for their level, but not "named by the configuration" (docs/hot-reload.md).
    pub env_only: std::collections::BTreeSet<String>,
    /// The `custom` filters no code registered, passed through
    /// (`UnregisteredFilters::PassThrough`): `(filter name, function)`.
    pub passed_filters: Vec<(String, String)>,
}

impl std::fmt::Debug for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loaded")
            .field("file", &self.file)
            .field("debug", &self.debug)
            .field("base_dir", &self.base_dir)
            .field("handlers", &self.handlers.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Loaded {
    /// The span of the value at a dotted path (e.g. `handlers.file.filename`).
    pub fn value_span(&self, path: &str) -> Option<Span> {
        self.spans.get(path).map(|(_, v)| v.clone())
    }

    /// Diagnostics about this source (for errors found after loading, such as I/O).
    pub fn diagnostics(&self, items: Vec<Diagnostic>) -> Diagnostics {
        let mut d = Diagnostics {
            file: self.file.clone(),
            source: self.source.clone(),
            items,
        };
        d.sort();
        d
    }
}

/// Reads and loads a file.
pub fn load_file(path: &Path, options: &LoadOptions) -> Result<Loaded, Diagnostics> {
    let bytes = std::fs::read(path).map_err(|e| {
        let mut d = Diagnostic::error(format!("cannot read {}: {e}", path.display()), None);
        if e.kind() == std::io::ErrorKind::NotFound {
            d = d.help(where_searched(path, options));
        }
        Diagnostics::without_source(path, d)
    })?;
    match String::from_utf8(bytes) {
        Ok(text) => load_str(&text, path, options),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            // the lossy text keeps every valid byte in place; the bad one becomes U+FFFD
            let source = String::from_utf8_lossy(e.as_bytes()).into_owned();
            Err(Diagnostics {
                file: path.to_path_buf(),
                source,
                items: vec![Diagnostic::error(
                    format!("{} is not UTF-8 text", path.display()),
                    Some(at..at + '\u{FFFD}'.len_utf8()),
                )
                .label("this byte is not valid UTF-8")
                .help("TOML files are UTF-8: convert it, e.g. `iconv -f latin1 -t utf-8`")],
            })
        }
    }
}

/// Where a configuration file that does not exist was looked for, and how to point at
/// the right one.
fn where_searched(path: &Path, options: &LoadOptions) -> String {
    let absolute = std::env::current_dir()
        .map(|cwd| cwd.join(path))
        .unwrap_or_else(|_| path.to_path_buf());
    let folder = absolute
        .parent()
        .map_or_else(|| ".".into(), |p| p.display().to_string());
    let from_env = options
        .var("LOG_CONFIG")
        .filter(|v| !v.is_empty() && Path::new(v) == path);
    match from_env {
        Some(v) => format!("LOG_CONFIG={v} names it; looked in {folder}"),
        None => format!(
            "looked in {folder}; set LOG_CONFIG to the configuration's path, or pass it \
             (`logconf ... --config FILE`, `Builder::path`)"
        ),
    }
}

/// Loads configuration text; `file` names it in diagnostics.
pub fn load_str(text: &str, file: &Path, options: &LoadOptions) -> Result<Loaded, Diagnostics> {
    let mut diags = Vec::new();
    let (mut root, syntax) = source::parse(text);
    diags.extend(syntax);
    let schema = schema::cached();
    crate::config::validate::validate(schema, &root, &mut diags);

    let (base_dir, debug) = resolve_base_and_debug(&root, options, &mut diags);
    let lookup = |name: &str| -> Option<String> {
        if name == "LOG_BASE_DIR" {
            return Some(base_dir.to_string_lossy().into_owned());
        }
        options.var(name)
    };
    let mut changed = Vec::new();
    interpolate_tree(&mut root, "", Place::Top, &lookup, &mut changed, &mut diags);
    if !changed.is_empty() {
        let mut again = Vec::new();
        crate::config::validate::validate(schema, &root, &mut again);
        for d in again.into_iter().filter(|d| {
            d.span
                .as_ref()
                .is_some_and(|s| changed.iter().any(|c| c.start <= s.start && s.end <= c.end))
        }) {
            let hint = d.help.clone().filter(|h| h.starts_with("did you mean"));
            let mut d = d.help(
                "the value comes from a `${...}` reference and is checked after interpolation",
            );
            if let Some(h) = hint {
                d.help = Some(format!("{h} (the value comes from a `${{...}}` reference)"));
            }
            diags.push(d);
        }
    }
    let mut spans = HashMap::new();
    index_spans(&root, "", &mut spans);
    references::check(&root, &mut diags);
    let formatters = compile_formatters(text, &root, &spans, &mut diags);

    let finish = |diags: Vec<Diagnostic>| {
        let mut all = Diagnostics {
            file: file.to_path_buf(),
            source: text.to_string(),
            items: diags,
        };
        all.sort();
        all
    };
    if diags
        .iter()
        .any(|d| d.severity == crate::diagnostics::Severity::Error)
    {
        return Err(finish(diags));
    }
    let config: Config = match serde_path_to_error::deserialize(root.to_json()) {
        Ok(c) => c,
        Err(e) => {
            // the schema accepted it, the typed model did not (a number too large for
            // its key): point at the value
            let mut path = dotted_path(e.path());
            // inside a tagged table serde knows only the table: the key is the one
            // whose value the message quotes
            if let Some(key) = key_quoted_in(&root, &path, &e.inner().to_string()) {
                path = join_path(&path, &key);
            }
            let at = spans.get(&path).map(|(_, v)| v.clone());
            diags.push(
                Diagnostic::error(format!("`{path}`: {}", e.inner()), at)
                    .label("this value cannot be used"),
            );
            return Err(finish(diags));
        }
    };
    let mut loaded = Loaded {
        config,
        debug,
        base_dir,
        file: file.to_path_buf(),
        source: text.to_string(),
        spans,
        warnings: Vec::new(),
        formatters,
        filters: BTreeMap::new(),
        handlers: BTreeMap::new(),
        env_levels: BTreeMap::new(),
        env_only: Default::default(),
        passed_filters: Vec::new(),
    };
    check_semantics(&loaded, &mut diags);
    loaded.filters = build_filters(&loaded, options, &mut diags);
    if options.unregistered_filters == UnregisteredFilters::PassThrough {
        for (name, f) in &loaded.config.filters {
            if let FilterConfig::Custom { function } = f {
                if !options.custom_filters.contains_key(function) {
                    loaded.passed_filters.push((name.clone(), function.clone()));
                }
            }
        }
    }
    loaded.handlers = plan_handlers(&loaded, &mut diags);
    check_queues(&loaded, &mut diags);
    check_shared_files(&loaded, &mut diags);
    if diags
        .iter()
        .any(|d| d.severity == crate::diagnostics::Severity::Error)
    {
        return Err(finish(diags));
    }
    normalize_logger_names(&mut loaded, &mut diags);
    apply_env_levels(&mut loaded, options, &mut diags);
    loaded.warnings = diags;
    Ok(loaded)
}

/// A serde path (`handlers.file.max_bytes`, `loggers.a.handlers[0]`) as the span index
/// writes it, keys quoted where they need to be.
fn dotted_path(path: &serde_path_to_error::Path) -> String {
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            serde_path_to_error::Segment::Map { key }
            | serde_path_to_error::Segment::Enum { variant: key } => {
                out = join_path(&out, key);
            }
            serde_path_to_error::Segment::Unknown => {}
        }
    }
    out
}

/// The key of the table at dotted `path` whose value `message` quotes, if exactly one.
fn key_quoted_in(root: &Node, path: &str, message: &str) -> Option<String> {
    let mut node = root;
    for part in split_dotted(path) {
        node = &node.get(&part)?.value;
    }
    let NodeValue::Table(entries) = &node.value else {
        return None;
    };
    let quoted: Vec<&str> = entries
        .iter()
        .filter(|e| {
            let text = match e.value.as_str() {
                Some(s) => s.to_string(),
                None => e.value.to_json().to_string(),
            };
            !text.is_empty() && message.contains(&format!("`{text}`"))
                || message.contains(&format!("integer `{text}`"))
        })
        .map(|e| e.key.as_str())
        .collect();
    (quoted.len() == 1).then(|| quoted[0].to_string())
}

/// The keys of a dotted path as `join_path` writes it (`loggers."a.b".level`).
fn split_dotted(path: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in path.chars() {
        match c {
            '"' => quoted = !quoted,
            '.' if !quoted => parts.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    parts.push(current);
    parts
}

/// LOG_BASE_DIR: env > API > key > /tmp. LOG_DEBUG: env > API > key > false.
fn resolve_base_and_debug(
    root: &Node,
    options: &LoadOptions,
    diags: &mut Vec<Diagnostic>,
) -> (PathBuf, bool) {
    let env_base = options.var("LOG_BASE_DIR").filter(|v| !v.is_empty());
    let base = if let Some(b) = env_base {
        PathBuf::from(b)
    } else if let Some(b) = &options.base_dir {
        b.clone()
    } else if let Some(entry) = root.get("log_base_dir") {
        match entry.value.as_str() {
            Some(raw) => match interpolate(raw, &|n| options.var(n)) {
                Ok(v) => PathBuf::from(v),
                Err(unset) => {
                    diags.push(unset_diag(
                        "log_base_dir",
                        &unset.name,
                        entry.value.span.clone(),
                    ));
                    PathBuf::from("/tmp")
                }
            },
            None => PathBuf::from("/tmp"),
        }
    } else {
        PathBuf::from("/tmp")
    };
    let debug = match options.var("LOG_DEBUG") {
        Some(v) => match parse_bool_env(&v) {
            Some(b) => b,
            None => {
                diags.push(
                    Diagnostic::error(format!("environment variable LOG_DEBUG=\"{v}\" is not a boolean"), None)
                        .label("LOG_DEBUG must be 1, true, yes, on (DEBUG mode) or 0, false, no, off, empty")
                        .help("fix or unset LOG_DEBUG in the environment"),
                );
                false
            }
        },
        None => match options.debug {
            Some(b) => b,
            None => root
                .get("debug")
                .and_then(|e| match e.value.value {
                    NodeValue::Bool(b) => Some(b),
                    _ => None,
                })
                .unwrap_or(false),
        },
    };
    (base, debug)
}

/// Logger names as the router sees them: `billing::api` is `billing.api`. A
/// `[loggers.root]` table is the root logger, which `[root]` configures (as in Python,
/// where the `root` key wins), so it is left out with a warning. So is `[loggers.""]`,
/// the root logger as Python's `getLogger("")` is: `[root]` is applied after the
/// loggers, and a file without one has the root's defaults (WARNING, no handlers).
fn normalize_logger_names(loaded: &mut Loaded, diags: &mut Vec<Diagnostic>) {
    let loggers = std::mem::take(&mut loaded.config.loggers);
    for (name, logger) in loggers {
        if name == "root" || name.is_empty() {
            let at = loaded
                .spans
                .get(&join_path("loggers", &name))
                .map(|(k, _)| k.clone());
            let title = if name.is_empty() {
                "`[loggers.\"\"]` is ignored: it names the root logger"
            } else {
                "`[loggers.root]` is ignored: it names the root logger"
            };
            diags.push(
                Diagnostic::warning(title, at)
                    .label("the root logger is configured in [root] (default: WARNING, no handlers), applied after the loggers as in Python")
                    .help("move its level, handlers and filters to a [root] table"),
            );
            continue;
        }
        loaded
            .config
            .loggers
            .insert(name.replace("::", "."), logger);
    }
}

/// `RUST_LOG` over the file's logger levels (docs/configuration.md), unless `env_levels = false`.
/// A directive that cannot be read is a warning (which the running configuration puts
/// on stderr once, see [`Loaded::env_warnings`]); the rest apply.
fn apply_env_levels(loaded: &mut Loaded, options: &LoadOptions, diags: &mut Vec<Diagnostic>) {
    use crate::config::env_levels;
    if !loaded.config.env_levels {
        return;
    }
    let Some(spec) = options.var("RUST_LOG").filter(|s| !s.trim().is_empty()) else {
        return;
    };
    let (directives, problems) = env_levels::parse(&spec);
    for p in &problems {
        diags.push(Diagnostic::warning(p.render(&spec), None));
    }
    let config = &mut loaded.config;
    if let Some(d) = env_levels::decide(&directives, "root") {
        config.root.level = d.level;
        loaded.env_levels.insert("root".into(), d.text.clone());
    }
    for (name, logger) in config.loggers.iter_mut() {
        if let Some(d) = env_levels::decide(&directives, name) {
            logger.level = d.level;
            loaded.env_levels.insert(name.clone(), d.text.clone());
        }
    }
    for d in &directives {
        let Some(target) = &d.target else { continue };
        if target != "root" && !config.loggers.contains_key(target) {
            config.loggers.insert(
                target.clone(),
                LoggerConfig {
                    level: d.level,
                    handlers: Vec::new(),
                    propagate: true,
                    filters: Vec::new(),
                },
            );
            loaded.env_levels.insert(target.clone(), d.text.clone());
            loaded.env_only.insert(target.clone());
        }
    }
}

impl Loaded {
    /// The warnings about `RUST_LOG`, as printed.
    pub fn env_warnings(&self) -> impl Iterator<Item = &str> {
        self.warnings
            .iter()
            .map(|d| d.message.as_str())
            .filter(|m| m.starts_with("RUST_LOG"))
    }

    /// The loggers the file names (those `RUST_LOG` alone created left out).
    pub fn named_loggers(&self) -> impl Iterator<Item = &String> {
        self.config
            .loggers
            .keys()
            .filter(|name| !self.env_only.contains(*name))
    }
}

/// `1 true yes on` / `0 false no off` and empty, in any case.
pub fn parse_bool_env(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" | "" => Some(false),
        _ => None,
    }
}

fn unset_diag(path: &str, name: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        format!("`{path}` uses the environment variable `{name}`, which is not set"),
        Some(span),
    )
    .label(format!("`${{{name}}}` has no value and no default"))
    .help(format!(
        "set {name}, or give a default: `${{{name}:-value}}`"
    ))
}

/// Where a value sits, for the keys that interpolation leaves alone.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Top,
    Formatters,
    Formatter,
    Other,
}

/// Interpolates every string except formatters' `format`/`datefmt` and the
/// `log_base_dir` key (already resolved). The spans of changed values go to `changed`.
fn interpolate_tree(
    node: &mut Node,
    path: &str,
    place: Place,
    lookup: &dyn Fn(&str) -> Option<String>,
    changed: &mut Vec<Span>,
    diags: &mut Vec<Diagnostic>,
) {
    let span = node.span.clone();
    match &mut node.value {
        NodeValue::Str(s) => {
            if !s.contains('$') {
                return;
            }
            match interpolate(s, lookup) {
                Ok(v) => {
                    if v != *s {
                        changed.push(span);
                    }
                    *s = v;
                }
                Err(unset) => diags.push(unset_diag(path, &unset.name, span)),
            }
        }
        NodeValue::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                interpolate_tree(
                    item,
                    &format!("{path}[{i}]"),
                    Place::Other,
                    lookup,
                    changed,
                    diags,
                );
            }
        }
        NodeValue::Table(entries) => {
            for e in entries.iter_mut() {
                let inner = match (place, e.key.as_str()) {
                    (Place::Top, "formatters") => Place::Formatters,
                    (Place::Top, "log_base_dir") => continue,
                    (Place::Formatters, _) => Place::Formatter,
                    (Place::Formatter, "format" | "datefmt") => continue,
                    _ => Place::Other,
                };
                let p = join_path(path, &e.key);
                let before = changed.len();
                interpolate_tree(&mut e.value, &p, inner, lookup, changed, diags);
                // a table whose class came from a reference was not checked before
                // interpolation: all of it is checked after
                let class_changed = e
                    .value
                    .get("class")
                    .is_some_and(|c| changed[before..].contains(&c.value.span));
                if class_changed {
                    changed.push(e.key_span.clone());
                    changed.push(e.value.span.clone());
                    if let NodeValue::Table(inner) = &e.value.value {
                        for i in inner {
                            changed.push(i.key_span.clone());
                            changed.push(i.value.span.clone());
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

fn index_spans(node: &Node, path: &str, out: &mut HashMap<String, (Span, Span)>) {
    match &node.value {
        NodeValue::Table(entries) => {
            for e in entries {
                let p = join_path(path, &e.key);
                out.insert(p.clone(), (e.key_span.clone(), e.value.span.clone()));
                index_spans(&e.value, &p, out);
            }
        }
        NodeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let p = format!("{path}[{i}]");
                out.insert(p.clone(), (item.span.clone(), item.span.clone()));
                index_spans(item, &p, out);
            }
        }
        _ => {}
    }
}

/// Rules the schema cannot say about the top level, formatters and loggers.
fn check_semantics(loaded: &Loaded, diags: &mut Vec<Diagnostic>) {
    let c = &loaded.config;
    let span = |p: &str| loaded.value_span(p);
    if c.incremental {
        diags.push(
            Diagnostic::error(
                "`incremental = true` is not supported yet",
                span("incremental"),
            )
            .label("logconf always applies the whole file")
            .help("remove the key: a reload replaces the configuration atomically"),
        );
    }
    for (name, f) in &c.formatters {
        let base = join_path("formatters", name);
        if f.class == FormatterClass::Text {
            for key in ["fields", "ecs"] {
                if let Some(at) = span(&format!("{base}.{key}")) {
                    diags.push(
                        Diagnostic::warning(
                            format!("formatter `{name}`: `{key}` applies to json formatters only"),
                            Some(at),
                        )
                        .label("ignored by a text formatter")
                        .help("add `class = \"json\"`, or remove the key"),
                    );
                }
            }
        }
    }
    // a redact filter on a logger sees only records logged at that very logger
    let on_loggers = c
        .loggers
        .iter()
        .map(|(n, l)| (join_path("loggers", n), n.as_str(), &l.filters))
        .chain(std::iter::once((
            "root".to_string(),
            "root",
            &c.root.filters,
        )));
    for (path, logger, filters) in on_loggers {
        for (i, f) in filters.iter().enumerate() {
            if matches!(
                c.filters.get(f),
                Some(crate::filters::FilterConfig::Redact { .. })
            ) {
                diags.push(
                    Diagnostic::warning(
                        format!("`{f}` redacts only records logged at `{logger}` itself"),
                        span(&format!("{path}.filters[{i}]")),
                    )
                    .label("records of its child loggers reach the handlers unredacted")
                    .help(format!(
                        "put `{f}` in the `filters` of the handlers instead: a handler sees every record it writes"
                    )),
                );
            }
        }
    }
    check_handlers_reached_twice(loaded, diags);
    check_mixed_redaction(loaded, diags);
}

/// A handler named by a logger and again by an ancestor its records propagate to
/// writes each of that logger's records twice (Python does too): a warning at the
/// logger's reference, naming the ancestor.
/// Warns where one logger's records reach handlers that redact and handlers that do
/// not: a secret kept out of one output would be written by another.
fn check_mixed_redaction(loaded: &Loaded, diags: &mut Vec<Diagnostic>) {
    let c = &loaded.config;
    let redacts = |handler: &str| {
        c.handlers.get(handler).is_some_and(|h| {
            h.common().filters.iter().any(|f| {
                matches!(
                    c.filters.get(f),
                    Some(crate::filters::FilterConfig::Redact { .. })
                )
            })
        })
    };
    let writes = |handler: &str| {
        c.handlers
            .get(handler)
            .is_some_and(|h| !matches!(h.class_name(), "null"))
    };
    let loggers = c
        .loggers
        .iter()
        .filter(|(n, _)| !n.is_empty())
        .map(|(n, l)| {
            (
                n.as_str(),
                &l.handlers,
                join_path(&join_path("loggers", n), "handlers"),
            )
        })
        .chain(std::iter::once((
            "root",
            &c.root.handlers,
            "root.handlers".to_string(),
        )));
    for (name, own, at) in loggers {
        if own.is_empty() {
            continue;
        }
        // every handler a record of `name` reaches: its own, then its ancestors'
        let mut reached: Vec<&str> = own.iter().map(String::as_str).collect();
        let mut propagate = name == "root" || c.loggers.get(name).is_none_or(|l| l.propagate);
        let mut current = name;
        while propagate && name != "root" {
            match crate::router::parent(current) {
                Some(parent) => {
                    current = parent;
                    if let Some(config) = c.loggers.get(parent) {
                        reached.extend(config.handlers.iter().map(String::as_str));
                        propagate = config.propagate;
                    }
                }
                None => {
                    reached.extend(c.root.handlers.iter().map(String::as_str));
                    break;
                }
            }
        }
        reached.retain(|h| writes(h));
        let (with, without): (Vec<&str>, Vec<&str>) = reached.iter().partition(|h| redacts(h));
        if with.is_empty() || without.is_empty() {
            continue;
        }
        let mut without = without;
        without.dedup();
        diags.push(
            Diagnostic::warning(
                format!(
                    "records of `{name}` reach handlers that redact secrets ({}) and handlers that do not ({})",
                    with.join(", "),
                    without.join(", ")
                ),
                loaded.value_span(&at),
            )
            .label("a secret redacted in one output is written in full by another")
            .help(format!(
                "add the redact filter to the `filters` of {}",
                without.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(", ")
            )),
        );
    }
}

fn check_handlers_reached_twice(loaded: &Loaded, diags: &mut Vec<Diagnostic>) {
    let c = &loaded.config;
    for (name, logger) in &c.loggers {
        if !logger.propagate || name.is_empty() {
            continue;
        }
        // the ancestors a record of `name` propagates to, nearest first, the root last
        let mut ancestors: Vec<(&str, &[String])> = Vec::new();
        let mut current = name.as_str();
        loop {
            match crate::router::parent(current) {
                Some(parent) => {
                    current = parent;
                    if let Some(config) = c.loggers.get(parent) {
                        ancestors.push((parent, &config.handlers));
                        if !config.propagate {
                            break;
                        }
                    }
                }
                None => {
                    ancestors.push(("root", &c.root.handlers));
                    break;
                }
            }
        }
        for (i, handler) in logger.handlers.iter().enumerate() {
            let Some((ancestor, _)) = ancestors.iter().find(|(_, h)| h.contains(handler)) else {
                continue;
            };
            let at = join_path(&join_path("loggers", name), "handlers");
            diags.push(
                Diagnostic::warning(
                    format!(
                        "handler `{handler}` is reached from `{name}` and again from its ancestor `{ancestor}`: each record of `{name}` is written twice"
                    ),
                    loaded.value_span(&format!("{at}[{i}]")),
                )
                .label("records propagate to the ancestor's handlers too")
                .help(format!(
                    "set `propagate = false` on `{name}`, or list `{handler}` only on `{ancestor}`"
                )),
            );
        }
    }
}

/// Compiles every `[formatters.NAME]` table that is well-formed, straight from the
/// spanned tree, so a bad format is reported beside problems elsewhere in the file.
fn compile_formatters(
    text: &str,
    root: &Node,
    spans: &HashMap<String, (Span, Span)>,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Arc<Formatter>> {
    let mut out = BTreeMap::new();
    let Some(NodeValue::Table(entries)) = root.get("formatters").map(|e| &e.value.value) else {
        return out;
    };
    for e in entries {
        // a table the schema rejected is reported already
        let Ok(config) = serde_json::from_value::<FormatterConfig>(e.value.to_json()) else {
            continue;
        };
        match Formatter::compile(&config) {
            Ok(f) => {
                out.insert(e.key.clone(), Arc::new(f));
                let datefmt = config.datefmt.as_deref().unwrap_or_default();
                for (offset, directive) in crate::format::unknown_directives(datefmt) {
                    let path = join_path(&join_path("formatters", &e.key), "datefmt");
                    let value = spans.get(&path).map(|(_, v)| v.clone());
                    let at = value
                        .as_ref()
                        .and_then(|v| source::char_in_string(text, v, offset))
                        .map(|c| c.start..c.start + directive.len())
                        .or(value);
                    diags.push(
                        Diagnostic::warning(
                            format!("`{path}`: `{directive}` is not a strftime directive"),
                            at,
                        )
                        .label("printed as written, as Python prints it")
                        .help("strftime directives are %Y %m %d %H %M %S %b %a %j %z %Z ...; write %% for a literal %"),
                    );
                }
            }
            Err(err) => {
                let path = join_path(&join_path("formatters", &e.key), err.key);
                let value = spans.get(&path).map(|(_, v)| v.clone());
                // the caret under the character at fault, inside the string
                let at = match (&value, err.offset) {
                    (Some(v), Some(offset)) => {
                        source::char_in_string(text, v, offset).or(value.clone())
                    }
                    _ => value,
                };
                diags.push(
                    Diagnostic::error(format!("`{path}`: {}", err.message), at)
                        .label(err.label)
                        .maybe_help(err.help),
                );
            }
        }
    }
    out
}

/// Builds every filter; a filter that cannot be built is a located error.
fn build_filters(
    loaded: &Loaded,
    options: &LoadOptions,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Arc<Filter>> {
    let mut out = BTreeMap::new();
    for (name, f) in &loaded.config.filters {
        if let FilterConfig::Custom { function } = f {
            if options.unregistered_filters == UnregisteredFilters::PassThrough
                && !options.custom_filters.contains_key(function)
            {
                let path = format!("{}.function", join_path("filters", name));
                diags.push(
                    Diagnostic::warning(
                        format!("filter `{name}`: the custom filter `{function}` is registered by the application; here every record passes it"),
                        loaded.value_span(&path),
                    )
                    .label("the application registers it")
                    .help("`--strict` makes this an error; init() fails when the application does not register it"),
                );
                out.insert(name.clone(), Arc::new(Filter::Constant(true)));
                continue;
            }
        }
        match Filter::build(f, loaded.debug, &options.custom_filters) {
            Ok(filter) => {
                out.insert(name.clone(), Arc::new(filter));
            }
            Err(e) => {
                let path = format!("{}.{}", join_path("filters", name), e.key);
                diags.push(
                    Diagnostic::error(
                        format!("filter `{name}`: {}", e.message),
                        loaded.value_span(&path),
                    )
                    .label(e.label)
                    .maybe_help(e.help),
                );
            }
        }
    }
    out
}

/// Checks and plans every handler (its class decides how).
fn plan_handlers(loaded: &Loaded, diags: &mut Vec<Diagnostic>) -> BTreeMap<String, HandlerPlan> {
    let mut out = BTreeMap::new();
    for (name, h) in &loaded.config.handlers {
        let base = join_path("handlers", name);
        let span = |key: &str| loaded.value_span(&join_path(&base, key));
        let cx = PlanContext {
            name,
            base_dir: &loaded.base_dir,
            span: &span,
        };
        if let Some(plan) = h.plan(&cx, diags) {
            out.insert(name.clone(), plan);
        }
    }
    out
}

/// A queue writes to handlers that write: not to another queue.
fn check_queues(loaded: &Loaded, diags: &mut Vec<Diagnostic>) {
    for plan in loaded.handlers.values() {
        let Output::Queue(q) = &plan.output else {
            continue;
        };
        for (i, t) in q.targets.iter().enumerate() {
            if matches!(
                loaded.handlers.get(t).map(|p| &p.output),
                Some(Output::Queue(_))
            ) {
                let at = format!("{}.handlers[{i}]", join_path("handlers", &plan.name));
                diags.push(
                    Diagnostic::error(
                        format!("queue `{}` writes to `{t}`, another queue", plan.name),
                        loaded.value_span(&at),
                    )
                    .label("a queue's targets must write records themselves")
                    .help(format!("name the handlers `{t}` writes to instead")),
                );
            }
        }
    }
}

/// True when the handler exists in this configuration's DEBUG mode.
pub fn is_active(plan: &HandlerPlan, debug: bool) -> bool {
    debug || !plan.common.debug_only
}

/// Two handlers that write one file must agree on how (they share one writer).
fn check_shared_files(loaded: &Loaded, diags: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<PathBuf, &HandlerPlan> = HashMap::new();
    for plan in loaded.handlers.values() {
        if !is_active(plan, loaded.debug) {
            continue;
        }
        let Some(settings) = plan.output.file_settings() else {
            continue;
        };
        let key = crate::rotation::normalize(&settings.path);
        match seen.get(&key) {
            Some(other) if other.output.file_settings() != Some(settings) => {
                let (other, name) = (&other.name, &plan.name);
                diags.push(
                    Diagnostic::error(
                        format!("handlers `{other}` and `{name}` write {} with different settings", settings.path.display()),
                        loaded.value_span(&join_path(&join_path("handlers", name), "filename")),
                    )
                    .label("the same file as another handler")
                    .help(format!("handlers that name one file share one writer: give `{name}` the class, rotation and mode of `{other}`, or another file")),
                );
            }
            Some(_) => {}
            None => {
                seen.insert(key, plan);
            }
        }
    }
}

/// Checks, without creating or opening anything, that every active handler's output
/// could be opened: a file's directory exists or can be created, and is writable.
pub fn check_paths(loaded: &Loaded) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for plan in loaded.handlers.values() {
        if !is_active(plan, loaded.debug) {
            continue;
        }
        for warning in plan.output.warnings() {
            diags.push(Diagnostic::warning(
                format!("handler `{}`: {warning}", plan.name),
                loaded.value_span(&join_path(&join_path("handlers", &plan.name), "filename")),
            ));
        }
        if let Err(problem) = plan.output.check_writable() {
            let name = &plan.name;
            let span_path = join_path(&join_path("handlers", name), "filename");
            diags.push(
                Diagnostic::error(
                    format!("handler `{name}`: {problem}"),
                    loaded.value_span(&span_path),
                )
                .label(format!("resolves to {}", plan.output.destination()))
                .help(
                    "make the directory writable, or point LOG_BASE_DIR / log_base_dir elsewhere",
                ),
            );
        }
    }
    diags
}
