use std::process::ExitCode;

fn main() -> ExitCode {
    glasshouse::cli::main()
}
