fn main() -> std::process::ExitCode {
    platc::cli::main()
}
