//! Password hashing with argon2.
//!
//! A hash costs ~20 ms of CPU, so it runs on the blocking pool, and a
//! semaphore caps how many run at once: a burst of logins cannot starve the
//! async workers or queue unbounded work.

use std::sync::Arc;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use tokio::sync::Semaphore;

use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
}

/// Verified against when the account does not exist, so a failed login
/// takes as long whether or not the username is known.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$QEYrJdDvsQx5a1F4Tz8vYt9Qh7QxUeiXmS1FJbbRfVQ";

impl PasswordHasher {
    pub fn new(max_parallel: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(max_parallel.max(1))),
        }
    }

    pub async fn hash(&self, password: String) -> Result<String> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| Error::internal("hasher closed"))?;
        tokio::task::spawn_blocking(move || {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| Error::internal(format!("hashing failed: {e}")))
        })
        .await
        .map_err(|e| Error::internal(format!("hash task failed: {e}")))?
    }

    /// Checks `password` against `stored` (or against a dummy when `None`).
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| Error::internal("hasher closed"))?;
        let known = stored.is_some();
        tokio::task::spawn_blocking(move || {
            let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_owned());
            let ok = PasswordHash::new(&stored).is_ok_and(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            });
            ok && known
        })
        .await
        .map_err(|e| Error::internal(format!("verify task failed: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_never_contain_the_password() {
        let hasher = PasswordHasher::new(2);
        let hash = hasher.hash("correct horse".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(!hash.contains("correct horse"));
        assert!(
            hasher
                .verify("correct horse".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify("wrong horse".into(), Some(hash))
                .await
                .unwrap()
        );
        assert!(!hasher.verify("anything".into(), None).await.unwrap());
    }
}
