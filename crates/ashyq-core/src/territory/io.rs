//! Territory import and export, as JSON (the whole value) and as CSV (one row per precinct).
//!
//! Raw text becomes a [`Territory`] here, once, and only after [`Territory::validate`] has
//! accepted it. Every CSV error names the row (counted like a spreadsheet: the header is row 1)
//! and the column, and says how to fix the cell. The caller reads the file and turns its bytes
//! into `&str` (so empty files and non-UTF-8 input are reported there).

use std::collections::HashMap;

use crate::profile::Profile;
use crate::territory::{
    District, DistrictId, MAX_PRECINCT_VOTERS, Names, Precinct, PrecinctId, Territory,
    TerritoryError,
};

/// The CSV header, in order.
pub const CSV_HEADER: [&str; 8] = [
    "region",
    "district",
    "district_kk",
    "district_ru",
    "district_en",
    "precinct",
    "precinct_name",
    "registered_voters",
];

/// What [`from_csv`] writes into [`Territory::source`].
pub const CSV_SOURCE: &str = "imported from CSV";

/// Why a territory could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TerritoryIoError {
    /// Malformed JSON or a missing or wrong field.
    #[error(
        "not a valid territory document: {0}. Expected the JSON written by `ashyq territory export --format json` (an object with profile, country, utc_offset_minutes, source, regions, districts and precincts)"
    )]
    Json(String),
    /// The text holds no CSV at all.
    #[error("the CSV is empty; expected the header {} and one row per precinct", CSV_HEADER.join(","))]
    Empty,
    /// The first row is not the expected header.
    #[error("row 1: the header is {found:?}; expected {}", CSV_HEADER.join(","))]
    Header {
        /// The header as found.
        found: String,
    },
    /// A row that the CSV reader itself cannot read (e.g. an unclosed quote).
    #[error("row {row}: {message}")]
    Syntax {
        /// The row, counted from 1 with the header as row 1.
        row: u64,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A cell with a wrong value.
    #[error("row {row}, column {column}: {message}")]
    Cell {
        /// The row, counted from 1 with the header as row 1.
        row: u64,
        /// The column name from the header.
        column: &'static str,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A header and nothing else.
    #[error("the CSV has a header but no precincts; add one row per precinct")]
    NoPrecincts,
    /// The territory was read but is inconsistent.
    #[error("the territory is inconsistent: {0}")]
    Invalid(#[from] TerritoryError),
}

/// The territory as pretty-printed JSON, in the form [`from_json`] reads.
pub fn to_json(t: &Territory) -> String {
    // Plain structs with string keys: serialization cannot fail.
    serde_json::to_string_pretty(t).unwrap_or_default()
}

/// Reads a territory from JSON and validates it.
pub fn from_json(text: &str) -> Result<Territory, TerritoryIoError> {
    let t: Territory =
        serde_json::from_str(text).map_err(|e| TerritoryIoError::Json(e.to_string()))?;
    t.validate()?;
    Ok(t)
}

/// The territory as CSV with the header [`CSV_HEADER`], one row per precinct in territory order.
///
/// Regions are not written: they come from the profile when the CSV is read back, and a
/// district's region and names are repeated on each of its precincts' rows.
pub fn to_csv(t: &Territory) -> String {
    let districts: HashMap<&DistrictId, &District> =
        t.districts.iter().map(|d| (&d.id, d)).collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut rows: Vec<[String; 8]> = Vec::with_capacity(t.precincts.len());
    for p in &t.precincts {
        let (region, names) = match districts.get(&p.district) {
            Some(d) => (d.region.0.clone(), d.names.clone()),
            // Only an unvalidated territory has a dangling reference: keep the row, names empty.
            None => (String::new(), Names::same("")),
        };
        rows.push([
            region,
            p.district.0.clone(),
            names.kk,
            names.ru,
            names.en,
            p.id.0.to_string(),
            p.name.clone(),
            p.registered_voters.to_string(),
        ]);
    }
    // Writing to memory cannot fail.
    let _ = w.write_record(CSV_HEADER);
    for row in &rows {
        let _ = w.write_record(row);
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Reads a territory from CSV (see [`to_csv`]); regions, country and time zone come from
/// `profile`, districts are created in order of first appearance.
pub fn from_csv(text: &str, profile: &Profile) -> Result<Territory, TerritoryIoError> {
    if text.trim().is_empty() {
        return Err(TerritoryIoError::Empty);
    }
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().map_err(|e| TerritoryIoError::Syntax {
        row: 1,
        message: format!("{e}; check the quotes in the header"),
    })?;
    if header.iter().ne(CSV_HEADER) {
        return Err(TerritoryIoError::Header {
            found: header.iter().collect::<Vec<_>>().join(","),
        });
    }

    let valid_codes = || {
        profile
            .regions
            .iter()
            .map(|r| r.code.0.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut districts: Vec<District> = Vec::new();
    // District id → (index, row where it first appeared).
    let mut district_rows: HashMap<DistrictId, (usize, u64)> = HashMap::new();
    let mut precinct_rows: HashMap<PrecinctId, u64> = HashMap::new();
    let mut precincts: Vec<Precinct> = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i as u64 + 2;
        let record = record.map_err(|e| TerritoryIoError::Syntax {
            row,
            message: format!("{e}; check the quotes on this row"),
        })?;
        if record.len() != CSV_HEADER.len() {
            return Err(TerritoryIoError::Syntax {
                row,
                message: format!(
                    "{} cells, expected {} ({}); quote any cell that contains a comma",
                    record.len(),
                    CSV_HEADER.len(),
                    CSV_HEADER.join(",")
                ),
            });
        }
        let cell = |idx: usize| record.get(idx).unwrap_or("");
        let err = |idx: usize, message: String| TerritoryIoError::Cell {
            row,
            column: CSV_HEADER[idx],
            message,
        };

        let region_code = cell(0);
        let Some(region) = profile.region(region_code) else {
            return Err(err(
                0,
                format!(
                    "{region_code:?} is not a region of profile {}; use one of {}",
                    profile.code,
                    valid_codes()
                ),
            ));
        };
        let district_id = cell(1);
        if district_id.is_empty() {
            return Err(err(
                1,
                "the district id is empty; give an id unique in the territory, e.g. KZ-75-01"
                    .to_owned(),
            ));
        }
        let names = Names {
            kk: cell(2).to_owned(),
            ru: cell(3).to_owned(),
            en: cell(4).to_owned(),
        };
        for (idx, name) in [(2, &names.kk), (3, &names.ru), (4, &names.en)] {
            if name.is_empty() {
                return Err(err(
                    idx,
                    format!("the name of district {district_id} is empty; fill in all three names"),
                ));
            }
        }
        let id = DistrictId(district_id.to_owned());
        match district_rows.get(&id) {
            Some(&(d, first)) => {
                let known = &districts[d];
                if known.region != region.code {
                    return Err(err(
                        0,
                        format!(
                            "district {district_id} is in region {} on row {first} but in {region_code} here; a district belongs to one region",
                            known.region
                        ),
                    ));
                }
                if known.names != names {
                    return Err(err(
                        1,
                        format!(
                            "district {district_id} is named {:?} / {:?} / {:?} on row {first} but differently here; repeat the same three names on every row of a district",
                            known.names.kk, known.names.ru, known.names.en
                        ),
                    ));
                }
            }
            None => {
                district_rows.insert(id.clone(), (districts.len(), row));
                districts.push(District {
                    id: id.clone(),
                    region: region.code.clone(),
                    names,
                });
            }
        }

        let raw = cell(5);
        let number = raw.parse::<u32>().ok().filter(|&n| n > 0).ok_or_else(|| {
            err(
                5,
                format!(
                    "{raw:?} is not a precinct number; write a whole number from 1 to {}",
                    u32::MAX
                ),
            )
        })?;
        let precinct = PrecinctId(number);
        if let Some(first) = precinct_rows.insert(precinct, row) {
            return Err(err(
                5,
                format!(
                    "precinct {number} already appears on row {first}; every precinct number must be unique"
                ),
            ));
        }
        let raw = cell(7);
        let voters = raw.parse::<u64>().map_err(|_| {
            err(
                7,
                format!("{raw:?} is not a whole number ≥ 0; write the number of registered voters, e.g. 1250"),
            )
        })?;
        if voters > MAX_PRECINCT_VOTERS {
            return Err(err(
                7,
                format!(
                    "{voters} is more than a precinct may have ({MAX_PRECINCT_VOTERS}); check for a typing error"
                ),
            ));
        }
        precincts.push(Precinct {
            id: precinct,
            district: id,
            name: cell(6).to_owned(),
            registered_voters: voters,
        });
    }
    if precincts.is_empty() {
        return Err(TerritoryIoError::NoPrecincts);
    }
    let t = Territory {
        profile: profile.code.clone(),
        country: profile.country.clone(),
        utc_offset_minutes: profile.utc_offset_minutes,
        source: CSV_SOURCE.to_owned(),
        regions: profile.regions.clone(),
        districts,
        precincts,
    };
    t.validate()?;
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::kz;
    use crate::territory::generate::{TerritorySpec, generate};
    use proptest::prelude::*;

    fn small() -> Territory {
        let spec = TerritorySpec {
            seed: 11,
            domestic_precincts: 60,
            abroad_precincts: 4,
            abroad_countries: 3,
            registered_voters: 70_000,
        };
        generate(&kz(), &spec).unwrap()
    }

    const HEADER: &str = "region,district,district_kk,district_ru,district_en,precinct,precinct_name,registered_voters";

    fn csv_with(rows: &[&str]) -> String {
        let mut s = String::from(HEADER);
        for r in rows {
            s.push('\n');
            s.push_str(r);
        }
        s.push('\n');
        s
    }

    #[test]
    fn json_round_trips() {
        let t = small();
        assert_eq!(from_json(&to_json(&t)).unwrap(), t);
        let full = generate(&kz(), &TerritorySpec::default()).unwrap();
        assert_eq!(from_json(&to_json(&full)).unwrap(), full);
    }

    #[test]
    fn csv_round_trips_except_the_source() {
        for t in [small(), generate(&kz(), &TerritorySpec::default()).unwrap()] {
            let text = to_csv(&t);
            assert!(text.starts_with(HEADER));
            let back = from_csv(&text, &kz()).unwrap();
            assert_eq!(back.source, CSV_SOURCE);
            assert_eq!(
                Territory {
                    source: t.source.clone(),
                    ..back
                },
                t
            );
        }
    }

    #[test]
    fn cells_with_commas_and_quotes_survive() {
        let text = csv_with(&[
            r#"KZ-75,KZ-75-01,"Алатау, ауданы","Район ""Алатау""",Alatau,7,"School No. 1, hall",1200"#,
        ]);
        let t = from_csv(&text, &kz()).unwrap();
        assert_eq!(t.districts[0].names.kk, "Алатау, ауданы");
        assert_eq!(t.districts[0].names.ru, "Район \"Алатау\"");
        assert_eq!(t.precincts[0].name, "School No. 1, hall");
        assert_eq!(from_csv(&to_csv(&t), &kz()).unwrap(), t);
    }

    fn csv_error(rows: &[&str]) -> String {
        from_csv(&csv_with(rows), &kz()).unwrap_err().to_string()
    }

    #[test]
    fn bad_csv_cells_are_named_with_row_column_and_fix() {
        let ok = "KZ-75,KZ-75-01,№1 аудан,Район №1,District 1,1,School No. 1,1200";
        let err = csv_error(&[
            ok,
            "KZ-75,KZ-75-01,№1 аудан,Район №1,District 1,2,School No. 2,-3",
        ]);
        assert_eq!(
            err,
            "row 3, column registered_voters: \"-3\" is not a whole number ≥ 0; write the number of registered voters, e.g. 1250"
        );
        let err = csv_error(&["KZ-99,KZ-99-01,a,b,c,1,School,10"]);
        assert!(err.starts_with("row 2, column region: \"KZ-99\" is not a region of profile kz; use one of KZ-10, KZ-11"), "{err}");
        assert!(err.ends_with("KZ-79, ABROAD"), "{err}");
        let err = csv_error(&[
            ok,
            "KZ-71,KZ-75-01,№1 аудан,Район №1,District 1,2,School,10",
        ]);
        assert!(
            err.starts_with("row 3, column region: district KZ-75-01 is in region KZ-75 on row 2"),
            "{err}"
        );
        let err = csv_error(&[
            ok,
            "KZ-75,KZ-75-01,№1 аудан,Район №1,District One,2,School,10",
        ]);
        assert!(
            err.starts_with("row 3, column district: district KZ-75-01 is named"),
            "{err}"
        );
        let err = csv_error(&[
            ok,
            "KZ-75,KZ-75-01,№1 аудан,Район №1,District 1,1,School,10",
        ]);
        assert!(
            err.starts_with("row 3, column precinct: precinct 1 already appears on row 2"),
            "{err}"
        );
        let err = csv_error(&["KZ-75,KZ-75-01,№1 аудан,Район №1,District 1,0,School,10"]);
        assert!(
            err.starts_with("row 2, column precinct: \"0\" is not a precinct number"),
            "{err}"
        );
        let err = csv_error(&["KZ-75,,№1 аудан,Район №1,District 1,1,School,10"]);
        assert!(
            err.starts_with("row 2, column district: the district id is empty"),
            "{err}"
        );
        let err = csv_error(&["KZ-75,KZ-75-01,,Район №1,District 1,1,School,10"]);
        assert!(err.starts_with("row 2, column district_kk:"), "{err}");
        let err = csv_error(&["KZ-75,KZ-75-01,№1 аудан,Район №1,District 1,1,School,2000000"]);
        assert!(
            err.starts_with("row 2, column registered_voters: 2000000 is more than"),
            "{err}"
        );
        let err = csv_error(&[
            ok,
            "KZ-75,KZ-75-01,№1 аудан,Район №1,District 1,2,School,10,extra",
        ]);
        assert!(err.starts_with("row 3: 9 cells, expected 8"), "{err}");
    }

    #[test]
    fn wrong_or_missing_header_and_empty_input_are_refused() {
        assert_eq!(from_csv("", &kz()).unwrap_err(), TerritoryIoError::Empty);
        assert_eq!(
            from_csv(" \n\n", &kz()).unwrap_err(),
            TerritoryIoError::Empty
        );
        assert_eq!(
            from_csv(HEADER, &kz()).unwrap_err(),
            TerritoryIoError::NoPrecincts
        );
        let err = from_csv("region,precinct\nKZ-75,1\n", &kz())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("row 1: the header is \"region,precinct\"; expected region,district,"),
            "{err}"
        );
        // A spreadsheet's byte-order mark is not part of the header.
        let text = format!(
            "\u{feff}{}",
            csv_with(&["KZ-75,KZ-75-01,a,b,c,1,School,10"])
        );
        assert!(from_csv(&text, &kz()).is_ok());
    }

    #[test]
    fn bad_json_is_refused_with_what_was_expected() {
        let err = from_json("{}").unwrap_err().to_string();
        assert!(err.contains("missing field"), "{err}");
        assert!(err.contains("Expected the JSON written by"), "{err}");
        let mut t = small();
        t.precincts[1].id = t.precincts[0].id;
        let err = from_json(&to_json(&t)).unwrap_err();
        assert_eq!(
            err,
            TerritoryIoError::Invalid(TerritoryError::DuplicatePrecinct(t.precincts[0].id))
        );
    }

    proptest! {
        /// Any text is read or refused with a message; never a panic.
        #[test]
        fn any_text_is_read_or_refused(text in ".{0,300}") {
            let _ = from_csv(&text, &kz());
            let _ = from_json(&text);
        }

        /// Text that starts with the header and continues with arbitrary rows never panics.
        #[test]
        fn any_rows_are_read_or_refused(rows in proptest::collection::vec("[A-Z0-9,\"\\- №]{0,60}", 0..6)) {
            let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
            let _ = from_csv(&csv_with(&refs), &kz());
        }
    }
}
