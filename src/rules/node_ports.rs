//! NodePorts: host-port conflicts.

use crate::model::HostPort;

/// Whether a wanted port conflicts with a port in use on the node: same protocol and port, and
/// either side binds `0.0.0.0` or both bind the same IP.
pub fn conflicts(wanted: &HostPort, used: &HostPort) -> bool {
    wanted.protocol == used.protocol
        && wanted.port == used.port
        && (wanted.ip == "0.0.0.0" || used.ip == "0.0.0.0" || wanted.ip == used.ip)
}

/// Whether any of `wanted` conflicts with any of `used`.
pub fn any_conflict(wanted: &[HostPort], used: &[HostPort]) -> bool {
    wanted.iter().any(|w| used.iter().any(|u| conflicts(w, u)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::types::Protocol;

    fn port(ip: &str, protocol: Protocol, port: i32) -> HostPort {
        HostPort {
            ip: ip.into(),
            protocol,
            port,
        }
    }

    #[test]
    fn wildcards_protocols_and_distinct_ips() {
        use Protocol::*;
        assert!(conflicts(
            &port("0.0.0.0", Tcp, 80),
            &port("10.0.0.1", Tcp, 80)
        ));
        assert!(conflicts(
            &port("10.0.0.1", Tcp, 80),
            &port("0.0.0.0", Tcp, 80)
        ));
        assert!(conflicts(
            &port("10.0.0.1", Tcp, 80),
            &port("10.0.0.1", Tcp, 80)
        ));
        assert!(!conflicts(
            &port("10.0.0.1", Tcp, 80),
            &port("10.0.0.2", Tcp, 80)
        ));
        assert!(!conflicts(
            &port("0.0.0.0", Tcp, 80),
            &port("0.0.0.0", Udp, 80)
        ));
        assert!(!conflicts(
            &port("0.0.0.0", Tcp, 80),
            &port("0.0.0.0", Tcp, 81)
        ));
    }
}
