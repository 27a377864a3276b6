//! What the ledger tests share: a small hand-made territory, consistent protocols, an author.
#![allow(dead_code)]

pub mod hand_made;
pub mod schema;

use ashyq_core::contest::ContestId;
use ashyq_core::protocol::PrecinctProtocol;
use ashyq_core::territory::{Territory, UnitKind};

pub use hand_made::author;

/// A time after the polls of `kz-2026` closed (20:00 at UTC+5 is 15:00 UTC).
pub const T: &str = "2026-03-15T16:00:00Z";

/// Two regions and abroad, four districts, five precincts.
pub fn territory() -> Territory {
    hand_made::territory(
        "hand-made for tests",
        &[
            ("KZ-43", UnitKind::Oblys),
            ("KZ-75", UnitKind::City),
            ("ABROAD", UnitKind::Abroad),
        ],
        &[
            ("KZ-43-01", "KZ-43"),
            ("KZ-43-02", "KZ-43"),
            ("KZ-75-01", "KZ-75"),
            ("ABROAD-TR", "ABROAD"),
        ],
        &[
            (1, "KZ-43-01", 1000),
            (2, "KZ-43-01", 800),
            (3, "KZ-43-02", 1200),
            (4, "KZ-75-01", 2500),
            (5, "ABROAD-TR", 300),
        ],
    )
}

/// A consistent protocol of `kz-2026` (see [`hand_made::protocol`]).
pub fn protocol(precinct: u32, list: u64, issued: u64, yes: u64) -> PrecinctProtocol {
    hand_made::protocol(ContestId("kz-2026".into()), precinct, list, issued, yes)
}
