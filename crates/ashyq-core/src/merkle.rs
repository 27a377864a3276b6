//! The transparency log's Merkle tree, as defined by Certificate Transparency
//! (RFC 9162 §2.1, unchanged from RFC 6962 §2.1).
//!
//! ## The mathematics
//! For a list of `n` inputs `D[n] = {d(0), …, d(n-1)}` the Merkle Tree Hash is
//! ```text
//! MTH({})    = SHA-256()                              (the empty string)
//! MTH({d0})  = SHA-256(0x00 ‖ d0)                     (a leaf)
//! MTH(D[n])  = SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n]))   for n > 1,
//! ```
//! where `k` is the largest power of two smaller than `n` (§2.1.1). The prefixes 0x00 and 0x01
//! separate leaves from interior nodes, so no leaf can pose as a node (second pre-image).
//!
//! An **inclusion proof** (§2.1.3) for leaf `m` of a tree of size `n` is the list of sibling
//! subtree hashes from the leaf to the root; a **consistency proof** (§2.1.4) between sizes
//! `m ≤ n` proves that the tree of size `n` extends the tree of size `m`, i.e. that nothing of
//! the first `m` leaves was changed, dropped or reordered. Verification follows the
//! algorithms of §2.1.3.2 and §2.1.4.2 step by step.
//!
//! ## The leaves of ashyq's log
//! Leaf `i` (0-based) holds log entry `seq = i + 1`. Its leaf **data** is the 32 raw bytes of
//! that entry's SHA-256 [`LogEntry::hash`](crate::event::LogEntry) (not its hex text), see
//! [`entry_leaf_data`]. The entry hash already covers `seq`, `prev`, `recorded_at` and the
//! event, so a verifier recomputes it from the exported JSON line, then the leaf hash
//! `SHA-256(0x00 ‖ entry hash)`, and needs nothing else. Using the hash rather than the whole
//! canonical JSON keeps leaves small (the territory event alone is megabytes) at no loss:
//! SHA-256 is collision resistant, and the hash chain and the tree then commit to the same
//! bytes.
//!
//! ## Cost
//! [`MerkleTree`] keeps every leaf hash and every complete, aligned subtree hash (about `2n`
//! hashes: 6.4 MB for 10⁵ leaves). Appending costs amortised O(1) hashes; the root of any
//! prefix and each proof element is assembled from at most `log₂ n` cached subtrees, so a root
//! costs O(log n) and a proof O(log² n) hash operations at worst.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

use crate::chain::LogHash;

/// A SHA-256 node or leaf hash of the tree. Serialized as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TreeHash(pub [u8; 32]);

impl TreeHash {
    /// The root of the empty tree: SHA-256 of the empty string (§2.1.1).
    pub fn empty_root() -> Self {
        TreeHash(Sha256::digest([]).into())
    }

    /// 64 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses 64 hex digits (either case).
    pub fn from_hex(text: &str) -> Result<Self, MerkleError> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(text, &mut out)
            .map_err(|_| MerkleError::BadHash { len: text.len() })?;
        Ok(TreeHash(out))
    }
}

impl fmt::Debug for TreeHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TreeHash({})", self.to_hex())
    }
}

impl fmt::Display for TreeHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl Serialize for TreeHash {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for TreeHash {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        TreeHash::from_hex(&text).map_err(serde::de::Error::custom)
    }
}

/// What went wrong building or checking a proof.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MerkleError {
    /// A hash was not 64 hex digits.
    #[error(
        "a tree hash must be 64 hex digits (32 bytes of SHA-256), got {len} characters; copy it whole from the receipt or tree head"
    )]
    BadHash {
        /// Length of the text received.
        len: usize,
    },
    /// A leaf index at or past the tree size.
    #[error(
        "leaf index {index} is outside a tree of size {size}: indexes run from 0 to size - 1 (leaf index = log seq - 1)"
    )]
    IndexOutOfRange {
        /// The index asked for.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// A tree size larger than the tree holds.
    #[error("tree size {size} is larger than the {available} leaves the log holds")]
    SizeBeyondTree {
        /// The size asked for.
        size: u64,
        /// Leaves available.
        available: u64,
    },
    /// A consistency proof asked from a larger to a smaller tree.
    #[error(
        "the first tree size ({first}) is larger than the second ({second}): give the older, smaller tree head first"
    )]
    SizesReversed {
        /// The first (older) size.
        first: u64,
        /// The second (newer) size.
        second: u64,
    },
    /// The proof has the wrong number of hashes for these sizes.
    #[error(
        "the proof has the wrong number of hashes for this index and tree size: it was made for another position or size, or was cut or padded"
    )]
    WrongProofLength,
    /// The proof leads to a different root: the leaf is not in that tree.
    #[error(
        "the proof does not lead to the expected root hash: the entry is not in the tree with that head (changed entry, wrong index or wrong tree head)"
    )]
    RootMismatch,
    /// The consistency proof does not reproduce the older root: the log was rewritten.
    #[error(
        "the consistency proof does not reproduce the older tree head: the log has changed, dropped or reordered entries since then, or the proof belongs to other sizes"
    )]
    OldRootMismatch,
    /// The consistency proof does not reproduce the newer root.
    #[error(
        "the consistency proof does not reproduce the newer tree head: the newer head does not extend the older one, or the proof belongs to other sizes"
    )]
    NewRootMismatch,
    /// Two heads of equal size with different roots: two different logs.
    #[error(
        "two tree heads of the same size {size} have different root hashes: the log was forked or rewritten"
    )]
    ForkAtSameSize {
        /// The common size.
        size: u64,
    },
}

/// `SHA-256(0x00 ‖ data)`: the hash of a leaf (§2.1.1).
pub fn leaf_hash(data: &[u8]) -> TreeHash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(data);
    TreeHash(h.finalize().into())
}

/// `SHA-256(0x01 ‖ left ‖ right)`: the hash of an interior node (§2.1.1).
pub fn node_hash(left: &TreeHash, right: &TreeHash) -> TreeHash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left.0);
    h.update(right.0);
    TreeHash(h.finalize().into())
}

/// The leaf data of a log entry: the 32 raw bytes of its entry hash (see the module docs).
pub fn entry_leaf_data(entry_hash: &LogHash) -> Result<[u8; 32], MerkleError> {
    TreeHash::from_hex(&entry_hash.0).map(|h| h.0)
}

/// The leaf hash of a log entry: `SHA-256(0x00 ‖ entry hash bytes)`.
pub fn entry_leaf_hash(entry_hash: &LogHash) -> Result<TreeHash, MerkleError> {
    entry_leaf_data(entry_hash).map(|d| leaf_hash(&d))
}

/// The largest power of two strictly smaller than `n` (`n ≥ 2`): the split point `k` of §2.1.1.
fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1u64 << (63 - (n - 1).leading_zeros())
}

/// An append-only Merkle tree over leaf hashes, keeping every complete aligned subtree.
#[derive(Clone, Default)]
pub struct MerkleTree {
    /// `levels[h][i]` is the hash of the complete subtree over leaves `[i·2ʰ, (i+1)·2ʰ)`;
    /// `levels[0]` holds the leaf hashes.
    levels: Vec<Vec<TreeHash>>,
}

impl fmt::Debug for MerkleTree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MerkleTree")
            .field("size", &self.size())
            .field("root", &self.root())
            .finish()
    }
}

impl MerkleTree {
    /// An empty tree.
    pub fn new() -> Self {
        MerkleTree::default()
    }

    /// A tree over these leaf hashes, in order.
    pub fn from_leaf_hashes(leaves: impl IntoIterator<Item = TreeHash>) -> Self {
        let mut tree = MerkleTree::new();
        for h in leaves {
            tree.push_leaf_hash(h);
        }
        tree
    }

    /// The number of leaves.
    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    /// Appends a leaf by its data; returns its index.
    pub fn push_leaf(&mut self, data: &[u8]) -> u64 {
        self.push_leaf_hash(leaf_hash(data))
    }

    /// Appends a leaf by its already computed leaf hash; returns its index.
    pub fn push_leaf_hash(&mut self, hash: TreeHash) -> u64 {
        if self.levels.is_empty() {
            self.levels.push(Vec::new());
        }
        self.levels[0].push(hash);
        let index = self.levels[0].len() as u64 - 1;
        // Close every subtree this leaf completes: while a level has an even count, its last
        // two nodes are siblings whose parent has just become complete.
        let mut h = 0;
        while self.levels[h].len().is_multiple_of(2) {
            let n = self.levels[h].len();
            let parent = node_hash(&self.levels[h][n - 2], &self.levels[h][n - 1]);
            if self.levels.len() == h + 1 {
                self.levels.push(Vec::new());
            }
            self.levels[h + 1].push(parent);
            h += 1;
        }
        index
    }

    /// The leaf hash at `index`, if present.
    pub fn leaf_hash_at(&self, index: u64) -> Option<TreeHash> {
        self.levels
            .first()
            .and_then(|l| l.get(usize::try_from(index).ok()?))
            .copied()
    }

    /// The root of the whole tree.
    pub fn root(&self) -> TreeHash {
        self.subtree_or_empty(self.size())
    }

    /// The root of the tree made of the first `size` leaves (`MTH(D[0:size])`).
    pub fn root_at(&self, size: u64) -> Result<TreeHash, MerkleError> {
        self.check_size(size)?;
        Ok(self.subtree_or_empty(size))
    }

    fn subtree_or_empty(&self, size: u64) -> TreeHash {
        if size == 0 {
            TreeHash::empty_root()
        } else {
            self.subtree(0, size)
        }
    }

    fn check_size(&self, size: u64) -> Result<(), MerkleError> {
        if size > self.size() {
            return Err(MerkleError::SizeBeyondTree {
                size,
                available: self.size(),
            });
        }
        Ok(())
    }

    /// `MTH(D[start:end])` for `start < end ≤ size`, from cached complete subtrees.
    fn subtree(&self, start: u64, end: u64) -> TreeHash {
        let len = end - start;
        if len.is_power_of_two() && start.is_multiple_of(len) {
            let h = len.trailing_zeros() as usize;
            return self.levels[h][(start >> h) as usize];
        }
        let k = split_point(len);
        node_hash(
            &self.subtree(start, start + k),
            &self.subtree(start + k, end),
        )
    }

    /// The inclusion proof `PATH(index, D[0:size])` of §2.1.3.1.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<TreeHash>, MerkleError> {
        self.check_size(size)?;
        if index >= size {
            return Err(MerkleError::IndexOutOfRange { index, size });
        }
        let mut out = Vec::new();
        self.path(index, 0, size, &mut out);
        Ok(out)
    }

    /// `PATH(m, D[start:end])`, appending in the RFC's order (deepest sibling first).
    fn path(&self, m: u64, start: u64, end: u64, out: &mut Vec<TreeHash>) {
        let n = end - start;
        if n == 1 {
            return;
        }
        let k = split_point(n);
        if m < k {
            self.path(m, start, start + k, out);
            out.push(self.subtree(start + k, end));
        } else {
            self.path(m - k, start + k, end, out);
            out.push(self.subtree(start, start + k));
        }
    }

    /// The consistency proof `PROOF(first, D[0:second])` of §2.1.4.1. Empty when
    /// `first` is 0 or equals `second`.
    pub fn consistency_proof(&self, first: u64, second: u64) -> Result<Vec<TreeHash>, MerkleError> {
        self.check_size(second)?;
        if first > second {
            return Err(MerkleError::SizesReversed { first, second });
        }
        let mut out = Vec::new();
        if first > 0 && first < second {
            self.subproof(first, 0, second, true, &mut out);
        }
        Ok(out)
    }

    /// `SUBPROOF(m, D[start:end], b)` of §2.1.4.1.
    fn subproof(&self, m: u64, start: u64, end: u64, b: bool, out: &mut Vec<TreeHash>) {
        let n = end - start;
        if m == n {
            if !b {
                out.push(self.subtree(start, end));
            }
            return;
        }
        let k = split_point(n);
        if m <= k {
            self.subproof(m, start, start + k, b, out);
            out.push(self.subtree(start + k, end));
        } else {
            self.subproof(m - k, start + k, end, false, out);
            out.push(self.subtree(start, start + k));
        }
    }
}

/// Verifies an inclusion proof (§2.1.3.2): that the leaf with hash `leaf` is leaf number
/// `index` of the tree of size `size` whose root is `root`.
pub fn verify_inclusion(
    leaf: &TreeHash,
    index: u64,
    size: u64,
    proof: &[TreeHash],
    root: &TreeHash,
) -> Result<(), MerkleError> {
    if index >= size {
        return Err(MerkleError::IndexOutOfRange { index, size });
    }
    let (mut fn_, mut sn) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if sn == 0 {
            return Err(MerkleError::WrongProofLength);
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(MerkleError::WrongProofLength);
    }
    if r != *root {
        return Err(MerkleError::RootMismatch);
    }
    Ok(())
}

/// Verifies a consistency proof (§2.1.4.2): that the tree of size `second` with root
/// `second_root` extends the tree of size `first` with root `first_root`.
///
/// Sizes 0 and equal sizes are handled before the RFC's algorithm, which assumes
/// `0 < first < second`: every tree extends the empty tree (whose root must then be
/// [`TreeHash::empty_root`]), and two heads of the same size must have the same root.
pub fn verify_consistency(
    first: u64,
    second: u64,
    first_root: &TreeHash,
    second_root: &TreeHash,
    proof: &[TreeHash],
) -> Result<(), MerkleError> {
    if first > second {
        return Err(MerkleError::SizesReversed { first, second });
    }
    if first == 0 {
        if !proof.is_empty() {
            return Err(MerkleError::WrongProofLength);
        }
        if *first_root != TreeHash::empty_root() {
            return Err(MerkleError::OldRootMismatch);
        }
        return Ok(());
    }
    if first == second {
        if !proof.is_empty() {
            return Err(MerkleError::WrongProofLength);
        }
        if first_root != second_root {
            return Err(MerkleError::ForkAtSameSize { size: first });
        }
        return Ok(());
    }
    // Step 1.
    if proof.is_empty() {
        return Err(MerkleError::WrongProofLength);
    }
    // Step 2: if `first` is a power of two, its root is a node of the path and is not sent.
    let mut path: Vec<TreeHash> = Vec::with_capacity(proof.len() + 1);
    if first.is_power_of_two() {
        path.push(*first_root);
    }
    path.extend_from_slice(proof);
    // Step 3 and 4.
    let (mut fn_, mut sn) = (first - 1, second - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    // Step 5.
    let mut fr = path[0];
    let mut sr = path[0];
    // Step 6.
    for c in &path[1..] {
        if sn == 0 {
            return Err(MerkleError::WrongProofLength);
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    // Step 7.
    if sn != 0 {
        return Err(MerkleError::WrongProofLength);
    }
    if fr != *first_root {
        return Err(MerkleError::OldRootMismatch);
    }
    if sr != *second_root {
        return Err(MerkleError::NewRootMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn h(text: &str) -> TreeHash {
        TreeHash::from_hex(text).unwrap()
    }

    /// The leaf inputs of the reference test vectors of transparency-dev/merkle
    /// (`testonly/constants.go`, `LeafInputs`), the successor of the certificate-transparency
    /// reference implementation.
    fn reference_leaves() -> Vec<Vec<u8>> {
        [
            "",
            "00",
            "10",
            "2021",
            "3031",
            "40414243",
            "5051525354555657",
            "606162636465666768696a6b6c6d6e6f",
        ]
        .iter()
        .map(|s| hex::decode(s).unwrap())
        .collect()
    }

    fn reference_tree() -> MerkleTree {
        let mut t = MerkleTree::new();
        for leaf in reference_leaves() {
            t.push_leaf(&leaf);
        }
        t
    }

    /// Root hashes for sizes 0..=8, from transparency-dev/merkle `testonly/constants.go`
    /// (`RootHashes`, `EmptyRootHash`).
    const REFERENCE_ROOTS: [&str; 9] = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    #[test]
    fn roots_match_the_reference_vectors_at_every_size() {
        let t = reference_tree();
        for (size, want) in REFERENCE_ROOTS.iter().enumerate() {
            assert_eq!(t.root_at(size as u64).unwrap(), h(want), "size {size}");
        }
        assert_eq!(t.root(), h(REFERENCE_ROOTS[8]));
        // Growing one leaf at a time gives the same roots.
        let mut grown = MerkleTree::new();
        assert_eq!(grown.root(), h(REFERENCE_ROOTS[0]));
        for (i, leaf) in reference_leaves().iter().enumerate() {
            grown.push_leaf(leaf);
            assert_eq!(grown.root(), h(REFERENCE_ROOTS[i + 1]));
        }
    }

    #[test]
    fn inclusion_proofs_match_the_reference_vectors() {
        // transparency-dev/merkle `testonly/reference_test.go`, `TestRefInclusionProof`.
        let cases: [(u64, u64, &[&str]); 6] = [
            (0, 1, &[]),
            (
                0,
                2,
                &["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"],
            ),
            (
                1,
                2,
                &["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"],
            ),
            (
                2,
                3,
                &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
            ),
            (
                1,
                5,
                &[
                    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ],
            ),
            (
                5,
                8,
                &[
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
        ];
        let t = reference_tree();
        let leaves = reference_leaves();
        for (index, size, want) in cases {
            let proof = t.inclusion_proof(index, size).unwrap();
            let want: Vec<TreeHash> = want.iter().map(|s| h(s)).collect();
            assert_eq!(proof, want, "index {index} size {size}");
            let leaf = leaf_hash(&leaves[index as usize]);
            verify_inclusion(
                &leaf,
                index,
                size,
                &proof,
                &h(REFERENCE_ROOTS[size as usize]),
            )
            .unwrap();
        }
    }

    #[test]
    fn consistency_proofs_match_the_reference_vectors() {
        // transparency-dev/merkle `testonly/reference_test.go`, `TestRefConsistencyProof`.
        let cases: [(u64, u64, &[&str]); 4] = [
            (1, 1, &[]),
            (
                1,
                8,
                &[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ],
            ),
            (
                2,
                5,
                &[
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ],
            ),
            (
                6,
                8,
                &[
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
        ];
        let t = reference_tree();
        for (first, second, want) in cases {
            let proof = t.consistency_proof(first, second).unwrap();
            let want: Vec<TreeHash> = want.iter().map(|s| h(s)).collect();
            assert_eq!(proof, want, "{first} → {second}");
            verify_consistency(
                first,
                second,
                &h(REFERENCE_ROOTS[first as usize]),
                &h(REFERENCE_ROOTS[second as usize]),
                &proof,
            )
            .unwrap();
        }
    }

    #[test]
    fn requests_outside_the_tree_are_errors_not_panics() {
        let t = reference_tree();
        assert_eq!(
            t.inclusion_proof(8, 8),
            Err(MerkleError::IndexOutOfRange { index: 8, size: 8 })
        );
        assert_eq!(
            t.inclusion_proof(0, 9),
            Err(MerkleError::SizeBeyondTree {
                size: 9,
                available: 8
            })
        );
        assert_eq!(
            t.consistency_proof(5, 3),
            Err(MerkleError::SizesReversed {
                first: 5,
                second: 3
            })
        );
        assert!(MerkleTree::new().inclusion_proof(0, 0).is_err());
        let root = t.root();
        assert_eq!(
            verify_inclusion(&root, 0, 0, &[], &root),
            Err(MerkleError::IndexOutOfRange { index: 0, size: 0 })
        );
        assert_eq!(
            verify_inclusion(&root, u64::MAX - 1, u64::MAX, &[root; 70], &root),
            Err(MerkleError::WrongProofLength)
        );
        assert!(verify_consistency(u64::MAX - 1, u64::MAX, &root, &root, &[root; 3]).is_err());
        assert!(TreeHash::from_hex("zz").is_err());
        assert!(TreeHash::from_hex(&"é".repeat(32)).is_err());
    }

    #[test]
    fn entry_leaves_are_the_raw_bytes_of_the_entry_hash() {
        let entry = LogHash("ab".repeat(32));
        assert_eq!(entry_leaf_data(&entry).unwrap(), [0xab; 32]);
        assert_eq!(entry_leaf_hash(&entry).unwrap(), leaf_hash(&[0xab; 32]));
        assert!(entry_leaf_hash(&LogHash("not hex".into())).is_err());
    }

    #[test]
    fn hashes_serialize_as_hex_strings() {
        let root = TreeHash::empty_root();
        let json = serde_json::to_string(&root).unwrap();
        assert_eq!(json, format!("\"{}\"", REFERENCE_ROOTS[0]));
        assert_eq!(serde_json::from_str::<TreeHash>(&json).unwrap(), root);
        assert!(serde_json::from_str::<TreeHash>("\"abc\"").is_err());
    }

    /// MTH straight from the definition, over a slice: the oracle for the cached tree.
    fn reference_mth(leaves: &[TreeHash]) -> TreeHash {
        match leaves.len() {
            0 => TreeHash::empty_root(),
            1 => leaves[0],
            n => {
                let k = split_point(n as u64) as usize;
                node_hash(&reference_mth(&leaves[..k]), &reference_mth(&leaves[k..]))
            }
        }
    }

    /// Random leaves, made distinct by their position (log entries are: each hash covers its
    /// `seq`), so that a proof for one position can only pass for another by a hash collision.
    fn leaves_strategy(max: usize) -> impl Strategy<Value = Vec<Vec<u8>>> {
        proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..8), 1..max).prop_map(
            |leaves| {
                leaves
                    .into_iter()
                    .enumerate()
                    .map(|(i, mut d)| {
                        d.extend_from_slice(&(i as u64).to_be_bytes());
                        d
                    })
                    .collect()
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn every_root_equals_the_definition(leaves in leaves_strategy(70)) {
            let hashes: Vec<TreeHash> = leaves.iter().map(|d| leaf_hash(d)).collect();
            let t = MerkleTree::from_leaf_hashes(hashes.iter().copied());
            for size in 0..=hashes.len() {
                prop_assert_eq!(t.root_at(size as u64).unwrap(), reference_mth(&hashes[..size]));
            }
        }

        #[test]
        fn every_inclusion_proof_verifies_and_no_tampered_one_does(
            leaves in leaves_strategy(40),
            salt in any::<u8>(),
        ) {
            let t = MerkleTree::from_leaf_hashes(leaves.iter().map(|d| leaf_hash(d)));
            let n = t.size();
            for size in 1..=n {
                let root = t.root_at(size).unwrap();
                for index in 0..size {
                    let leaf = t.leaf_hash_at(index).unwrap();
                    let proof = t.inclusion_proof(index, size).unwrap();
                    prop_assert!(verify_inclusion(&leaf, index, size, &proof, &root).is_ok());
                    // A changed leaf.
                    let changed = leaf_hash(&[salt, 0xff, 0xee]);
                    if changed != leaf {
                        prop_assert!(verify_inclusion(&changed, index, size, &proof, &root).is_err());
                    }
                    // A wrong index.
                    if size > 1 {
                        let other = (index + 1) % size;
                        prop_assert!(verify_inclusion(&leaf, other, size, &proof, &root).is_err());
                    }
                    // A wrong size, checked against the head of that size.
                    if size < n {
                        let bigger = t.root_at(size + 1).unwrap();
                        prop_assert!(verify_inclusion(&leaf, index, size + 1, &proof, &bigger).is_err());
                    }
                    if index + 1 < size {
                        let smaller = t.root_at(size - 1).unwrap();
                        prop_assert!(verify_inclusion(&leaf, index, size - 1, &proof, &smaller).is_err());
                    }
                    // A wrong root, a cut and a padded proof, a flipped bit.
                    prop_assert!(verify_inclusion(&leaf, index, size, &proof, &TreeHash([7; 32])).is_err());
                    if let Some((_, head)) = proof.split_last() {
                        prop_assert!(verify_inclusion(&leaf, index, size, head, &root).is_err());
                        let mut flipped = proof.clone();
                        flipped[0].0[0] ^= 1;
                        prop_assert!(verify_inclusion(&leaf, index, size, &flipped, &root).is_err());
                    }
                    let mut padded = proof.clone();
                    padded.push(root);
                    prop_assert!(verify_inclusion(&leaf, index, size, &padded, &root).is_err());
                }
            }
        }

        #[test]
        fn every_consistency_proof_verifies_and_no_tampered_one_does(leaves in leaves_strategy(40)) {
            let t = MerkleTree::from_leaf_hashes(leaves.iter().map(|d| leaf_hash(d)));
            let n = t.size();
            for second in 0..=n {
                let second_root = t.root_at(second).unwrap();
                for first in 0..=second {
                    let first_root = t.root_at(first).unwrap();
                    let proof = t.consistency_proof(first, second).unwrap();
                    prop_assert!(verify_consistency(first, second, &first_root, &second_root, &proof).is_ok());
                    // Wrong roots.
                    let bogus = TreeHash([9; 32]);
                    prop_assert!(verify_consistency(first, second, &bogus, &second_root, &proof).is_err());
                    prop_assert!(verify_consistency(first, second, &first_root, &bogus, &proof).is_err() || first == 0);
                    // Wrong sizes.
                    if first > 0 && first < second {
                        if second < n {
                            let bigger = t.root_at(second + 1).unwrap();
                            prop_assert!(verify_consistency(first, second + 1, &first_root, &bigger, &proof).is_err());
                        }
                        let other_first = t.root_at(first - 1).unwrap();
                        prop_assert!(verify_consistency(first - 1, second, &other_first, &second_root, &proof).is_err());
                        let mut cut = proof.clone();
                        cut.pop();
                        prop_assert!(verify_consistency(first, second, &first_root, &second_root, &cut).is_err());
                        let mut flipped = proof.clone();
                        let last = flipped.len() - 1;
                        flipped[last].0[31] ^= 1;
                        prop_assert!(verify_consistency(first, second, &first_root, &second_root, &flipped).is_err());
                    }
                    if first < second {
                        prop_assert!(verify_consistency(second, first, &second_root, &first_root, &proof).is_err());
                    }
                }
            }
        }

        /// The log of the issue: a server that rewrites, drops or reorders an old entry and
        /// then tries to prove its new tree consistent with a head it signed earlier is caught.
        #[test]
        fn a_rewritten_log_cannot_prove_consistency_with_an_old_head(
            leaves in leaves_strategy(40),
            pick in any::<proptest::sample::Index>(),
            tamper in 0u8..3,
        ) {
            let honest: Vec<TreeHash> = leaves.iter().enumerate()
                .map(|(i, d)| { let mut d = d.clone(); d.extend_from_slice(&(i as u64).to_be_bytes()); leaf_hash(&d) })
                .collect();
            let n = honest.len();
            prop_assume!(n >= 2);
            let i = pick.index(n - 1);
            let mut forged = honest.clone();
            match tamper {
                0 => forged[i] = leaf_hash(b"rewritten"),
                1 => { forged.remove(i); }
                _ => forged.swap(i, i + 1),
            }
            // The old head covered the tampered position.
            let old_size = (i + 2) as u64;
            let old_root = MerkleTree::from_leaf_hashes(honest.iter().copied()).root_at(old_size).unwrap();
            let forged_tree = MerkleTree::from_leaf_hashes(forged.iter().copied());
            let new_size = forged_tree.size().max(old_size);
            // Extend the forged log so it is at least as long as the old head.
            let mut forged_tree = forged_tree;
            while forged_tree.size() < new_size { forged_tree.push_leaf(b"padding"); }
            let new_root = forged_tree.root();
            let proof = forged_tree.consistency_proof(old_size, new_size).unwrap();
            prop_assert!(verify_consistency(old_size, new_size, &old_root, &new_root, &proof).is_err());
            // And the honest entry's inclusion proof from the forged tree fails against it.
            let proof = forged_tree.inclusion_proof(i as u64, new_size).unwrap();
            prop_assert!(verify_inclusion(&honest[i], i as u64, new_size, &proof, &new_root).is_err());
        }
    }

    #[test]
    fn a_large_log_grows_leaf_by_leaf_cheaply() {
        let mut t = MerkleTree::new();
        for i in 0u32..100_000 {
            t.push_leaf(&i.to_be_bytes());
        }
        let size = t.size();
        let root = t.root();
        let leaf = t.leaf_hash_at(77_777).unwrap();
        let proof = t.inclusion_proof(77_777, size).unwrap();
        assert_eq!(proof.len(), 17);
        verify_inclusion(&leaf, 77_777, size, &proof, &root).unwrap();
        let old = t.root_at(65_537).unwrap();
        let proof = t.consistency_proof(65_537, size).unwrap();
        verify_consistency(65_537, size, &old, &root, &proof).unwrap();
    }
}
