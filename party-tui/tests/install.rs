//! The README's install lines, run for real: `cargo install --locked
//! --profile dist --path party-tui` and `--path party-server` into a
//! temporary root, then the installed programs answer `--version` and print
//! their completions.
//!
//! Ignored by default: it builds both programs from scratch with the `dist`
//! profile (fat LTO), which takes many minutes. Run it with
//! `cargo test -p party-tui --test install -- --ignored`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;
use std::time::Instant;

fn cargo_install(workspace: &Path, package: &str, root: &Path) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let started = Instant::now();
    let status = Command::new(cargo)
        .args(["install", "--locked", "--profile", "dist", "--path"])
        .arg(workspace.join(package))
        .arg("--root")
        .arg(root)
        // Both installs share one build directory inside the temporary
        // root, so the second reuses the first one's dependencies and
        // nothing is left behind.
        .arg("--target-dir")
        .arg(root.join("build"))
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .expect("run cargo install");
    assert!(status.success(), "cargo install {package} failed: {status}");
    eprintln!("installed {package} in {:.0?}", started.elapsed());
}

fn run(bin: &Path, args: &[&str]) -> String {
    let out = Command::new(bin)
        .args(args)
        .output()
        .expect("run installed binary");
    assert!(out.status.success(), "{} {args:?}: {out:?}", bin.display());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
#[ignore = "builds both programs from scratch with the dist profile (many minutes)"]
fn both_programs_install_with_cargo_install() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let root = tempfile::tempdir().unwrap();
    for package in ["party-tui", "party-server"] {
        cargo_install(workspace, package, root.path());
    }
    for name in ["party-tui", "party-server"] {
        let bin = root.path().join("bin").join(name);
        let size = std::fs::metadata(&bin).map_or(0, |m| m.len());
        eprintln!("{name}: {:.1} MiB", size as f64 / (1024.0 * 1024.0));
        let version = run(&bin, &["--version"]);
        assert_eq!(
            version.trim(),
            format!("{name} {}", env!("CARGO_PKG_VERSION"))
        );
        // Bash completion functions spell `-` as `__`.
        let function = format!("_{}()", name.replace('-', "__"));
        assert!(run(&bin, &["completions", "bash"]).contains(&function));
    }
}
