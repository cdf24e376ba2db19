//! Work started early on a thread of its own, whose result a later stage will need: the
//! schemas a render validates against compile while the blueprint is read and the clusters
//! generated. Only work behind a `OnceLock` (or another cache that makes a second caller
//! wait or reuse) goes here, so a result never depends on timing; the thread is detached and
//! dies with the process if it is not done by then.
//!
//! Not rayon's pool: its two workers (one per core here) run the render's parallel stages,
//! and a long compile queued there would make those stages wait behind it.

/// Runs `work` on a new detached thread; if no thread can be made, the work is simply left
/// to whoever needs its result first.
pub fn prepare(name: &str, work: impl FnOnce() + Send + 'static) {
    let _ = std::thread::Builder::new()
        .name(format!("platc-{name}"))
        .spawn(work);
}
