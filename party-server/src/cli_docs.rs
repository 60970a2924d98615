//! Shell completions and man pages, generated from a program's own clap
//! definition so they can never drift from its flags. Both binaries
//! (`party-server` and `party-tui`) take the same two subcommands; this
//! module holds them so neither program carries a copy.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::Subcommand;
use clap_complete::Shell;

/// The subcommands that describe the program instead of running it.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum DocsCommand {
    /// Print shell completions for SHELL (bash, zsh, fish, elvish, powershell) to stdout.
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the man page (roff) to stdout, or with --dir write one page per
    /// subcommand into DIR.
    Man {
        /// Write `NAME.1`, `NAME-SUBCOMMAND.1`, … into this directory.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

impl DocsCommand {
    /// Renders the completions or man page of `command` (the program's full
    /// definition) and writes them to `out`, or to files for `man --dir`.
    ///
    /// The text is rendered into memory first: the generators panic on a
    /// failed write, and stdout can be a closed pipe (`| head`), which has
    /// to be an error rather than a crash.
    pub fn run(&self, command: clap::Command, out: &mut dyn Write) -> io::Result<()> {
        match self {
            DocsCommand::Completions { shell } => {
                let mut command = command;
                let name = command.get_name().to_owned();
                let mut text = Vec::new();
                clap_complete::generate(*shell, &mut command, name, &mut text);
                out.write_all(&text)?;
            }
            DocsCommand::Man { dir: None } => {
                let mut text = Vec::new();
                clap_mangen::Man::new(command).render(&mut text)?;
                out.write_all(&text)?;
            }
            DocsCommand::Man { dir: Some(dir) } => {
                std::fs::create_dir_all(dir)?;
                clap_mangen::generate_to(command, dir)?;
                writeln!(out, "man pages written to {}", dir.display())?;
            }
        }
        out.flush()
    }
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::*;

    /// A stand-in program with one flag and one subcommand of its own.
    #[derive(Debug, Parser)]
    #[command(name = "demo", about = "A demo program.")]
    struct Demo {
        #[arg(long)]
        loud: bool,
        #[command(subcommand)]
        command: Option<DemoCommand>,
    }

    #[derive(Debug, Subcommand)]
    enum DemoCommand {
        /// Does a thing.
        Frobnicate,
        #[command(flatten)]
        Docs(DocsCommand),
    }

    fn render(docs: &DocsCommand) -> String {
        let mut out = Vec::new();
        docs.run(Demo::command(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn completions_name_the_flags_and_subcommands() {
        let bash = render(&DocsCommand::Completions { shell: Shell::Bash });
        assert!(bash.contains("_demo()"), "{bash}");
        assert!(bash.contains("--loud"));
        assert!(bash.contains("frobnicate"));
        assert!(bash.contains("completions"));
    }

    #[test]
    fn man_page_lists_the_subcommands() {
        let page = render(&DocsCommand::Man { dir: None });
        assert!(page.starts_with(".ie"), "{page}");
        assert!(page.contains(".TH demo 1"));
        assert!(page.contains("frobnicate"));
        assert!(page.contains("A demo program."));
    }

    #[test]
    fn man_dir_writes_a_page_per_subcommand() {
        let dir = tempfile::tempdir().unwrap();
        let docs = DocsCommand::Man {
            dir: Some(dir.path().join("man1")),
        };
        render(&docs);
        for page in ["demo.1", "demo-frobnicate.1", "demo-man.1"] {
            let path = dir.path().join("man1").join(page);
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(text.contains(".TH"), "{} missing or empty", path.display());
        }
    }

    #[test]
    fn subcommands_parse_from_the_command_line() {
        let demo = Demo::try_parse_from(["demo", "completions", "zsh"]).unwrap();
        assert!(matches!(
            demo.command,
            Some(DemoCommand::Docs(DocsCommand::Completions {
                shell: Shell::Zsh
            }))
        ));
        assert!(Demo::try_parse_from(["demo", "completions", "tcsh"]).is_err());
    }
}
