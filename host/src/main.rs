//! `ward`: score payments, check rules, build and inspect bundles.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
