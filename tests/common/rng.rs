//! The one deterministic random generator of the project's development
//! tools (xorshift64*): the tests' "random" queries and texts, and the
//! synthetic corpus generator (`examples/synth.rs`, which includes this
//! file), are the same on every run and every machine.

/// xorshift64* (Vigna, "An experimental exploration of Marsaglia's
/// xorshift generators, scrambled", 2016).
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (0 is replaced by 1: xorshift needs a
    /// non-zero state).
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}
