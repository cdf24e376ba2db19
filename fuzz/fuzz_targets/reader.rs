#![no_main]
//! Fuzz target `reader`: see `fuzz/src/targets.rs`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| platc_fuzz::reader(data));
