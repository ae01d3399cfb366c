//! `ward`: score payments, check rules, build and inspect bundles, run the server.

mod cli;

/// The server allocates and frees many small objects per request (JSON values, field names);
/// mimalloc does that markedly faster than the system allocator under concurrency.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
