//! Where the proofs' verification equations go: checked one by one, or gathered into one
//! random linear combination checked by a single multiscalar multiplication.
//!
//! Every proof of this protocol is verified by equations of the form
//! `g·G + k·K + Σ sᵢ·Pᵢ = 0` (the identity), where `G` is the generator, `K` the election key
//! and `Pᵢ` points of the proof or its statement. [`OneByOne`] checks each equation on its own
//! (the baseline); [`Batch`] multiplies equation `j` by a random 128-bit weight `zⱼ` and checks
//! `Σⱼ zⱼ·(equation j) = 0` once. If every equation holds the sum is 0; if one fails, the sum is
//! 0 with probability at most 2⁻¹²⁸ over the weights (the failing equation's left side is a
//! non-zero element of a group of prime order ℓ > 2²⁵², so exactly one value of its weight
//! modulo ℓ cancels the rest). The weights come from a ChaCha20 generator seeded with a hash
//! of everything in the batch, drawn only after every ballot of the batch is fixed, so a
//! prover cannot choose a ballot knowing its weights.

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

use super::group::G;

/// A sink for verification equations `g·G + k·K + Σ sᵢ·Pᵢ = 0`.
pub trait Checks {
    /// Adds (or checks) one equation.
    fn equation(&mut self, g: Scalar, k: Scalar, terms: &[(Scalar, RistrettoPoint)]);
}

/// Checks every equation at once, each with its own multiscalar multiplication.
#[derive(Debug, Clone)]
pub struct OneByOne {
    key: RistrettoPoint,
    failed: usize,
    checked: usize,
}

impl OneByOne {
    /// A checker for equations over the election key `key`.
    pub fn new(key: RistrettoPoint) -> Self {
        OneByOne {
            key,
            failed: 0,
            checked: 0,
        }
    }

    /// Whether every equation so far held.
    pub fn ok(&self) -> bool {
        self.failed == 0
    }

    /// How many equations were checked.
    pub fn checked(&self) -> usize {
        self.checked
    }
}

impl Checks for OneByOne {
    fn equation(&mut self, g: Scalar, k: Scalar, terms: &[(Scalar, RistrettoPoint)]) {
        let sum = RistrettoPoint::vartime_multiscalar_mul(
            [g, k].into_iter().chain(terms.iter().map(|(s, _)| *s)),
            [G, self.key]
                .into_iter()
                .chain(terms.iter().map(|(_, p)| *p)),
        );
        self.checked += 1;
        if !sum.is_identity() {
            self.failed += 1;
        }
    }
}

/// Gathers equations into one random linear combination. See the module documentation.
#[derive(Debug, Clone)]
pub struct Batch {
    key: RistrettoPoint,
    g: Scalar,
    k: Scalar,
    scalars: Vec<Scalar>,
    points: Vec<RistrettoPoint>,
    weights: ChaCha20Rng,
    equations: usize,
}

impl Batch {
    /// A batch over the election key `key`, its weights drawn from `seed` (a hash of the whole
    /// batch's content, see the module documentation).
    pub fn new(key: RistrettoPoint, seed: [u8; 32]) -> Self {
        Batch {
            key,
            g: Scalar::ZERO,
            k: Scalar::ZERO,
            scalars: Vec::new(),
            points: Vec::new(),
            weights: ChaCha20Rng::from_seed(seed),
            equations: 0,
        }
    }

    /// How many equations the batch holds.
    pub fn len(&self) -> usize {
        self.equations
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.equations == 0
    }

    /// Checks the combination with one multiscalar multiplication: true if every equation
    /// held (up to the 2⁻¹²⁸ error of the module documentation).
    pub fn holds(self) -> bool {
        let sum = RistrettoPoint::vartime_multiscalar_mul(
            [self.g, self.k].into_iter().chain(self.scalars),
            [G, self.key].into_iter().chain(self.points),
        );
        sum.is_identity()
    }
}

impl Checks for Batch {
    fn equation(&mut self, g: Scalar, k: Scalar, terms: &[(Scalar, RistrettoPoint)]) {
        let z = Scalar::from(self.weights.random::<u128>());
        self.g += z * g;
        self.k += z * k;
        for (s, p) in terms {
            self.scalars.push(z * s);
            self.points.push(*p);
        }
        self.equations += 1;
    }
}
