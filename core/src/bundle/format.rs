//! Bytes ⇄ [`BundleSpec`], with the header checks that refuse truncated, corrupted or
//! wrong-version bundles before anything is decoded.

use sha2::{Digest, Sha256};

use super::{BundleError, BundleSpec};

/// First eight bytes of every bundle.
pub const MAGIC: &[u8; 8] = b"WARDBNDL";
/// The format version this engine writes and reads.
pub const FORMAT_VERSION: u16 = 1;
/// Bytes before the payload.
pub const HEADER_LEN: usize = 8 + 2 + 2 + 8 + 32;

/// Serialises a bundle; returns the bytes and the bundle id.
pub fn encode(spec: &BundleSpec) -> Result<(Vec<u8>, String), BundleError> {
    let payload = postcard::to_allocvec(spec).map_err(|e| BundleError::Decode(e.to_string()))?;
    let hash = Sha256::digest(&payload);
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&hash);
    out.extend_from_slice(&payload);
    Ok((out, bundle_id(&hash)))
}

/// Checks the header and hash, then decodes the payload. Returns the spec and the bundle id.
pub fn decode(bytes: &[u8]) -> Result<(BundleSpec, String), BundleError> {
    if bytes.len() < HEADER_LEN {
        return Err(BundleError::TooShort { len: bytes.len(), header: HEADER_LEN });
    }
    let (header, payload) = bytes.split_at(HEADER_LEN);
    if &header[..8] != MAGIC {
        return Err(BundleError::BadMagic);
    }
    let version = u16::from_le_bytes([header[8], header[9]]);
    if version != FORMAT_VERSION {
        return Err(BundleError::UnsupportedVersion { found: version, supported: FORMAT_VERSION });
    }
    if header[10] != 0 || header[11] != 0 {
        return Err(BundleError::UnknownFlags);
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&header[12..20]);
    let expected = u64::from_le_bytes(len);
    if expected != payload.len() as u64 {
        return Err(BundleError::LengthMismatch { expected, found: payload.len() as u64 });
    }
    let hash = Sha256::digest(payload);
    if hash.as_slice() != &header[20..52] {
        return Err(BundleError::HashMismatch);
    }
    let spec: BundleSpec = postcard::from_bytes(payload).map_err(|e| BundleError::Decode(e.to_string()))?;
    Ok((spec, bundle_id(&hash)))
}

fn bundle_id(hash: &[u8]) -> String {
    let mut id = String::from("bndl_");
    for b in hash.iter().take(16) {
        id.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
        id.push(char::from_digit(u32::from(b & 15), 16).unwrap_or('0'));
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        encode(&BundleSpec::rules_only("test", "Block if :amount_in_usd: > 100")).unwrap().0
    }

    #[test]
    fn round_trips_with_a_stable_id() {
        let bytes = sample();
        let (spec, id) = decode(&bytes).unwrap();
        assert_eq!(spec.rules, "Block if :amount_in_usd: > 100");
        assert_eq!(id, encode(&spec).unwrap().1);
        assert!(id.starts_with("bndl_") && id.len() == 37);
    }

    #[test]
    fn refuses_every_truncation() {
        let bytes = sample();
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "accepted a bundle cut at {cut}");
        }
    }

    #[test]
    fn refuses_every_single_bit_flip() {
        let bytes = sample();
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0x10;
            assert!(decode(&b).is_err(), "accepted a flip at byte {i}");
        }
    }

    #[test]
    fn names_the_version_problem() {
        let mut bytes = sample();
        bytes[8] = 9;
        assert!(matches!(decode(&bytes), Err(BundleError::UnsupportedVersion { found: 9, supported: 1 })));
    }
}
