//! The `platc` binary: the allocator and its settings, then the CLI (`platc::cli`).

// A render allocates millions of small strings and maps (every key of every rendered
// object) and frees them from several threads; glibc's allocator spent about a quarter of a
// 1,000-cluster render in malloc and free. mimalloc (Microsoft's, in Rust since 2019, used by
// e.g. Deno and Polars) keeps per-thread free lists and cut that share to a few percent
// (bench/run.py, README "Performance"). Its settings for a short-lived process are in
// `platc::allocator`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    platc::allocator::configure();
    platc::cli::main()
}
