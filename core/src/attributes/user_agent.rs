//! Browser and OS families from a user-agent string (the common families only).

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
    }
}
