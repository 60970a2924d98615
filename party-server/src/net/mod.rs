//! Accepting and serving connections, plain or TLS, within the
//! [`crate::limits`].
//!
//! `axum::serve` has no header timeout, so connections are served here
//! with hyper's HTTP/1.1 connection directly: a client that does not finish
//! its request headers within the header timeout (an idle keep-alive
//! connection likewise) is closed, WebSocket upgrades go through, every
//! request carries its peer address as `ConnectInfo` for the per-IP
//! limits, and at shutdown the listener closes while the requests in
//! flight finish. Each connection runs in its own task (a TLS handshake
//! included), so a stalled client delays nobody else.

mod per_ip;
mod refuse;

use std::net::{IpAddr, SocketAddr};
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use self::per_ip::{Counted, PerIp, Slot};
use self::refuse::Refuser;

/// How connections are served.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub header_timeout: Duration,
    /// Connections one peer address may hold at once (`None`: no cap).
    pub per_ip_cap: Option<usize>,
    /// Peers exempt from the per-address cap (the trusted proxies).
    pub exempt: Arc<[IpAddr]>,
    /// Set when the server speaks TLS.
    pub tls: Option<Arc<rustls::ServerConfig>>,
}

/// Serves `app` on `listener` until `shutdown` completes, then stops
/// accepting, lets the requests in flight finish (idle connections close
/// at once, handshakes still running are dropped) and returns.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    options: ServeOptions,
    shutdown: impl Future<Output = ()>,
) {
    let cap = options.per_ip_cap.map(|cap| {
        (
            PerIp::new(cap, Arc::clone(&options.exempt)),
            Refuser::new(cap),
        )
    });
    let stop = CancellationToken::new();
    let connections = TaskTracker::new();
    let mut shutdown = pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(err) => {
                    accept_failed(&err).await;
                    continue;
                }
            },
        };
        let slot = match &cap {
            None => Slot::uncounted(peer.ip()),
            Some((per_ip, refuser)) => {
                let Some(slot) = per_ip.take(peer.ip()) else {
                    tracing::debug!(%peer, cap = per_ip.cap(), "connection over the per-IP cap");
                    refuser.refuse(stream, options.tls.is_some());
                    continue;
                };
                slot
            }
        };
        connections.spawn(connection(
            stream,
            peer,
            slot,
            app.clone(),
            options.clone(),
            stop.clone(),
        ));
    }
    drop(listener);
    stop.cancel();
    connections.close();
    connections.wait().await;
}

/// A failed accept: the peer gave up already (nothing to do), or the
/// process is out of file descriptors and the like (wait rather than spin).
async fn accept_failed(err: &std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        err.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::warn!(error = %err, "accept failed");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// One connection, from its TLS handshake (if any) to its end or upgrade.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    slot: Slot,
    app: Router,
    options: ServeOptions,
    stop: CancellationToken,
) {
    let _ = stream.set_nodelay(true);
    // The peer address as `ConnectInfo`, which the per-IP limits read.
    let app = tower::ServiceBuilder::new()
        .layer(axum::Extension(ConnectInfo(peer)))
        .service(app);
    let service = TowerToHyperService::new(app);
    match &options.tls {
        None => {
            http(
                Counted::new(stream, slot),
                service,
                options.header_timeout,
                &stop,
            )
            .await;
        }
        Some(config) => {
            let acceptor = TlsAcceptor::from(Arc::clone(config));
            let tls = tokio::select! {
                () = stop.cancelled() => return,
                tls = crate::tls::handshake(&acceptor, stream, peer) => tls,
            };
            if let Some(tls) = tls {
                let io = Counted::new(tls, slot);
                http(io, service, options.header_timeout, &stop).await;
            }
        }
    }
}

/// The router with the peer address added to every request.
type App = axum::middleware::AddExtension<Router, ConnectInfo<SocketAddr>>;

/// Serves HTTP/1.1 on one connection until it closes or is upgraded.
async fn http<S>(
    io: S,
    service: TowerToHyperService<App>,
    header_timeout: Duration,
    stop: &CancellationToken,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let mut conn = pin!(
        builder
            .serve_connection(TokioIo::new(io), service)
            .with_upgrades()
    );
    let ended = tokio::select! {
        ended = conn.as_mut() => Some(ended),
        () = stop.cancelled() => None,
    };
    let ended = if let Some(ended) = ended {
        ended
    } else {
        // Finish the request in flight, if any, then close.
        conn.as_mut().graceful_shutdown();
        conn.await
    };
    if let Err(err) = ended {
        if err.is_timeout() {
            metrics::counter!("connections_timed_out_total").increment(1);
        }
        tracing::debug!(error = %err, "connection ended with an error");
    }
}
