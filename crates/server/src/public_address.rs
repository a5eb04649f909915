//! Outbound calls to addresses members choose (Web Push endpoints) reach only the public
//! internet, so no member can make the server call a host on its own network (SSRF). An IP
//! literal is checked when a subscription is registered and again before each push; a host name
//! is checked when the HTTP client resolves it, at connect time, so a name that resolves (or later
//! re-resolves) to a private address is refused as well.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether `ip` is an ordinary public unicast address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        // Carrier-grade NAT 100.64.0.0/10, IETF protocol assignments 192.0.0.0/24, benchmarking
        // 198.18.0.0/15, reserved 240.0.0.0/4.
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        // Unique local fc00::/7, link-local fe80::/10, documentation 2001:db8::/32, discard 100::/64.
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || (first == 0x2001 && ip.segments()[1] == 0x0db8)
        || (first == 0x0100 && ip.segments()[1..4] == [0, 0, 0]))
}

/// Whether the server may call `ip`: a public address, or loopback where tests allow it.
pub fn permitted(ip: IpAddr, allow_loopback: bool) -> bool {
    is_public(ip) || (allow_loopback && ip.is_loopback())
}

/// The IP address a URL host names literally (`[::1]` included), if it is one.
pub fn literal(host: &str) -> Option<IpAddr> {
    host.trim_start_matches('[').trim_end_matches(']').parse().ok()
}

/// A resolver for the HTTP client that keeps only the addresses [`permitted`] allows and fails
/// when none is left.
#[derive(Clone, Default)]
pub struct PublicOnlyResolver {
    /// Loopback allowed too (tests only: `WEFT_PUSH_ALLOW_LOOPBACK=1`).
    pub allow_loopback: Arc<AtomicBool>,
}

impl Resolve for PublicOnlyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_loopback = self.allow_loopback.load(Ordering::Relaxed);
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let kept: Vec<SocketAddr> = found.filter(|address| permitted(address.ip(), allow_loopback)).collect();
            if kept.is_empty() {
                return Err(format!("{host} resolves to no public address").into());
            }
            let addresses: Addrs = Box::new(kept.into_iter());
            Ok(addresses)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_link_local_and_reserved_addresses_are_not_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "192.0.0.8",
            "198.18.0.1",
            "240.0.0.1",
            "192.0.2.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(private.parse().expect("ip")), "{private}");
        }
        for public in ["8.8.8.8", "142.250.1.1", "172.32.0.1", "100.128.0.1", "2607:f8b0:4004::1", "::ffff:8.8.4.4"] {
            assert!(is_public(public.parse().expect("ip")), "{public}");
        }
    }

    #[test]
    fn loopback_is_allowed_only_when_asked() {
        let loopback: IpAddr = "127.0.0.1".parse().expect("ip");
        assert!(!permitted(loopback, false));
        assert!(permitted(loopback, true));
        assert!(!permitted("10.0.0.1".parse().expect("ip"), true), "private stays refused");
        assert_eq!(literal("[::1]"), Some("::1".parse().expect("ip")));
        assert_eq!(literal("push.example.com"), None);
    }

    #[tokio::test]
    async fn names_that_resolve_only_to_private_addresses_are_refused_at_connect_time() {
        let resolver = PublicOnlyResolver::default();
        let localhost = || "localhost".parse::<Name>().expect("name");
        assert!(resolver.resolve(localhost()).await.is_err(), "localhost is refused");
        resolver.allow_loopback.store(true, Ordering::Relaxed);
        let addresses: Vec<SocketAddr> = resolver.resolve(localhost()).await.expect("allowed in tests").collect();
        assert!(addresses.iter().all(|address| address.ip().is_loopback()));
    }
}
