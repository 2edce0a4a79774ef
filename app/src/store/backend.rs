//! Raw string storage: the browser's local storage, or (in tests) a map in memory.

use super::StoreError;

/// Raw string storage, keyed by full key names.
pub trait Backend {
    fn get(&self, key: &str) -> Option<String>;
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError>;
    fn remove(&self, key: &str);
    fn keys(&self) -> Vec<String>;
    /// How many keys there are in all, without listing them.
    fn key_count(&self) -> usize;
}

/// The browser's `localStorage`.
#[derive(Debug, Clone, Copy, Default)]
pub struct BrowserBackend;

impl BrowserBackend {
    fn storage() -> web_sys::Storage {
        use gloo_storage::Storage as _;
        gloo_storage::LocalStorage::raw()
    }
}

impl Backend for BrowserBackend {
    fn get(&self, key: &str) -> Option<String> {
        Self::storage().get_item(key).ok().flatten()
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        Self::storage().set_item(key, value).map_err(|e| {
            let name = js_sys::Reflect::get(&e, &"name".into())
                .ok()
                .and_then(|n| n.as_string())
                .unwrap_or_default();
            // Firefox used its own name for the same condition.
            if name == "QuotaExceededError" || name == "NS_ERROR_DOM_QUOTA_REACHED" {
                StoreError::QuotaExceeded
            } else {
                StoreError::Unavailable(name)
            }
        })
    }

    fn remove(&self, key: &str) {
        let _ = Self::storage().remove_item(key);
    }

    fn keys(&self) -> Vec<String> {
        let s = Self::storage();
        let n = s.length().unwrap_or(0);
        (0..n).filter_map(|i| s.key(i).ok().flatten()).collect()
    }

    fn key_count(&self) -> usize {
        Self::storage().length().unwrap_or(0) as usize
    }
}

#[cfg(test)]
pub mod memory {
    use super::super::StoreError;
    use super::Backend;
    use std::cell::{Cell, RefCell};
    use std::collections::BTreeMap;

    /// An in-memory backend that can be given a quota, to test the full-storage paths, and
    /// counts reads and writes, to test what a save costs.
    #[derive(Default)]
    pub struct MemoryBackend {
        pub map: RefCell<BTreeMap<String, String>>,
        pub quota: Option<usize>,
        pub writes: Cell<usize>,
        pub reads: Cell<usize>,
    }

    impl MemoryBackend {
        fn used_without(&self, key: &str) -> usize {
            self.map
                .borrow()
                .iter()
                .filter(|(k, _)| k.as_str() != key)
                .map(|(k, v)| k.len() + v.len())
                .sum()
        }
    }

    impl Backend for MemoryBackend {
        fn get(&self, key: &str) -> Option<String> {
            self.reads.set(self.reads.get() + 1);
            self.map.borrow().get(key).cloned()
        }
        fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
            if let Some(q) = self.quota
                && self.used_without(key) + key.len() + value.len() > q
            {
                return Err(StoreError::QuotaExceeded);
            }
            self.writes.set(self.writes.get() + 1);
            self.map.borrow_mut().insert(key.into(), value.into());
            Ok(())
        }
        fn remove(&self, key: &str) {
            self.map.borrow_mut().remove(key);
        }
        fn keys(&self) -> Vec<String> {
            self.map.borrow().keys().cloned().collect()
        }
        fn key_count(&self) -> usize {
            self.map.borrow().len()
        }
    }
}
