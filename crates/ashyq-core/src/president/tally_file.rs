//! The votes file of `ashyq president tally`: CSV rows `candidate,votes`, with an optional
//! header `candidate,votes`, the row "against all" (any case; also "против всех",
//! "барлығына қарсы") and optionally the row "invalid". Decides the outcome with no database,
//! for researchers and for checking a published result.
//!
//! ```text
//! candidate,votes
//! Kassym-Jomart Tokayev,6456393
//! Zhiguli Dairabayev,271641
//! against all,460484
//! ```

use serde::Serialize;

use crate::seats::is_against_all;

use super::outcome::{CandidateVotes, RoundCount};

/// Why a votes file could not be read. Rows count from 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TallyFileError {
    /// A row that is not valid.
    #[error("row {row}: {message}")]
    Row {
        /// Row number, from 1.
        row: usize,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// No candidate rows.
    #[error("the file has no candidate rows: give one row candidate,votes per candidate")]
    Empty,
    /// More votes than voters.
    #[error(
        "the rows add up to {counted} ballots but {participated} took part: --participated is the number of voters who took part (ballots issued), at least every valid and invalid ballot"
    )]
    MoreThanParticipated {
        /// Valid (and invalid, when given) ballots.
        counted: u64,
        /// Those who took part.
        participated: u64,
    },
}

/// A parsed votes file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct TallyFile {
    /// The candidates in file order.
    pub candidates: Vec<CandidateVotes>,
    /// "Against all" (0 when absent).
    pub against_all: u64,
    /// The "invalid" row, when given.
    pub invalid: Option<u64>,
}

impl TallyFile {
    /// The count of a round where `participated` voters took part. Without an "invalid" row
    /// the invalid ballots are the rest: those who took part less the valid votes.
    pub fn count(&self, participated: u64) -> Result<RoundCount, TallyFileError> {
        let valid: u128 = self
            .candidates
            .iter()
            .map(|c| u128::from(c.votes))
            .sum::<u128>()
            + u128::from(self.against_all);
        let counted = valid + u128::from(self.invalid.unwrap_or(0));
        if counted > u128::from(participated) {
            return Err(TallyFileError::MoreThanParticipated {
                counted: u64::try_from(counted).unwrap_or(u64::MAX),
                participated,
            });
        }
        let valid = u64::try_from(valid).expect("at most participated");
        Ok(RoundCount {
            took_part: participated,
            candidates: self.candidates.clone(),
            against_all: self.against_all,
            invalid: self.invalid.unwrap_or(participated - valid),
        })
    }
}

/// Reads a votes file (see the module documentation).
pub fn parse_tally_csv(text: &str) -> Result<TallyFile, TallyFileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut file = TallyFile::default();
    let mut first_rows: Vec<(String, usize)> = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 1;
        let err = |message: String| TallyFileError::Row { row, message };
        let record = record.map_err(|e| err(e.to_string()))?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != 2 {
            return Err(err(format!(
                "{} fields: give two, candidate,votes",
                record.len()
            )));
        }
        let (name, raw) = (&record[0], &record[1]);
        if row == 1 && name.eq_ignore_ascii_case("candidate") && raw.eq_ignore_ascii_case("votes") {
            continue;
        }
        if name.is_empty() {
            return Err(err("the candidate's name is empty".into()));
        }
        let votes: u64 = raw.replace('_', "").parse().map_err(|_| {
            err(format!(
                "votes of {name:?} are {raw:?}: give a whole number of votes, e.g. 6456393"
            ))
        })?;
        let key = if is_against_all(name) {
            "against all".to_owned()
        } else if name.eq_ignore_ascii_case("invalid") {
            "invalid".to_owned()
        } else {
            name.to_owned()
        };
        if let Some((_, first)) = first_rows.iter().find(|(k, _)| *k == key) {
            return Err(err(format!(
                "{name:?} is given again (first on row {first}): give each line once, with its total"
            )));
        }
        first_rows.push((key.clone(), row));
        match key.as_str() {
            "against all" => file.against_all = votes,
            "invalid" => file.invalid = Some(votes),
            _ => file.candidates.push(CandidateVotes::new(name, votes)),
        }
    }
    if file.candidates.is_empty() {
        return Err(TallyFileError::Empty);
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_file_with_header_against_all_and_invalid_is_read() {
        let f = parse_tally_csv("candidate,votes\nA,600\nB, 300\nAgainst All,50\ninvalid,10\n")
            .unwrap();
        assert_eq!(
            f.candidates,
            vec![CandidateVotes::new("A", 600), CandidateVotes::new("B", 300)]
        );
        assert_eq!((f.against_all, f.invalid), (50, Some(10)));
        let c = f.count(1000).unwrap();
        assert_eq!((c.took_part, c.invalid), (1000, 10));
        let no_invalid = parse_tally_csv("A,600\nB,300\n").unwrap();
        assert_eq!(no_invalid.count(1000).unwrap().invalid, 100);
        assert!(matches!(
            no_invalid.count(899),
            Err(TallyFileError::MoreThanParticipated { counted: 900, .. })
        ));
    }

    #[test]
    fn bad_rows_name_their_row_and_the_fix() {
        assert_eq!(
            parse_tally_csv("A,1\nA,2\n").unwrap_err().to_string(),
            "row 2: \"A\" is given again (first on row 1): give each line once, with its total"
        );
        assert!(
            parse_tally_csv("A,lots\n")
                .unwrap_err()
                .to_string()
                .starts_with("row 1: votes of \"A\"")
        );
        assert_eq!(
            parse_tally_csv("A,1,2\n").unwrap_err().to_string(),
            "row 1: 3 fields: give two, candidate,votes"
        );
        assert_eq!(
            parse_tally_csv("against all,5\n").unwrap_err(),
            TallyFileError::Empty
        );
    }

    proptest! {
        /// Any text is a file or a clear error, never a panic.
        #[test]
        fn any_text_is_read_or_refused(text in "[A-Za-z0-9, \\n\"_-]{0,200}") {
            match parse_tally_csv(&text) {
                Ok(f) => prop_assert!(!f.candidates.is_empty()),
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
        }
    }
}
