//! A process-wide cache of values made once per key: compiled regexes of overlay targets and
//! schema patterns, parsed CEL rules. Values are made outside the lock, so a slow one never
//! makes a caller of another key wait; two threads making one key keep the first result, so
//! what a caller gets never depends on timing.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

/// Values by key, for a `static`.
pub struct Memo<T>(Mutex<BTreeMap<String, T>>);

impl<T: Clone> Memo<T> {
    pub const fn new() -> Self {
        Memo(Mutex::new(BTreeMap::new()))
    }

    /// The value for `key`, made by `make` the first time it is asked for.
    pub fn get_or(&self, key: &str, make: impl FnOnce() -> T) -> T {
        // A panic elsewhere while the lock was held leaves the map whole: keep using it.
        let lock = || self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(found) = lock().get(key) {
            return found.clone();
        }
        let made = make();
        lock().entry(key.to_string()).or_insert(made).clone()
    }
}

impl<T: Clone> Default for Memo<T> {
    fn default() -> Self {
        Memo::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_made_once_per_key() {
        static MEMO: Memo<usize> = Memo::new();
        let made = std::cell::Cell::new(0);
        let make = || {
            made.set(made.get() + 1);
            made.get()
        };
        assert_eq!(MEMO.get_or("a", make), 1);
        assert_eq!(MEMO.get_or("a", make), 1);
        assert_eq!(MEMO.get_or("b", make), 2);
        assert_eq!(made.get(), 2);
    }
}
