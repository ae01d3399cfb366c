//! Browser, version, device and OS families from a user-agent string (the common families only).

/// Browser family, or `None` if the agent is not recognised.
pub fn browser_family(ua: &str) -> Option<&'static str> {
    // Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
    const FAMILIES: &[(&str, &str)] = &[
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("HeadlessChrome/", "Headless Chrome"),
        ("Firefox/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
        ("python-requests/", "python-requests"),
    ];
    FAMILIES.iter().find(|(needle, _)| ua.contains(needle)).map(|(_, name)| *name)
}

/// The browser's version as the agent states it (`120.0.6099.71`), or `None`.
pub fn browser_version(ua: &str) -> Option<&str> {
    // Safari states its own version apart from its WebKit build.
    let token = match browser_family(ua)? {
        "Safari" => "Version/",
        "Edge" => "Edg/",
        "Opera" => "OPR/",
        "Samsung Internet" => "SamsungBrowser/",
        "Headless Chrome" => "HeadlessChrome/",
        "Firefox" => "Firefox/",
        "Chrome" if ua.contains("CriOS/") => "CriOS/",
        "Chrome" => "Chrome/",
        "curl" => "curl/",
        _ => "python-requests/",
    };
    let rest = &ua[ua.find(token)? + token.len()..];
    let end = rest.find([' ', ';', ')']).unwrap_or(rest.len());
    Some(&rest[..end]).filter(|v| !v.is_empty())
}

/// The kind of device (`iPhone`, `iPad`, `Android`, `Macintosh`), or `None`.
pub fn device(ua: &str) -> Option<&'static str> {
    const DEVICES: &[&str] = &["iPhone", "iPad", "Android", "Macintosh"];
    DEVICES.iter().find(|d| ua.contains(*d)).copied()
}

/// Operating-system family, or `None` if the agent is not recognised.
pub fn os_family(ua: &str) -> Option<&'static str> {
    const FAMILIES: &[(&str, &str)] = &[
        ("Windows", "Windows"),
        ("iPhone", "iOS"),
        ("iPad", "iOS"),
        ("Android", "Android"),
        ("Mac OS X", "Mac OS X"),
        ("CrOS", "Chrome OS"),
        ("Linux", "Linux"),
    ];
    FAMILIES.iter().find(|(needle, _)| ua.contains(needle)).map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families() {
        let edge = "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/120.0 Safari/537.36 Edg/120.0";
        assert_eq!(browser_family(edge), Some("Edge"));
        assert_eq!(os_family(edge), Some("Windows"));
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1";
        assert_eq!(browser_family(iphone), Some("Safari"));
        assert_eq!(os_family(iphone), Some("iOS"));
        assert_eq!(browser_family("x"), None);
        assert_eq!(browser_version(edge), Some("120.0"));
        assert_eq!(browser_version(iphone), Some("17.0"));
        assert_eq!(device(iphone), Some("iPhone"));
        assert_eq!(browser_version("curl/8.5.0"), Some("8.5.0"));
        assert_eq!(browser_version("Mozilla/5.0 Chrome/"), None);
        assert_eq!(device(edge), None);
    }
}
