//! The address a request came from, for the per-IP limits.
//!
//! Behind a load balancer every connection comes from the balancer, so the
//! per-IP limit would be shared by everyone. When the peer is one of the
//! configured trusted proxies (`--trusted-proxy`), the client is read from
//! `X-Forwarded-For` instead: walking it from the right (the entry the
//! nearest proxy appended), past further trusted proxies, to the first
//! address no trusted proxy owns. Entries left of that one were written by
//! the client itself and prove nothing, so they are never used; from an
//! untrusted peer the header is ignored altogether.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;
use axum::http::header::HeaderName;

const FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// The client address of a request from `peer` with `headers`.
pub fn resolve(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    // Several header lines form one list, in order.
    let hops: Vec<&str> = headers
        .get_all(FORWARDED_FOR)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Some(ip) = parse_hop(hop) else {
            // A malformed entry ends what can be believed.
            break;
        };
        client = ip;
        if !trusted.contains(&ip) {
            break;
        }
    }
    client
}

/// `203.0.113.7`, `2001:db8::1`, `203.0.113.7:5000` or `[2001:db8::1]:5000`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn headers(lines: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for l in lines {
            h.append(FORWARDED_FOR, HeaderValue::from_str(l).unwrap());
        }
        h
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let h = headers(&["198.51.100.1"]);
        assert_eq!(resolve(ip("10.0.0.9"), &h, &[]), ip("10.0.0.9"));
        assert_eq!(
            resolve(ip("10.0.0.9"), &h, &[ip("10.0.0.1")]),
            ip("10.0.0.9")
        );
    }

    #[test]
    fn a_trusted_proxy_names_the_client() {
        let lb = ip("10.0.0.1");
        let h = headers(&["203.0.113.7"]);
        assert_eq!(resolve(lb, &h, &[lb]), ip("203.0.113.7"));
        assert_eq!(resolve(lb, &HeaderMap::new(), &[lb]), lb, "no header");
    }

    #[test]
    fn entries_the_client_wrote_are_not_believed() {
        let lb = ip("10.0.0.1");
        // The client sent "X-Forwarded-For: 1.1.1.1"; the balancer appended
        // the real address.
        let h = headers(&["1.1.1.1, 203.0.113.7"]);
        assert_eq!(resolve(lb, &h, &[lb]), ip("203.0.113.7"));
    }

    #[test]
    fn chains_of_trusted_proxies_are_walked_over_several_lines() {
        let (edge, lb) = (ip("10.0.0.2"), ip("10.0.0.1"));
        let h = headers(&["9.9.9.9, 203.0.113.7", "10.0.0.2"]);
        assert_eq!(resolve(lb, &h, &[lb, edge]), ip("203.0.113.7"));
    }

    #[test]
    fn ports_and_ipv6_parse_and_garbage_stops_the_walk() {
        let lb = ip("10.0.0.1");
        assert_eq!(
            resolve(lb, &headers(&["[2001:db8::1]:5000"]), &[lb]),
            ip("2001:db8::1")
        );
        assert_eq!(
            resolve(lb, &headers(&["203.0.113.7:80"]), &[lb]),
            ip("203.0.113.7")
        );
        assert_eq!(resolve(lb, &headers(&["203.0.113.7, nonsense"]), &[lb]), lb);
    }
}
