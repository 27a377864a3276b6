//! A synthetic voter register, deterministic from a seed, whose sizes per precinct follow a
//! [`Territory`] (so per region too).
//!
//! Everything about the people is invented: names are drawn from the lists in `names.rs`
//! (about seven in ten Kazakh, three in ten Russian), birth dates from a simple age pyramid
//! (ages 17–95 on the reference date, fewer of each age above 60), and small shares of people
//! who may not vote (17 years old on the reference date, not citizens, without legal capacity,
//! in custody) so that eligibility has something to find. Every IIN is valid (the check digit
//! of BRIEF §6; serial numbers giving "never issued" are skipped) and unique (serials count up
//! per birth date and sex).

use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::names::{
    KAZAKH_FEMALE, KAZAKH_MALE, KAZAKH_SURNAMES, RUSSIAN_FEMALE, RUSSIAN_MALE, RUSSIAN_SURNAMES,
};
use super::{KZ, Voter};
use crate::iin::{Iin, Sex};
use crate::territory::{PrecinctId, Territory};

/// Per million people: 17 years old on the reference date.
const UNDERAGE_PPM: u32 = 10_000;
/// Per million: not a citizen.
const FOREIGN_PPM: u32 = 300;
/// Per million: declared legally incapable.
const INCAPABLE_PPM: u32 = 1_500;
/// Per million: in custody by sentence.
const CUSTODY_PPM: u32 = 2_000;

/// The number of people per precinct when `count` people are spread over `territory` in
/// proportion to its registered voters (largest remainder: exact, sums to `count`).
pub fn sizes(territory: &Territory, count: u64) -> Vec<(PrecinctId, u64)> {
    let total: u128 = territory
        .precincts
        .iter()
        .map(|p| u128::from(p.registered_voters))
        .sum();
    if total == 0 {
        return Vec::new();
    }
    let count128 = u128::from(count);
    let mut out: Vec<(PrecinctId, u64, u128)> = territory
        .precincts
        .iter()
        .map(|p| {
            let exact = count128 * u128::from(p.registered_voters);
            (p.id, (exact / total) as u64, exact % total)
        })
        .collect();
    let given: u64 = out.iter().map(|x| x.1).sum();
    let mut order: Vec<usize> = (0..out.len()).collect();
    // Largest remainder first; ties by precinct order, so the result is deterministic.
    order.sort_by(|&a, &b| out[b].2.cmp(&out[a].2).then(a.cmp(&b)));
    for &i in order.iter().take((count - given) as usize) {
        out[i].1 += 1;
    }
    out.into_iter().map(|(id, n, _)| (id, n)).collect()
}

/// A deterministic stream of synthetic voters, precinct after precinct.
pub struct Population {
    rng: ChaCha8Rng,
    reference: NaiveDate,
    plan: std::vec::IntoIter<(PrecinctId, u64)>,
    current: Option<(PrecinctId, u64)>,
    next_serial: HashMap<(NaiveDate, Sex), u16>,
}

impl Population {
    /// `count` people over `territory`, ages relative to `reference` (the voting day), from
    /// `seed`.
    pub fn new(territory: &Territory, count: u64, seed: u64, reference: NaiveDate) -> Population {
        Population {
            rng: ChaCha8Rng::seed_from_u64(seed),
            reference,
            plan: sizes(territory, count).into_iter(),
            current: None,
            next_serial: HashMap::new(),
        }
    }

    fn birth_date(&mut self) -> NaiveDate {
        let underage = self.rng.random_range(0..1_000_000) < UNDERAGE_PPM;
        let age: u32 = if underage {
            17
        } else {
            // A pyramid: uniform 18–60, then thinning to 95.
            loop {
                let a = self.rng.random_range(18..=95u32);
                let keep = if a <= 60 {
                    100
                } else {
                    100 - (a - 60) * 100 / 36
                };
                if self.rng.random_range(0..100) < keep {
                    break a;
                }
            }
        };
        // A birthday somewhere in the year before the (age)th anniversary.
        let year = self.reference.year() - age as i32;
        let anniversary = NaiveDate::from_ymd_opt(year, self.reference.month(), 1)
            .expect("the first of a month exists");
        anniversary - Days::new(self.rng.random_range(0..365))
    }

    fn iin(&mut self, mut date: NaiveDate, sex: Sex) -> Iin {
        loop {
            let next = self.next_serial.entry((date, sex)).or_insert(0);
            while *next <= 9999 {
                let serial = *next;
                *next += 1;
                if let Some(iin) = Iin::from_parts(date, sex, serial) {
                    return iin;
                }
            }
            // Every serial of that day is used (never at realistic sizes): the day before.
            date = date
                .pred_opt()
                .expect("dates here are far from the minimum");
        }
    }

    fn person(&mut self, precinct: PrecinctId) -> Voter {
        let sex = if self.rng.random_bool(0.52) {
            Sex::Female
        } else {
            Sex::Male
        };
        let date = self.birth_date();
        let iin = self.iin(date, sex);
        let kazakh = self.rng.random_range(0..10) < 7;
        let (name_kk, name_ru) = if kazakh {
            let (skk, sru) = pick(&mut self.rng, KAZAKH_SURNAMES);
            let (fkk, fru) = pick(&mut self.rng, KAZAKH_MALE);
            let (gkk, gru) = match sex {
                Sex::Male => pick(&mut self.rng, KAZAKH_MALE),
                Sex::Female => pick(&mut self.rng, KAZAKH_FEMALE),
            };
            let (pkk, sfx) = match sex {
                Sex::Male => ("ұлы", ""),
                Sex::Female => ("қызы", "а"),
            };
            (
                format!("{skk}{sfx} {gkk} {fkk}{pkk}"),
                format!("{sru}{sfx} {gru} {}", patronymic_ru(fru, sex)),
            )
        } else {
            let s = *pick(&mut self.rng, RUSSIAN_SURNAMES);
            let f = *pick(&mut self.rng, RUSSIAN_MALE);
            let g = match sex {
                Sex::Male => *pick(&mut self.rng, RUSSIAN_MALE),
                Sex::Female => *pick(&mut self.rng, RUSSIAN_FEMALE),
            };
            let sfx = if sex == Sex::Female { "а" } else { "" };
            let name = format!("{s}{sfx} {g} {}", patronymic_ru(f, sex));
            (name.clone(), name)
        };
        let mut flag = |ppm| self.rng.random_range(0..1_000_000) < ppm;
        let foreign = flag(FOREIGN_PPM);
        let incapable = flag(INCAPABLE_PPM);
        let custody = flag(CUSTODY_PPM);
        Voter {
            iin,
            name_kk,
            name_ru,
            citizenship: if foreign { "RU".into() } else { KZ.into() },
            legal_capacity: !incapable,
            in_custody: custody,
            precinct,
        }
    }
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, list: &'a [T]) -> &'a T {
    &list[rng.random_range(0..list.len())]
}

/// The Russian patronymic from a father's given name: `-ович`/`-овна`, or `-евич`/`-евна`
/// after a final `й` or `ь` (which is dropped).
fn patronymic_ru(father: &str, sex: Sex) -> String {
    let (stem, soft) = match father.strip_suffix(['й', 'ь']) {
        Some(stem) => (stem, true),
        None => (father, false),
    };
    let ending = match (soft, sex) {
        (false, Sex::Male) => "ович",
        (false, Sex::Female) => "овна",
        (true, Sex::Male) => "евич",
        (true, Sex::Female) => "евна",
    };
    format!("{stem}{ending}")
}

impl Iterator for Population {
    type Item = Voter;

    fn next(&mut self) -> Option<Voter> {
        loop {
            match self.current {
                Some((id, left)) if left > 0 => {
                    self.current = Some((id, left - 1));
                    return Some(self.person(id));
                }
                _ => self.current = Some(self.plan.next()?),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile;
    use crate::register::VoterStatus;
    use crate::register::eligibility::{IneligibleReason, eligibility};
    use crate::territory::generate::{TerritorySpec, generate};
    use std::collections::HashSet;

    fn small_territory() -> Territory {
        let spec = TerritorySpec {
            seed: 1,
            domestic_precincts: 60,
            abroad_precincts: 2,
            abroad_countries: 2,
            registered_voters: 60_000,
        };
        generate(&profile::kz(), &spec).unwrap()
    }

    #[test]
    fn sizes_sum_to_the_count_and_follow_the_territory() {
        let t = small_territory();
        for count in [0, 1, 999, 60_000, 123_457] {
            let s = sizes(&t, count);
            assert_eq!(s.iter().map(|x| x.1).sum::<u64>(), count);
            for ((id, n), p) in s.iter().zip(&t.precincts) {
                assert_eq!(*id, p.id);
                // Within one of the exact proportional share.
                let exact = count as f64 * p.registered_voters as f64 / 60_000.0;
                assert!((*n as f64 - exact).abs() < 1.0, "{n} vs {exact}");
            }
        }
        // At the territory's own size, the sizes are the territory's.
        let same: Vec<u64> = sizes(&t, 60_000).iter().map(|x| x.1).collect();
        let registered: Vec<u64> = t.precincts.iter().map(|p| p.registered_voters).collect();
        assert_eq!(same, registered);
    }

    #[test]
    fn every_iin_is_valid_and_unique_and_the_population_is_deterministic() {
        let t = small_territory();
        let reference = NaiveDate::from_ymd_opt(2026, 3, 15).unwrap();
        let people: Vec<Voter> = Population::new(&t, 20_000, 9, reference).collect();
        assert_eq!(people.len(), 20_000);
        let mut seen = HashSet::new();
        for p in &people {
            assert_eq!(Iin::parse(&p.iin.expose()), Ok(p.iin));
            assert!(seen.insert(p.iin), "duplicate IIN");
            assert!(!p.name_kk.is_empty() && !p.name_ru.is_empty());
        }
        let again: Vec<Voter> = Population::new(&t, 20_000, 9, reference).collect();
        assert_eq!(people, again);
        // Some of each kind of ineligibility, and most people eligible.
        let mut by_reason = HashMap::new();
        for p in &people {
            for r in eligibility(&VoterStatus::from(p), reference) {
                *by_reason.entry(r).or_insert(0u32) += 1;
            }
        }
        assert!(by_reason[&IneligibleReason::Underage] > 100);
        assert!(by_reason.values().sum::<u32>() < 1_000);
    }

    #[test]
    fn patronymics_follow_the_final_letter() {
        assert_eq!(patronymic_ru("Сергей", Sex::Male), "Сергеевич");
        assert_eq!(patronymic_ru("Игорь", Sex::Female), "Игоревна");
        assert_eq!(patronymic_ru("Нурлан", Sex::Female), "Нурлановна");
    }
}
