//! A synthetic territory whose totals match the official figures exactly.
//!
//! Precinct-level data is not published in machine-readable form, so the demo and the tests
//! run on a generated territory: the real regions of the profile, plausible districts, and
//! precincts whose sizes follow a realistic skew (mid-sized urban precincts, small rural and
//! special ones). Only the totals are real: the number of precincts in the country and abroad,
//! the number of countries, and the number of registered voters, which the generator hits
//! exactly. [`Territory::source`] says so.
//!
//! Generation is deterministic: the same [`TerritorySpec`] gives the same territory, byte for
//! byte. Random numbers come from ChaCha8 seeded with [`TerritorySpec::seed`]; floating point
//! is used only to shape the distributions and only with `+ − × ÷` (no `ln`/`exp`, whose last
//! bit may differ between platforms' maths libraries). Every count is then an exact integer
//! from [`apportion_bounded`].

use std::sync::LazyLock;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::profile::Profile;
use crate::territory::{
    District, DistrictId, Names, Precinct, PrecinctId, Region, Territory, TerritoryError, UnitKind,
};

/// The fewest voters a generated precinct has (small rural and special precincts).
pub const MIN_GENERATED_PRECINCT_VOTERS: u64 = 30;

/// The most voters a generated precinct has (large urban precincts).
pub const MAX_GENERATED_PRECINCT_VOTERS: u64 = 3_000;

/// The most precincts (country and abroad together) the generator makes; far above any real
/// country, it keeps a mistyped number from exhausting memory.
pub const MAX_GENERATED_PRECINCTS: u64 = 1_000_000;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TerritorySpec {
    /// Seed of the random generator: the same spec always gives the same territory.
    pub seed: u64,
    /// Precincts in the country.
    pub domestic_precincts: u32,
    /// Precincts at diplomatic missions abroad.
    pub abroad_precincts: u32,
    /// Countries the abroad precincts are spread over (each gets at least one).
    pub abroad_countries: u32,
    /// Registered voters in all precincts together; hit exactly.
    pub registered_voters: u64,
}

impl Default for TerritorySpec {
    /// The 2026 referendum (BRIEF §3, CEC): 10,388 precincts in the country, 71 abroad in 54
    /// countries, 12,482,613 eligible voters; seed 2026.
    fn default() -> Self {
        TerritorySpec {
            seed: 2026,
            domestic_precincts: 10_388,
            abroad_precincts: 71,
            abroad_countries: 54,
            registered_voters: 12_482_613,
        }
    }
}

/// Why a territory cannot be generated from a spec; each message says which number to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenerateError {
    /// The profile lists no region or city.
    #[error(
        "profile {profile} has no regions or cities; a territory needs at least one domestic unit"
    )]
    NoDomesticRegions {
        /// The profile code.
        profile: String,
    },
    /// Fewer domestic precincts than regions.
    #[error(
        "domestic_precincts = {precincts} is fewer than the {regions} regions and cities of profile {profile}; set domestic_precincts to at least {regions} so that each gets a precinct"
    )]
    TooFewDomesticPrecincts {
        /// Requested domestic precincts.
        precincts: u32,
        /// Domestic units of the profile.
        regions: usize,
        /// The profile code.
        profile: String,
    },
    /// More precincts than the generator makes.
    #[error(
        "{precincts} precincts in all is more than the generator makes ({max}); lower domestic_precincts or abroad_precincts"
    )]
    TooManyPrecincts {
        /// Requested precincts, country and abroad.
        precincts: u64,
        /// The limit.
        max: u64,
    },
    /// The profile has no unit for precincts abroad, but some were requested.
    #[error(
        "profile {profile} has no unit for precincts abroad; set abroad_precincts and abroad_countries to 0"
    )]
    NoAbroadUnit {
        /// The profile code.
        profile: String,
    },
    /// More countries than the generator knows missions in.
    #[error(
        "abroad_countries = {requested}, but the generator knows diplomatic missions in only {available} countries; set abroad_countries to at most {available}"
    )]
    TooManyCountries {
        /// Requested countries.
        requested: u32,
        /// Countries known.
        available: usize,
    },
    /// Abroad precincts requested without a country to put them in.
    #[error(
        "abroad_precincts = {precincts} but abroad_countries = 0; set abroad_countries to at least 1, or abroad_precincts to 0"
    )]
    NoAbroadCountries {
        /// Requested abroad precincts.
        precincts: u32,
    },
    /// Fewer abroad precincts than countries.
    #[error(
        "abroad_precincts = {precincts} is fewer than abroad_countries = {countries}; every country needs at least one precinct, so set abroad_precincts ≥ {countries} or abroad_countries ≤ {precincts}"
    )]
    TooFewAbroadPrecincts {
        /// Requested abroad precincts.
        precincts: u32,
        /// Requested countries.
        countries: u32,
    },
    /// The voters do not fit the precincts within the size limits.
    #[error(
        "registered_voters = {voters} cannot be spread over {precincts} precincts of {min} to {max} voters each; choose registered_voters between {lowest} and {highest}, or change the number of precincts"
    )]
    VotersOutOfRange {
        /// Requested voters.
        voters: u64,
        /// Precincts, country and abroad.
        precincts: u64,
        /// Smallest precinct size.
        min: u64,
        /// Largest precinct size.
        max: u64,
        /// The fewest voters that fit.
        lowest: u64,
        /// The most voters that fit.
        highest: u64,
    },
    /// The embedded table of missions abroad is malformed: a broken build, which the tests
    /// catch.
    #[error("the embedded data/kz-missions.csv is malformed: {reason}; correct the file")]
    BadMissionTable {
        /// What is wrong, with its row and column.
        reason: String,
    },
    /// The profile makes an inconsistent territory (e.g. two regions with one code).
    #[error("the profile gives an inconsistent territory: {0}; fix the profile's region list")]
    Invalid(#[from] TerritoryError),
}

/// How a region of Kazakhstan is shaped, for the generator.
///
/// `population_k` are approximate population shares (thousands of residents, 2024–2025
/// estimates, rounded); they only steer how many voters and precincts a region gets, and the
/// territory built from them is synthetic. `districts` approximates the number of districts
/// and cities of regional significance; `centre_share` the share of the region's voters who
/// live in its administrative centre (1 for a city of republican significance).
struct RegionShape {
    code: &'static str,
    population_k: u32,
    districts: u32,
    centre_share: f64,
    /// The administrative centre in Kazakh and Russian (the profile has the English name).
    centre_kk: &'static str,
    centre_ru: &'static str,
}

const fn shape(
    code: &'static str,
    population_k: u32,
    districts: u32,
    centre_share: f64,
    centre_kk: &'static str,
    centre_ru: &'static str,
) -> RegionShape {
    RegionShape {
        code,
        population_k,
        districts,
        centre_share,
        centre_kk,
        centre_ru,
    }
}

/// Approximate population shares and structure of Kazakhstan's regions (see [`RegionShape`]).
const KZ_SHAPES: &[RegionShape] = &[
    shape("KZ-10", 603, 11, 0.55, "Семей", "Семей"),
    shape("KZ-11", 787, 19, 0.20, "Көкшетау", "Кокшетау"),
    shape("KZ-15", 926, 13, 0.60, "Ақтөбе", "Актобе"),
    shape("KZ-19", 1_530, 11, 0.07, "Қонаев", "Конаев"),
    shape("KZ-23", 700, 8, 0.55, "Атырау", "Атырау"),
    shape("KZ-27", 690, 13, 0.45, "Орал", "Уральск"),
    shape("KZ-31", 1_220, 11, 0.30, "Тараз", "Тараз"),
    shape("KZ-33", 700, 10, 0.25, "Талдықорған", "Талдыкорган"),
    shape("KZ-35", 1_130, 14, 0.45, "Қарағанды", "Караганда"),
    shape("KZ-39", 830, 20, 0.30, "Қостанай", "Костанай"),
    shape("KZ-43", 830, 9, 0.40, "Қызылорда", "Кызылорда"),
    shape("KZ-47", 790, 8, 0.35, "Ақтау", "Актау"),
    shape("KZ-55", 750, 13, 0.50, "Павлодар", "Павлодар"),
    shape("KZ-59", 530, 14, 0.40, "Петропавл", "Петропавловск"),
    shape("KZ-61", 2_140, 17, 0.11, "Түркістан", "Туркестан"),
    shape("KZ-62", 222, 8, 0.40, "Жезқазған", "Жезказган"),
    shape("KZ-63", 725, 11, 0.50, "Өскемен", "Усть-Каменогорск"),
    shape("KZ-71", 1_450, 5, 1.0, "Астана", "Астана"),
    shape("KZ-75", 2_300, 8, 1.0, "Алматы", "Алматы"),
    shape("KZ-79", 1_250, 5, 1.0, "Шымкент", "Шымкент"),
];

/// The shape of a region the table does not know (another profile): an average region.
const FALLBACK_OBLYS: RegionShape = shape("", 1_000, 12, 0.35, "", "");
/// The shape of a city the table does not know.
const FALLBACK_CITY: RegionShape = shape("", 1_000, 6, 1.0, "", "");

/// Mean precinct size the shaping aims at in towns and in the countryside; they set how many
/// precincts a region gets for its voters (rural regions get more, smaller precincts).
const URBAN_MEAN: f64 = 1_800.0;
const RURAL_MEAN: f64 = 860.0;
/// Mean size aimed at abroad: missions register a few hundred to a few thousand voters.
const ABROAD_MEAN: f64 = 700.0;

/// Countries where Kazakhstan has an embassy, with the cities of its further consulates and a
/// synthetic weight: `data/kz-missions.csv` (see `data/README.md`).
const KZ_MISSIONS_CSV: &str = include_str!("../../data/kz-missions.csv");

/// A country with a Kazakh diplomatic mission: ISO 3166-1 alpha-2 code, names (en, ru, kk), the
/// city of the embassy, further cities with a consulate, and a weight for how many voters it
/// registers. Ordered by weight, so a spec with fewer countries keeps the largest.
#[derive(Debug)]
struct Mission {
    iso: String,
    en: String,
    ru: String,
    kk: String,
    embassy: String,
    consulates: Vec<String>,
    weight: u32,
}

/// The missions of [`KZ_MISSIONS_CSV`], parsed on first use. The file is compiled in and
/// checked by the tests, so an error here is a broken build; it is still an error, not a panic.
fn missions() -> Result<&'static [Mission], GenerateError> {
    static MISSIONS: LazyLock<Result<Vec<Mission>, String>> =
        LazyLock::new(|| parse_missions(KZ_MISSIONS_CSV));
    MISSIONS
        .as_deref()
        .map_err(|reason| GenerateError::BadMissionTable {
            reason: reason.clone(),
        })
}

/// A row of the mission table as written; [`parse_missions`] checks it.
#[derive(serde::Deserialize)]
struct MissionRow {
    iso: String,
    name_en: String,
    name_ru: String,
    name_kk: String,
    embassy: String,
    consulates: String,
    weight: String,
}

/// Reads a mission table with the columns
/// `iso,name_en,name_ru,name_kk,embassy,consulates,weight`: consulates separated by `;` (none:
/// empty), weights whole numbers of at least 1 that never rise from one row to the next.
fn parse_missions(text: &str) -> Result<Vec<Mission>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut missions: Vec<Mission> = Vec::new();
    for (i, row) in reader.deserialize::<MissionRow>().enumerate() {
        let row_no = i + 2;
        let r = row.map_err(|e| format!("row {row_no}: {e}"))?;
        for (column, value) in [
            ("name_en", &r.name_en),
            ("name_ru", &r.name_ru),
            ("name_kk", &r.name_kk),
            ("embassy", &r.embassy),
        ] {
            if value.is_empty() {
                return Err(format!("row {row_no}, column {column}: empty"));
            }
        }
        if r.iso.len() != 2 || !r.iso.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(format!(
                "row {row_no}, column iso: {:?} is not two capital letters (ISO 3166-1 alpha-2)",
                r.iso
            ));
        }
        if missions.iter().any(|m| m.iso == r.iso) {
            return Err(format!(
                "row {row_no}, column iso: {} is listed twice",
                r.iso
            ));
        }
        let weight = r
            .weight
            .parse::<u32>()
            .ok()
            .filter(|w| *w >= 1)
            .ok_or_else(|| {
                format!(
                    "row {row_no}, column weight: {:?} is not a whole number of at least 1",
                    r.weight
                )
            })?;
        if let Some(previous) = missions.last().filter(|m| m.weight < weight) {
            return Err(format!(
                "row {row_no}, column weight: {weight} is more than the {} of the row before; order the rows by falling weight",
                previous.weight
            ));
        }
        let consulates = r
            .consulates
            .split(';')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect();
        missions.push(Mission {
            iso: r.iso,
            en: r.name_en,
            ru: r.name_ru,
            kk: r.name_kk,
            embassy: r.embassy,
            consulates,
            weight,
        });
    }
    if missions.is_empty() {
        return Err(
            "no missions: write a header iso,name_en,name_ru,name_kk,embassy,consulates,weight and a row per country"
                .to_owned(),
        );
    }
    Ok(missions)
}

/// Countries the generator can place abroad precincts in.
pub fn known_abroad_countries() -> usize {
    missions().map_or(0, <[Mission]>::len)
}

/// A precinct before its voters and number are known.
struct Planned {
    district: DistrictId,
    name: String,
    /// Relative size it should get; scaled to the region's voters afterwards.
    desired: f64,
}

/// Generates a synthetic territory for `profile` (see the module documentation).
///
/// Regions come from the profile in its order; abroad, one district per country. Precincts are
/// numbered 1..=N in territory order: region, then district.
pub fn generate(profile: &Profile, spec: &TerritorySpec) -> Result<Territory, GenerateError> {
    let domestic: Vec<&Region> = profile
        .regions
        .iter()
        .filter(|r| r.kind != UnitKind::Abroad)
        .collect();
    let abroad = profile.regions.iter().find(|r| r.kind == UnitKind::Abroad);
    check_spec(profile, spec, domestic.len(), abroad.is_some())?;

    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let shapes: Vec<&RegionShape> = domestic.iter().map(|r| shape_of(r)).collect();

    // Precincts per region: rural regions need more precincts for their voters, because a
    // village precinct is small.
    let precinct_weights: Vec<f64> = shapes
        .iter()
        .map(|s| {
            let c = s.centre_share;
            f64::from(s.population_k) * (c / URBAN_MEAN + (1.0 - c) / RURAL_MEAN)
        })
        .collect();
    let n = domestic.len();
    let region_precincts = apportion_bounded(
        u64::from(spec.domestic_precincts),
        &precinct_weights,
        &vec![1; n],
        &vec![u64::from(spec.domestic_precincts); n],
    )
    .ok_or_else(|| too_few(profile, spec, n))?;

    // Voters per unit (the regions, then abroad) in proportion to population, with abroad a
    // small share sized by its number of precincts; the bounds keep every unit feasible.
    let abroad_n = u64::from(spec.abroad_precincts);
    let domestic_n = u64::from(spec.domestic_precincts);
    // Abroad never gets more than its share of the precincts.
    let abroad_share = (abroad_n as f64 * ABROAD_MEAN / spec.registered_voters.max(1) as f64)
        .min(abroad_n as f64 / (abroad_n + domestic_n) as f64);
    let population: f64 = shapes.iter().map(|s| f64::from(s.population_k)).sum();
    let mut unit_weights: Vec<f64> = shapes
        .iter()
        .map(|s| (1.0 - abroad_share) * f64::from(s.population_k) / population)
        .collect();
    let mut unit_precincts = region_precincts.clone();
    if abroad_n > 0 {
        unit_weights.push(abroad_share);
        unit_precincts.push(abroad_n);
    }
    let lo: Vec<u64> = unit_precincts
        .iter()
        .map(|p| p * MIN_GENERATED_PRECINCT_VOTERS)
        .collect();
    let hi: Vec<u64> = unit_precincts
        .iter()
        .map(|p| p * MAX_GENERATED_PRECINCT_VOTERS)
        .collect();
    let unit_voters = apportion_bounded(spec.registered_voters, &unit_weights, &lo, &hi)
        .ok_or_else(|| out_of_range(spec))?;

    let mut districts: Vec<District> = Vec::new();
    let mut precincts: Vec<Precinct> = Vec::new();
    for (i, region) in domestic.iter().enumerate() {
        let planned = plan_region(
            region,
            shapes[i],
            region_precincts[i],
            &mut rng,
            &mut districts,
        );
        place(planned, unit_voters[i], &mut precincts).ok_or_else(|| out_of_range(spec))?;
    }
    if let (Some(region), true) = (abroad, abroad_n > 0) {
        let countries = &missions()?[..spec.abroad_countries as usize];
        let planned = plan_abroad(region, countries, spec, &mut rng, &mut districts)
            .ok_or_else(|| out_of_range(spec))?;
        place(planned, unit_voters[n], &mut precincts).ok_or_else(|| out_of_range(spec))?;
    }

    let territory = Territory {
        profile: profile.code.clone(),
        country: profile.country.clone(),
        utc_offset_minutes: profile.utc_offset_minutes,
        source: source_note(spec),
        regions: profile.regions.clone(),
        districts,
        precincts,
    };
    territory.validate()?;
    Ok(territory)
}

/// Refuses specs that cannot be met, before any work.
fn check_spec(
    profile: &Profile,
    spec: &TerritorySpec,
    domestic_regions: usize,
    has_abroad_unit: bool,
) -> Result<(), GenerateError> {
    if domestic_regions == 0 {
        return Err(GenerateError::NoDomesticRegions {
            profile: profile.code.clone(),
        });
    }
    let total = u64::from(spec.domestic_precincts) + u64::from(spec.abroad_precincts);
    if total > MAX_GENERATED_PRECINCTS {
        return Err(GenerateError::TooManyPrecincts {
            precincts: total,
            max: MAX_GENERATED_PRECINCTS,
        });
    }
    if (spec.domestic_precincts as usize) < domestic_regions {
        return Err(too_few(profile, spec, domestic_regions));
    }
    if spec.abroad_precincts > 0 || spec.abroad_countries > 0 {
        if !has_abroad_unit {
            return Err(GenerateError::NoAbroadUnit {
                profile: profile.code.clone(),
            });
        }
        let known = missions()?.len();
        if spec.abroad_countries as usize > known {
            return Err(GenerateError::TooManyCountries {
                requested: spec.abroad_countries,
                available: known,
            });
        }
        if spec.abroad_countries == 0 {
            return Err(GenerateError::NoAbroadCountries {
                precincts: spec.abroad_precincts,
            });
        }
        if spec.abroad_precincts < spec.abroad_countries {
            return Err(GenerateError::TooFewAbroadPrecincts {
                precincts: spec.abroad_precincts,
                countries: spec.abroad_countries,
            });
        }
    }
    let lowest = total * MIN_GENERATED_PRECINCT_VOTERS;
    let highest = total * MAX_GENERATED_PRECINCT_VOTERS;
    if !(lowest..=highest).contains(&spec.registered_voters) {
        return Err(out_of_range(spec));
    }
    Ok(())
}

fn too_few(profile: &Profile, spec: &TerritorySpec, regions: usize) -> GenerateError {
    GenerateError::TooFewDomesticPrecincts {
        precincts: spec.domestic_precincts,
        regions,
        profile: profile.code.clone(),
    }
}

fn out_of_range(spec: &TerritorySpec) -> GenerateError {
    let precincts = u64::from(spec.domestic_precincts) + u64::from(spec.abroad_precincts);
    GenerateError::VotersOutOfRange {
        voters: spec.registered_voters,
        precincts,
        min: MIN_GENERATED_PRECINCT_VOTERS,
        max: MAX_GENERATED_PRECINCT_VOTERS,
        lowest: precincts * MIN_GENERATED_PRECINCT_VOTERS,
        highest: precincts * MAX_GENERATED_PRECINCT_VOTERS,
    }
}

/// Says where the data comes from, and that only the totals may be real.
fn source_note(spec: &TerritorySpec) -> String {
    let official = TerritorySpec::default();
    let totals = if (
        spec.domestic_precincts,
        spec.abroad_precincts,
        spec.abroad_countries,
        spec.registered_voters,
    ) == (
        official.domestic_precincts,
        official.abroad_precincts,
        official.abroad_countries,
        official.registered_voters,
    ) {
        "totals match the official 2026 figures (CEC): 10,388 precincts in the country, 71 abroad \
         in 54 countries, 12,482,613 registered voters"
            .to_owned()
    } else {
        format!(
            "totals as requested: {} precincts in the country, {} abroad in {} countries, {} \
             registered voters",
            spec.domestic_precincts,
            spec.abroad_precincts,
            spec.abroad_countries,
            spec.registered_voters
        )
    };
    format!(
        "synthetic: generated by `ashyq territory generate --seed {}`; precinct sizes and their \
         distribution are not real data; {totals}",
        spec.seed
    )
}

fn shape_of(region: &Region) -> &'static RegionShape {
    KZ_SHAPES
        .iter()
        .find(|s| s.code == region.code.0)
        .unwrap_or(match region.kind {
            UnitKind::City => &FALLBACK_CITY,
            _ => &FALLBACK_OBLYS,
        })
}

/// A number in [0, 1) with a bell shape (mean of three uniforms).
fn bell(rng: &mut ChaCha8Rng) -> f64 {
    (rng.random::<f64>() + rng.random::<f64>() + rng.random::<f64>()) / 3.0
}

/// Names of precinct premises, numbered within their district.
#[derive(Default)]
struct Namer {
    school: u32,
    hospital: u32,
    village: u32,
}

impl Namer {
    /// A precinct in a town: mostly schools and colleges, sometimes a special precinct (hospital,
    /// military unit) with few voters, sometimes a new residential area with many.
    fn urban(&mut self, rng: &mut ChaCha8Rng) -> (String, f64) {
        let roll = rng.random_range(0..100u32);
        if roll < 5 {
            self.hospital += 1;
            let name = if roll < 3 {
                format!("City Hospital No. {}", self.hospital)
            } else {
                format!("Military Unit No. {}", rng.random_range(10_000..99_999u32))
            };
            return (name, 40.0 + 360.0 * rng.random::<f64>());
        }
        self.school += 1;
        let kind = match rng.random_range(0..10u32) {
            0..=5 => "Secondary School",
            6 => "Gymnasium",
            7 => "School-Lyceum",
            8 => "College",
            _ => "House of Culture",
        };
        let desired = if roll < 10 {
            2_400.0 + 550.0 * rng.random::<f64>()
        } else {
            1_000.0 + 1_600.0 * bell(rng)
        };
        (format!("{kind} No. {}", self.school), desired)
    }

    /// A village precinct: small, skewed towards a few hundred voters.
    fn rural(&mut self, rng: &mut ChaCha8Rng) -> (String, f64) {
        self.village += 1;
        let roll = rng.random_range(0..100u32);
        let kind = match roll {
            0..=2 => "Medical Outpost",
            3..=54 => "Rural School",
            55..=84 => "Village Club",
            _ => "Rural District Akimat",
        };
        let u = rng.random::<f64>();
        let desired = if roll < 3 {
            30.0 + 200.0 * u
        } else {
            60.0 + 1_900.0 * u * u
        };
        (format!("{kind} No. {}", self.village), desired)
    }
}

/// Creates the districts of a domestic region and plans its precincts.
fn plan_region(
    region: &Region,
    shape: &RegionShape,
    precincts: u64,
    rng: &mut ChaCha8Rng,
    districts: &mut Vec<District>,
) -> Vec<Planned> {
    let code = &region.code.0;
    let is_city = region.kind == UnitKind::City;
    let wanted = u64::from(shape.districts.max(1));
    let count = wanted.min(precincts).max(1);

    // Precincts per district. In an oblys district 1 is the administrative centre, which gets
    // the urban share of the precincts; the rural districts share the rest.
    let per_district: Vec<u64> = if is_city {
        let weights: Vec<f64> = (0..count)
            .map(|_| 0.7 + 0.6 * rng.random::<f64>())
            .collect();
        apportion_bounded(
            precincts,
            &weights,
            &vec![1; count as usize],
            &vec![precincts; count as usize],
        )
        .unwrap_or_else(|| even_split(precincts, count))
    } else {
        let c = shape.centre_share;
        let urban = (c / URBAN_MEAN) / (c / URBAN_MEAN + (1.0 - c) / RURAL_MEAN);
        let centre = ((urban * precincts as f64).round() as u64).clamp(1, precincts - (count - 1));
        let rest = precincts - centre;
        let mut v = vec![centre];
        if count > 1 {
            let weights: Vec<f64> = (1..count).map(|_| 0.5 + rng.random::<f64>()).collect();
            let k = (count - 1) as usize;
            v.extend(
                apportion_bounded(rest, &weights, &vec![1; k], &vec![rest; k])
                    .unwrap_or_else(|| even_split(rest, count - 1)),
            );
        }
        v
    };

    let mut planned = Vec::with_capacity(precincts as usize);
    for (k, &n) in per_district.iter().enumerate() {
        let number = k + 1;
        let id = DistrictId(format!("{code}-{number:02}"));
        let names = if !is_city && number == 1 {
            let en = if region.centre.is_empty() {
                code.as_str()
            } else {
                region.centre.as_str()
            };
            let kk = if shape.centre_kk.is_empty() {
                en
            } else {
                shape.centre_kk
            };
            let ru = if shape.centre_ru.is_empty() {
                en
            } else {
                shape.centre_ru
            };
            Names {
                kk: format!("{kk} қаласы"),
                ru: format!("город {ru}"),
                en: format!("{en} city"),
            }
        } else {
            Names {
                kk: format!("№{number} аудан"),
                ru: format!("Район №{number}"),
                en: format!("District {number}"),
            }
        };
        districts.push(District {
            id: id.clone(),
            region: region.code.clone(),
            names,
        });
        // A rural district has its own small town: some of its precincts are urban.
        let urban_district = is_city || number == 1;
        let mut namer = Namer::default();
        for _ in 0..n {
            let (name, desired) = if urban_district || rng.random_range(0..100u32) < 15 {
                namer.urban(rng)
            } else {
                namer.rural(rng)
            };
            planned.push(Planned {
                district: id.clone(),
                name,
                desired,
            });
        }
    }
    planned
}

/// Creates one district per country abroad and plans the mission precincts.
fn plan_abroad(
    region: &Region,
    countries: &[Mission],
    spec: &TerritorySpec,
    rng: &mut ChaCha8Rng,
    districts: &mut Vec<District>,
) -> Option<Vec<Planned>> {
    let total = u64::from(spec.abroad_precincts);
    let k = countries.len();
    let weights: Vec<f64> = countries.iter().map(|m| f64::from(m.weight)).collect();
    let per_country = apportion_bounded(total, &weights, &vec![1; k], &vec![total; k])?;
    let mut planned = Vec::with_capacity(total as usize);
    for (m, &n) in countries.iter().zip(&per_country) {
        let id = DistrictId(format!("{}-{}", region.code, m.iso));
        districts.push(District {
            id: id.clone(),
            region: region.code.clone(),
            names: Names {
                kk: m.kk.to_owned(),
                ru: m.ru.to_owned(),
                en: m.en.to_owned(),
            },
        });
        for j in 0..n as usize {
            let (name, desired) = if j == 0 {
                (
                    format!("Embassy in {}", m.embassy),
                    400.0 + 1_500.0 * bell(rng),
                )
            } else if let Some(city) = m.consulates.get(j - 1) {
                (
                    format!("Consulate General in {city}"),
                    200.0 + 1_000.0 * bell(rng),
                )
            } else {
                let extra = j - m.consulates.len() + 1;
                (
                    format!("Embassy in {}, precinct {extra}", m.embassy),
                    200.0 + 800.0 * bell(rng),
                )
            };
            planned.push(Planned {
                district: id.clone(),
                name,
                desired,
            });
        }
    }
    Some(planned)
}

/// Gives the planned precincts of one unit exactly `voters` voters, in proportion to their
/// desired sizes within the size limits, and numbers them after the precincts already placed.
fn place(planned: Vec<Planned>, voters: u64, precincts: &mut Vec<Precinct>) -> Option<()> {
    let k = planned.len();
    let weights: Vec<f64> = planned.iter().map(|p| p.desired).collect();
    let sizes = apportion_bounded(
        voters,
        &weights,
        &vec![MIN_GENERATED_PRECINCT_VOTERS; k],
        &vec![MAX_GENERATED_PRECINCT_VOTERS; k],
    )?;
    for (p, size) in planned.into_iter().zip(sizes) {
        // At most MAX_GENERATED_PRECINCTS precincts, so the number fits a u32.
        let id = PrecinctId(u32::try_from(precincts.len() + 1).ok()?);
        precincts.push(Precinct {
            id,
            district: p.district,
            name: p.name,
            registered_voters: size,
        });
    }
    Some(())
}

/// `total` split into `parts` near-equal integers (a fallback that is never needed when the
/// bounds are feasible, kept so that no input can panic).
fn even_split(total: u64, parts: u64) -> Vec<u64> {
    let parts = parts.max(1);
    (0..parts)
        .map(|i| total / parts + u64::from(i < total % parts))
        .collect()
}

/// Splits `total` into integers `s_i` with `lo_i ≤ s_i ≤ hi_i` and `Σ s_i = total`, as nearly
/// proportional to `weights` as the bounds allow.
///
/// The real-valued solution is `x_i = clamp(λ·w_i, lo_i, hi_i)` with `λ` chosen (by bisection)
/// so that `Σ x_i = total`; the integer result takes `⌊x_i⌋` and hands the remaining units to
/// the largest fractional parts (largest-remainder apportionment), so the total is exact.
/// Non-finite or negative weights count as 0 (such an item gets its lower bound when it can).
/// `None` when the bounds cannot meet the total (`Σ lo > total` or `Σ hi < total`), when a lower
/// bound exceeds its upper bound, or when the slices differ in length.
pub(crate) fn apportion_bounded(
    total: u64,
    weights: &[f64],
    lo: &[u64],
    hi: &[u64],
) -> Option<Vec<u64>> {
    let n = weights.len();
    if lo.len() != n || hi.len() != n || lo.iter().zip(hi).any(|(l, h)| l > h) {
        return None;
    }
    let sum_lo: u128 = lo.iter().map(|&v| u128::from(v)).sum();
    let sum_hi: u128 = hi.iter().map(|&v| u128::from(v)).sum();
    let target = u128::from(total);
    if target < sum_lo || target > sum_hi {
        return None;
    }
    let mut w: Vec<f64> = weights
        .iter()
        .map(|&x| if x.is_finite() && x > 0.0 { x } else { 0.0 })
        .collect();
    if w.iter().all(|&x| x == 0.0) {
        w.fill(1.0);
    }
    let filled = |lambda: f64| -> f64 {
        w.iter()
            .zip(lo.iter().zip(hi))
            .map(|(&x, (&l, &h))| (lambda * x).clamp(l as f64, h as f64))
            .sum()
    };
    // At λ_max every item with a weight is at its upper bound, so the root lies in [0, λ_max].
    let lambda_max = w
        .iter()
        .zip(hi)
        .filter(|(x, _)| **x > 0.0)
        .map(|(&x, &h)| h as f64 / x)
        .fold(0.0, f64::max);
    let (mut a, mut b) = (0.0_f64, lambda_max);
    for _ in 0..100 {
        let m = 0.5 * (a + b);
        if m <= a || m >= b {
            break;
        }
        if filled(m) < total as f64 {
            a = m;
        } else {
            b = m;
        }
    }
    let lambda = 0.5 * (a + b);
    let x: Vec<f64> = w
        .iter()
        .zip(lo.iter().zip(hi))
        .map(|(&x, (&l, &h))| (lambda * x).clamp(l as f64, h as f64))
        .collect();
    let mut s: Vec<u64> = x
        .iter()
        .zip(lo.iter().zip(hi))
        .map(|(&v, (&l, &h))| (v.floor() as u64).clamp(l, h))
        .collect();
    let frac: Vec<f64> = x.iter().zip(&s).map(|(&v, &f)| v - f as f64).collect();
    let current: u128 = s.iter().map(|&v| u128::from(v)).sum();
    let mut order: Vec<usize> = (0..n).collect();
    if current < target {
        let mut missing = target - current;
        // Largest remainders first; ties by position, so the result is deterministic.
        order.sort_by(|&i, &j| frac[j].total_cmp(&frac[i]).then(i.cmp(&j)));
        for &i in &order {
            if missing == 0 {
                break;
            }
            if s[i] < hi[i] {
                s[i] += 1;
                missing -= 1;
            }
        }
        // Only rounding error in λ can leave more: fill the remaining room in the same order.
        for &i in &order {
            if missing == 0 {
                break;
            }
            let room = u128::from(hi[i] - s[i]).min(missing);
            s[i] += room as u64;
            missing -= room;
        }
    } else if current > target {
        let mut extra = current - target;
        order.sort_by(|&i, &j| frac[i].total_cmp(&frac[j]).then(i.cmp(&j)));
        for &i in &order {
            if extra == 0 {
                break;
            }
            if s[i] > lo[i] {
                s[i] -= 1;
                extra -= 1;
            }
        }
        for &i in &order {
            if extra == 0 {
                break;
            }
            let room = u128::from(s[i] - lo[i]).min(extra);
            s[i] -= room as u64;
            extra -= room;
        }
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::kz;
    use crate::territory::RegionCode;
    use proptest::prelude::*;
    use std::collections::HashMap;
    use std::sync::OnceLock;

    fn default_territory() -> &'static Territory {
        static T: OnceLock<Territory> = OnceLock::new();
        T.get_or_init(|| generate(&kz(), &TerritorySpec::default()).expect("the default spec"))
    }

    #[test]
    fn the_default_territory_has_the_official_totals() {
        let t = default_territory();
        assert_eq!(t.precincts.len(), 10_459);
        assert_eq!(t.registered_voters(), 12_482_613);
        let abroad: Vec<&Precinct> = t
            .precincts
            .iter()
            .filter(|p| p.district.0.starts_with("ABROAD-"))
            .collect();
        assert_eq!(abroad.len(), 71);
        let abroad_districts = t
            .districts
            .iter()
            .filter(|d| d.region.0 == RegionCode::ABROAD)
            .count();
        assert_eq!(abroad_districts, 54);
        assert_eq!(t.regions.len(), 21);
        assert!(t.validate().is_ok());
        assert!(t.source.starts_with("synthetic:"), "{}", t.source);
        assert!(t.source.contains("not real data"), "{}", t.source);
        assert_eq!(t.profile, "kz");
        assert_eq!(t.utc_offset_minutes, 300);
    }

    #[test]
    fn precincts_are_numbered_in_territory_order_with_sizes_in_range() {
        let t = default_territory();
        let district_pos: HashMap<&DistrictId, usize> = t
            .districts
            .iter()
            .enumerate()
            .map(|(i, d)| (&d.id, i))
            .collect();
        let region_pos: HashMap<&str, usize> = t
            .regions
            .iter()
            .enumerate()
            .map(|(i, r)| (r.code.0.as_str(), i))
            .collect();
        let mut last = (0, 0);
        for (i, p) in t.precincts.iter().enumerate() {
            assert_eq!(p.id, PrecinctId(i as u32 + 1));
            assert!(
                (MIN_GENERATED_PRECINCT_VOTERS..=MAX_GENERATED_PRECINCT_VOTERS)
                    .contains(&p.registered_voters),
                "{p:?}"
            );
            let d = district_pos[&p.district];
            let pos = (region_pos[t.districts[d].region.0.as_str()], d);
            assert!(pos >= last, "precinct {} out of order", p.id);
            last = pos;
        }
    }

    #[test]
    fn the_shape_is_realistic() {
        let t = default_territory();
        let sizes: Vec<u64> = t.precincts.iter().map(|p| p.registered_voters).collect();
        let min = sizes.iter().min().copied().unwrap_or(0);
        let max = sizes.iter().max().copied().unwrap_or(0);
        assert!(min < 100, "smallest precinct {min}");
        assert!(max > 2_500, "largest precinct {max}");
        let mid = sizes
            .iter()
            .filter(|&&s| (1_000..=2_500).contains(&s))
            .count();
        let small = sizes.iter().filter(|&&s| s < 500).count();
        assert!(mid > 3_000, "{mid} precincts of 1,000–2,500 voters");
        assert!(small > 1_500, "{small} precincts under 500 voters");

        let by_region = |code: &str| -> u64 {
            let ids: Vec<&DistrictId> = t
                .districts
                .iter()
                .filter(|d| d.region.0 == code)
                .map(|d| &d.id)
                .collect();
            t.precincts
                .iter()
                .filter(|p| ids.contains(&&p.district))
                .map(|p| p.registered_voters)
                .sum()
        };
        // Large regions are large and Ulytau is small; abroad is a small share.
        assert!(by_region("KZ-61") > 3 * by_region("KZ-62"));
        assert!(by_region("KZ-75") > by_region("KZ-11"));
        let abroad = by_region(RegionCode::ABROAD);
        assert!(abroad > 71 * 200 && abroad < 71 * 2_000, "abroad {abroad}");

        // Districts: 8–20 per oblys, 4–8 per city, one per country abroad.
        for r in &t.regions {
            let n = t.districts.iter().filter(|d| d.region == r.code).count();
            match r.kind {
                UnitKind::Oblys => assert!((8..=20).contains(&n), "{}: {n}", r.code),
                UnitKind::City => assert!((4..=8).contains(&n), "{}: {n}", r.code),
                UnitKind::Abroad => assert_eq!(n, 54),
            }
        }
        let kzl = t
            .districts
            .iter()
            .find(|d| d.id.0 == "KZ-43-01")
            .map(|d| &d.names);
        assert_eq!(kzl.map(|n| n.en.as_str()), Some("Kyzylorda city"));
        assert_eq!(kzl.map(|n| n.ru.as_str()), Some("город Кызылорда"));
        let turkey = t
            .districts
            .iter()
            .find(|d| d.id.0 == "ABROAD-TR")
            .map(|d| &d.names);
        assert_eq!(turkey.map(|n| n.kk.as_str()), Some("Түркия"));
        assert!(t.precincts.iter().any(|p| p.name == "Embassy in Ankara"));
    }

    #[test]
    fn generation_is_deterministic() {
        let spec = TerritorySpec::default();
        let a = generate(&kz(), &spec).unwrap();
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, serde_json::to_string(default_territory()).unwrap());
        let other = generate(&kz(), &TerritorySpec { seed: 7, ..spec }).unwrap();
        assert_ne!(other, a);
        assert_eq!(other.registered_voters(), a.registered_voters());
    }

    /// The SHA-256 of the territory's JSON (`territory::io::to_json`, what `ashyq territory
    /// generate --output FILE.json` writes).
    fn json_sha256(t: &Territory) -> String {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(crate::territory::io::to_json(t).as_bytes()))
    }

    #[test]
    fn the_generated_territory_is_the_same_byte_for_byte() {
        // These digests were computed from the code as it was before the missions moved from
        // a table in this file to data/kz-missions.csv (commit 9e2c4b8); moving data must not
        // change a byte of what is generated. The second spec places precincts in every one
        // of the 65 countries, so every row of the table is covered.
        let all_countries = TerritorySpec {
            seed: 7,
            abroad_precincts: 90,
            abroad_countries: 65,
            ..TerritorySpec::default()
        };
        let digests = [
            json_sha256(default_territory()),
            json_sha256(&generate(&kz(), &all_countries).unwrap()),
        ];
        assert_eq!(
            digests,
            [
                "4f12a243862fa3d9b3bc183489ed20f3f69bc4681184b9384d958ac23585260b",
                "42ed0f745aee1970e82e3d9da46a006be55224763d66357b762c94f325a1b31d",
            ]
        );
    }

    #[test]
    fn the_embedded_mission_table_is_well_formed() {
        let missions = parse_missions(KZ_MISSIONS_CSV).unwrap();
        assert_eq!(missions.len(), 65);
        assert_eq!(known_abroad_countries(), 65);
        let russia = &missions[0];
        assert_eq!((russia.iso.as_str(), russia.weight), ("RU", 10));
        assert_eq!(russia.consulates.len(), 5);
        assert!(
            missions
                .iter()
                .any(|m| m.iso == "UZ" && m.consulates.is_empty())
        );
    }

    #[test]
    fn a_malformed_mission_table_is_refused_with_its_row_and_column() {
        const HEADER: &str = "iso,name_en,name_ru,name_kk,embassy,consulates,weight\n";
        const RUSSIA: &str = "RU,Russia,Россия,Ресей,Moscow,,2\n";
        let cases: [(String, &[&str]); 8] = [
            (
                format!("{HEADER}RU,Russia,Россия,Ресей,Moscow,,ten\n"),
                &["row 2, column weight", "\"ten\""],
            ),
            (
                format!("{HEADER}{RUSSIA}ru,Ruritania,Р,Р,Strelsau,,1\n"),
                &["row 3, column iso"],
            ),
            (format!("{HEADER}{RUSSIA}{RUSSIA}"), &["row 3", "twice"]),
            (
                format!("{HEADER}UZ,Uzbekistan,У,Ө,Tashkent,,1\n{RUSSIA}"),
                &["row 3, column weight", "falling"],
            ),
            (
                format!("{HEADER}RU,Russia,,Ресей,Moscow,,1\n"),
                &["row 2, column name_ru: empty"],
            ),
            (format!("{HEADER}RU,Russia,Россия\n"), &["row 2"]),
            (
                "code,weight\nRU,1\n".to_owned(),
                &["row 2", "missing field"],
            ),
            (HEADER.to_owned(), &["no missions"]),
        ];
        for (table, expected) in &cases {
            let err = parse_missions(table).unwrap_err();
            for e in *expected {
                assert!(err.contains(e), "{table:?}: {err:?} does not say {e:?}");
            }
        }
        // A consulate list with spaces and a trailing separator reads as its cities.
        let table = format!("{HEADER}CN,China,Китай,Қытай,Beijing, Shanghai ;Xi'an;,5\n");
        assert_eq!(
            parse_missions(&table).unwrap()[0].consulates,
            ["Shanghai", "Xi'an"]
        );
    }

    #[test]
    fn infeasible_specs_are_refused_with_a_fix() {
        let p = kz();
        let base = TerritorySpec::default();
        let err = generate(
            &p,
            &TerritorySpec {
                registered_voters: 100,
                ..base
            },
        )
        .unwrap_err();
        assert!(matches!(err, GenerateError::VotersOutOfRange { .. }));
        assert!(
            err.to_string()
                .contains("choose registered_voters between 313770 and 31377000"),
            "{err}"
        );
        let err = generate(
            &p,
            &TerritorySpec {
                registered_voters: u64::MAX,
                ..base
            },
        )
        .unwrap_err();
        assert!(matches!(err, GenerateError::VotersOutOfRange { .. }));
        let err = generate(
            &p,
            &TerritorySpec {
                domestic_precincts: 5,
                ..base
            },
        )
        .unwrap_err();
        assert!(err.to_string().contains("at least 20"), "{err}");
        let err = generate(
            &p,
            &TerritorySpec {
                abroad_precincts: 10,
                ..base
            },
        )
        .unwrap_err();
        assert!(
            matches!(err, GenerateError::TooFewAbroadPrecincts { .. }),
            "{err}"
        );
        let err = generate(
            &p,
            &TerritorySpec {
                abroad_countries: 500,
                abroad_precincts: 600,
                ..base
            },
        )
        .unwrap_err();
        assert!(
            matches!(err, GenerateError::TooManyCountries { .. }),
            "{err}"
        );
        let err = generate(
            &p,
            &TerritorySpec {
                abroad_countries: 0,
                ..base
            },
        )
        .unwrap_err();
        assert!(
            matches!(err, GenerateError::NoAbroadCountries { .. }),
            "{err}"
        );
        let err = generate(
            &p,
            &TerritorySpec {
                domestic_precincts: u32::MAX,
                ..base
            },
        )
        .unwrap_err();
        assert!(
            matches!(err, GenerateError::TooManyPrecincts { .. }),
            "{err}"
        );
        let mut no_abroad = p.clone();
        no_abroad.regions.retain(|r| r.kind != UnitKind::Abroad);
        let err = generate(&no_abroad, &base).unwrap_err();
        assert!(matches!(err, GenerateError::NoAbroadUnit { .. }), "{err}");
        let mut empty = p.clone();
        empty.regions.clear();
        assert!(matches!(
            generate(&empty, &base),
            Err(GenerateError::NoDomesticRegions { .. })
        ));
    }

    #[test]
    fn apportionment_is_exact_and_bounded() {
        let s = apportion_bounded(10, &[1.0, 1.0, 1.0], &[0; 3], &[10; 3]).unwrap();
        assert_eq!(s, vec![4, 3, 3]);
        let s = apportion_bounded(100, &[1.0, 100.0, 1.0], &[10; 3], &[50; 3]).unwrap();
        assert_eq!(s, vec![25, 50, 25]);
        let s = apportion_bounded(7, &[0.0, f64::NAN, -1.0], &[0; 3], &[7; 3]).unwrap();
        assert_eq!(s.iter().sum::<u64>(), 7);
        assert_eq!(apportion_bounded(5, &[1.0], &[6], &[9]), None);
        assert_eq!(apportion_bounded(10, &[1.0], &[0], &[9]), None);
        assert_eq!(apportion_bounded(0, &[], &[], &[]), Some(vec![]));
    }

    fn small_spec() -> impl Strategy<Value = TerritorySpec> {
        (any::<u64>(), 20u32..400, 0u32..12, 0u32..15, 0.0f64..=1.0).prop_map(
            |(seed, domestic, countries, extra, fill)| {
                let abroad = if countries == 0 { 0 } else { countries + extra };
                let n = u64::from(domestic + abroad);
                let lo = n * MIN_GENERATED_PRECINCT_VOTERS;
                let hi = n * MAX_GENERATED_PRECINCT_VOTERS;
                TerritorySpec {
                    seed,
                    domestic_precincts: domestic,
                    abroad_precincts: abroad,
                    abroad_countries: countries,
                    registered_voters: lo + ((hi - lo) as f64 * fill) as u64,
                }
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Any feasible spec gives a valid territory with exactly the requested counts.
        #[test]
        fn feasible_specs_are_met_exactly(spec in small_spec()) {
            let t = generate(&kz(), &spec).unwrap();
            prop_assert!(t.validate().is_ok());
            prop_assert_eq!(t.registered_voters(), spec.registered_voters);
            prop_assert_eq!(
                t.precincts.len() as u64,
                u64::from(spec.domestic_precincts) + u64::from(spec.abroad_precincts)
            );
            for p in &t.precincts {
                prop_assert!(p.registered_voters >= MIN_GENERATED_PRECINCT_VOTERS);
                prop_assert!(p.registered_voters <= MAX_GENERATED_PRECINCT_VOTERS);
            }
            let abroad: Vec<&District> =
                t.districts.iter().filter(|d| d.region.0 == RegionCode::ABROAD).collect();
            prop_assert_eq!(abroad.len() as u32, spec.abroad_countries);
            for d in abroad {
                prop_assert!(t.precincts.iter().any(|p| p.district == d.id), "{} has no precinct", d.id);
            }
            prop_assert_eq!(generate(&kz(), &spec).unwrap(), t);
        }

        /// Any spec at all gives a territory or an error, never a panic.
        #[test]
        fn any_spec_is_met_or_refused(
            seed in any::<u64>(),
            domestic in 0u32..200,
            abroad in 0u32..100,
            countries in 0u32..80,
            voters in prop_oneof![0u64..1_000_000, any::<u64>()],
        ) {
            let spec = TerritorySpec {
                seed,
                domestic_precincts: domestic,
                abroad_precincts: abroad,
                abroad_countries: countries,
                registered_voters: voters,
            };
            if let Ok(t) = generate(&kz(), &spec) {
                prop_assert_eq!(t.registered_voters(), voters);
            }
        }

        /// Apportionment always meets the total within the bounds when that is possible.
        #[test]
        fn apportionment_meets_feasible_totals(
            items in proptest::collection::vec((0.0f64..1e6, 0u64..50, 0u64..100), 1..40),
            pick in 0.0f64..=1.0,
        ) {
            let weights: Vec<f64> = items.iter().map(|i| i.0).collect();
            let lo: Vec<u64> = items.iter().map(|i| i.1).collect();
            let hi: Vec<u64> = items.iter().map(|i| i.1 + i.2).collect();
            let (a, b): (u64, u64) = (lo.iter().sum(), hi.iter().sum());
            let total = a + ((b - a) as f64 * pick) as u64;
            let s = apportion_bounded(total, &weights, &lo, &hi).unwrap();
            prop_assert_eq!(s.iter().sum::<u64>(), total);
            for ((v, l), h) in s.iter().zip(&lo).zip(&hi) {
                prop_assert!(l <= v && v <= h);
            }
        }
    }
}
