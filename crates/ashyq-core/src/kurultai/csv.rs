//! Every individual vote as CSV (RFC 4180), one row a member and roll call:
//! `vote,date,motion,kind,bill,member,faction,ballot` — the vote's number, its day, the
//! motion, the kind of step (`reading_voted`, …), the bill if any, the member's id, their
//! faction (`peoples-council` for the council's members) and the Popolo option (`yes`, `no`,
//! `abstain`, `absent`, `not voting`).

use std::collections::HashMap;
use std::fmt::Write as _;

use super::{MemberId, VoteRecord};
use crate::register::csv_field;

/// The header line.
pub const HEADER: &str = "vote,date,motion,kind,bill,member,faction,ballot";

/// The CSV of `votes`, the factions of the deputies given.
pub fn votes(votes: &[VoteRecord], factions: &HashMap<MemberId, String>) -> String {
    let mut out = format!("{HEADER}\n");
    for r in votes {
        let v = &r.vote;
        let bill = r.bill.as_ref().map_or("", |b| b.0.as_str());
        for (m, b) in &v.ballots {
            let faction = factions.get(m).map_or("peoples-council", String::as_str);
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{}",
                v.number,
                v.on,
                csv_field(&v.motion),
                r.kind,
                csv_field(bill),
                csv_field(&m.0),
                csv_field(faction),
                b.popolo()
            );
        }
    }
    out
}
