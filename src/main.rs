// A render allocates millions of small strings and maps (every key of every rendered
// object) and frees them from several threads; glibc's allocator spent about a quarter of a
// 1,000-cluster render in malloc and free. mimalloc (Microsoft's, in Rust since 2019, used by
// e.g. Deno and Polars) keeps per-thread free lists and cut that share to a few percent
// (bench/run.py, README "Performance"). Built without transparent huge pages (`no_thp`):
// with them, every 2 MiB page mimalloc touched (and touched again after returning it to the
// kernel) was zeroed whole, about an eighth of a 1,000-cluster render's CPU.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    platc::cli::main()
}
