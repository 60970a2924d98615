//! A real server in the test process that speaks TLS, with a certificate
//! for 127.0.0.1 from a CA made in the test.

// Each test file compiles its own copy; not every test file uses TLS.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// A real server in this test process speaking TLS with a certificate for
/// 127.0.0.1 issued by a CA made here; returns its `https://` URL and the
/// CA certificate's file (what `--ca-cert` reads).
pub async fn tls_server(dir: &Path) -> (String, PathBuf) {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&key, &ca)
        .unwrap();
    let (ca_path, cert_path, key_path) = (
        dir.join("ca.pem"),
        dir.join("server.crt"),
        dir.join("server.key"),
    );
    std::fs::write(&ca_path, ca.pem()).unwrap();
    std::fs::write(&cert_path, cert.pem()).unwrap();
    std::fs::write(&key_path, key.serialize_pem()).unwrap();

    let mut config = party_server::Config::local("127.0.0.1:0".parse().unwrap(), dir).unwrap();
    config.rate_limits = party_server::config::Switch::Off;
    config.tls_cert = Some(cert_path);
    config.tls_key = Some(key_path);
    let app = party_server::Application::build(&config).await.unwrap();
    let url = app.url().unwrap();
    tokio::spawn(app.run(std::future::pending()));
    (url, ca_path)
}
