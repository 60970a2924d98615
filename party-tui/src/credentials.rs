//! Remembers the refresh token per server, so quitting and starting again
//! (or a crash) puts the player back where they were.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where a player's refresh token is kept between visits: the data
/// directory for someone at this terminal, a key-bound record for a player
/// over SSH (see `ssh::identity`).
pub trait TokenStore: Send + Sync + std::fmt::Debug {
    /// The saved refresh token for `server`, if any.
    fn load(&self, server: &str) -> Option<String>;
    /// Saves (or replaces) the refresh token for `server`.
    fn save(&self, server: &str, refresh_token: &str) -> std::io::Result<()>;
}

/// The credentials file of one data directory.
#[derive(Debug, Clone)]
pub struct DirTokens(pub PathBuf);

impl TokenStore for DirTokens {
    fn load(&self, server: &str) -> Option<String> {
        load(&self.0, server)
    }

    fn save(&self, server: &str, refresh_token: &str) -> std::io::Result<()> {
        save(&self.0, server, refresh_token)
    }
}

/// The credentials file in a data directory.
pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("credentials.json")
}

/// The saved refresh token for `server`, if any.
pub fn load(data_dir: &Path, server: &str) -> Option<String> {
    let text = std::fs::read_to_string(path(data_dir)).ok()?;
    let map: BTreeMap<String, String> = serde_json::from_str(&text).ok()?;
    map.get(server).cloned()
}

/// Saves (or replaces) the refresh token for `server`; the file is private to the user.
pub fn save(data_dir: &Path, server: &str, refresh_token: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(data_dir)?;
    let file = path(data_dir);
    let mut map: BTreeMap<String, String> = std::fs::read_to_string(&file)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    map.insert(server.to_owned(), refresh_token.to_owned());
    std::fs::write(
        &file,
        serde_json::to_string_pretty(&map).unwrap_or_default(),
    )?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// The last party this data directory played on `server` (for headless
/// `results` after the party has ended).
pub fn save_last_party(
    data_dir: &Path,
    server: &str,
    session: party_protocol::SessionId,
) -> std::io::Result<()> {
    std::fs::create_dir_all(data_dir)?;
    let file = data_dir.join("last-party.json");
    let mut map: BTreeMap<String, String> = std::fs::read_to_string(&file)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    map.insert(server.to_owned(), session.to_string());
    std::fs::write(
        &file,
        serde_json::to_string_pretty(&map).unwrap_or_default(),
    )
}

pub fn load_last_party(data_dir: &Path, server: &str) -> Option<party_protocol::SessionId> {
    let text = std::fs::read_to_string(data_dir.join("last-party.json")).ok()?;
    let map: BTreeMap<String, String> = serde_json::from_str(&text).ok()?;
    map.get(server)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_kept_per_server() {
        let dir = std::env::temp_dir().join(format!("qf-cred-{}", std::process::id()));
        save(&dir, "http://a", "one").unwrap();
        save(&dir, "http://b", "two").unwrap();
        save(&dir, "http://a", "three").unwrap();
        assert_eq!(load(&dir, "http://a").as_deref(), Some("three"));
        assert_eq!(load(&dir, "http://b").as_deref(), Some("two"));
        assert_eq!(load(&dir, "http://c"), None);
        let _ = std::fs::remove_dir_all(dir);
    }
}
