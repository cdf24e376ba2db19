#![no_main]
//! Fuzz target `output`: see `fuzz/src/targets.rs`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| platc_fuzz::output(data));
