//! IP addresses and CIDR ranges in `ip_address` lists: parsing to a canonical form, and a small
//! per-prefix-length table for matching addresses against ranges.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use rustc_hash::FxHashMap;

use super::list_set::{Expiry, is_live, merge_expiry};

const ADDR_EXPECTED: &str = "expected an IPv4 or IPv6 address, optionally with a /prefix such as `10.0.0.0/8`";

/// One entry of an IP list: a single address or a range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IpEntry {
    /// A single address (also what `/32` and `/128` ranges become).
    Addr(IpAddr),
    /// An IPv4 range; host bits of `net` are clear.
    Net4 { net: u32, len: u8 },
    /// An IPv6 range; host bits of `net` are clear.
    Net6 { net: u128, len: u8 },
}

impl IpEntry {
    /// The canonical text: `IpAddr`'s display form, ranges as `network/prefix`.
    pub(crate) fn canonical(self) -> String {
        match self {
            IpEntry::Addr(a) => a.to_string(),
            IpEntry::Net4 { net, len } => format!("{}/{len}", Ipv4Addr::from(net)),
            IpEntry::Net6 { net, len } => format!("{}/{len}", Ipv6Addr::from(net)),
        }
    }
}

/// Parses an address (`10.0.0.1`, `2001:DB8::1`, `::ffff:10.0.0.1`) or a range (`10.0.0.0/8`,
/// `2001:db8::/32`). Host bits in a range are cleared rather than refused, as most network
/// tools do: `10.1.2.3/8` and `10.0.0.0/8` cover the same addresses.
pub(crate) fn parse_entry(s: &str) -> Result<IpEntry, &'static str> {
    let Some((addr, prefix)) = s.split_once('/') else {
        return parse_addr(s).map(IpEntry::Addr);
    };
    // Not unmapped yet: the prefix of `::ffff:10.0.0.0/104` counts IPv6 bits.
    let addr: IpAddr = addr.parse().map_err(|_| ADDR_EXPECTED)?;
    // `u8::from_str` would take `+8`; a prefix is plain digits.
    if prefix.is_empty() || prefix.len() > 3 || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return Err("the prefix length after `/` must be a number, e.g. `10.0.0.0/8` or `2001:db8::/32`");
    }
    let len: u8 = prefix.parse().map_err(|_| "the prefix length after `/` is too large")?;
    match addr {
        IpAddr::V4(a) => {
            if len > 32 {
                return Err("an IPv4 prefix length is at most 32");
            }
            Ok(net4(a.to_bits(), len))
        }
        IpAddr::V6(a) => {
            if len > 128 {
                return Err("an IPv6 prefix length is at most 128");
            }
            Ok(net6(a.to_bits(), len))
        }
    }
}

/// Parses one address, turning IPv4-mapped IPv6 (`::ffff:a.b.c.d`) into IPv4 so both spellings
/// of the same client match each other.
pub(crate) fn parse_addr(s: &str) -> Result<IpAddr, &'static str> {
    let addr: IpAddr = s.parse().map_err(|_| ADDR_EXPECTED)?;
    Ok(unmap(addr))
}

fn unmap(addr: IpAddr) -> IpAddr {
    match addr {
        // Only `::ffff:0:0/96`; IPv4-compatible `::a.b.c.d` is deprecated and `::1` is loopback.
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        v4 => v4,
    }
}

/// A mapped-IPv6 range written as IPv6 (`::ffff:10.0.0.0/104`) whose prefix reaches into the
/// IPv4 part is stored as the IPv4 range it is (`10.0.0.0/8`); shorter ones stay IPv6.
fn net6(bits: u128, len: u8) -> IpEntry {
    let net = bits & mask6(len);
    if len == 128 {
        return IpEntry::Addr(unmap(IpAddr::V6(Ipv6Addr::from(net))));
    }
    if len >= 96 && net >> 32 == 0xffff {
        // The low 32 bits are the IPv4 address; the cast keeps exactly those.
        return net4(net as u32, len.saturating_sub(96));
    }
    IpEntry::Net6 { net, len }
}

fn net4(bits: u32, len: u8) -> IpEntry {
    let net = bits & mask4(len);
    if len == 32 { IpEntry::Addr(IpAddr::V4(Ipv4Addr::from(net))) } else { IpEntry::Net4 { net, len } }
}

fn mask4(len: u8) -> u32 {
    // A shift by the full width overflows; `/0` masks everything off.
    u32::MAX.checked_shl(32u32.saturating_sub(u32::from(len))).unwrap_or(0)
}

fn mask6(len: u8) -> u128 {
    u128::MAX.checked_shl(128u32.saturating_sub(u32::from(len))).unwrap_or(0)
}

/// The ranges of one IP list, grouped by prefix length: matching an address masks it once per
/// distinct length present (at most 33 + 129 lookups, usually a handful).
#[derive(Clone, Debug, Default)]
pub(crate) struct CidrTable {
    v4: Vec<(u8, FxHashMap<u32, Expiry>)>,
    v6: Vec<(u8, FxHashMap<u128, Expiry>)>,
}

impl CidrTable {
    /// Adds a range; single addresses are not ranges and are ignored here.
    pub(crate) fn insert(&mut self, entry: IpEntry, expiry: Expiry) {
        match entry {
            IpEntry::Addr(_) => {}
            IpEntry::Net4 { net, len } => insert(&mut self.v4, len, net, expiry),
            IpEntry::Net6 { net, len } => insert(&mut self.v6, len, net, expiry),
        }
    }

    /// Whether the table has no ranges.
    pub(crate) fn is_empty(&self) -> bool {
        self.v4.is_empty() && self.v6.is_empty()
    }

    /// Whether a live range covers `addr`. IPv4 addresses are also checked, in their mapped
    /// form, against IPv6 ranges that cover all of `::ffff:0:0/96` (such as `::/0`).
    pub(crate) fn covers(&self, addr: IpAddr, now: i64) -> bool {
        match unmap(addr) {
            IpAddr::V4(a) => {
                let bits = a.to_bits();
                self.v4.iter().any(|(len, nets)| nets.get(&(bits & mask4(*len))).is_some_and(|e| is_live(*e, now)))
                    || self.covers6(a.to_ipv6_mapped().to_bits(), now)
            }
            IpAddr::V6(a) => self.covers6(a.to_bits(), now),
        }
    }

    fn covers6(&self, bits: u128, now: i64) -> bool {
        self.v6.iter().any(|(len, nets)| nets.get(&(bits & mask6(*len))).is_some_and(|e| is_live(*e, now)))
    }
}

fn insert<T: Copy + Eq + std::hash::Hash>(
    tables: &mut Vec<(u8, FxHashMap<T, Expiry>)>,
    len: u8,
    net: T,
    expiry: Expiry,
) {
    // Kept sorted by prefix length so the table's shape does not depend on input order.
    let at = match tables.binary_search_by_key(&len, |(l, _)| *l) {
        Ok(at) => at,
        Err(at) => {
            tables.insert(at, (len, FxHashMap::default()));
            at
        }
    };
    if let Some((_, nets)) = tables.get_mut(at) {
        nets.entry(net).and_modify(|e| *e = merge_expiry(*e, expiry)).or_insert(expiry);
    }
}

#[cfg(test)]
#[path = "cidr_tests.rs"]
mod tests;
