//! Near-duplicate detection over Kazakh and Russian text: normalisation, shingles, MinHash and
//! locality-sensitive hashing (LSH), with exact Jaccard as the reference.
//!
//! - [`normalise`]: lower case; `ё` → `е`; the Kazakh letters folded to the Russian letters
//!   people type when they have no Kazakh keyboard (`ә→а ғ→г қ→к ң→н ө→о ұ→у ү→у һ→х і→и`);
//!   Latin look-alikes inside Cyrillic words (`a e o p c x y k i`) to Cyrillic; everything
//!   but letters and digits to one space.
//! - [`shingles`]: the set of character *k*-grams (default 5) of the normalised text, each
//!   hashed to 64 bits (FNV-1a), sorted.
//! - MinHash (Broder 1997): for *n* = `bands × rows` hash functions
//!   `hᵢ(x) = splitmix64(x ⊕ seedᵢ)`, the signature is `minᵢ` over the shingles; two
//!   signatures agree in one position with probability equal to the Jaccard index *J*.
//! - LSH banding (Leskovec, Rajaraman, Ullman, *Mining of Massive Datasets*, §3.4): two
//!   documents are candidates if all `rows` values of some band agree, with probability
//!   `1 − (1 − Jʳ)ᵇ`. With 20 bands of 6 rows a pair at J = 0.8 is a candidate with
//!   probability 0.9977.
//! - Candidates are confirmed with the exact Jaccard index of their shingle sets, compared to
//!   the threshold in integers (`100·|A∩B| ≥ t·|A∪B|`), and clusters are the connected
//!   components of confirmed pairs (single linkage).

use std::collections::HashMap;

/// Folds one lower-case character; `None` drops it to a separator.
fn fold(c: char, cyrillic_word: bool) -> char {
    match c {
        'ё' => 'е',
        'ә' => 'а',
        'ғ' => 'г',
        'қ' => 'к',
        'ң' => 'н',
        'ө' => 'о',
        'ұ' | 'ү' => 'у',
        'һ' => 'х',
        'і' => 'и',
        'a' if cyrillic_word => 'а',
        'e' if cyrillic_word => 'е',
        'o' if cyrillic_word => 'о',
        'p' if cyrillic_word => 'р',
        'c' if cyrillic_word => 'с',
        'x' if cyrillic_word => 'х',
        'y' if cyrillic_word => 'у',
        'k' if cyrillic_word => 'к',
        'i' if cyrillic_word => 'и',
        c => c,
    }
}

fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

/// Normalises Kazakh or Russian text for comparison and search (see the module docs).
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        let lower = word.to_lowercase();
        let cyr = lower.chars().any(is_cyrillic);
        // Lower-casing can yield combining marks (e.g. 'İ' → "i̇"): keep letters and digits.
        let folded: String = lower
            .chars()
            .filter(|c| c.is_alphanumeric())
            .map(|c| fold(c, cyr))
            .collect();
        if folded.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&folded);
    }
    out
}

/// FNV-1a, 64 bits.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// splitmix64's finaliser: a bijection of u64 with good avalanche.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The sorted, deduplicated 64-bit hashes of the character `k`-grams of normalised text
/// (a text shorter than `k` characters is one shingle).
pub fn shingles(normalised: &str, k: usize) -> Vec<u64> {
    let k = k.max(1);
    let idx: Vec<usize> = normalised
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(normalised.len()))
        .collect();
    let chars = idx.len() - 1;
    let mut out: Vec<u64> = if chars == 0 {
        Vec::new()
    } else if chars <= k {
        vec![fnv1a(normalised.as_bytes())]
    } else {
        (0..=chars - k)
            .map(|i| fnv1a(&normalised.as_bytes()[idx[i]..idx[i + k]]))
            .collect()
    };
    out.sort_unstable();
    out.dedup();
    out
}

/// |A ∩ B| and |A ∪ B| of two sorted, deduplicated sets.
pub fn jaccard_counts(a: &[u64], b: &[u64]) -> (usize, usize) {
    let (mut i, mut j, mut inter) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    (inter, a.len() + b.len() - inter)
}

/// Whether J(a, b) ≥ `percent`/100, exactly. Two empty sets are not similar.
pub fn similar_at_least(a: &[u64], b: &[u64], percent: u32) -> bool {
    let (i, u) = jaccard_counts(a, b);
    u > 0 && 100 * i as u64 >= percent as u64 * u as u64
}

/// LSH parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LshParams {
    /// Number of bands.
    pub bands: usize,
    /// Rows per band; the signature has `bands × rows` values.
    pub rows: usize,
    /// Shingle length in characters.
    pub shingle: usize,
    /// Similarity threshold in percent for a confirmed pair.
    pub threshold_percent: u32,
}

impl Default for LshParams {
    fn default() -> Self {
        LshParams {
            bands: 20,
            rows: 6,
            shingle: 5,
            threshold_percent: 80,
        }
    }
}

/// MinHash signatures with fixed, seeded hash functions.
#[derive(Debug, Clone)]
pub struct MinHasher {
    seeds: Vec<u64>,
}

impl MinHasher {
    /// `n` hash functions derived from `seed`.
    pub fn new(n: usize, seed: u64) -> MinHasher {
        MinHasher {
            seeds: (0..n as u64).map(|i| mix(seed ^ mix(i + 1))).collect(),
        }
    }

    /// The signature of a shingle set (all `u64::MAX` for an empty set).
    pub fn signature(&self, shingles: &[u64]) -> Vec<u64> {
        let mut sig = vec![u64::MAX; self.seeds.len()];
        for &s in shingles {
            for (m, &seed) in sig.iter_mut().zip(&self.seeds) {
                let h = mix(s ^ seed);
                if h < *m {
                    *m = h;
                }
            }
        }
        sig
    }
}

/// Candidate pairs `(i, j)`, `i < j`, that share a band bucket, deduplicated. Empty
/// signatures (empty texts) are never candidates.
pub fn candidate_pairs(signatures: &[Vec<u64>], params: &LshParams) -> Vec<(u32, u32)> {
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for band in 0..params.bands {
        let mut buckets: HashMap<u64, Vec<u32>> = HashMap::new();
        for (i, sig) in signatures.iter().enumerate() {
            let rows = &sig[band * params.rows..(band + 1) * params.rows];
            if rows[0] == u64::MAX {
                continue;
            }
            let key = rows.iter().fold(band as u64, |acc, &v| mix(acc ^ v));
            buckets.entry(key).or_default().push(i as u32);
        }
        for members in buckets.values() {
            for (x, &a) in members.iter().enumerate() {
                for &b in &members[x + 1..] {
                    pairs.push((a.min(b), a.max(b)));
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// Every pair with exact Jaccard ≥ the threshold, by comparing all pairs: the reference.
pub fn exact_pairs(shingles: &[Vec<u64>], threshold_percent: u32) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for i in 0..shingles.len() {
        for j in i + 1..shingles.len() {
            // Sizes alone bound J by min/max: skip pairs that cannot reach the threshold.
            let (a, b) = (shingles[i].len(), shingles[j].len());
            if 100 * a.min(b) < threshold_percent as usize * a.max(b) {
                continue;
            }
            if similar_at_least(&shingles[i], &shingles[j], threshold_percent) {
                out.push((i as u32, j as u32));
            }
        }
    }
    out
}

/// Union–find over `n` elements.
#[derive(Debug, Clone)]
pub struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    /// `n` singletons.
    pub fn new(n: usize) -> UnionFind {
        UnionFind {
            parent: (0..n as u32).collect(),
        }
    }

    /// The root of `x`'s set.
    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }

    /// Joins two sets; the smaller root becomes the root, so roots are the earliest members.
    pub fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = (ra.min(rb), ra.max(rb));
            self.parent[hi as usize] = lo;
        }
    }

    /// The sets with more than one element, each sorted, ordered by their first element.
    pub fn groups(&mut self) -> Vec<Vec<u32>> {
        let n = self.parent.len();
        let mut by_root: HashMap<u32, Vec<u32>> = HashMap::new();
        for x in 0..n as u32 {
            let r = self.find(x);
            by_root.entry(r).or_default().push(x);
        }
        let mut groups: Vec<Vec<u32>> = by_root.into_values().filter(|g| g.len() > 1).collect();
        groups.sort_unstable_by_key(|g| g[0]);
        groups
    }
}

/// The outcome of clustering.
#[derive(Debug, Clone)]
pub struct Clustering {
    /// Clusters of two or more documents (indices, sorted), ordered by their first member.
    pub clusters: Vec<Vec<u32>>,
    /// Candidate pairs produced by LSH.
    pub candidates: usize,
    /// Candidate pairs confirmed by exact Jaccard.
    pub confirmed: Vec<(u32, u32)>,
}

/// Clusters documents given their shingle sets and signatures: LSH candidates, confirmed by
/// exact Jaccard, joined into connected components.
pub fn cluster(shingles: &[Vec<u64>], signatures: &[Vec<u64>], params: &LshParams) -> Clustering {
    let candidates = candidate_pairs(signatures, params);
    let confirmed: Vec<(u32, u32)> = candidates
        .iter()
        .copied()
        .filter(|&(a, b)| {
            similar_at_least(
                &shingles[a as usize],
                &shingles[b as usize],
                params.threshold_percent,
            )
        })
        .collect();
    let mut uf = UnionFind::new(shingles.len());
    for &(a, b) in &confirmed {
        uf.union(a, b);
    }
    Clustering {
        clusters: uf.groups(),
        candidates: candidates.len(),
        confirmed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_folds_kazakh_letters_yo_and_latin_look_alikes() {
        assert_eq!(
            normalise("Қазақстан Республикасы!"),
            "казакстан республикасы"
        );
        assert_eq!(normalise("Ёлка"), "елка");
        // "Пaрламент" with a Latin 'a' in a Cyrillic word.
        assert_eq!(
            normalise("Пaрламент, 145 депутатов"),
            "парламент 145 депутатов"
        );
        assert_eq!(normalise("English words stay"), "english words stay");
        assert_eq!(normalise("әғқңөұүһі"), "агкноуухи");
    }

    #[test]
    fn shingles_and_exact_jaccard() {
        let a = shingles(&normalise("абвгдеж"), 5);
        assert_eq!(a.len(), 3);
        assert_eq!(jaccard_counts(&a, &a), (3, 3));
        assert!(similar_at_least(&a, &a, 100));
        assert!(!similar_at_least(&[], &[], 0));
        assert_eq!(shingles("", 5), Vec::<u64>::new());
        assert_eq!(shingles("аб", 5).len(), 1);
    }

    #[test]
    fn minhash_agreement_estimates_jaccard() {
        let base = "парламент должен состоять из одной палаты и ста сорока пяти депутатов избираемых по партийным спискам";
        let near = "парламент должен состоять из одной палаты и ста сорока пяти депутатов избираемых по партийным спискaм!";
        let far = "право на цифровую идентичность и защиту персональных данных гарантируется";
        let h = MinHasher::new(120, 7);
        let s: Vec<Vec<u64>> = [base, near, far]
            .iter()
            .map(|t| shingles(&normalise(t), 5))
            .collect();
        let sig: Vec<Vec<u64>> = s.iter().map(|x| h.signature(x)).collect();
        let agree = |a: &Vec<u64>, b: &Vec<u64>| a.iter().zip(b).filter(|(x, y)| x == y).count();
        // Normalisation makes `near` identical to `base`.
        assert_eq!(agree(&sig[0], &sig[1]), 120);
        assert!(agree(&sig[0], &sig[2]) < 20);
        let c = cluster(&s, &sig, &LshParams::default());
        assert_eq!(c.clusters, vec![vec![0, 1]]);
    }

    #[test]
    fn lsh_finds_what_exact_comparison_finds_on_small_data() {
        let texts: Vec<String> = (0..60)
            .map(|i| {
                let family = i % 6;
                format!(
                    "предлагаю изменить статью {family} конституции о правах граждан семья {family} {} вариант",
                    if i % 12 < 6 { "" } else { "и" }
                )
            })
            .collect();
        let s: Vec<Vec<u64>> = texts.iter().map(|t| shingles(&normalise(t), 5)).collect();
        let h = MinHasher::new(120, 1);
        let sig: Vec<Vec<u64>> = s.iter().map(|x| h.signature(x)).collect();
        let exact = exact_pairs(&s, 80);
        let c = cluster(&s, &sig, &LshParams::default());
        assert!(!exact.is_empty());
        let found = exact.iter().filter(|p| c.confirmed.contains(p)).count();
        assert_eq!(found, exact.len());
    }

    proptest::proptest! {
        #[test]
        fn normalise_is_idempotent_and_never_panics(s in "\\PC{0,80}") {
            let n = normalise(&s);
            proptest::prop_assert_eq!(normalise(&n), n.clone());
            let sh = shingles(&n, 5);
            proptest::prop_assert!(sh.windows(2).all(|w| w[0] < w[1]));
        }
    }
}
