//! Which precincts an operator's dashboard shows: all of them, or those of the territorial
//! operator's region or district.

use ashyq_core::operator::{Role, TerritorialScope};
use ashyq_core::territory::{PrecinctId, TerritoryIndex};

/// Which precincts an operator's dashboard shows.
pub(super) enum Scope {
    /// Every precinct (central operators and observers).
    All,
    /// The precincts of one region (its index in the territory).
    Region(usize),
    /// The precincts of one district (its index in the territory).
    District(usize),
    /// A territory that is not in the loaded territory: nothing.
    Nothing,
}

impl Scope {
    pub(super) fn of(role: &Role, index: Option<&TerritoryIndex>) -> Scope {
        let Role::TerritorialOperator { scope } = role else {
            return Scope::All;
        };
        let Some(index) = index else {
            return Scope::Nothing;
        };
        match scope {
            TerritorialScope::Region(r) => index.region(r).map_or(Scope::Nothing, Scope::Region),
            TerritorialScope::District(d) => {
                index.district(d).map_or(Scope::Nothing, Scope::District)
            }
        }
    }

    pub(super) fn contains(&self, index: Option<&TerritoryIndex>, p: PrecinctId) -> bool {
        let placement = || index.and_then(|i| i.placement(p));
        match self {
            Scope::All => true,
            Scope::Region(r) => placement().is_some_and(|pl| pl.region == *r),
            Scope::District(d) => placement().is_some_and(|pl| pl.district == *d),
            Scope::Nothing => false,
        }
    }
}
