use core::net::IpAddr;

use super::*;

fn table(entries: &[(&str, Expiry)]) -> CidrTable {
    let mut t = CidrTable::default();
    for (s, e) in entries {
        t.insert(parse_entry(s).unwrap(), *e);
    }
    t
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn masks() {
    assert_eq!(mask4(0), 0);
    assert_eq!(mask4(8), 0xff00_0000);
    assert_eq!(mask4(32), u32::MAX);
    assert_eq!(mask6(0), 0);
    assert_eq!(mask6(1), 1 << 127);
    assert_eq!(mask6(128), u128::MAX);
}

#[test]
fn entries() {
    assert_eq!(parse_entry("10.0.0.1"), Ok(IpEntry::Addr(ip("10.0.0.1"))));
    assert_eq!(parse_entry("10.0.0.1/32"), Ok(IpEntry::Addr(ip("10.0.0.1"))));
    assert_eq!(parse_entry("10.9.9.9/8"), Ok(IpEntry::Net4 { net: 0x0a00_0000, len: 8 }));
    assert_eq!(parse_entry("::ffff:10.9.9.9/104"), Ok(IpEntry::Net4 { net: 0x0a00_0000, len: 8 }));
    assert_eq!(parse_entry("2001:db8::/32"), Ok(IpEntry::Net6 { net: 0x2001_0db8 << 96, len: 32 }));
    assert_eq!(parse_entry("::ffff:1.2.3.4"), Ok(IpEntry::Addr(ip("1.2.3.4"))));
    // IPv4-compatible addresses are not IPv4-mapped: `::1` stays the IPv6 loopback.
    assert_eq!(parse_entry("::1"), Ok(IpEntry::Addr(ip("::1"))));
    assert_eq!(parse_entry("::1.2.3.4").map(IpEntry::canonical), Ok("::102:304".to_owned()));
}

#[test]
fn ipv4_range_boundaries() {
    let t = table(&[("192.168.1.0/24", None), ("10.0.0.0/8", None)]);
    for inside in ["192.168.1.0", "192.168.1.255", "10.0.0.0", "10.255.255.255", "::ffff:10.1.1.1"] {
        assert!(t.covers(ip(inside), 0), "{inside}");
    }
    for outside in ["192.168.0.255", "192.168.2.0", "9.255.255.255", "11.0.0.0", "::a00:1"] {
        assert!(!t.covers(ip(outside), 0), "{outside}");
    }
}

#[test]
fn ipv6_range_boundaries() {
    let t = table(&[("2001:db8::/32", None), ("fe80::/10", None), ("2a00:1450:4001:80b::/64", None)]);
    for inside in
        ["2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "fe80::1", "febf::", "2a00:1450:4001:80b::200e"]
    {
        assert!(t.covers(ip(inside), 0), "{inside}");
    }
    for outside in ["2001:db7:ffff::", "2001:db9::", "fec0::", "fe7f::", "2a00:1450:4001:80c::", "10.0.0.1"] {
        assert!(!t.covers(ip(outside), 0), "{outside}");
    }
}

#[test]
fn everything_ranges() {
    let v4 = table(&[("0.0.0.0/0", None)]);
    assert!(v4.covers(ip("255.255.255.255"), 0));
    assert!(!v4.covers(ip("::2"), 0));
    // `::/0` covers the mapped form of every IPv4 address too.
    let v6 = table(&[("::/0", None)]);
    assert!(v6.covers(ip("1.2.3.4"), 0));
    assert!(v6.covers(ip("2001:db8::1"), 0));
    let mapped = table(&[("::ffff:0:0/95", None)]);
    assert!(mapped.covers(ip("1.2.3.4"), 0));
}

#[test]
fn ranges_expire() {
    let t = table(&[("10.0.0.0/8", Some(100)), ("10.0.0.0/16", Some(50))]);
    assert!(t.covers(ip("10.0.0.1"), 99));
    assert!(!t.covers(ip("10.0.0.1"), 100));
    // The same range listed twice lives as long as its longest-lived entry.
    let t = table(&[("10.0.0.0/8", Some(100)), ("10.1.0.0/8", None)]);
    assert!(t.covers(ip("10.0.0.1"), i64::MAX));
}

#[test]
fn single_addresses_are_not_ranges() {
    let t = table(&[("10.0.0.1", None), ("::1", None)]);
    assert!(t.is_empty());
    assert!(!t.covers(ip("10.0.0.1"), 0));
}

#[test]
fn tables_are_sorted_by_prefix_length() {
    let t = table(&[("10.0.0.0/16", None), ("10.0.0.0/8", None), ("10.0.0.0/24", None), ("11.0.0.0/8", None)]);
    let lens: Vec<u8> = t.v4.iter().map(|(l, _)| *l).collect();
    assert_eq!(lens, [8, 16, 24]);
}
