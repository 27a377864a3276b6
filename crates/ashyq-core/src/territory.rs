//! The territory: country → region → district → precinct.
//!
//! A [`Territory`] is a plain value; [`Territory::validate`] checks its internal references and
//! [`TerritoryIndex`] answers "which district and region does this precinct belong to" in O(1).
//! Generation of a synthetic territory, and import/export in CSV and JSON, live in
//! [`generate`](crate::territory::generate) and [`io`](crate::territory::io).

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

pub mod generate;
pub mod io;
pub mod search;

/// A name in the three languages of the user interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Names {
    /// Kazakh.
    pub kk: String,
    /// Russian.
    pub ru: String,
    /// English.
    pub en: String,
}

impl Names {
    /// The same text in all three languages (for proper names that are not translated).
    pub fn same(text: &str) -> Self {
        Names {
            kk: text.to_owned(),
            ru: text.to_owned(),
            en: text.to_owned(),
        }
    }

    /// The name in a language given by its code (`kk`, `ru`, `en`); English for any other code.
    pub fn get(&self, lang: &str) -> &str {
        match lang {
            "kk" => &self.kk,
            "ru" => &self.ru,
            _ => &self.en,
        }
    }
}

/// The kind of a first-level unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum UnitKind {
    /// A region (oblys).
    Oblys,
    /// A city of republican significance (including the capital).
    City,
    /// Precincts at diplomatic missions abroad, counted as their own unit.
    Abroad,
}

/// The code of a first-level unit: an ISO 3166-2 code such as `KZ-75`, or `ABROAD`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionCode(pub String);

impl RegionCode {
    /// The code of the unit that holds the precincts abroad.
    pub const ABROAD: &'static str = "ABROAD";
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A first-level unit: a region, a city of republican significance, or "abroad".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Region {
    /// ISO 3166-2 code, or `ABROAD`.
    pub code: RegionCode,
    /// Region, city or abroad.
    pub kind: UnitKind,
    /// Name in kk/ru/en.
    pub names: Names,
    /// Administrative centre (English name); empty for abroad.
    pub centre: String,
}

/// The identifier of a district, unique in the territory, e.g. `KZ-75-03`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DistrictId(pub String);

impl fmt::Display for DistrictId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A district (audan, or a city district); abroad, a country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct District {
    /// Unique identifier.
    pub id: DistrictId,
    /// The first-level unit it belongs to.
    pub region: RegionCode,
    /// Name in kk/ru/en.
    pub names: Names,
}

/// The number of a precinct, unique in the territory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrecinctId(pub u32);

impl fmt::Display for PrecinctId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A precinct (polling station) and the number of voters registered there before voting day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Precinct {
    /// Unique number.
    pub id: PrecinctId,
    /// The district it belongs to.
    pub district: DistrictId,
    /// A short name or address (e.g. "School No. 12" or "Embassy in Ankara").
    pub name: String,
    /// Voters on the list as drawn up before voting day.
    pub registered_voters: u64,
}

/// A whole territory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Territory {
    /// The jurisdiction profile it was made for, e.g. `kz`.
    pub profile: String,
    /// Country name in kk/ru/en.
    pub country: Names,
    /// The one time zone, as an offset from UTC in minutes (UTC+5 is 300).
    pub utc_offset_minutes: i32,
    /// Where the data comes from; says "synthetic" when it is generated.
    pub source: String,
    /// First-level units, abroad included.
    pub regions: Vec<Region>,
    /// Districts.
    pub districts: Vec<District>,
    /// Precincts.
    pub precincts: Vec<Precinct>,
}

/// Why a territory is not internally consistent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TerritoryError {
    /// Two units share a code.
    #[error("region code {0} appears more than once; every region code must be unique")]
    DuplicateRegion(RegionCode),
    /// Two districts share an identifier.
    #[error("district {0} appears more than once; every district id must be unique")]
    DuplicateDistrict(DistrictId),
    /// Two precincts share a number.
    #[error("precinct {0} appears more than once; every precinct number must be unique")]
    DuplicatePrecinct(PrecinctId),
    /// A district names a region that does not exist.
    #[error("district {district} refers to region {region}, which is not in the territory")]
    UnknownRegion {
        /// The district.
        district: DistrictId,
        /// The missing region.
        region: RegionCode,
    },
    /// A precinct names a district that does not exist.
    #[error("precinct {precinct} refers to district {district}, which is not in the territory")]
    UnknownDistrict {
        /// The precinct.
        precinct: PrecinctId,
        /// The missing district.
        district: DistrictId,
    },
    /// A precinct has an implausible number of voters.
    #[error(
        "precinct {precinct} has {voters} registered voters; the most a precinct may have is {max}"
    )]
    TooManyVoters {
        /// The precinct.
        precinct: PrecinctId,
        /// Its voters.
        voters: u64,
        /// The limit.
        max: u64,
    },
    /// There is nothing to vote in.
    #[error("the territory has no precincts; generate one with `ashyq territory generate`")]
    Empty,
}

/// The most voters a single precinct may have; keeps every sum far from overflow.
pub const MAX_PRECINCT_VOTERS: u64 = 1_000_000;

impl Territory {
    /// Checks uniqueness of codes and that every reference resolves.
    pub fn validate(&self) -> Result<(), TerritoryError> {
        TerritoryIndex::new(self).map(|_| ())
    }

    /// Total registered voters.
    pub fn registered_voters(&self) -> u64 {
        self.precincts.iter().map(|p| p.registered_voters).sum()
    }

    /// The region with this code.
    pub fn region(&self, code: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.code.0 == code)
    }
}

/// Position of a precinct in the tree, as indices into the territory's vectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// Index into `Territory::precincts`.
    pub precinct: usize,
    /// Index into `Territory::districts`.
    pub district: usize,
    /// Index into `Territory::regions`.
    pub region: usize,
}

/// O(1) look-ups over a validated territory.
#[derive(Debug, Clone)]
pub struct TerritoryIndex {
    precincts: HashMap<PrecinctId, Placement>,
    districts: HashMap<DistrictId, usize>,
    regions: HashMap<RegionCode, usize>,
    district_region: Vec<usize>,
}

impl TerritoryIndex {
    /// Builds the index, checking the territory on the way.
    pub fn new(t: &Territory) -> Result<Self, TerritoryError> {
        if t.precincts.is_empty() {
            return Err(TerritoryError::Empty);
        }
        let mut regions = HashMap::with_capacity(t.regions.len());
        for (i, r) in t.regions.iter().enumerate() {
            if regions.insert(r.code.clone(), i).is_some() {
                return Err(TerritoryError::DuplicateRegion(r.code.clone()));
            }
        }
        let mut districts = HashMap::with_capacity(t.districts.len());
        let mut district_region = Vec::with_capacity(t.districts.len());
        for (i, d) in t.districts.iter().enumerate() {
            let Some(&r) = regions.get(&d.region) else {
                return Err(TerritoryError::UnknownRegion {
                    district: d.id.clone(),
                    region: d.region.clone(),
                });
            };
            if districts.insert(d.id.clone(), i).is_some() {
                return Err(TerritoryError::DuplicateDistrict(d.id.clone()));
            }
            district_region.push(r);
        }
        let mut precincts = HashMap::with_capacity(t.precincts.len());
        for (i, p) in t.precincts.iter().enumerate() {
            let Some(&d) = districts.get(&p.district) else {
                return Err(TerritoryError::UnknownDistrict {
                    precinct: p.id,
                    district: p.district.clone(),
                });
            };
            if p.registered_voters > MAX_PRECINCT_VOTERS {
                return Err(TerritoryError::TooManyVoters {
                    precinct: p.id,
                    voters: p.registered_voters,
                    max: MAX_PRECINCT_VOTERS,
                });
            }
            let placement = Placement {
                precinct: i,
                district: d,
                region: district_region[d],
            };
            if precincts.insert(p.id, placement).is_some() {
                return Err(TerritoryError::DuplicatePrecinct(p.id));
            }
        }
        Ok(TerritoryIndex {
            precincts,
            districts,
            regions,
            district_region,
        })
    }

    /// Where a precinct sits, if it exists.
    pub fn placement(&self, id: PrecinctId) -> Option<Placement> {
        self.precincts.get(&id).copied()
    }

    /// Index of a district.
    pub fn district(&self, id: &DistrictId) -> Option<usize> {
        self.districts.get(id).copied()
    }

    /// Index of a region.
    pub fn region(&self, code: &RegionCode) -> Option<usize> {
        self.regions.get(code).copied()
    }

    /// Index of the region a district (by index) belongs to.
    pub fn region_of_district(&self, district: usize) -> usize {
        self.district_region[district]
    }
}
