//! Open Civic Data division identifiers (OCD-IDs) and the report's object ids for every unit
//! of a territory.
//!
//! An OCD-ID is `ocd-division/country:<iso 3166-1 alpha-2>` followed by `/<type>:<id>` pairs
//! from the largest unit down; types are lowercase letters and `_`, ids lowercase letters,
//! digits and `._~-` (the Open Civic Data identifier rules, OCDEP 2). ashyq names:
//!
//! | unit | OCD-ID |
//! |---|---|
//! | the country | `ocd-division/country:kz` |
//! | a region or city of republican significance | `…/region:75` (ISO 3166-2 `KZ-75` without the country) |
//! | the precincts abroad | `…/region:abroad` |
//! | a district | `…/region:75/district:03` (district `KZ-75-03`), abroad `…/region:abroad/district:ru` (`ABROAD-RU`, the host country) |
//! | a precinct | `…/district:03/precinct:1234` (the precinct's number) |
//!
//! Object ids (`@id`, XML `ID`s, which must be XML names) are `ru-kz`, `ru-KZ-75`,
//! `ru-KZ-75-03`, `ru-p1234`: our own codes behind a prefix.

use crate::territory::{District, Precinct, Region, Territory, TerritoryIndex};

/// The OCD-ID of the country.
pub fn country(iso_alpha2: &str) -> String {
    format!("ocd-division/country:{}", id_part(iso_alpha2))
}

/// The part of a first-level unit's code that names it within the country: `KZ-75` → `75`,
/// `ABROAD` → `abroad`.
fn region_part(region: &Region) -> String {
    let code = &region.code.0;
    let local = code.split_once('-').map_or(code.as_str(), |(_, rest)| rest);
    id_part(local)
}

/// The OCD-ID of a first-level unit under `country_ocd`.
pub fn region(country_ocd: &str, region: &Region) -> String {
    format!("{country_ocd}/region:{}", region_part(region))
}

/// The OCD-ID of a district under its region's OCD-ID: the district's id without its region's
/// code (`KZ-75-03` → `03`, `ABROAD-RU` → `ru`), or the whole id when it does not start with it.
pub fn district(region_ocd: &str, district: &District) -> String {
    let id = &district.id.0;
    let local = id
        .strip_prefix(district.region.0.as_str())
        .and_then(|rest| rest.strip_prefix('-'))
        .filter(|rest| !rest.is_empty())
        .unwrap_or(id);
    format!("{region_ocd}/district:{}", id_part(local))
}

/// The OCD-ID of a precinct under its district's OCD-ID.
pub fn precinct(district_ocd: &str, precinct: &Precinct) -> String {
    format!("{district_ocd}/precinct:{}", precinct.id.0)
}

/// The OCD-IDs of every region and district of a validated territory (its index given),
/// in territory order, under `country_ocd`.
pub fn unit_ids(
    territory: &Territory,
    index: &TerritoryIndex,
    country_ocd: &str,
) -> (Vec<String>, Vec<String>) {
    let regions: Vec<String> = territory
        .regions
        .iter()
        .map(|r| region(country_ocd, r))
        .collect();
    let districts = territory
        .districts
        .iter()
        .map(|d| match index.region(&d.region) {
            Some(r) => district(&regions[r], d),
            // Not in a validated territory; named under the country so that it stays unique.
            None => district(country_ocd, d),
        })
        .collect();
    (regions, districts)
}

/// An OCD id part: lowercase; letters and digits kept (any script, as OCD allows Unicode
/// lowercase letters), `.`, `_`, `~`, `-` kept, anything else `_`.
pub fn id_part(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '_' | '~' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// An XML name from our code: ASCII letters, digits, `.`, `-` and `_` kept, anything else `_`.
fn xml_name_part(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The object id of the country.
pub fn country_object_id(iso_alpha2: &str) -> String {
    format!("ru-{}", xml_name_part(&iso_alpha2.to_lowercase()))
}

/// The object id of a first-level unit.
pub fn region_object_id(region: &Region) -> String {
    format!("ru-{}", xml_name_part(&region.code.0))
}

/// The object id of a district.
pub fn district_object_id(district: &District) -> String {
    format!("ru-{}", xml_name_part(&district.id.0))
}

/// The object id of a precinct.
pub fn precinct_object_id(precinct: &Precinct) -> String {
    format!("ru-p{}", precinct.id.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::territory::{DistrictId, Names, PrecinctId, RegionCode, UnitKind};

    fn region_of(code: &str, kind: UnitKind) -> Region {
        Region {
            code: RegionCode(code.into()),
            kind,
            names: Names::same(code),
            centre: String::new(),
        }
    }

    fn district_of(id: &str, region: &str) -> District {
        District {
            id: DistrictId(id.into()),
            region: RegionCode(region.into()),
            names: Names::same(id),
        }
    }

    #[test]
    fn every_level_has_its_ocd_id() {
        let c = country("KZ");
        assert_eq!(c, "ocd-division/country:kz");
        let r = region(&c, &region_of("KZ-75", UnitKind::City));
        assert_eq!(r, "ocd-division/country:kz/region:75");
        let d = district(&r, &district_of("KZ-75-03", "KZ-75"));
        assert_eq!(d, "ocd-division/country:kz/region:75/district:03");
        let p = precinct(
            &d,
            &Precinct {
                id: PrecinctId(1234),
                district: DistrictId("KZ-75-03".into()),
                name: "School No. 1".into(),
                registered_voters: 1,
            },
        );
        assert_eq!(
            p,
            "ocd-division/country:kz/region:75/district:03/precinct:1234"
        );
    }

    #[test]
    fn abroad_is_a_unit_with_a_district_per_host_country() {
        let r = region(&country("KZ"), &region_of("ABROAD", UnitKind::Abroad));
        assert_eq!(r, "ocd-division/country:kz/region:abroad");
        let d = district(&r, &district_of("ABROAD-RU", "ABROAD"));
        assert_eq!(d, "ocd-division/country:kz/region:abroad/district:ru");
    }

    #[test]
    fn a_district_id_without_its_region_prefix_is_kept_whole() {
        let d = district("x", &district_of("Almaly District", "KZ-75"));
        assert_eq!(d, "x/district:almaly_district");
    }

    #[test]
    fn object_ids_are_xml_names() {
        assert_eq!(
            district_object_id(&district_of("KZ 75/03", "KZ-75")),
            "ru-KZ_75_03"
        );
        assert_eq!(country_object_id("KZ"), "ru-kz");
    }
}
