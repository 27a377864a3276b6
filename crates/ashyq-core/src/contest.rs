//! Contests as one concept: every referendum and every election is a contest, named by one
//! [`ContestId`] from one namespace, of one [`ContestKind`]. The ledger keeps them in one
//! registry (`ledger::contests`), so looking one up, choosing the only one, and listing the
//! known ones work the same for every kind.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::territory::PrecinctId;

/// The identifier of a contest (a referendum or an election), e.g. `kz-2026`: 1 to 64
/// lowercase letters, digits and `-`. Checked whenever one is read ([`ContestId::parse`], and
/// in every deserialization), so an id with stray spaces or capitals never enters the system.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[a-z0-9-]{1,64}$"))]
pub struct ContestId(pub String);

/// An id that is not a valid [`ContestId`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "contest id {0:?} is not valid: use 1 to 64 lowercase letters, digits and '-', e.g. \"kz-2026\""
)]
pub struct BadContestId(pub String);

impl ContestId {
    /// Checks the form of an id.
    pub fn parse(text: &str) -> Result<Self, BadContestId> {
        let ok = !text.is_empty()
            && text.len() <= 64
            && text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if ok {
            Ok(ContestId(text.to_owned()))
        } else {
            Err(BadContestId(text.to_owned()))
        }
    }

    /// The id's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ContestId {
    type Error = BadContestId;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        ContestId::parse(&text)
    }
}

impl From<ContestId> for String {
    fn from(id: ContestId) -> String {
        id.0
    }
}

impl fmt::Display for ContestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What kind of contest an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ContestKind {
    /// A referendum: one question, yes or no.
    Referendum,
    /// A party-list election to a representative body.
    PartyList,
    /// One round of the election of the President.
    Presidential,
}

impl ContestKind {
    /// The noun used in messages: "referendum", "election".
    pub fn noun(self) -> &'static str {
        match self {
            ContestKind::Referendum => "referendum",
            ContestKind::PartyList => "election",
            ContestKind::Presidential => "presidential election",
        }
    }

    /// The command that creates one, for the hint of an empty registry.
    pub fn create_hint(self) -> &'static str {
        match self {
            ContestKind::Referendum => "`ashyq referendum create`",
            ContestKind::PartyList => "`ashyq election create`",
            ContestKind::Presidential => "`ashyq election scenario --preset kz-2022-presidential`",
        }
    }
}

impl fmt::Display for ContestKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.noun())
    }
}

/// What the protocol machinery (submission, conflicts, amendments, receipts) needs to know of
/// a precinct protocol of any contest.
pub trait ContestProtocol: Clone {
    /// The contest it belongs to.
    fn contest(&self) -> &ContestId;
    /// The precinct.
    fn precinct(&self) -> PrecinctId;
}

/// The record of one kind of contest kept in a [`Registry`] of `C` (the sum of every kind).
pub trait ContestRecord<C>: Sized {
    /// Its kind.
    const KIND: ContestKind;
    /// The record, when `contest` is of this kind.
    fn pick(contest: &C) -> Option<&Self>;
    /// The record, when `contest` is of this kind.
    fn pick_mut(contest: &mut C) -> Option<&mut Self>;
}

/// No contest of the kind asked for under that id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("there is no {kind} {id}; known: {known}")]
pub struct UnknownContest {
    /// The kind asked for.
    pub kind: ContestKind,
    /// The id asked for (`(none given)` when the only one was asked for and there is not
    /// exactly one).
    pub id: ContestId,
    /// The ids of that kind that exist, comma-separated, or how to create one.
    pub known: String,
}

/// Every contest, of every kind, by id: one namespace, so an id names exactly one contest.
/// Look-ups are typed by the record asked for; asking for a referendum under an election's id
/// is an [`UnknownContest`] like any unknown id.
#[derive(Debug, Clone)]
pub struct Registry<C> {
    contests: BTreeMap<ContestId, C>,
}

impl<C> Default for Registry<C> {
    fn default() -> Self {
        Registry {
            contests: BTreeMap::new(),
        }
    }
}

impl<C> Registry<C> {
    /// Whether any contest, of any kind, has this id.
    pub fn contains(&self, id: &ContestId) -> bool {
        self.contests.contains_key(id)
    }

    /// Adds a contest under an id no contest has (the caller's decision checked it).
    pub fn insert(&mut self, id: ContestId, contest: C) {
        self.contests.insert(id, contest);
    }

    /// Every contest of any kind, by id.
    pub fn all(&self) -> impl Iterator<Item = (&ContestId, &C)> {
        self.contests.iter()
    }

    /// The contests of kind `R`, by id.
    pub fn of_kind<'a, R: ContestRecord<C> + 'a>(&'a self) -> impl Iterator<Item = &'a R> {
        self.contests.values().filter_map(R::pick)
    }

    /// The contest `id` of kind `R`.
    pub fn get<R: ContestRecord<C>>(&self, id: &ContestId) -> Result<&R, UnknownContest> {
        self.contests
            .get(id)
            .and_then(R::pick)
            .ok_or_else(|| self.unknown::<R>(id.clone()))
    }

    /// The contest `id` of kind `R`, to change.
    pub fn get_mut<R: ContestRecord<C>>(
        &mut self,
        id: &ContestId,
    ) -> Result<&mut R, UnknownContest> {
        if self.contests.get(id).and_then(R::pick).is_none() {
            return Err(self.unknown::<R>(id.clone()));
        }
        Ok(self
            .contests
            .get_mut(id)
            .and_then(R::pick_mut)
            .expect("checked just above"))
    }

    /// The contest named, or the only contest of kind `R` when none is named; an
    /// [`UnknownContest`] listing the known ones when the name is unknown or there is not
    /// exactly one.
    pub fn resolve<R: ContestRecord<C>>(&self, id: Option<&str>) -> Result<&R, UnknownContest> {
        match id {
            Some(text) => match ContestId::parse(text) {
                Ok(id) => self.get(&id),
                Err(_) => Err(self.unknown::<R>(ContestId(text.to_owned()))),
            },
            None => {
                let mut it = self.of_kind::<R>();
                match (it.next(), it.next()) {
                    (Some(r), None) => Ok(r),
                    _ => Err(self.unknown::<R>(ContestId("(none given)".into()))),
                }
            }
        }
    }

    /// The ids of kind `R`, comma-separated, or how to create one when there is none.
    pub fn known<R: ContestRecord<C>>(&self) -> String {
        let ids: Vec<&str> = self
            .contests
            .iter()
            .filter(|(_, c)| R::pick(c).is_some())
            .map(|(id, _)| id.as_str())
            .collect();
        if ids.is_empty() {
            format!("none (create one with {})", R::KIND.create_hint())
        } else {
            ids.join(", ")
        }
    }

    fn unknown<R: ContestRecord<C>>(&self, id: ContestId) -> UnknownContest {
        UnknownContest {
            kind: R::KIND,
            id,
            known: self.known::<R>(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ids_are_checked_when_read() {
        assert_eq!(ContestId::parse("kz-2026").unwrap().as_str(), "kz-2026");
        for bad in ["", "KZ-2026", "kz 2026", "kz_2026", &"a".repeat(65)] {
            let err = ContestId::parse(bad).unwrap_err();
            assert!(err.to_string().contains("lowercase letters"), "{err}");
        }
        assert!(serde_json::from_str::<ContestId>("\"Kz\"").is_err());
        assert_eq!(
            serde_json::to_string(&ContestId::parse("a-1").unwrap()).unwrap(),
            "\"a-1\""
        );
    }

    #[derive(Debug, PartialEq)]
    enum Kind {
        Vote(u32),
        List(&'static str),
    }

    impl ContestRecord<Kind> for u32 {
        const KIND: ContestKind = ContestKind::Referendum;
        fn pick(c: &Kind) -> Option<&u32> {
            match c {
                Kind::Vote(v) => Some(v),
                Kind::List(_) => None,
            }
        }
        fn pick_mut(c: &mut Kind) -> Option<&mut u32> {
            match c {
                Kind::Vote(v) => Some(v),
                Kind::List(_) => None,
            }
        }
    }

    impl ContestRecord<Kind> for &'static str {
        const KIND: ContestKind = ContestKind::PartyList;
        fn pick(c: &Kind) -> Option<&&'static str> {
            match c {
                Kind::List(l) => Some(l),
                Kind::Vote(_) => None,
            }
        }
        fn pick_mut(c: &mut Kind) -> Option<&mut &'static str> {
            match c {
                Kind::List(l) => Some(l),
                Kind::Vote(_) => None,
            }
        }
    }

    fn id(t: &str) -> ContestId {
        ContestId::parse(t).unwrap()
    }

    #[test]
    fn one_registry_answers_for_every_kind() {
        let mut r = Registry::<Kind>::default();
        let none = r.resolve::<u32>(None).unwrap_err();
        assert_eq!(
            none.to_string(),
            "there is no referendum (none given); known: none (create one with `ashyq referendum create`)"
        );
        r.insert(id("kz-2026"), Kind::Vote(1));
        r.insert(id("kurultai-2026"), Kind::List("seats"));
        assert_eq!(r.resolve::<u32>(None), Ok(&1));
        assert_eq!(r.resolve::<&str>(None), Ok(&"seats"));
        assert_eq!(r.get::<u32>(&id("kz-2026")), Ok(&1));
        // An election's id does not name a referendum.
        let err = r.get::<u32>(&id("kurultai-2026")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "there is no referendum kurultai-2026; known: kz-2026"
        );
        assert!(r.contains(&id("kurultai-2026")));
        *r.get_mut::<u32>(&id("kz-2026")).unwrap() = 5;
        assert_eq!(r.get::<u32>(&id("kz-2026")), Ok(&5));
        assert!(r.get_mut::<&str>(&id("kz-2026")).is_err());
        r.insert(id("kz-2022"), Kind::Vote(2));
        let err = r.resolve::<u32>(None).unwrap_err();
        assert_eq!(err.known, "kz-2022, kz-2026");
        assert_eq!(r.resolve::<u32>(Some("kz-2022")), Ok(&2));
        let err = r.resolve::<u32>(Some("No Such")).unwrap_err();
        assert_eq!(err.id.as_str(), "No Such");
        assert_eq!(r.of_kind::<u32>().count(), 2);
    }

    proptest! {
        #[test]
        fn any_text_is_an_id_or_a_clear_error(text in ".{0,80}") {
            match ContestId::parse(&text) {
                Ok(id) => {
                    let back: ContestId = serde_json::from_str(&serde_json::to_string(&id).unwrap()).unwrap();
                    prop_assert_eq!(back, id);
                }
                Err(e) => prop_assert!(e.to_string().contains("is not valid")),
            }
        }
    }
}
