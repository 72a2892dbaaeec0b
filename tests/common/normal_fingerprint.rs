// The normal sampler's own cross-platform check: 2²² standard normal draws from seed 42,
// hashed bit for bit. `tests/sampler.rs` asserts the constant natively and `tests/web.rs`
// in Chromium. About a thousand of the draws come from the ziggurat's tail branch (two
// `libm::log` calls each) and some sixty thousand attempts go through its wedge test (one
// `libm::exp`), so a transcendental function that is not the same on both targets shows
// here even when `run::fingerprint` (a couple of thousand draws) happens to miss it.
// `rand_distr`'s sampler, which calls the platform's exp/ln, gives another hash natively.
//
// It changes only if the sampler or `rng_for` changes; update it then, deliberately, from
// the native run, and check that the browser agrees.

/// Draws in `normal_fingerprint`.
pub const NORMAL_FINGERPRINT_DRAWS: u32 = 1 << 22;

/// `normal_fingerprint(42)`: (hash, draws beyond the ziggurat's R = 3.654…, i.e. tail branch).
pub const NORMAL_FINGERPRINT_SEED_42: (u64, u32) = (0xd978_7adf_b65c_a932, 1085);

/// FNV-1a over the bits of `NORMAL_FINGERPRINT_DRAWS` draws from `rng_for(seed, 0)`, and
/// the number of them that came from the tail branch.
pub fn normal_fingerprint(seed: u64) -> (u64, u32) {
    use selection_sgd::sim::normal::{standard_normal, ZIGGURAT_R};
    let mut rng = selection_sgd::sim::rng_for(seed, 0);
    let (mut hash, mut tail) = (0xcbf2_9ce4_8422_2325_u64, 0);
    for _ in 0..NORMAL_FINGERPRINT_DRAWS {
        let z = standard_normal(&mut rng);
        tail += u32::from(z.abs() > ZIGGURAT_R);
        for byte in z.to_bits().to_le_bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    (hash, tail)
}
