//! `memcmp` and `bcmp` for the component, eight bytes at a time. The ones wasm32 links by
//! default (from `compiler_builtins`) compare a byte per loop iteration, and under wasmtime
//! every iteration also pays an epoch check; the core compares many string keys (attribute
//! names, list values, metadata). Elsewhere they are ordinary functions, for the tests.

use core::ffi::c_int;

/// Compares `n` bytes at `a` and `b` as unsigned bytes: negative, zero or positive.
///
/// # Safety
/// `a` and `b` must be valid for reads of `n` bytes.
#[cfg_attr(target_arch = "wasm32", unsafe(no_mangle))]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> c_int {
    let mut i = 0;
    while i + 8 <= n {
        // SAFETY: `i + 8 <= n`, and both are valid for `n` bytes; reads may be unaligned.
        let (x, y) = unsafe { (a.add(i).cast::<u64>().read_unaligned(), b.add(i).cast::<u64>().read_unaligned()) };
        if x != y {
            // Byte order on wasm32 is little-endian: swapped, the first differing byte is the
            // most significant, so the integers order as the bytes do.
            return if x.swap_bytes() < y.swap_bytes() { -1 } else { 1 };
        }
        i += 8;
    }
    while i < n {
        // SAFETY: `i < n`.
        let (x, y) = unsafe { (*a.add(i), *b.add(i)) };
        if x != y {
            return c_int::from(x) - c_int::from(y);
        }
        i += 1;
    }
    0
}

/// Whether `n` bytes at `a` and `b` differ (zero if equal).
///
/// # Safety
/// As [`memcmp`].
#[cfg_attr(target_arch = "wasm32", unsafe(no_mangle))]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> c_int {
    // SAFETY: the caller's promise, passed on.
    unsafe { memcmp(a, b, n) }
}

#[cfg(test)]
mod tests {
    use super::{bcmp, memcmp};

    /// The sign `memcmp` must give: that of the byte slices' order.
    fn expected(a: &[u8], b: &[u8]) -> i32 {
        a.cmp(b) as i32
    }

    #[test]
    fn orders_as_byte_slices_at_every_length_and_position() {
        for n in 0..40 {
            let base: Vec<u8> = (0..n).map(|i| (i * 37 % 251) as u8).collect();
            // SAFETY: both slices hold `n` bytes.
            assert_eq!(unsafe { memcmp(base.as_ptr(), base.as_ptr(), n) }, 0);
            for at in 0..n {
                for delta in [1u8, 128, 255] {
                    let mut other = base.clone();
                    other[at] = other[at].wrapping_add(delta);
                    // SAFETY: both slices hold `n` bytes.
                    let (got, back) =
                        unsafe { (memcmp(base.as_ptr(), other.as_ptr(), n), bcmp(other.as_ptr(), base.as_ptr(), n)) };
                    assert_eq!(got.signum(), expected(&base, &other), "n={n} at={at} delta={delta}");
                    assert_eq!(back.signum(), expected(&other, &base));
                }
            }
        }
    }
}
