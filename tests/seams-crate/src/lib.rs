//! Two functions with the same body; only one is `#[patchable]`.

/// Patchable.
#[testrig::patchable]
#[unsafe(no_mangle)]
#[inline(never)]
pub fn seams_demo_annotated(x: u64) -> u64 {
    x.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17) ^ 0xDEAD_BEEF
}

/// Not patchable.
#[unsafe(no_mangle)]
#[inline(never)]
pub fn seams_demo_plain(x: u64) -> u64 {
    x.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17) ^ 0xDEAD_BEEF
}

/// A type with patchable methods, to check that methods are untouched outside tests too.
pub struct Meter(pub u64);

impl Meter {
    /// Patchable method.
    #[testrig::patchable]
    pub fn read(&self) -> u64 {
        self.0
    }
}

#[testrig::patchable]
impl Meter {
    /// Patchable through the impl block.
    pub fn zero() -> Meter {
        Meter(0)
    }
}
