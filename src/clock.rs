//! The time logconf reads: the system clock, or a time set by a test so that time
//! rotation can be checked without waiting.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const NONE: i64 = i64::MIN;
static FIXED_NANOS: AtomicI64 = AtomicI64::new(NONE);

/// The current time: the system clock unless a test has set one.
pub fn now() -> SystemTime {
    match FIXED_NANOS.load(Ordering::Relaxed) {
        NONE => SystemTime::now(),
        n if n >= 0 => UNIX_EPOCH + Duration::from_nanos(n as u64),
        n => UNIX_EPOCH - Duration::from_nanos(n.unsigned_abs()),
    }
}

/// Whole seconds since the epoch of [`now`].
pub fn now_secs() -> i64 {
    secs(now())
}

/// Whole seconds since the epoch of `t` (negative before 1970).
pub fn secs(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs_f64().ceil() as i64),
    }
}

/// Sets the time every logconf clock reads (None: back to the system clock). For tests
/// of time rotation; it affects the whole process.
#[doc(hidden)]
pub fn set_for_tests(t: Option<SystemTime>) {
    let n = match t {
        None => NONE,
        Some(t) => match t.duration_since(UNIX_EPOCH) {
            Ok(d) => d.as_nanos().min(i64::MAX as u128) as i64,
            Err(e) => -(e.duration().as_nanos().min(i64::MAX as u128 - 1) as i64),
        },
    };
    FIXED_NANOS.store(n, Ordering::Relaxed);
}
