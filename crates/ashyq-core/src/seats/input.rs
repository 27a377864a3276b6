//! The votes file: CSV with the columns `party,votes` and optionally `colour`.
//!
//! ```text
//! party,votes,colour
//! Amanat,3431510,#1f77b4
//! Auyl,693938,
//! against all,248291
//! ```
//!
//! The line whose party is "against all" (any case; also "против всех" or "барлығына қарсы")
//! is the against-all count, not a party. Column names are matched case-insensitively and
//! `color` is accepted for `colour`.

use super::{PartyVotes, is_against_all};

/// A parsed votes file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VotesTable {
    /// The parties in file order.
    pub parties: Vec<PartyVotes>,
    /// The "against all" line, 0 when absent.
    pub against_all: u64,
    /// Each party's colour from the `colour` column (`#rgb` or `#rrggbb`), if given.
    pub colours: Vec<Option<String>>,
}

/// Why a votes file could not be read. The row numbers count the header as row 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VotesFileError {
    /// The header lacks a column or has an unknown one.
    #[error(
        "the header is {found:?}: expected the columns party,votes and optionally colour, e.g. \"party,votes\""
    )]
    Header {
        /// The header as found.
        found: String,
    },
    /// A row that is not valid.
    #[error("row {row}: {message}")]
    Row {
        /// Row number (the header is row 1).
        row: usize,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// No party rows.
    #[error("the file has no party rows: give one row party,votes per party")]
    Empty,
}

/// Reads a votes file (see the module documentation).
pub fn parse_votes_csv(text: &str) -> Result<VotesTable, VotesFileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| VotesFileError::Header {
            found: e.to_string(),
        })?
        .clone();
    let found = || VotesFileError::Header {
        found: header.iter().collect::<Vec<_>>().join(","),
    };
    let (mut party_col, mut votes_col, mut colour_col) = (None, None, None);
    for (i, name) in header.iter().enumerate() {
        let slot = match name.to_ascii_lowercase().as_str() {
            "party" => &mut party_col,
            "votes" => &mut votes_col,
            "colour" | "color" => &mut colour_col,
            _ => return Err(found()),
        };
        if slot.replace(i).is_some() {
            return Err(found());
        }
    }
    let (Some(party_col), Some(votes_col)) = (party_col, votes_col) else {
        return Err(found());
    };
    let mut table = VotesTable::default();
    let mut against_all_row = None;
    let mut rows: Vec<usize> = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        let err = |message: String| VotesFileError::Row { row, message };
        let record = record.map_err(|e| err(e.to_string()))?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() > header.len() {
            return Err(err(format!(
                "{} fields, but the header has {}",
                record.len(),
                header.len()
            )));
        }
        let name = record.get(party_col).unwrap_or("");
        let raw = record.get(votes_col).unwrap_or("");
        if name.is_empty() {
            return Err(err("the party name is empty".into()));
        }
        let votes = parse_votes(raw).map_err(|m| err(format!("votes of {name:?}: {m}")))?;
        if is_against_all(name) {
            if let Some(first) = against_all_row {
                return Err(err(format!(
                    "\"against all\" is given again (first on row {first}): give it once"
                )));
            }
            against_all_row = Some(row);
            table.against_all = votes;
            continue;
        }
        if let Some(k) = table.parties.iter().position(|p| p.party == name) {
            return Err(err(format!(
                "the party {name:?} is given again (first on row {}): give each party once, with its total votes",
                rows[k]
            )));
        }
        let colour = match colour_col.and_then(|c| record.get(c)) {
            None | Some("") => None,
            Some(c) if is_hex_colour(c) => Some(c.to_ascii_lowercase()),
            Some(c) => {
                return Err(err(format!(
                    "colour {c:?} of {name:?} is not a colour like #1f77b4 or #17b"
                )));
            }
        };
        table.parties.push(PartyVotes::new(name, votes));
        table.colours.push(colour);
        rows.push(row);
    }
    if table.parties.is_empty() {
        return Err(VotesFileError::Empty);
    }
    Ok(table)
}

fn parse_votes(raw: &str) -> Result<u64, String> {
    if raw.is_empty() {
        return Err("missing: give a whole number ≥ 0".into());
    }
    if raw.starts_with('-') {
        return Err(format!("{raw:?} is negative: votes are a whole number ≥ 0"));
    }
    if !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "{raw:?} is not a whole number ≥ 0 (write 3431510, without separators or decimals)"
        ));
    }
    raw.parse::<u64>()
        .map_err(|_| format!("{raw:?} is too large"))
}

/// `#rgb` or `#rrggbb`.
pub fn is_hex_colour(c: &str) -> bool {
    let Some(hex) = c.strip_prefix('#') else {
        return false;
    };
    (hex.len() == 3 || hex.len() == 6) && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_parties_against_all_and_colours() {
        let t = parse_votes_csv(
            "\u{feff}Party,Votes,Color\nAmanat, 3431510 ,#1F77B4\n\"Aq Jol, the\",5,\nAGAINST ALL,7,\n\n",
        )
        .unwrap();
        assert_eq!(
            t.parties,
            vec![
                PartyVotes::new("Amanat", 3_431_510),
                PartyVotes::new("Aq Jol, the", 5)
            ]
        );
        assert_eq!(t.against_all, 7);
        assert_eq!(t.colours, vec![Some("#1f77b4".to_owned()), None]);
    }

    #[test]
    fn bad_files_say_what_and_where() {
        let e = |s: &str| parse_votes_csv(s).unwrap_err().to_string();
        assert!(e("name,votes\nA,1\n").contains("expected the columns party,votes"));
        assert!(e("party\nA\n").contains("header"));
        assert!(e("party,votes,votes\nA,1,1\n").contains("header"));
        assert!(e("party,votes\nA,-1\n").contains("row 2: votes of \"A\": \"-1\" is negative"));
        assert!(e("party,votes\nA,1.5\n").contains("not a whole number"));
        assert!(e("party,votes\nA,\n").contains("missing"));
        assert!(e("party,votes\nA,99999999999999999999999\n").contains("too large"));
        assert!(
            e("party,votes\nA,1\nB,2\nA,3\n")
                .contains("row 4: the party \"A\" is given again (first on row 2)")
        );
        assert!(e("party,votes\nagainst all,1\nAgainst All,2\n").contains("given again"));
        assert!(e("party,votes\n,1\n").contains("empty"));
        assert!(e("party,votes\nagainst all,1\n").contains("no party rows"));
        assert!(e("party,votes\n").contains("no party rows"));
        assert!(e("party,votes,colour\nA,1,red\n").contains("not a colour"));
        assert!(e("party,votes\nA,1,2\n").contains("3 fields"));
    }
}
