//! The allocator's settings for a process that lives for milliseconds to seconds: memory
//! is taken in transparent huge pages (where the kernel offers them on request) and never
//! handed back before exit.
//!
//! Why: a reference render touches ~5 MB of fresh heap. In 4 KiB pages that is ~1,300 page
//! faults at ~1.7 µs each on this VM (the kernel allocates, zeroes and charges each page);
//! in 2 MiB pages it is a handful of faults, each zeroing a whole page at memory speed
//! (`bench/run.py`, README "Performance": fewer faults by a factor of four, less CPU). What
//! made huge pages costly before was mimalloc's purging: pages returned to the kernel after
//! a second and touched again were zeroed again, 2 MiB at a time, all through a
//! 1,000-cluster render. A compiler run ends soon after its peak, so nothing is purged:
//! the memory goes back to the kernel when the process exits.

/// mimalloc's option `purge_delay` (`mi_option_purge_delay` in `mimalloc.h` of the pinned
/// libmimalloc-sys; the Rust bindings name only the first options, "for stability"). The
/// test below holds it to the option's documented default.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Applies the settings; called first thing in `main`, before any other thread exists
/// (mimalloc's option setter is not thread-safe).
///
/// The crate denies `unsafe` everywhere else; this call into mimalloc's C API is the one
/// exception (its bindings are unsafe by declaration, there is no safe setter).
#[allow(unsafe_code)]
pub fn configure() {
    // SAFETY: a plain setter of a C global, called before any other thread is started.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) };
}

#[cfg(test)]
mod tests {
    /// Option 15 is `purge_delay`: its default is 1,000 ms (`options.c`), unless the
    /// environment sets `MIMALLOC_PURGE_DELAY`.
    #[test]
    #[allow(unsafe_code)]
    fn purge_delay_is_the_option_set() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: a plain getter of a C global.
        let value = unsafe { libmimalloc_sys::mi_option_get(super::PURGE_DELAY) };
        assert_eq!(value, 1000);
    }
}
