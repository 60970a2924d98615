//! SSH keys as player identities, and the host key.
//!
//! The game server knows accounts and tokens, not SSH keys, so the host
//! command keeps the binding itself: one file, `ssh/identities.json` in its
//! data directory (mode 0600), maps a key's SHA-256 fingerprint to the
//! refresh token of the account that key signed in as, per server URL. No
//! password is ever stored: a player who registers or signs in over SSH
//! types the password into the client, which sends it to the server once;
//! what is kept is the token the server hands back. The token rotates on
//! every refresh, and the file follows it (on sign-in and at the end of each
//! visit). Whoever can read the host's data directory can act as its SSH
//! players, as anyone with a player's `credentials.json` can: the file is
//! private to the host's user. A key whose token has expired or was revoked
//! lands on the sign-in screen again, and signing in binds it anew.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use russh::keys::ssh_key::private::Ed25519Keypair;
use russh::keys::ssh_key::{HashAlg, LineEnding, PrivateKey, PublicKey};

use crate::credentials::TokenStore;

/// A key's identity: its SHA-256 fingerprint as `ssh-keygen -l` prints it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fingerprint(String);

impl Fingerprint {
    pub fn of(key: &PublicKey) -> Self {
        Fingerprint(key.fingerprint(HashAlg::Sha256).to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// server URL → key fingerprint → refresh token.
type Table = BTreeMap<String, BTreeMap<String, String>>;

/// The key bindings file; one per host command, shared by its sessions.
#[derive(Debug)]
pub struct Identities {
    file: PathBuf,
    /// Sessions save concurrently; each read-modify-write holds this.
    lock: Mutex<()>,
}

impl Identities {
    /// The bindings kept under `data_dir` (the file appears on first save).
    pub fn open(data_dir: &Path) -> Arc<Self> {
        Arc::new(Identities {
            file: data_dir.join("ssh").join("identities.json"),
            lock: Mutex::new(()),
        })
    }

    fn read(&self) -> Table {
        std::fs::read_to_string(&self.file)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    }

    /// The token bound to `key` on `server`.
    pub fn token(&self, server: &str, key: &Fingerprint) -> Option<String> {
        let _guard = self
            .lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.read().get(server)?.get(key.as_str()).cloned()
    }

    /// Binds `key` to the account `refresh_token` belongs to.
    pub fn bind(
        &self,
        server: &str,
        key: &Fingerprint,
        refresh_token: &str,
    ) -> std::io::Result<()> {
        let _guard = self
            .lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut table = self.read();
        table
            .entry(server.to_owned())
            .or_default()
            .insert(key.as_str().to_owned(), refresh_token.to_owned());
        let text = serde_json::to_string_pretty(&table).map_err(std::io::Error::other)?;
        write_private(&self.file, text.as_bytes())
    }

    /// The token store of one player's visit to `server`: the name the
    /// game server is kept under, which must outlive a restart (the
    /// embedded server's URL changes with its port, so it is `local`).
    pub fn for_key(self: &Arc<Self>, server: &str, key: Fingerprint) -> KeyTokens {
        KeyTokens {
            identities: Arc::clone(self),
            server: server.to_owned(),
            key,
        }
    }
}

/// One key's sign-in, as the client's effects keep it.
#[derive(Debug)]
pub struct KeyTokens {
    identities: Arc<Identities>,
    server: String,
    key: Fingerprint,
}

impl TokenStore for KeyTokens {
    fn load(&self, _url: &str) -> Option<String> {
        self.identities.token(&self.server, &self.key)
    }

    fn save(&self, _url: &str, refresh_token: &str) -> std::io::Result<()> {
        self.identities.bind(&self.server, &self.key, refresh_token)
    }
}

/// Writes a file only its owner can read, replacing it whole (a crash
/// mid-write leaves the old file, not half a new one).
fn write_private(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = file.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    {
        use std::io::Write;
        let mut f = options.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, file)
}

/// The host key in `data_dir/ssh/host_ed25519`, made on first use and
/// kept, so players' `known_hosts` stay valid across restarts.
pub fn host_key(data_dir: &Path) -> anyhow::Result<PrivateKey> {
    let file = data_dir.join("ssh").join("host_ed25519");
    if let Ok(text) = std::fs::read_to_string(&file) {
        return PrivateKey::from_openssh(text)
            .map_err(|e| anyhow::anyhow!("cannot read the host key {}: {e}", file.display()));
    }
    let seed: [u8; 32] = rand::random();
    let key = PrivateKey::from(Ed25519Keypair::from_seed(&seed));
    let text = key
        .to_openssh(LineEnding::LF)
        .map_err(|e| anyhow::anyhow!("cannot encode the host key: {e}"))?;
    write_private(&file, text.as_bytes())?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> PublicKey {
        PrivateKey::from(Ed25519Keypair::from_seed(&[seed; 32]))
            .public_key()
            .clone()
    }

    #[test]
    fn a_key_is_bound_to_its_own_token_per_server() {
        let dir = tempfile::tempdir().unwrap();
        let ids = Identities::open(dir.path());
        let (a, b) = (Fingerprint::of(&key(1)), Fingerprint::of(&key(2)));
        assert_ne!(a, b);
        assert!(a.as_str().starts_with("SHA256:"));
        assert_eq!(ids.token("http://s", &a), None);
        ids.bind("http://s", &a, "token-a").unwrap();
        ids.bind("http://s", &b, "token-b").unwrap();
        ids.bind("http://other", &a, "token-a2").unwrap();
        assert_eq!(ids.token("http://s", &a).as_deref(), Some("token-a"));
        assert_eq!(ids.token("http://s", &b).as_deref(), Some("token-b"));
        assert_eq!(ids.token("http://other", &a).as_deref(), Some("token-a2"));
        assert_eq!(ids.token("http://other", &b), None);
        // A rotated token replaces the old one; a reopened file still knows it.
        ids.for_key("http://s", a.clone())
            .save("http://127.0.0.1:1", "token-a3")
            .unwrap();
        let again = Identities::open(dir.path());
        // Kept under the name given, whatever URL the client reached it at.
        let tokens = again.for_key("http://s", a);
        assert_eq!(
            tokens.load("http://127.0.0.1:2").as_deref(),
            Some("token-a3")
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_bindings_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let ids = Identities::open(dir.path());
        ids.bind("http://s", &Fingerprint::of(&key(3)), "t")
            .unwrap();
        let mode = std::fs::metadata(dir.path().join("ssh/identities.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn the_host_key_is_made_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let first = host_key(dir.path()).unwrap();
        let second = host_key(dir.path()).unwrap();
        assert_eq!(first.public_key(), second.public_key());
        let other = tempfile::tempdir().unwrap();
        assert_ne!(
            host_key(other.path()).unwrap().public_key(),
            first.public_key()
        );
    }
}
