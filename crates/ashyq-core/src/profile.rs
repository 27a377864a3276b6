//! Jurisdiction profiles: the country, its first-level units and its time zone.
//!
//! Kazakhstan is the default profile, not a hard-coded assumption: everything that depends on
//! the country (the list of regions, their names, the clock) comes from a [`Profile`], so another
//! jurisdiction is one more profile, not a change to the domain code.

use serde::{Deserialize, Serialize};

use crate::territory::{Names, Region, RegionCode, UnitKind};

/// The regions of Kazakhstan since 2024 (17 oblys and 3 cities of republican significance),
/// with ISO 3166-2 codes and official names in Kazakh, Russian and English.
const KZ_REGIONS_CSV: &str = include_str!("../data/kz-regions.csv");

/// The codes of every profile [`by_code`] knows.
pub const CODES: &[&str] = &["kz"];

/// A jurisdiction: the country and its first-level units, abroad included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Short code, e.g. `kz`; a territory records the profile it was made for.
    pub code: String,
    /// Official country name in kk/ru/en.
    pub country: Names,
    /// The one time zone, as an offset from UTC in minutes.
    pub utc_offset_minutes: i32,
    /// First-level units in official order; the unit for precincts abroad comes last.
    pub regions: Vec<Region>,
}

impl Profile {
    /// The unit with this code.
    pub fn region(&self, code: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.code.0 == code)
    }
}

/// The profile with this code (see [`CODES`]), or `None` for an unknown code.
pub fn by_code(code: &str) -> Option<Profile> {
    match code {
        "kz" => Some(kz()),
        _ => None,
    }
}

/// Kazakhstan: 17 regions (oblys) and 3 cities of republican significance, in the order of the
/// embedded `data/kz-regions.csv`, then the unit for precincts abroad. One time zone, UTC+5,
/// since 2024.
pub fn kz() -> Profile {
    // The CSV is compiled into the crate and checked by the tests below, so a failure here is a
    // broken build, not bad input.
    let mut regions = parse_regions(KZ_REGIONS_CSV)
        .unwrap_or_else(|e| panic!("the embedded data/kz-regions.csv is malformed: {e}"));
    regions.push(Region {
        code: RegionCode(RegionCode::ABROAD.to_owned()),
        kind: UnitKind::Abroad,
        names: Names {
            kk: "Шетелдегі учаскелер".to_owned(),
            ru: "Участки за рубежом".to_owned(),
            en: "Abroad".to_owned(),
        },
        centre: String::new(),
    });
    Profile {
        code: "kz".to_owned(),
        country: Names {
            kk: "Қазақстан Республикасы".to_owned(),
            ru: "Республика Казахстан".to_owned(),
            en: "Republic of Kazakhstan".to_owned(),
        },
        // Kazakhstan moved to a single time zone, UTC+5, on 2024-03-01.
        utc_offset_minutes: 300,
        regions,
    }
}

/// Reads a region table with the header `iso_code,kind,name_en,name_kk,name_ru,centre_en`,
/// where `kind` is `oblys` or `city`.
fn parse_regions(text: &str) -> Result<Vec<Region>, String> {
    const HEADER: [&str; 6] = [
        "iso_code",
        "kind",
        "name_en",
        "name_kk",
        "name_ru",
        "centre_en",
    ];
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| e.to_string())?;
    if header.iter().ne(HEADER) {
        return Err(format!(
            "the header is {:?}; expected {:?}",
            header.iter().collect::<Vec<_>>().join(","),
            HEADER.join(",")
        ));
    }
    let mut regions = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        let record = record.map_err(|e| format!("row {row}: {e}"))?;
        let cell = |idx: usize| record.get(idx).unwrap_or("").to_owned();
        let kind = match record.get(1) {
            Some("oblys") => UnitKind::Oblys,
            Some("city") => UnitKind::City,
            other => {
                return Err(format!(
                    "row {row}, column kind: {:?} is neither \"oblys\" nor \"city\"",
                    other.unwrap_or("")
                ));
            }
        };
        regions.push(Region {
            code: RegionCode(cell(0)),
            kind,
            names: Names {
                kk: cell(3),
                ru: cell(4),
                en: cell(2),
            },
            centre: cell(5),
        });
    }
    Ok(regions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn kazakhstan_has_twenty_regions_and_abroad() {
        let p = kz();
        assert_eq!(p.code, "kz");
        assert_eq!(p.utc_offset_minutes, 300);
        assert_eq!(p.regions.len(), 21);
        let domestic: Vec<&Region> = p
            .regions
            .iter()
            .filter(|r| r.kind != UnitKind::Abroad)
            .collect();
        assert_eq!(domestic.len(), 20);
        assert_eq!(
            domestic
                .iter()
                .filter(|r| r.kind == UnitKind::Oblys)
                .count(),
            17
        );
        assert_eq!(
            domestic.iter().filter(|r| r.kind == UnitKind::City).count(),
            3
        );
        let last = &p.regions[20];
        assert_eq!(last.code.0, RegionCode::ABROAD);
        assert_eq!(last.kind, UnitKind::Abroad);
        assert_eq!(last.names.en, "Abroad");
        assert!(last.centre.is_empty());
    }

    #[test]
    fn region_codes_are_unique_and_names_complete() {
        let p = kz();
        let codes: HashSet<&str> = p.regions.iter().map(|r| r.code.0.as_str()).collect();
        assert_eq!(codes.len(), p.regions.len());
        for r in &p.regions {
            assert!(!r.names.kk.is_empty() && !r.names.ru.is_empty() && !r.names.en.is_empty());
            if r.kind != UnitKind::Abroad {
                assert!(r.code.0.starts_with("KZ-"), "{}", r.code);
                assert!(!r.centre.is_empty(), "{}", r.code);
            }
        }
        // File order is kept: the first row and the capital.
        assert_eq!(p.regions[0].code.0, "KZ-10");
        assert_eq!(
            p.region("KZ-71").map(|r| r.names.kk.as_str()),
            Some("Астана қаласы")
        );
    }

    #[test]
    fn profiles_are_found_by_code() {
        for code in CODES {
            assert_eq!(by_code(code).map(|p| p.code), Some((*code).to_owned()));
        }
        assert_eq!(by_code("xx"), None);
    }

    #[test]
    fn a_bad_region_table_is_refused_with_its_row() {
        let err =
            parse_regions("iso_code,kind,name_en,name_kk,name_ru,centre_en\nKZ-1,state,a,b,c,d\n")
                .unwrap_err();
        assert!(err.contains("row 2, column kind"), "{err}");
        assert!(parse_regions("code,kind\n").unwrap_err().contains("header"));
    }
}
