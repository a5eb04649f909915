//! Trusted reverse proxies: which peers may tell the client's address (`X-Forwarded-For`) and
//! scheme (`X-Forwarded-Proto`). Headers from anyone else are ignored, so a client cannot choose
//! the address its sign-in failures count against.

use std::net::IpAddr;

/// Addresses and networks (`10.0.0.0/8`, `::1`) of the proxies in front of the server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    networks: Vec<(IpAddr, u8)>,
}

impl TrustedProxies {
    /// Parses a comma-separated list; the message names the entry that is wrong.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut networks = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|entry| !entry.is_empty()) {
            let (address, prefix) = match entry.split_once('/') {
                Some((address, prefix)) => (address, Some(prefix)),
                None => (entry, None),
            };
            let address: IpAddr =
                address.parse().map_err(|_| format!("trusted proxy {entry:?} is not an IP address or network"))?;
            let width = if address.is_ipv4() { 32 } else { 128 };
            let prefix = match prefix {
                Some(prefix) => prefix
                    .parse::<u8>()
                    .ok()
                    .filter(|prefix| *prefix <= width)
                    .ok_or_else(|| format!("trusted proxy {entry:?} has a bad prefix length"))?,
                None => width,
            };
            networks.push((address, prefix));
        }
        Ok(Self { networks })
    }

    pub fn is_empty(&self) -> bool {
        self.networks.is_empty()
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        self.networks.iter().any(|(network, prefix)| in_network(address, *network, *prefix))
    }

    /// The client's address: the peer's, unless the peer is a trusted proxy; then the nearest
    /// address in `X-Forwarded-For` (read from the right) that is not itself a trusted proxy.
    pub fn client_address(&self, peer: Option<IpAddr>, forwarded_for: &[&str]) -> Option<IpAddr> {
        let peer = peer?;
        if !self.contains(peer) {
            return Some(peer);
        }
        let hops = forwarded_for.iter().flat_map(|header| header.split(',')).map(str::trim);
        let mut client = peer;
        for hop in hops.collect::<Vec<_>>().into_iter().rev() {
            let Ok(address) = hop.parse::<IpAddr>() else { break };
            client = address;
            if !self.contains(address) {
                break;
            }
        }
        Some(client)
    }

    /// Whether the request reached the server over HTTPS, as a trusted proxy says.
    pub fn forwarded_https(&self, peer: Option<IpAddr>, forwarded_proto: Option<&str>) -> bool {
        peer.is_some_and(|peer| self.contains(peer))
            && forwarded_proto.is_some_and(|proto| proto.split(',').next().is_some_and(|p| p.trim() == "https"))
    }
}

fn in_network(address: IpAddr, network: IpAddr, prefix: u8) -> bool {
    match (address, network) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("address")
    }

    #[test]
    fn networks_parse_and_match_by_prefix() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 192.0.2.1, ::1, fd00::/8").expect("list");
        assert!(proxies.contains(ip("10.200.3.4")));
        assert!(!proxies.contains(ip("11.0.0.1")));
        assert!(proxies.contains(ip("192.0.2.1")));
        assert!(!proxies.contains(ip("192.0.2.2")));
        assert!(proxies.contains(ip("::1")));
        assert!(proxies.contains(ip("fd12::3")));
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.example").is_err());
        assert!(TrustedProxies::parse("").expect("empty").is_empty());
        assert!(TrustedProxies::parse("0.0.0.0/0").expect("all").contains(ip("8.8.8.8")));
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").expect("list");
        // A client that is not a proxy cannot choose its address.
        assert_eq!(proxies.client_address(Some(ip("203.0.113.9")), &["1.2.3.4"]), Some(ip("203.0.113.9")));
        // Through two proxies: the rightmost address that is not a proxy; a forged left part is ignored.
        let through = proxies.client_address(Some(ip("10.0.0.2")), &["6.6.6.6, 198.51.100.4, 10.0.0.7"]);
        assert_eq!(through, Some(ip("198.51.100.4")));
        assert_eq!(proxies.client_address(Some(ip("10.0.0.2")), &[]), Some(ip("10.0.0.2")));
        assert_eq!(proxies.client_address(Some(ip("10.0.0.2")), &["garbage"]), Some(ip("10.0.0.2")));
        assert_eq!(proxies.client_address(None, &["1.2.3.4"]), None);
        assert!(proxies.forwarded_https(Some(ip("10.0.0.2")), Some("https")));
        assert!(!proxies.forwarded_https(Some(ip("203.0.113.9")), Some("https")));
        assert!(!proxies.forwarded_https(Some(ip("10.0.0.2")), Some("http")));
    }
}
