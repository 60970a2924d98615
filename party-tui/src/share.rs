//! What a host tells friends: the addresses to give `--server` and `ssh`.
//!
//! A server listening on every interface (`0.0.0.0`) is reached at this
//! machine's own addresses, so those are listed; one bound to a single
//! address is reached there.

use std::net::{IpAddr, SocketAddr};

/// This machine's IPv4 addresses other than loopback, as friends would
/// dial them (loopback alone when there is nothing else).
pub fn machine_addresses() -> Vec<IpAddr> {
    let mut found: Vec<IpAddr> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.ip())
        .filter(|ip| ip.is_ipv4() && !ip.is_loopback())
        .collect();
    found.sort();
    found.dedup();
    if found.is_empty() {
        found.push(IpAddr::from([127, 0, 0, 1]));
    }
    found
}

/// The hosts at which `listen` is reached.
pub fn hosts_of(listen: SocketAddr, machine: &[IpAddr]) -> Vec<IpAddr> {
    if listen.ip().is_unspecified() {
        machine.to_vec()
    } else {
        vec![listen.ip()]
    }
}

/// The lines to share: the `--server` URL and the `ssh` command for each
/// address, and the party code where there is one.
pub fn lines(
    http: Option<SocketAddr>,
    ssh: Option<SocketAddr>,
    code: Option<&str>,
    machine: &[IpAddr],
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(code) = code {
        out.push(format!("Party code:   {code}"));
    }
    if let Some(http) = http {
        for host in hosts_of(http, machine) {
            let url = format!("http://{}", SocketAddr::new(host, http.port()));
            out.push(format!("With the client: party-tui --server {url}"));
        }
    }
    if let Some(ssh) = ssh {
        for host in hosts_of(ssh, machine) {
            let command = if ssh.port() == 22 {
                format!("ssh {host}")
            } else {
                format!("ssh -p {} {host}", ssh.port())
            };
            out.push(format!("Over SSH:        {command}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_address_of_an_open_listener_is_shared() {
        let machine = [IpAddr::from([192, 168, 1, 20]), IpAddr::from([10, 0, 0, 5])];
        let out = lines(
            Some("0.0.0.0:8000".parse().unwrap()),
            Some("0.0.0.0:2222".parse().unwrap()),
            Some("HEJY4883"),
            &machine,
        );
        assert_eq!(
            out,
            [
                "Party code:   HEJY4883",
                "With the client: party-tui --server http://192.168.1.20:8000",
                "With the client: party-tui --server http://10.0.0.5:8000",
                "Over SSH:        ssh -p 2222 192.168.1.20",
                "Over SSH:        ssh -p 2222 10.0.0.5",
            ]
        );
    }

    #[test]
    fn a_bound_address_is_shared_as_is() {
        let out = lines(None, Some("127.0.0.1:22".parse().unwrap()), None, &[]);
        assert_eq!(out, ["Over SSH:        ssh 127.0.0.1"]);
    }
}
