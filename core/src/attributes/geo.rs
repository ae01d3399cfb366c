//! Great-circle distance, computed with `libm` so every target gives the same bits.

const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Distance in kilometres between two points given in degrees.
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let rad = core::f64::consts::PI / 180.0;
    let (p1, p2) = (lat1 * rad, lat2 * rad);
    let dp = (lat2 - lat1) * rad;
    let dl = (lon2 - lon1) * rad;
    let h = libm::sin(dp / 2.0) * libm::sin(dp / 2.0)
        + libm::cos(p1) * libm::cos(p2) * libm::sin(dl / 2.0) * libm::sin(dl / 2.0);
    let km = 2.0 * EARTH_RADIUS_KM * libm::asin(libm::sqrt(h.clamp(0.0, 1.0)));
    // Kilometres to three decimals: enough for rules, and stable to print.
    libm::round(km * 1000.0) / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn london_to_paris() {
        let d = haversine_km(51.5074, -0.1278, 48.8566, 2.3522);
        assert!((d - 343.5).abs() < 1.0, "{d}");
        assert_eq!(haversine_km(10.0, 10.0, 10.0, 10.0), 0.0);
    }
}
