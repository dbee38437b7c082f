//! Link settings for the `baogao` binary.
//!
//! Every search is a new process, so start-up is part of every query's
//! time (issue 13: within 1 ms of `/bin/true`). A position-independent
//! executable (PIE, rustc's default on Linux) has the dynamic loader apply
//! about 39,000 relative relocations at each start — vtables, panic
//! locations and string tables of tantivy, jieba, the document readers —
//! which writes to, and so faults in, about 200 pages. Linked as a plain
//! executable the same binary starts with 185 page faults instead of 380,
//! and `baogao --version` takes 1.2 ms instead of 1.6–1.8 ms (`/bin/true`:
//! 0.6 ms), measured with `perf stat -r 200` and `hyperfine -N -r 400`;
//! packing the relocations (`-z pack-relative-relocs`) saved nothing,
//! since the pages they touch are faulted in either way.
//!
//! The price is that the executable's own code and data load at a fixed
//! address (shared libraries, stack and heap stay randomised). Set
//! `BAOGAO_PIE=1` when building to keep the platform's PIE default.
//!
//! Only `bin` targets are affected: the objects are still compiled
//! position-independent, so tests, examples and benches link as usual.

fn main() {
    println!("cargo::rerun-if-env-changed=BAOGAO_PIE");
    println!("cargo::rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    let keep_pie = std::env::var_os("BAOGAO_PIE").is_some_and(|v| v != "0" && !v.is_empty());
    // GNU toolchains on Linux take -no-pie; other targets keep their
    // defaults (musl builds are static, macOS and Windows differ).
    if os == "linux" && env == "gnu" && !keep_pie {
        println!("cargo::rustc-link-arg-bins=-no-pie");
    }
}
