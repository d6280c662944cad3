//! `tracing` events through the same compiled tree as `log` records (feature
//! `tracing`): a `tracing_subscriber` layer with its own per-layer filter.
//!
//! - An event's target is its logger name (`::` read as `.`), its level TRACE, DEBUG,
//!   INFO, WARN, ERROR is 5, 10, 20, 30, 40; its `message` field is the message and
//!   every other field a key-value (`%(field)s`, a JSON field).
//! - A span's fields, and those of the spans it was created in, are context (as
//!   `logconf::context` sets) while the span is entered, for `tracing` events and `log`
//!   records alike, with the span path (`outer:inner`) as the `spans` field; a field
//!   recorded later shows at once, on every thread. Spans write no lines of their own.
//! - The filter asks the tree whether a target logs at a level, once per call site
//!   (tracing's interest cache, rebuilt at every reload): a disabled event costs one
//!   cached check. It filters only this layer, so other layers of a `Registry`
//!   (OpenTelemetry, metrics) still see every event.

use std::cell::RefCell;
use std::fmt::{self, Write as _};
use std::sync::Arc;

use tracing_core::field::{Field, Visit};
use tracing_core::span::{Attributes, Id, Record as SpanRecord};
use tracing_core::subscriber::Interest;
use tracing_core::{Event, Level as TracingLevel, LevelFilter, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Filter, Layer};
use tracing_subscriber::registry::LookupSpan;

use crate::config::values::Level;
use crate::context::SpanFields;
use crate::record::{Message, Record};
use crate::runtime::Logging;
use crate::value::Value;

/// The context field that holds the span path, `outer:inner`.
pub const SPANS_FIELD: &str = "spans";

/// Python's level number of a `tracing` level.
pub fn level_of(level: &TracingLevel) -> Level {
    match *level {
        TracingLevel::TRACE => Level::TRACE,
        TracingLevel::DEBUG => Level::DEBUG,
        TracingLevel::INFO => Level::INFO,
        TracingLevel::WARN => Level::WARNING,
        TracingLevel::ERROR => Level::ERROR,
    }
}

/// The layer: writes events, keeps span fields as context.
pub struct TracingLayer {
    logging: Arc<Logging>,
}

/// The per-layer filter: the tree's levels, per call site.
pub struct TreeFilter {
    logging: Arc<Logging>,
}

/// The layer with its filter, ready for `Registry::with`.
pub fn layer<S>(logging: Arc<Logging>) -> impl Layer<S> + Send + Sync + 'static
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    TracingLayer {
        logging: logging.clone(),
    }
    .with_filter(TreeFilter { logging })
}

impl TreeFilter {
    /// Spans are kept for their fields (context) down to DEBUG whatever the levels, so
    /// a request id recorded on a DEBUG span reaches INFO records; TRACE spans only
    /// where a logger lets TRACE through.
    fn enabled_for(&self, meta: &Metadata<'_>) -> bool {
        let level = level_of(meta.level());
        if meta.is_span() && level >= Level::DEBUG {
            return true;
        }
        self.logging.tree().enabled(level, meta.target())
    }
}

impl<S> Filter<S> for TreeFilter {
    fn enabled(&self, meta: &Metadata<'_>, _cx: &Context<'_, S>) -> bool {
        self.enabled_for(meta)
    }

    fn callsite_enabled(&self, meta: &'static Metadata<'static>) -> Interest {
        if self.enabled_for(meta) {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        // spans down to DEBUG are always wanted (see `enabled_for`)
        Some(match self.logging.tree().max_level() {
            log::LevelFilter::Trace => LevelFilter::TRACE,
            _ => LevelFilter::DEBUG,
        })
    }
}

/// What this layer keeps in a span's extensions: its fields (the `spans` path last)
/// and its parent's, shared with the context frames of the threads that enter it.
struct SpanContext {
    shared: Arc<SpanFields>,
}

/// Collects span fields as owned values.
struct SpanFieldVisitor<'a>(&'a mut Vec<(String, Value)>);

impl SpanFieldVisitor<'_> {
    fn set(&mut self, name: &str, value: Value) {
        match self.0.iter_mut().find(|(k, _)| k == name) {
            Some(slot) => slot.1 = value,
            None => self.0.push((name.to_string(), value)),
        }
    }
}

impl Visit for SpanFieldVisitor<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.set(field.name(), Value::Str(format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.set(field.name(), Value::from(value));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.set(field.name(), Value::Int(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.set(field.name(), Value::from(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.set(field.name(), Value::Float(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.set(field.name(), Value::Bool(value));
    }
}

/// An event's message and key-values, in a buffer each thread reuses.
#[derive(Default)]
struct EventFields {
    message: String,
    kv: Vec<(&'static str, Value)>,
}

impl Visit for EventFields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else if !field.name().starts_with("log.") {
            self.kv
                .push((field.name(), Value::Str(format!("{value:?}"))));
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else if !field.name().starts_with("log.") {
            self.kv.push((field.name(), Value::from(value)));
        }
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.kv.push((field.name(), Value::Int(value)));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.kv.push((field.name(), Value::from(value)));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.kv.push((field.name(), Value::Float(value)));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.kv.push((field.name(), Value::Bool(value)));
    }
}

/// An event's key-values as the `log` key-value source a record carries.
struct EventKv<'a>(&'a [(&'static str, Value)]);

impl log::kv::Source for EventKv<'_> {
    fn visit<'kvs>(
        &'kvs self,
        visitor: &mut dyn log::kv::VisitSource<'kvs>,
    ) -> Result<(), log::kv::Error> {
        for (k, v) in self.0 {
            visitor.visit_pair(log::kv::Key::from_str(k), v.to_kv())?;
        }
        Ok(())
    }
}

thread_local! {
    static EVENT: RefCell<EventFields> = RefCell::new(EventFields::default());
}

impl TracingLayer {
    fn write_event(&self, event: &Event<'_>, fields: &EventFields) {
        let meta = event.metadata();
        let kv = EventKv(&fields.kv);
        let rec = Record {
            level: level_of(meta.level()),
            logger: "",
            message: Message::Text(&fields.message),
            kv: &kv,
            file: meta.file(),
            line: meta.line(),
            time: crate::clock::now(),
            origin: None,
        };
        self.logging.dispatch(meta.target(), &rec);
    }
}

impl<S> Layer<S> for TracingLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else {
            return;
        };
        let mut fields = Vec::new();
        attrs.record(&mut SpanFieldVisitor(&mut fields));
        let parent = span.parent().and_then(|p| {
            p.extensions()
                .get::<SpanContext>()
                .map(|c| c.shared.clone())
        });
        // the parent's path is the last `spans` entry of its own fields
        let parent_path = parent.as_ref().and_then(|p| {
            p.fields
                .load()
                .iter()
                .rev()
                .find(|(k, _)| k == SPANS_FIELD)
                .map(|(_, v)| v.to_string())
        });
        let path = match parent_path {
            Some(p) => format!("{p}:{}", span.name()),
            None => span.name().to_string(),
        };
        fields.push((SPANS_FIELD.to_string(), Value::Str(path)));
        span.extensions_mut().insert(SpanContext {
            shared: Arc::new(SpanFields {
                fields: arc_swap::ArcSwap::from_pointee(fields),
                parent,
            }),
        });
    }

    fn on_record(&self, id: &Id, values: &SpanRecord<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else {
            return;
        };
        let ext = span.extensions();
        let Some(context) = ext.get::<SpanContext>() else {
            return;
        };
        let mut fields: Vec<(String, Value)> = context.shared.fields.load().as_ref().clone();
        // keep the path last, where a field of the same name cannot shadow it
        let path = fields.pop();
        values.record(&mut SpanFieldVisitor(&mut fields));
        fields.extend(path);
        context.shared.fields.store(Arc::new(fields));
    }

    fn on_enter(&self, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else {
            return;
        };
        let shared = span
            .extensions()
            .get::<SpanContext>()
            .map(|c| c.shared.clone());
        if let Some(shared) = shared {
            crate::context::enter_span(id.into_u64(), shared);
        }
    }

    fn on_exit(&self, id: &Id, _ctx: Context<'_, S>) {
        crate::context::exit_span(id.into_u64());
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let reused = EVENT
            .try_with(|cell| match cell.try_borrow_mut() {
                Ok(mut fields) => {
                    fields.message.clear();
                    fields.kv.clear();
                    event.record(&mut *fields);
                    self.write_event(event, &fields);
                    if fields.message.capacity() > 64 * 1024 {
                        *fields = EventFields::default();
                    }
                    true
                }
                Err(_) => false,
            })
            .unwrap_or(false);
        if !reused {
            // re-entered (a field's Debug logs), or the thread's buffer is gone (an
            // event from a thread-local's destructor): a fresh buffer
            let mut fields = EventFields::default();
            event.record(&mut fields);
            self.write_event(event, &fields);
        }
    }
}
