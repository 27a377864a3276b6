//! What the ledger tests share: a small hand-made territory, consistent protocols, an author.
#![allow(dead_code)]

use ashyq_core::author::Author;
use ashyq_core::contest::ContestId;
use ashyq_core::protocol::BallotLines;
use ashyq_core::protocol::{PrecinctProtocol, ProtocolLines};
use ashyq_core::territory::{
    District, DistrictId, Names, Precinct, PrecinctId, Region, RegionCode, Territory, UnitKind,
};

/// A time after the polls of `kz-2026` closed (20:00 at UTC+5 is 15:00 UTC).
pub const T: &str = "2026-03-15T16:00:00Z";

/// Two regions and abroad, four districts, five precincts.
pub fn territory() -> Territory {
    let region = |code: &str, kind| Region {
        code: RegionCode(code.into()),
        kind,
        names: Names::same(code),
        centre: String::new(),
    };
    let district = |id: &str, region: &str| District {
        id: DistrictId(id.into()),
        region: RegionCode(region.into()),
        names: Names::same(id),
    };
    let precinct = |id: u32, d: &str, voters: u64| Precinct {
        id: PrecinctId(id),
        district: DistrictId(d.into()),
        name: format!("School No. {id}"),
        registered_voters: voters,
    };
    Territory {
        profile: "test".into(),
        country: Names::same("Testland"),
        utc_offset_minutes: 300,
        source: "hand-made for tests".into(),
        regions: vec![
            region("KZ-43", UnitKind::Oblys),
            region("KZ-75", UnitKind::City),
            region("ABROAD", UnitKind::Abroad),
        ],
        districts: vec![
            district("KZ-43-01", "KZ-43"),
            district("KZ-43-02", "KZ-43"),
            district("KZ-75-01", "KZ-75"),
            district("ABROAD-TR", "ABROAD"),
        ],
        precincts: vec![
            precinct(1, "KZ-43-01", 1000),
            precinct(2, "KZ-43-01", 800),
            precinct(3, "KZ-43-02", 1200),
            precinct(4, "KZ-75-01", 2500),
            precinct(5, "ABROAD-TR", 300),
        ],
    }
}

/// A consistent protocol: `issued` of `list` took part, `yes` of them said yes, 1 both-marked,
/// 2 invalid, the rest no.
pub fn protocol(precinct: u32, list: u64, issued: u64, yes: u64) -> PrecinctProtocol {
    PrecinctProtocol {
        referendum: ContestId("kz-2026".into()),
        precinct: PrecinctId(precinct),
        lines: ProtocolLines {
            ballots: BallotLines {
                voters_on_list: list,
                voters_added_on_day: 0,
                voters_added_absentee: 0,
                absentee_certificates_issued: 0,
                ballots_received: list,
                ballots_issued: issued,
                ballots_cancelled: list - issued,
                ballots_found: issued,
            },
            yes,
            no: issued - yes - 3,
            both_marked: 1,
            invalid: 2,
        },
    }
}

pub fn author() -> Author {
    Author {
        name: "A. Operator".into(),
        role: "central commission operator".into(),
    }
}
