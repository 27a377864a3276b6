//! Support signatures (election law Art. 56, as reported; BRIEF §8): at least 1% of all voters,
//! drawn equally from at least two thirds of the regions, the cities of republican significance
//! and the capital. Each signature is checked against the voter register by the keyed digest of
//! the signer's IIN:
//! - only a voter on the register and eligible on the day counts;
//! - a signature counts in the region where the signer is registered, and only on that
//!   region's list: one on another region's list is reported, not counted;
//! - one signature per voter per candidate (or per election, as configured): the second and
//!   later are reported as duplicates;
//! - every refused signature is reported with its row and the masked IIN, never the number.
//!
//! The spread is exact integer arithmetic: the required total is `ceil(1% × voters)`, a
//! region meets the spread with at least `ceil(required / regions)` valid signatures (the
//! configured reading of "equally", `SignatureRules::even_split_share`), and the regions
//! needed are `ceil(2/3 × regions)`. The outcome is a [`SignatureTally`], which the public
//! record keeps and the ledger re-checks from its own numbers.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::iin::{Iin, MaskedIin, PreparedDigestKey};
use crate::register::eligibility::IneligibleReason;
use crate::territory::RegionCode;

use super::outcome::grouped;
use super::rules::{SignatureRules, ceil_share};

/// A signature as collected: the signer's IIN and the region whose list it is on (an index
/// into the regions the check is given).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SupportSignature {
    /// The signer's IIN.
    pub iin: Iin,
    /// The region of the list, as an index into the regions.
    pub region: usize,
}

/// What the register says of a signer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signer {
    /// The region of registration, as an index into the regions (`None`: registered abroad or
    /// outside every region that counts).
    pub region: Option<usize>,
    /// Why they may not vote on the day, if they may not.
    pub ineligible: Option<IneligibleReason>,
}

/// A hasher for maps keyed by keyed digests (HMAC-SHA-256 outputs): the keys are already
/// uniformly distributed and nobody can choose them without the digest key, so folding their
/// bytes is as good a hash as SipHash and several times cheaper — it is most of the cost of a
/// look-up among 12.5 million voters.
#[derive(Debug, Clone, Copy, Default)]
pub struct DigestHasher(u64);

impl std::hash::Hasher for DigestHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.0 = self.0.rotate_left(29) ^ u64::from_le_bytes(b);
        }
    }
}

/// Builds [`DigestHasher`]s.
pub type DigestHash = std::hash::BuildHasherDefault<DigestHasher>;

/// The voter register as the check consults it: by the raw bytes of the keyed digest.
pub trait SignerLookup {
    /// The signer with this digest, if on the register.
    fn signer(&self, digest: &[u8; 32]) -> Option<Signer>;
}

impl<S: std::hash::BuildHasher> SignerLookup for std::collections::HashMap<[u8; 32], Signer, S> {
    fn signer(&self, digest: &[u8; 32]) -> Option<Signer> {
        self.get(digest).copied()
    }
}

/// Why a signature does not count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SignatureFault {
    /// Not on the voter register.
    NotOnRegister,
    /// On the register but not eligible to vote.
    Ineligible {
        /// Why.
        reason: IneligibleReason,
    },
    /// On the list of one region, registered in another (or abroad).
    OtherRegion {
        /// The list's region.
        list: RegionCode,
        /// The region of registration, if any counts.
        registered: Option<RegionCode>,
    },
    /// The same voter signed for this candidate before.
    Duplicate {
        /// The row of the signature that counted.
        first_row: u64,
    },
    /// The voter's signature already counts for another candidate (one per election).
    SignedForAnother,
}

impl fmt::Display for SignatureFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureFault::NotOnRegister => f.write_str("not on the voter register"),
            SignatureFault::Ineligible { reason } => write!(f, "not eligible: {reason}"),
            SignatureFault::OtherRegion { list, registered } => match registered {
                Some(r) => write!(f, "signed on the list of {list} but registered in {r}"),
                None => write!(
                    f,
                    "signed on the list of {list} but not registered in a region that counts"
                ),
            },
            SignatureFault::Duplicate { first_row } => {
                write!(f, "signed twice: the signature of row {first_row} counts")
            }
            SignatureFault::SignedForAnother => f.write_str(
                "already supports another candidate: one signature per voter per election",
            ),
        }
    }
}

/// A signature that does not count, as reported: its row, the masked IIN, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedSignature {
    /// Its row in the lists, from 1.
    pub row: u64,
    /// The signer's IIN, masked.
    pub iin: MaskedIin,
    /// Why.
    pub fault: SignatureFault,
}

/// Valid signatures in one region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionSignatures {
    /// The region.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub region: RegionCode,
    /// Valid signatures.
    pub valid: u64,
}

/// The decision on a candidate's signatures, with its numbers: what the public record keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignatureTally {
    /// Voters on the register (the base of the required share).
    pub voters: u64,
    /// Signatures required: `ceil(share × voters)`.
    pub required: u64,
    /// Signatures submitted.
    pub submitted: u64,
    /// Valid signatures.
    pub valid: u64,
    /// Valid signatures per region, every region that counts, in territory order.
    pub regions: Vec<RegionSignatures>,
    /// Valid signatures a region needs to meet the spread.
    pub per_region_required: u64,
    /// Regions that meet it.
    pub regions_meeting: u64,
    /// Regions that must meet it: `ceil(2/3 × regions)`.
    pub regions_required: u64,
    /// Whether the signatures suffice.
    pub sufficient: bool,
}

impl SignatureTally {
    /// The decision from the valid signatures per region, by the rules.
    pub fn decide(
        voters: u64,
        submitted: u64,
        regions: Vec<RegionSignatures>,
        rules: &SignatureRules,
    ) -> SignatureTally {
        let required = ceil_share(rules.share_of_voters, voters);
        let n = regions.len() as u64;
        // ceil(even_split × required / n), exactly.
        let per_region_required = if n == 0 {
            0
        } else {
            let num = u128::from(rules.even_split_share.numerator) * u128::from(required);
            let den = u128::from(rules.even_split_share.denominator.max(1)) * u128::from(n);
            u64::try_from(num.div_ceil(den)).expect("at most the required total")
        };
        let regions_meeting = regions
            .iter()
            .filter(|r| r.valid >= per_region_required)
            .count() as u64;
        let regions_required = ceil_share(rules.min_regions_share, n);
        let valid = regions.iter().map(|r| r.valid).sum();
        SignatureTally {
            voters,
            required,
            submitted,
            valid,
            regions,
            per_region_required,
            regions_meeting,
            regions_required,
            sufficient: valid >= required && regions_meeting >= regions_required,
        }
    }

    /// Whether this tally is what the rules give for its own numbers (the ledger's re-check).
    pub fn consistent(&self, rules: &SignatureRules) -> bool {
        self.submitted >= self.valid
            && *self
                == SignatureTally::decide(self.voters, self.submitted, self.regions.clone(), rules)
    }
}

impl fmt::Display for SignatureTally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} valid of {}; {} required; {} of {} regions meet the spread of {} (at least {} must): {}",
            grouped(self.valid),
            grouped(self.submitted),
            grouped(self.required),
            self.regions_meeting,
            self.regions.len(),
            grouped(self.per_region_required),
            self.regions_required,
            if self.sufficient {
                "sufficient"
            } else {
                "insufficient"
            }
        )
    }
}

/// The full report of a check: the decision and every refused signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureReport {
    /// The decision with its numbers.
    pub tally: SignatureTally,
    /// Every signature that does not count, in row order.
    pub refused: Vec<RefusedSignature>,
}

impl SignatureReport {
    /// How many signatures were refused for a fault of this kind (`not_on_register`, …).
    pub fn count(&self, kind: &str) -> usize {
        self.refused
            .iter()
            .filter(|r| {
                serde_json::to_value(&r.fault)
                    .ok()
                    .and_then(|v| v.get("kind").and_then(|k| k.as_str().map(str::to_owned)))
                    .as_deref()
                    == Some(kind)
            })
            .count()
    }
}

/// Checks one candidate's signatures against the register (see the module documentation).
///
/// `regions` are the regions that count (the territory's first-level units without abroad);
/// `voters` the voters on the register; `elsewhere` the digests already counted for other
/// candidates, consulted when the rules allow one signature per election (and extended by
/// the valid ones found here); `progress` is called with the number of signatures checked so
/// far, every 65,536 and at the end.
#[allow(clippy::too_many_arguments)]
pub fn check_signatures(
    signatures: impl IntoIterator<Item = SupportSignature>,
    key: &PreparedDigestKey,
    register: &impl SignerLookup,
    regions: &[RegionCode],
    voters: u64,
    rules: &SignatureRules,
    elsewhere: &mut HashSet<[u8; 32], DigestHash>,
    mut progress: impl FnMut(u64),
) -> SignatureReport {
    use super::rules::OneSignaturePer;
    let mut valid = vec![0u64; regions.len()];
    let mut counted: std::collections::HashMap<[u8; 32], u64, DigestHash> = Default::default();
    let mut refused = Vec::new();
    let mut submitted = 0u64;
    for s in signatures {
        submitted += 1;
        let row = submitted;
        let digest = key.digest_bytes(&s.iin);
        let fault = match register.signer(&digest) {
            None => Some(SignatureFault::NotOnRegister),
            Some(Signer {
                ineligible: Some(reason),
                ..
            }) => Some(SignatureFault::Ineligible { reason }),
            Some(Signer { region, .. }) if region != Some(s.region) => {
                Some(SignatureFault::OtherRegion {
                    list: regions
                        .get(s.region)
                        .cloned()
                        .unwrap_or_else(|| RegionCode(format!("#{}", s.region))),
                    registered: region.and_then(|r| regions.get(r).cloned()),
                })
            }
            Some(_) => {
                if let Some(first_row) = counted.get(&digest) {
                    Some(SignatureFault::Duplicate {
                        first_row: *first_row,
                    })
                } else if rules.one_per == OneSignaturePer::Election && elsewhere.contains(&digest)
                {
                    Some(SignatureFault::SignedForAnother)
                } else {
                    counted.insert(digest, row);
                    valid[s.region] += 1;
                    None
                }
            }
        };
        if let Some(fault) = fault {
            refused.push(RefusedSignature {
                row,
                iin: (&s.iin).into(),
                fault,
            });
        }
        if submitted.is_multiple_of(65_536) {
            progress(submitted);
        }
    }
    progress(submitted);
    if rules.one_per == OneSignaturePer::Election {
        elsewhere.extend(counted.into_keys());
    }
    let regions = regions
        .iter()
        .zip(valid)
        .map(|(region, valid)| RegionSignatures {
            region: region.clone(),
            valid,
        })
        .collect();
    SignatureReport {
        tally: SignatureTally::decide(voters, submitted, regions, rules),
        refused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iin::{DigestKey, Sex};
    use crate::president::rules::{OneSignaturePer, PresidentialRules};
    use chrono::{Days, NaiveDate};
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn key() -> PreparedDigestKey {
        PreparedDigestKey::new(&DigestKey::from_bytes(&[3; 32]).unwrap())
    }

    fn person(n: u64) -> Iin {
        let born = NaiveDate::from_ymd_opt(1960, 1, 1).unwrap() + Days::new(n);
        (0..100)
            .find_map(|s| Iin::from_parts(born, Sex::Female, s))
            .unwrap()
    }

    fn regions(n: usize) -> Vec<RegionCode> {
        (0..n).map(|i| RegionCode(format!("R{i:02}"))).collect()
    }

    fn rules() -> SignatureRules {
        PresidentialRules::kz_2026().signatures
    }

    #[test]
    fn the_spread_is_computed_exactly_and_stated_with_its_numbers() {
        // 20 regions, 1,000,000 voters: 10,000 required, 500 per region, 14 regions.
        let per = [
            600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 500, 499, 0, 0, 0, 0,
            0,
        ];
        let regions = regions(20)
            .into_iter()
            .zip(per)
            .map(|(region, valid)| RegionSignatures { region, valid })
            .collect();
        let t = SignatureTally::decide(1_000_000, 9_999, regions, &rules());
        assert_eq!(t.required, 10_000);
        assert_eq!(t.per_region_required, 500);
        assert_eq!(t.regions_required, 14);
        assert_eq!(t.regions_meeting, 14);
        assert_eq!(t.valid, 8_799);
        assert!(!t.sufficient, "too few in total");
        assert_eq!(
            t.to_string(),
            "8,799 valid of 9,999; 10,000 required; 14 of 20 regions meet the spread of 500 (at least 14 must): insufficient"
        );
        assert!(t.consistent(&rules()));
        let mut forged = t.clone();
        forged.sufficient = true;
        assert!(!forged.consistent(&rules()));
    }

    #[test]
    fn duplicates_other_regions_and_ineligible_signers_are_reported_masked_and_not_counted() {
        let k = key();
        let regions = regions(3);
        let mut register = HashMap::new();
        for n in 0..10 {
            register.insert(
                k.digest_bytes(&person(n)),
                Signer {
                    region: Some((n % 3) as usize),
                    ineligible: (n == 9).then_some(IneligibleReason::InCustody),
                },
            );
        }
        let sign = |n: u64, region: usize| SupportSignature {
            iin: person(n),
            region,
        };
        let sigs = vec![
            sign(0, 0),  // valid, R00
            sign(1, 1),  // valid, R01
            sign(0, 0),  // the same voter again
            sign(2, 0),  // registered in R02, on the list of R00
            sign(9, 0),  // in custody
            sign(50, 1), // not on the register
            sign(3, 0),  // valid, R00
        ];
        let mut elsewhere = HashSet::default();
        let mut seen = 0;
        let r = check_signatures(
            sigs,
            &k,
            &register,
            &regions,
            300,
            &rules(),
            &mut elsewhere,
            |n| seen = n,
        );
        assert_eq!(seen, 7);
        assert_eq!(r.tally.submitted, 7);
        assert_eq!(r.tally.valid, 3);
        assert_eq!(
            r.tally.regions.iter().map(|g| g.valid).collect::<Vec<_>>(),
            vec![2, 1, 0]
        );
        let rows: Vec<u64> = r.refused.iter().map(|s| s.row).collect();
        assert_eq!(rows, vec![3, 4, 5, 6]);
        assert_eq!(
            r.refused[0].fault,
            SignatureFault::Duplicate { first_row: 1 }
        );
        assert_eq!(
            r.refused[1].fault.to_string(),
            "signed on the list of R00 but registered in R02"
        );
        assert_eq!(r.count("ineligible"), 1);
        assert_eq!(r.count("not_on_register"), 1);
        for s in &r.refused {
            let json = serde_json::to_string(s).unwrap();
            for n in [0, 2, 9, 50] {
                assert!(!json.contains(&person(n).expose()), "{json}");
            }
        }
        // One per candidate: nothing carried to the next candidate.
        assert!(elsewhere.is_empty());
    }

    #[test]
    fn one_signature_per_election_refuses_a_voter_who_supports_another_candidate() {
        let k = key();
        let regions = regions(1);
        let register: HashMap<[u8; 32], Signer> = (0..3)
            .map(|n| {
                (
                    k.digest_bytes(&person(n)),
                    Signer {
                        region: Some(0),
                        ineligible: None,
                    },
                )
            })
            .collect();
        let rules = SignatureRules {
            one_per: OneSignaturePer::Election,
            ..rules()
        };
        let sig = |n| SupportSignature {
            iin: person(n),
            region: 0,
        };
        let mut elsewhere = HashSet::default();
        let a = check_signatures(
            [sig(0), sig(1)],
            &k,
            &register,
            &regions,
            100,
            &rules,
            &mut elsewhere,
            |_| {},
        );
        assert_eq!(a.tally.valid, 2);
        let b = check_signatures(
            [sig(1), sig(2)],
            &k,
            &register,
            &regions,
            100,
            &rules,
            &mut elsewhere,
            |_| {},
        );
        assert_eq!(b.tally.valid, 1);
        assert_eq!(b.refused[0].fault, SignatureFault::SignedForAnother);
    }

    proptest! {
        /// Whatever the lists, each region counts each eligible voter registered there at
        /// most once, and the regions' sum is the valid total.
        #[test]
        fn each_voter_counts_once_in_their_own_region(
            sigs in prop::collection::vec((0u64..40, 0usize..4), 0..120)
        ) {
            let k = key();
            let regions = regions(4);
            let register: HashMap<[u8; 32], Signer> = (0..30)
                .map(|n| (k.digest_bytes(&person(n)), Signer {
                    region: Some((n % 4) as usize),
                    ineligible: (n % 7 == 6).then_some(IneligibleReason::Underage),
                }))
                .collect();
            let list: Vec<SupportSignature> = sigs
                .iter()
                .map(|&(n, region)| SupportSignature { iin: person(n), region })
                .collect();
            let r = check_signatures(list, &k, &register, &regions, 4_000, &rules(),
                &mut HashSet::default(), |_| {});
            let expected: HashSet<u64> = sigs
                .iter()
                .filter(|&&(n, region)| n < 30 && n % 7 != 6 && (n % 4) as usize == region)
                .map(|&(n, _)| n)
                .collect();
            prop_assert_eq!(r.tally.valid, expected.len() as u64);
            prop_assert_eq!(r.tally.valid + r.refused.len() as u64, sigs.len() as u64);
            prop_assert!(r.tally.consistent(&rules()));
        }
    }
}
