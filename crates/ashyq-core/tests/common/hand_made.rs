//! Hand-made data for tests and fuzzing: a territory from a few rows, a consistent protocol,
//! an operator. Shared by the core's tests (`common::hand_made`) and by the fuzz package's
//! fixture (`fuzz/src/fixture.rs`, through `#[path]`: `fuzz/` is its own workspace and
//! depends on ashyq-core by path). So it uses nothing but ashyq-core's public API.
#![allow(dead_code)]

use ashyq_core::author::Author;
use ashyq_core::contest::ContestId;
use ashyq_core::protocol::BallotLines;
use ashyq_core::protocol::{PrecinctProtocol, ProtocolLines};
use ashyq_core::territory::{
    District, DistrictId, Names, Precinct, PrecinctId, Region, RegionCode, Territory, UnitKind,
};

/// A territory of profile `test` in Testland (UTC+5): `regions` as (code, kind), `districts`
/// as (id, region), `precincts` as (number, district, registered voters), every name its
/// code and every precinct "School No. N"; `source` says what it was made for.
pub fn territory(
    source: &str,
    regions: &[(&str, UnitKind)],
    districts: &[(&str, &str)],
    precincts: &[(u32, &str, u64)],
) -> Territory {
    Territory {
        profile: "test".into(),
        country: Names::same("Testland"),
        utc_offset_minutes: 300,
        source: source.into(),
        regions: regions
            .iter()
            .map(|&(code, kind)| Region {
                code: RegionCode(code.into()),
                kind,
                names: Names::same(code),
                centre: String::new(),
            })
            .collect(),
        districts: districts
            .iter()
            .map(|&(id, region)| District {
                id: DistrictId(id.into()),
                region: RegionCode(region.into()),
                names: Names::same(id),
            })
            .collect(),
        precincts: precincts
            .iter()
            .map(|&(id, district, voters)| Precinct {
                id: PrecinctId(id),
                district: DistrictId(district.into()),
                name: format!("School No. {id}"),
                registered_voters: voters,
            })
            .collect(),
    }
}

/// A consistent protocol of `referendum`: `issued` of `list` took part, `yes` of them said
/// yes, 1 both-marked, 2 invalid, the rest no.
pub fn protocol(
    referendum: ContestId,
    precinct: u32,
    list: u64,
    issued: u64,
    yes: u64,
) -> PrecinctProtocol {
    PrecinctProtocol {
        referendum,
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

/// The operator who records the tests' commands.
pub fn author() -> Author {
    Author {
        name: "A. Operator".into(),
        role: "central commission operator".into(),
    }
}
