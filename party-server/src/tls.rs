//! HTTPS and WSS served by the server itself (`--tls-cert`/`--tls-key`).
//!
//! The certificate lives behind a resolver that rustls asks once per
//! handshake, so replacing it (on SIGHUP) changes what new connections see
//! while connections already open keep the session they negotiated: a
//! renewed certificate never drops a player's socket.
//!
//! Handshakes run in each connection's own task (`crate::net`), off the
//! accept loop: a client that stalls mid-handshake delays nobody else, and
//! is dropped after [`HANDSHAKE_TIMEOUT`].

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;
use tokio_util::sync::CancellationToken;

use crate::error::{Error, Result};

/// A client gets this long to finish its handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Where the certificate chain and its private key are read from (PEM).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// The ring provider, named once: the only crypto this server links.
/// rustls marks it deprecated because ring has no post-quantum key
/// exchange; the project takes ring anyway, for a build that needs no
/// cmake or assembler (aws-lc-rs would), and classic X25519/ECDHE.
#[allow(deprecated)]
fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The certificate the server presents, replaced whole by [`CertStore::reload`].
#[derive(Debug)]
pub struct CertStore {
    files: TlsFiles,
    current: RwLock<Arc<CertifiedKey>>,
}

impl CertStore {
    /// Reads and checks the files; fails if either is missing, empty,
    /// unreadable, or the key does not belong to the certificate.
    pub fn load(files: TlsFiles) -> Result<Self> {
        let key = read_pair(&files)?;
        Ok(Self {
            files,
            current: RwLock::new(Arc::new(key)),
        })
    }

    /// Reads the files again. On any error the certificate in use stays,
    /// so a half-written renewal cannot take the server off the air.
    pub fn reload(&self) -> Result<()> {
        let key = read_pair(&self.files)?;
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(key);
        Ok(())
    }

    fn current(&self) -> Arc<CertifiedKey> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// A rustls server configuration that asks this store on every handshake.
    pub fn server_config(self: &Arc<Self>) -> Result<Arc<rustls::ServerConfig>> {
        let mut config = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::internal(format!("tls: {e}")))?
            .with_no_client_auth()
            .with_cert_resolver(Arc::clone(self) as Arc<dyn ResolvesServerCert>);
        // HTTP/1.1 only: the party socket is an HTTP/1.1 upgrade.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

impl ResolvesServerCert for CertStore {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current())
    }
}

fn read_pair(files: &TlsFiles) -> Result<CertifiedKey> {
    let unreadable = |what: &str, path: &PathBuf, e: &dyn std::fmt::Display| {
        Error::internal(format!(
            "tls: cannot read the {what} {}: {e}",
            path.display()
        ))
    };
    let chain = CertificateDer::pem_file_iter(&files.cert)
        .and_then(Iterator::collect::<std::result::Result<Vec<_>, _>>)
        .map_err(|e| unreadable("certificate", &files.cert, &e))?;
    if chain.is_empty() {
        return Err(Error::internal(format!(
            "tls: no certificate in {}",
            files.cert.display()
        )));
    }
    let key = PrivateKeyDer::from_pem_file(&files.key)
        .map_err(|e| unreadable("private key", &files.key, &e))?;
    CertifiedKey::from_der(chain, key, &provider()).map_err(|e| {
        Error::internal(format!(
            "tls: {} and {} do not make a usable certificate: {e}",
            files.cert.display(),
            files.key.display()
        ))
    })
}

/// Re-reads the certificate on every SIGHUP until `cancel`.
#[cfg(unix)]
pub async fn reload_on_hangup(store: Arc<CertStore>, cancel: CancellationToken) {
    use tokio::signal::unix::{SignalKind, signal};
    let mut hangups = match signal(SignalKind::hangup()) {
        Ok(s) => s,
        Err(err) => {
            tracing::warn!(error = %err, "no SIGHUP handler: the certificate will not be reloaded");
            return;
        }
    };
    loop {
        tokio::select! {
            () = cancel.cancelled() => break,
            got = hangups.recv() => if got.is_none() { break },
        }
        match store.reload() {
            Ok(()) => tracing::info!(cert = %store.files.cert.display(), "certificate reloaded"),
            Err(err) => {
                tracing::error!(error = %err, "certificate not reloaded; the old one stays");
            }
        }
    }
}

#[cfg(not(unix))]
pub async fn reload_on_hangup(_store: Arc<CertStore>, _cancel: CancellationToken) {}

/// Runs a client's TLS handshake, giving up after [`HANDSHAKE_TIMEOUT`].
pub async fn handshake(
    acceptor: &TlsAcceptor,
    stream: TcpStream,
    peer: SocketAddr,
) -> Option<TlsStream<TcpStream>> {
    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
        Ok(Ok(tls)) => Some(tls),
        Ok(Err(err)) => {
            tracing::debug!(%peer, error = %err, "TLS handshake failed");
            None
        }
        Err(_) => {
            tracing::debug!(%peer, "TLS handshake timed out");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_pair(dir: &std::path::Path, name: &str) -> TlsFiles {
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec![name.to_owned()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let files = TlsFiles {
            cert: dir.join(format!("{name}.crt")),
            key: dir.join(format!("{name}.key")),
        };
        std::fs::write(&files.cert, cert.pem()).unwrap();
        std::fs::write(&files.key, key.serialize_pem()).unwrap();
        files
    }

    #[test]
    fn a_reload_swaps_the_certificate_and_a_bad_one_keeps_the_old() {
        let dir = tempfile::tempdir().unwrap();
        let first = write_pair(dir.path(), "first");
        let store = CertStore::load(first.clone()).unwrap();
        let before = store.current().cert[0].clone();

        let second = write_pair(dir.path(), "second");
        std::fs::copy(&second.cert, &first.cert).unwrap();
        std::fs::copy(&second.key, &first.key).unwrap();
        store.reload().unwrap();
        let after = store.current().cert[0].clone();
        assert_ne!(before, after);

        // A key that does not match the certificate is refused, and the
        // certificate in use stays.
        let third = write_pair(dir.path(), "third");
        std::fs::copy(&third.key, &first.key).unwrap();
        let err = store.reload().unwrap_err().to_string();
        assert!(err.contains("do not make a usable certificate"), "{err}");
        assert_eq!(store.current().cert[0], after);
    }

    #[test]
    fn missing_or_empty_files_are_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let files = write_pair(dir.path(), "only");
        let missing = TlsFiles {
            cert: dir.path().join("nope.crt"),
            key: files.key.clone(),
        };
        let err = CertStore::load(missing).unwrap_err().to_string();
        assert!(err.contains("nope.crt"), "{err}");
        std::fs::write(&files.cert, "").unwrap();
        let err = CertStore::load(files).unwrap_err().to_string();
        assert!(err.contains("no certificate in"), "{err}");
    }
}
