//! Context (MDC): fields set for a scope — a request id, a user — that every record
//! logged inside it carries, on the current thread and across `.await` in a future
//! wrapped with [`WithContext`], on any executor.
//!
//! ```
//! use logconf::context::{self, FutureExt as _};
//! let _scope = context::set([("request_id", "r-17".into()), ("user_id", 123.into())]);
//! // every record logged on this thread until `_scope` drops has request_id and user_id
//! # async fn handle() {}
//! let fut = handle().with_context([("request_id", "r-18".into())]);
//! ```

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

pub use crate::value::Value;

/// One scope's fields.
pub type Fields = Arc<Vec<(String, Value)>>;

/// One scope on a thread's stack, with who set it: a [`Scope`] (by its number) or a
/// `tracing` span that is entered (by its id), so each removes its own frame even when
/// they end out of order.
struct Frame {
    owner: Owner,
    scope: FrameFields,
}

enum FrameFields {
    /// Fields set with [`set`] or [`WithContext`].
    Fields(Fields),
    /// An entered `tracing` span: its fields and those of its parents, read where they
    /// live (a field recorded later shows at once, on every thread).
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    Span(Arc<SpanFields>),
}

/// A `tracing` span's fields, shared by every thread that enters it, with its parent's.
pub(crate) struct SpanFields {
    /// The span's own fields (the last one of a name wins).
    pub fields: arc_swap::ArcSwap<Vec<(String, Value)>>,
    /// The span it was created in, if any.
    pub parent: Option<Arc<SpanFields>>,
}

impl Frame {
    /// Adds this frame's fields to `out`, outer first, a later value replacing an
    /// earlier one of the same name.
    fn merge_into(&self, out: &mut Vec<(String, Value)>) {
        let mut merge = |fields: &[(String, Value)]| {
            for (k, v) in fields {
                match out.iter_mut().find(|(ok, _)| ok == k) {
                    Some(slot) => slot.1 = v.clone(),
                    None => out.push((k.clone(), v.clone())),
                }
            }
        };
        match &self.scope {
            FrameFields::Fields(fields) => merge(fields),
            FrameFields::Span(span) => {
                let mut chain = Vec::new();
                let mut node = Some(span);
                while let Some(n) = node {
                    chain.push(n);
                    node = n.parent.as_ref();
                }
                for n in chain.into_iter().rev() {
                    merge(&n.fields.load());
                }
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Owner {
    Scope(u64),
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    Span(u64),
}

thread_local! {
    static STACK: RefCell<Vec<Frame>> = const { RefCell::new(Vec::new()) };
    static NEXT_SCOPE: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

fn to_fields<I, K>(fields: I) -> Fields
where
    I: IntoIterator<Item = (K, Value)>,
    K: Into<String>,
{
    Arc::new(fields.into_iter().map(|(k, v)| (k.into(), v)).collect())
}

/// A scope's fields, set on the current thread until this value is dropped (what
/// [`set`] and [`set_shared`] return).
#[must_use = "the fields apply only while the scope lives"]
pub struct Scope {
    scope: u64,
    _not_send: std::marker::PhantomData<*const ()>,
}

impl Drop for Scope {
    fn drop(&mut self) {
        remove(Owner::Scope(self.scope));
    }
}

/// Removes the innermost frame `owner` set (the top one, unless scopes ended out of
/// order).
fn remove(owner: Owner) {
    let _ = STACK.try_with(|s| {
        if let Ok(mut s) = s.try_borrow_mut() {
            if let Some(i) = s.iter().rposition(|f| f.owner == owner) {
                s.remove(i);
            }
        }
    });
}

/// Sets a shared scope on the current thread until the guard drops.
pub fn set_shared(fields: Fields) -> Scope {
    push(fields)
}

fn push(fields: Fields) -> Scope {
    let scope = NEXT_SCOPE.with(|n| {
        let scope = n.get();
        n.set(scope.wrapping_add(1));
        scope
    });
    STACK.with(|s| {
        s.borrow_mut().push(Frame {
            owner: Owner::Scope(scope),
            scope: FrameFields::Fields(fields),
        })
    });
    Scope {
        scope,
        _not_send: std::marker::PhantomData,
    }
}

/// A `tracing` span entered on this thread: its fields, and its parents', are context
/// until it exits.
#[cfg(feature = "tracing")]
pub(crate) fn enter_span(span: u64, fields: Arc<SpanFields>) {
    let _ = STACK.try_with(|s| {
        if let Ok(mut s) = s.try_borrow_mut() {
            s.push(Frame {
                owner: Owner::Span(span),
                scope: FrameFields::Span(fields),
            });
        }
    });
}

/// The span exited on this thread.
#[cfg(feature = "tracing")]
pub(crate) fn exit_span(span: u64) {
    remove(Owner::Span(span));
}

/// Sets fields on the current thread until the returned guard drops. Inner scopes
/// override outer ones field by field.
pub fn set<I, K>(fields: I) -> Scope
where
    I: IntoIterator<Item = (K, Value)>,
    K: Into<String>,
{
    push(to_fields(fields))
}

/// Runs `f` with the fields set.
pub fn scope<I, K, R>(fields: I, f: impl FnOnce() -> R) -> R
where
    I: IntoIterator<Item = (K, Value)>,
    K: Into<String>,
{
    let _g = set(fields);
    f()
}

/// The value of a field in the current context (the innermost scope wins).
pub fn get(key: &str) -> Option<Value> {
    with_value(key, |v| v.cloned())
}

/// Calls `f` with the value of a field, without cloning it.
pub fn with_value<R>(key: &str, f: impl FnOnce(Option<&Value>) -> R) -> R {
    STACK.with(|s| {
        let Ok(s) = s.try_borrow() else {
            return f(None);
        };
        for frame in s.iter().rev() {
            match &frame.scope {
                FrameFields::Fields(fields) => {
                    if let Some((_, v)) = fields.iter().rev().find(|(k, _)| k == key) {
                        return f(Some(v));
                    }
                }
                FrameFields::Span(span) => {
                    let mut node = Some(span);
                    while let Some(n) = node {
                        let fields = n.fields.load();
                        if let Some((_, v)) = fields.iter().rev().find(|(k, _)| k == key) {
                            return f(Some(v));
                        }
                        node = n.parent.as_ref();
                    }
                }
            }
        }
        f(None)
    })
}

/// Every field in the current context, outer scopes first, each key once (the
/// innermost value).
pub fn snapshot() -> Vec<(String, Value)> {
    STACK.with(|s| {
        let mut out: Vec<(String, Value)> = Vec::new();
        if let Ok(s) = s.try_borrow() {
            for frame in s.iter() {
                frame.merge_into(&mut out);
            }
        }
        out
    })
}

/// True when `f` is true for some field of the thread's context (shadowed ones too),
/// without copying any.
pub fn any_field(mut f: impl FnMut(&str, &Value) -> bool) -> bool {
    any_part(|part| match part {
        Part::Scope(fields) => fields.iter().any(|(k, v)| f(k, v)),
        Part::SpanField(k, v) => f(k, v),
    })
}

/// A part of the thread's context, for [`any_part`].
pub enum Part<'a> {
    /// The fields of one scope ([`set`], [`set_shared`]): they never change while
    /// shared.
    Scope(&'a Fields),
    /// One field of an entered `tracing` span (a span's fields can change).
    SpanField(&'a str, &'a Value),
}

/// True when `f` is true for some part of the thread's context, without copying any.
pub fn any_part(mut f: impl FnMut(Part<'_>) -> bool) -> bool {
    STACK.with(|s| {
        let Ok(s) = s.try_borrow() else {
            return false;
        };
        s.iter().any(|frame| match &frame.scope {
            FrameFields::Fields(fields) => f(Part::Scope(fields)),
            FrameFields::Span(span) => {
                let mut node = Some(span);
                while let Some(n) = node {
                    if n.fields
                        .load()
                        .iter()
                        .any(|(k, v)| f(Part::SpanField(k, v)))
                    {
                        return true;
                    }
                    node = n.parent.as_ref();
                }
                false
            }
        })
    })
}

/// True when no field is set (the fast path of formatting).
pub fn is_empty() -> bool {
    STACK.with(|s| s.try_borrow().map_or(true, |s| s.is_empty()))
}

/// The fields of the current context as one scope, to carry into another thread or task.
pub fn current() -> Fields {
    Arc::new(snapshot())
}

pin_project_lite::pin_project! {
    /// A future that has its context fields set on every poll, on whatever thread polls it.
    pub struct WithContext<F> {
        #[pin]
        inner: F,
        fields: Fields,
    }
}

impl<F: Future> Future for WithContext<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<F::Output> {
        let this = self.project();
        let _g = push(this.fields.clone());
        this.inner.poll(cx)
    }
}

/// Wraps futures with context fields.
pub trait FutureExt: Future + Sized {
    /// Sets these fields while the future runs (across every `.await`).
    fn with_context<I, K>(self, fields: I) -> WithContext<Self>
    where
        I: IntoIterator<Item = (K, Value)>,
        K: Into<String>,
    {
        WithContext {
            inner: self,
            fields: to_fields(fields),
        }
    }

    /// Carries the current thread's context into the future (for spawned tasks).
    fn in_current_context(self) -> WithContext<Self> {
        WithContext {
            inner: self,
            fields: current(),
        }
    }
}

impl<F: Future> FutureExt for F {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_nest_and_unwind() {
        assert!(is_empty());
        let _a = set([("request_id", Value::from("r1")), ("user_id", 7.into())]);
        {
            let _b = set([("request_id", Value::from("r2"))]);
            assert_eq!(get("request_id"), Some(Value::from("r2")));
            assert_eq!(get("user_id"), Some(Value::Int(7)));
            assert_eq!(snapshot().len(), 2);
        }
        assert_eq!(get("request_id"), Some(Value::from("r1")));
        drop(_a);
        assert!(is_empty());
    }

    #[test]
    fn scopes_ended_out_of_order_remove_their_own_fields() {
        let a = set([("a", Value::from(1))]);
        let b = set([("b", Value::from(2))]);
        drop(a);
        assert_eq!(get("a"), None);
        assert_eq!(get("b"), Some(Value::Int(2)));
        drop(b);
        assert!(is_empty());
    }
}
