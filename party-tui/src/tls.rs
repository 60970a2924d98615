//! TLS for the client: whom to trust for `https://` and `wss://`, and how
//! the header tells a player their link is not encrypted.
//!
//! The platform's trust roots (the system certificate store, read once at
//! start) are trusted by default; `--ca-cert FILE` adds the certificates in
//! FILE, for a private or self-signed server. A plain `http://` server
//! needs no roots at all, so none are read: the embedded server and LAN
//! play start as fast as before.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;
use std::sync::Arc;

use reqwest::Url;
use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::error::ClientError;

/// Whom the client trusts, shared by its HTTP calls and its sockets.
#[derive(Clone)]
pub struct Trust {
    config: Arc<rustls::ClientConfig>,
}

impl std::fmt::Debug for Trust {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trust").finish_non_exhaustive()
    }
}

/// The crypto provider: ring, the only one the client links, installed
/// as the process default on first use so that any HTTP client built in
/// this process finds it. rustls marks ring's provider deprecated for
/// lacking post-quantum key exchange; the project takes it anyway, for a
/// build with no cmake or assembler (aws-lc-rs needs both).
#[allow(deprecated)]
pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    use rustls::crypto::CryptoProvider;
    if let Some(installed) = CryptoProvider::get_default() {
        return Arc::clone(installed);
    }
    // Losing a race to another thread installing it is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()))
}

impl Trust {
    /// The platform's roots when `server` is `https://`, none for plain
    /// `http://`; plus the certificates in `ca_cert` if given.
    pub fn new(server: &str, ca_cert: Option<&Path>) -> Result<Self, ClientError> {
        let mut roots = RootCertStore::empty();
        if uses_tls(server) {
            // Unreadable entries of the system store are skipped: one bad
            // file there must not stop the client.
            let native = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(native.certs);
        }
        if let Some(path) = ca_cert {
            for cert in read_ca(path)? {
                roots.add(cert).map_err(|e| {
                    untrusted_setup(format!(
                        "The CA certificate in {} is not usable: {e}.",
                        path.display()
                    ))
                })?;
            }
        }
        let config = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| untrusted_setup(format!("TLS setup failed: {e}.")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Self {
            config: Arc::new(config),
        })
    }

    /// The platform's roots only (none for plain `http://`). Cannot fail
    /// in practice; if the TLS setup ever did, nothing is trusted and
    /// `https://` calls report the certificate.
    pub fn platform(server: &str) -> Self {
        Self::new(server, None).unwrap_or_else(|err| {
            tracing::warn!(error = %err.message, "no TLS trust roots");
            provider();
            Self {
                config: Arc::new(
                    rustls::ClientConfig::builder()
                        .with_root_certificates(RootCertStore::empty())
                        .with_no_client_auth(),
                ),
            }
        })
    }

    /// An HTTP client builder that verifies servers with these roots.
    pub fn http_builder(&self) -> reqwest::ClientBuilder {
        reqwest::Client::builder().tls_backend_preconfigured((*self.config).clone())
    }

    /// The socket connector with these roots (used for `wss://` only).
    pub fn connector(&self) -> tokio_tungstenite::Connector {
        tokio_tungstenite::Connector::Rustls(Arc::clone(&self.config))
    }
}

fn untrusted_setup(message: String) -> ClientError {
    ClientError {
        code: None,
        message,
    }
}

fn read_ca(path: &Path) -> Result<Vec<CertificateDer<'static>>, ClientError> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .map_err(|e| {
            untrusted_setup(format!(
                "Cannot read the CA certificate {}: {e}.",
                path.display()
            ))
        })?;
    if certs.is_empty() {
        return Err(untrusted_setup(format!(
            "No PEM certificate in {}.",
            path.display()
        )));
    }
    Ok(certs)
}

fn uses_tls(server: &str) -> bool {
    Url::parse(server).is_ok_and(|u| matches!(u.scheme(), "https" | "wss"))
}

/// Whether `err`, or anything that caused it, is a certificate the client
/// would not accept (unknown issuer, wrong name, expired…).
pub fn is_certificate_error(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(err);
    while let Some(e) = cause {
        if let Some(tls) = e.downcast_ref::<rustls::Error>()
            && matches!(
                tls,
                rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented
            )
        {
            return true;
        }
        // An I/O error hides what it wraps from `source()` (and may wrap
        // another I/O error): look inside.
        cause = match e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    false
}

/// Whether talking to `server` goes unencrypted beyond this machine and
/// its local network: plain `http://` (or `ws://`) to a public address or
/// to a host name that is not a local one. The header then says so.
pub fn unencrypted_beyond_lan(server: &str) -> bool {
    let Ok(url) = Url::parse(server) else {
        return false;
    };
    if !matches!(url.scheme(), "http" | "ws") {
        return false;
    }
    let Some(host) = url.host_str() else {
        return false;
    };
    // IPv6 hosts come in brackets.
    match host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
    {
        Ok(IpAddr::V4(ip)) => !local_v4(ip),
        Ok(IpAddr::V6(ip)) => !local_v6(ip),
        Err(_) => {
            let name = host.trim_end_matches('.').to_ascii_lowercase();
            let local_name = name == "localhost"
                || [".localhost", ".local", ".lan", ".home.arpa", ".internal"]
                    .iter()
                    .any(|suffix| name.ends_with(suffix));
            !local_name
        }
    }
}

fn local_v4(ip: Ipv4Addr) -> bool {
    ip.is_loopback() || ip.is_private() || ip.is_link_local() || ip.is_unspecified()
}

fn local_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return local_v4(v4);
    }
    ip.is_loopback() || ip.is_unique_local() || ip.is_unicast_link_local() || ip.is_unspecified()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_beyond_the_lan_is_flagged() {
        for exposed in [
            "http://203.0.113.7:8000",
            "http://example.com",
            "http://party.example.org:8000/",
            "ws://198.51.100.1/qf",
            "http://[2001:db8::1]:8000",
            "http://[::ffff:8.8.8.8]:80",
            "http://172.32.0.1",
        ] {
            assert!(unencrypted_beyond_lan(exposed), "{exposed}");
        }
    }

    #[test]
    fn encrypted_or_local_links_are_not_flagged() {
        for fine in [
            "https://example.com",
            "wss://203.0.113.7/qf",
            "http://127.0.0.1:8000",
            "http://localhost:8000",
            "http://LOCALHOST.:1",
            "http://10.1.2.3:8000",
            "http://172.16.0.9",
            "http://192.168.1.20:8000",
            "http://169.254.3.4",
            "http://[::1]:8000",
            "http://[fd12::1]:8000",
            "http://[fe80::1]:8000",
            "http://[::ffff:192.168.0.2]",
            "http://nas.local:8000",
            "http://game.home.arpa",
            "not a url",
        ] {
            assert!(!unencrypted_beyond_lan(fine), "{fine}");
        }
    }

    #[test]
    fn roots_are_read_only_for_tls_servers() {
        assert!(uses_tls("https://example.com"));
        assert!(uses_tls("wss://example.com"));
        assert!(!uses_tls("http://127.0.0.1:8000"));
        assert!(!uses_tls("nonsense"));
    }

    #[test]
    fn a_missing_or_empty_ca_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("none.pem");
        let err = Trust::new("https://example.com", Some(&missing)).unwrap_err();
        assert!(err.message.contains("none.pem"), "{}", err.message);
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "").unwrap();
        let err = Trust::new("https://example.com", Some(&empty)).unwrap_err();
        assert!(
            err.message.contains("No PEM certificate"),
            "{}",
            err.message
        );
    }

    #[test]
    fn certificate_errors_are_found_inside_io_errors() {
        let tls = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        // As reqwest reports it: an I/O error around an I/O error around it.
        let io = std::io::Error::other(std::io::Error::new(std::io::ErrorKind::InvalidData, tls));
        assert!(is_certificate_error(&io));
        let other = std::io::Error::other("connection refused");
        assert!(!is_certificate_error(&other));
    }
}
