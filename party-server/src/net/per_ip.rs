//! The cap on connections one peer address holds at once.
//!
//! A connection takes a [`Slot`] when it is accepted and gives it back when
//! its stream is dropped. The slot travels inside the stream ([`Counted`]),
//! so a connection upgraded to a WebSocket keeps counting until the socket
//! closes, although hyper's connection task ended at the upgrade.

use std::collections::HashMap;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Open connections per peer address.
#[derive(Debug)]
pub struct PerIp {
    cap: usize,
    /// Peers the cap does not apply to (trusted proxies carry many clients).
    exempt: Arc<[IpAddr]>,
    open: Mutex<HashMap<IpAddr, usize>>,
}

impl PerIp {
    pub fn new(cap: usize, exempt: Arc<[IpAddr]>) -> Arc<Self> {
        Arc::new(Self {
            cap,
            exempt,
            open: Mutex::new(HashMap::new()),
        })
    }

    pub fn cap(&self) -> usize {
        self.cap
    }

    /// A slot for one more connection from `ip`, or `None` at the cap.
    pub fn take(self: &Arc<Self>, ip: IpAddr) -> Option<Slot> {
        if self.exempt.contains(&ip) {
            return Some(Slot { owner: None, ip });
        }
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let n = open.entry(ip).or_default();
        if *n >= self.cap {
            return None;
        }
        *n += 1;
        Some(Slot {
            owner: Some(Arc::clone(self)),
            ip,
        })
    }

    fn give_back(&self, ip: IpAddr) {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = open.get_mut(&ip) {
            *n -= 1;
            if *n == 0 {
                // No entry outlives its last connection: the map stays as
                // small as the set of peers connected right now.
                open.remove(&ip);
            }
        }
    }

    /// Connections counted right now (for tests).
    #[cfg(test)]
    fn open_from(&self, ip: IpAddr) -> usize {
        self.open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&ip)
            .copied()
            .unwrap_or(0)
    }
}

/// One counted connection; dropping it frees the place.
#[derive(Debug)]
pub struct Slot {
    /// `None` when no cap applies (no cap configured, or an exempt peer).
    owner: Option<Arc<PerIp>>,
    ip: IpAddr,
}

impl Slot {
    /// A slot that counts nothing (the cap is off).
    pub fn uncounted(ip: IpAddr) -> Self {
        Self { owner: None, ip }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Some(owner) = &self.owner {
            owner.give_back(self.ip);
        }
    }
}

/// A stream that holds its connection's [`Slot`] for as long as it lives.
#[derive(Debug)]
pub struct Counted<S> {
    stream: S,
    _slot: Slot,
}

impl<S> Counted<S> {
    pub fn new(stream: S, slot: Slot) -> Self {
        Self {
            stream,
            _slot: slot,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Counted<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Counted<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_holds_per_address_and_a_dropped_slot_frees_its_place() {
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let per_ip = PerIp::new(2, Arc::from([]));
        let first = per_ip.take(a).unwrap();
        let _second = per_ip.take(a).unwrap();
        assert!(per_ip.take(a).is_none(), "a third from the same address");
        assert!(
            per_ip.take(b).is_some(),
            "another address has its own count"
        );
        drop(first);
        assert_eq!(per_ip.open_from(a), 1);
        assert!(per_ip.take(a).is_some());
    }

    #[test]
    fn exempt_peers_are_not_counted() {
        let proxy: IpAddr = "10.0.0.9".parse().unwrap();
        let per_ip = PerIp::new(1, Arc::from([proxy]));
        let slots: Vec<_> = (0..5).map(|_| per_ip.take(proxy).unwrap()).collect();
        assert_eq!(per_ip.open_from(proxy), 0);
        drop(slots);
        assert_eq!(per_ip.open_from(proxy), 0);
    }
}
