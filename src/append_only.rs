//! A map that only grows: an entry is added once and is never replaced or removed
//! while the map lives, so a reference to an entry lives as long as the map does.
//!
//! The router keeps its routes in one, and each thread remembers its last route as a
//! [`Token`]: a token is honoured only by the map that issued it (maps have ids that
//! are never reused), so a token outliving its map, or met by another map, is simply
//! not found. Soundness rests on this module alone: nothing here removes or replaces
//! an entry, and entries are boxed (a rehash moves the box, not the value).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::sync::RwLock;

/// The id the next map gets (ids are never reused in a process; a forked child goes
/// on from its parent's count, past every map it inherited).
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A map from text keys to values that only grows.
pub struct AppendOnly<V> {
    id: u64,
    entries: RwLock<HashMap<Box<str>, Box<V>>>,
}

/// Where one entry of one map is; see [`AppendOnly::by_token`].
pub struct Token<V> {
    map: u64,
    entry: *const V,
}

impl<V> Clone for Token<V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<V> Copy for Token<V> {}

impl<V> Default for AppendOnly<V> {
    fn default() -> Self {
        AppendOnly {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            entries: RwLock::new(HashMap::new()),
        }
    }
}

impl<V> AppendOnly<V> {
    fn token(&self, value: &V) -> Token<V> {
        Token {
            map: self.id,
            entry: value,
        }
    }

    /// The entry for `key`, if there is one, with its token.
    pub fn get(&self, key: &str) -> Option<(&V, Token<V>)> {
        let entries = self.entries.read();
        let value: *const V = &**entries.get(key)?;
        // SAFETY: the box behind `value` stays where it is, unreplaced and unremoved,
        // until `self` is dropped (nothing in this module removes or replaces an
        // entry), and the returned reference borrows `self`.
        let value = unsafe { &*value };
        Some((value, self.token(value)))
    }

    /// The entry for `key`, made with `make` the first time (when two threads race,
    /// the first entry added is kept and the other value dropped).
    pub fn get_or_insert_with(&self, key: &str, make: impl FnOnce() -> V) -> (&V, Token<V>) {
        if let Some(found) = self.get(key) {
            return found;
        }
        let made = Box::new(make());
        let mut entries = self.entries.write();
        let value: *const V = &**entries.entry(key.into()).or_insert(made);
        // SAFETY: as in `get`.
        let value = unsafe { &*value };
        (value, self.token(value))
    }

    /// The entry a token names, if this map issued it (None for another map's).
    pub fn by_token(&self, token: Token<V>) -> Option<&V> {
        // SAFETY: a token of this map points at one of its entries (made by `get` or
        // `get_or_insert_with` on `self`), which lives as long as `self`.
        (token.map == self.id).then(|| unsafe { &*token.entry })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_stay_put_while_the_map_grows_and_tokens_are_per_map() {
        let map: AppendOnly<String> = AppendOnly::default();
        let (first, token) = map.get_or_insert_with("a", || "A".to_string());
        let first: *const String = first;
        for i in 0..10_000 {
            map.get_or_insert_with(&i.to_string(), || i.to_string());
        }
        let (again, _) = map.get_or_insert_with("a", || "not this".to_string());
        assert!(std::ptr::eq(first, again));
        assert_eq!(map.by_token(token).map(String::as_str), Some("A"));
        let other: AppendOnly<String> = AppendOnly::default();
        assert!(other.by_token(token).is_none());
        assert_eq!(map.entries.read().len(), 10_001);
    }
}
