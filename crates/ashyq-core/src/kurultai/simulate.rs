//! A simulated term of the Kurultai, deterministic from a seed, for `ashyq bench kurultai`:
//! the convening, the Chair and vice-chairs, the committees, the Vice President's consent, the
//! People's Council with its sessions and bill initiatives, then `bills` bills spread over the
//! term, each through amendments and its three readings, transmission, the President's
//! signature or objections (and the override vote), now and then a petition to the
//! Constitutional Court. Every text is synthetic and says so.
//!
//! The steps are what the secretariat sends (`kurultai::step`): derived parts blank, filled in
//! when each is decided. The generator knows the house only by its sitting members: every
//! roll call is built from counts drawn from the seed and then handed out to the members in
//! a seeded order, so the steps, their dates and every roll call's size depend only on the
//! spec, the rules and the *number* of sitting members and council members — not on who
//! they are ([`Term::ballots`] is the same for any house of that size).
//!
//! Pure: no I/O, no clock. `Kurultai::decide` accepts every step in order (the test below).

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{
    ActKind, Ballot, BillId, CommitteeId, CouncilProposal, Counts, Initiator, KurultaiEvent,
    KurultaiRules, MemberId, Office, Proposer, ReadingOutcome, RecordedVote, Sitting, Tally,
};
use crate::author::Author;
use crate::consult::VotingRules;
use crate::contest::ContestId;
use crate::legal::Act;
use crate::legal::markdown::{self, MarkdownError};
use crate::territory::Names;

/// What to simulate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermSpec {
    /// Bills introduced over the term.
    pub bills: usize,
    /// The seed of every draw.
    pub seed: u64,
    /// The term's length in years (the 2026 draft: 5).
    pub years: u32,
}

impl Default for TermSpec {
    /// The benchmark's term: 2,000 bills over five years.
    fn default() -> Self {
        TermSpec {
            bills: 2_000,
            seed: 2026,
            years: 5,
        }
    }
}

/// A simulated term: every step in the order it is recorded, the convening first.
#[derive(Debug, Clone)]
pub struct Term {
    /// The steps, as the secretariat sends them (derived parts blank).
    pub steps: Vec<KurultaiEvent>,
}

impl Term {
    /// The roll calls among the steps.
    pub fn roll_calls(&self) -> usize {
        self.steps.iter().filter(|s| vote_of(s).is_some()).count()
    }

    /// The individual votes (ballots) of every roll call, the People's Council's included.
    pub fn ballots(&self) -> u64 {
        self.steps
            .iter()
            .filter_map(vote_of)
            .map(|v| v.ballots.len() as u64)
            .sum()
    }
}

/// The roll call a step carries, if any.
fn vote_of(step: &KurultaiEvent) -> Option<&RecordedVote> {
    use KurultaiEvent as E;
    match step {
        E::OfficerVoted { vote, .. }
        | E::AmendmentVoted { vote, .. }
        | E::ReadingVoted { vote, .. }
        | E::OverrideVoted { vote, .. }
        | E::CouncilInitiativeVoted { vote, .. }
        | E::VicePresidentConsentVoted { vote, .. } => Some(vote),
        _ => None,
    }
}

/// What the bills are about: English, Russian and Kazakh titles.
const TOPICS: [(&str, &str, &str); 24] = [
    (
        "water resources",
        "О водных ресурсах",
        "Су ресурстары туралы",
    ),
    (
        "public procurement",
        "О государственных закупках",
        "Мемлекеттік сатып алу туралы",
    ),
    ("education", "Об образовании", "Білім туралы"),
    ("healthcare", "О здравоохранении", "Денсаулық сақтау туралы"),
    (
        "pensions",
        "О пенсионном обеспечении",
        "Зейнетақымен қамсыздандыру туралы",
    ),
    (
        "energy saving",
        "Об энергосбережении",
        "Энергия үнемдеу туралы",
    ),
    (
        "road transport",
        "Об автомобильном транспорте",
        "Автомобиль көлігі туралы",
    ),
    (
        "agriculture",
        "Об агропромышленном комплексе",
        "Агроөнеркәсіптік кешен туралы",
    ),
    (
        "tourism",
        "О туристской деятельности",
        "Туристік қызмет туралы",
    ),
    (
        "digital services",
        "О цифровых услугах",
        "Цифрлық қызметтер туралы",
    ),
    ("taxation", "О налогообложении", "Салық салу туралы"),
    (
        "customs",
        "О таможенном регулировании",
        "Кедендік реттеу туралы",
    ),
    ("banking", "О банках", "Банктер туралы"),
    (
        "housing",
        "О жилищных отношениях",
        "Тұрғын үй қатынастары туралы",
    ),
    (
        "environmental protection",
        "Об охране окружающей среды",
        "Қоршаған ортаны қорғау туралы",
    ),
    (
        "subsoil use",
        "О недропользовании",
        "Жер қойнауын пайдалану туралы",
    ),
    (
        "local government",
        "О местном государственном управлении",
        "Жергілікті мемлекеттік басқару туралы",
    ),
    ("culture", "О культуре", "Мәдениет туралы"),
    (
        "sport",
        "О физической культуре и спорте",
        "Дене шынықтыру және спорт туралы",
    ),
    (
        "civil service",
        "О государственной службе",
        "Мемлекеттік қызмет туралы",
    ),
    ("communications", "О связи", "Байланыс туралы"),
    (
        "mass media",
        "О средствах массовой информации",
        "Бұқаралық ақпарат құралдары туралы",
    ),
    ("science", "О науке", "Ғылым туралы"),
    ("languages", "О языках", "Тілдер туралы"),
];

/// The house's committees: id and names.
const COMMITTEES: [(&str, &str, &str, &str); 8] = [
    (
        "budget",
        "Budget and Finance",
        "По бюджету и финансам",
        "Бюджет және қаржы",
    ),
    (
        "legislation",
        "Legislation and Judicial Reform",
        "По законодательству и судебно-правовой реформе",
        "Заңнама және сот-құқықтық реформа",
    ),
    (
        "social",
        "Social and Cultural Development",
        "По социально-культурному развитию",
        "Әлеуметтік-мәдени даму",
    ),
    (
        "economy",
        "Economic Reform and Regional Development",
        "По экономической реформе и региональному развитию",
        "Экономикалық реформа және өңірлік даму",
    ),
    (
        "agrarian",
        "Agrarian Affairs",
        "По аграрным вопросам",
        "Аграрлық мәселелер",
    ),
    (
        "ecology",
        "Ecology and Natural Resources",
        "По вопросам экологии и природопользования",
        "Экология мәселелері және табиғатты пайдалану",
    ),
    (
        "defence",
        "International Affairs, Defence and Security",
        "По международным делам, обороне и безопасности",
        "Халықаралық істер, қорғаныс және қауіпсіздік",
    ),
    (
        "digital",
        "Digital Development",
        "По цифровому развитию",
        "Цифрлық даму",
    ),
];

/// What a synthetic text says it is.
pub const SYNTHETIC_NOTE: &str = "Synthetic benchmark text: not an actual bill of the Kurultai.";

/// The People's Council's members in the simulation.
const COUNCIL_MEMBERS: usize = 9;

/// Every how many bills one is the People's Council's initiative.
const COUNCIL_EVERY: usize = 50;

/// What a roll call is meant to give; the counts drawn are moved until they do, and the
/// flow follows what the rule actually gives.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    Carried,
    Rejected,
    Fails,
}

struct Gen {
    rng: ChaCha8Rng,
    rules: KurultaiRules,
    members: Vec<MemberId>,
    seats: u64,
    /// (order of generation, step).
    steps: Vec<(usize, KurultaiEvent)>,
}

/// The next weekday on or after `d`.
fn weekday(d: NaiveDate) -> NaiveDate {
    match d.weekday() {
        Weekday::Sat => d + Days::new(2),
        Weekday::Sun => d + Days::new(1),
        _ => d,
    }
}

impl Gen {
    fn push(&mut self, step: KurultaiEvent) {
        let n = self.steps.len();
        self.steps.push((n, step));
    }

    fn days(&mut self, lo: u64, hi: u64) -> Days {
        Days::new(self.rng.random_range(lo..=hi))
    }

    /// Counts over `n` members of a house of `seats` that give `want` by `rule` (and, for a
    /// rejection, by `rejection`), as nearly as the members allow.
    fn counts(
        &mut self,
        n: u64,
        seats: u64,
        rule: &VotingRules,
        rejection: &VotingRules,
        want: Want,
    ) -> Counts {
        let absent = self.rng.random_range(0..=n / 12);
        let present = n - absent;
        let share = match want {
            Want::Carried => self.rng.random_range(0.62..0.93),
            Want::Rejected => self.rng.random_range(0.05..0.2),
            Want::Fails => self.rng.random_range(0.2..0.45),
        };
        let yes = ((present as f64 * share) as u64).min(present);
        let rest = present - yes;
        let no = match want {
            Want::Rejected => rest - rest / 8,
            _ => (rest as f64 * self.rng.random_range(0.3..0.7)) as u64,
        };
        let abstain = (rest - no) * 3 / 4;
        let mut c = Counts {
            yes,
            no,
            abstain,
            absent,
            not_voting: rest - no - abstain,
        };
        let carried = |c: &Counts| Tally::count(rule, seats, c).carried;
        let rejected = |c: &Counts| Tally::count_for(rejection, seats, c, c.no).carried;
        // Indices into [yes, no, abstain, absent, not voting] (`Ballot::ALL`): the ballot a
        // move goes to, and those it takes from, in turn.
        let (to, from): (usize, &[usize]) = match want {
            Want::Carried => (0, &[4, 2, 1, 3]),
            Want::Rejected => (1, &[4, 2, 0, 3]),
            Want::Fails => (1, &[0]),
        };
        for _ in 0..=n {
            let done = match want {
                Want::Carried => carried(&c),
                Want::Rejected => rejected(&c) && !carried(&c),
                Want::Fails => !carried(&c),
            };
            if done {
                break;
            }
            let mut a = [c.yes, c.no, c.abstain, c.absent, c.not_voting];
            let Some(&f) = from.iter().find(|&&f| a[f] > 0) else {
                break;
            };
            a[f] -= 1;
            a[to] += 1;
            c = Counts {
                yes: a[0],
                no: a[1],
                abstain: a[2],
                absent: a[3],
                not_voting: a[4],
            };
        }
        c
    }

    /// A roll call of `members` giving (as nearly as they allow) `want`.
    fn roll(
        &mut self,
        members: &[MemberId],
        seats: u64,
        rule: &VotingRules,
        want: Want,
        on: NaiveDate,
        motion: String,
    ) -> RecordedVote {
        let rejection = self.rules.rejection;
        let c = self.counts(members.len() as u64, seats, rule, &rejection, want);
        let mut order: Vec<usize> = (0..members.len()).collect();
        order.shuffle(&mut self.rng);
        let mut ballot = vec![Ballot::Absent; members.len()];
        let mut at = 0;
        for b in Ballot::ALL {
            for _ in 0..c.get(b) {
                ballot[order[at]] = b;
                at += 1;
            }
        }
        let ballots = members.iter().cloned().zip(ballot).collect();
        RecordedVote::new(on, motion, ballots)
    }

    /// A roll call of the house by `rule`.
    fn house_roll(
        &mut self,
        rule: &VotingRules,
        want: Want,
        on: NaiveDate,
        motion: String,
    ) -> RecordedVote {
        let members = std::mem::take(&mut self.members);
        let v = self.roll(&members, self.seats, rule, want, on, motion);
        self.members = members;
        v
    }

    /// Whether a roll call carries by `rule` in the house.
    fn carried(&self, rule: &VotingRules, v: &RecordedVote, seats: u64) -> bool {
        Tally::count(rule, seats, &v.counts).carried
    }

    fn outcome(&self, rule: &VotingRules, v: &RecordedVote) -> ReadingOutcome {
        if self.carried(rule, v, self.seats) {
            ReadingOutcome::Passed
        } else if Tally::count_for(&self.rules.rejection, self.seats, &v.counts, v.counts.no)
            .carried
        {
            ReadingOutcome::Rejected
        } else {
            ReadingOutcome::NotPassed
        }
    }
}

/// A bill's text: three articles in three languages; `amended` amendments carried so far
/// change its second article.
fn bill_text(id: &str, n: usize, topic: usize, amended: usize) -> Result<Act, MarkdownError> {
    let (en, ru, kk) = TOPICS[topic % TOPICS.len()];
    let months = 6 + (n % 7) + amended;
    let version = if amended == 0 {
        "introduced".to_owned()
    } else {
        format!("amendment-{amended}")
    };
    let also = if amended == 0 {
        String::new()
    } else {
        format!(" and publishes it within {amended} weeks")
    };
    let md = format!(
        "---\nwork: {id}\nversion: {version}\n\
         title.en: On {en}, bill {n} (synthetic)\n\
         title.ru: {ru}, законопроект {n} (синтетический)\n\
         title.kk: {kk}, {n} заң жобасы (синтетикалық)\n---\n\n\
         # Article 1\n\
         en: This synthetic law governs relations in the field of {en}.\n\
         ru: Настоящий синтетический закон регулирует отношения в данной сфере.\n\
         kk: Осы синтетикалық заң осы саладағы қатынастарды реттейді.\n\n\
         # Article 2\n\
         en: The authorised body reports on its implementation every {months} months{also}.\n\
         ru: Уполномоченный орган отчитывается о его исполнении каждые {months} месяцев (редакция {amended}).\n\
         kk: Уәкілетті орган оның орындалуы туралы әр {months} ай сайын есеп береді ({amended} редакция).\n\n\
         # Article 3\n\
         en: {SYNTHETIC_NOTE}\n\
         ru: Синтетический текст для замеров, не законопроект Курултая.\n\
         kk: Өлшеуге арналған синтетикалық мәтін, Құрылтайдың заң жобасы емес.\n"
    );
    markdown::parse(&md)
}

/// The term of a house convened from `election` on `first_session` by the default rules, with
/// the members of `sitting`, its steps recorded by `author`. `Err` only if a generated text
/// does not parse (a defect of this generator).
pub fn term(
    election: &ContestId,
    first_session: NaiveDate,
    sitting: &Sitting,
    spec: &TermSpec,
    author: &Author,
) -> Result<Term, MarkdownError> {
    let rules = KurultaiRules::default();
    let mut g = Gen {
        rng: ChaCha8Rng::seed_from_u64(spec.seed),
        rules: rules.clone(),
        members: sitting.members.keys().cloned().collect(),
        seats: sitting.seats,
        steps: Vec::new(),
    };
    let who = || author.clone();
    let s = first_session;
    let n = g.members.len();
    g.push(KurultaiEvent::Convened {
        election: election.clone(),
        first_session: s,
        rules: rules.clone(),
        author: who(),
    });
    // The Chair and three vice-chairs.
    for (k, office) in [
        Office::Chair,
        Office::ViceChair,
        Office::ViceChair,
        Office::ViceChair,
    ]
    .into_iter()
    .enumerate()
    {
        if n < 4 {
            break;
        }
        let candidate = g.members[k * n / 4].clone();
        let motion = match office {
            Office::Chair => "Election of the Chair".to_owned(),
            Office::ViceChair => format!("Election of vice-chair {k}"),
        };
        let vote = g.house_roll(&rules.officers, Want::Carried, s, motion);
        g.push(KurultaiEvent::OfficerVoted {
            office,
            candidate,
            vote,
            author: who(),
        });
    }
    // The committees, the members shared out in turn.
    let committees = COMMITTEES.len().min(n);
    for (j, (id, en, ru, kk)) in COMMITTEES.iter().take(committees).enumerate() {
        let members: Vec<MemberId> = g
            .members
            .iter()
            .skip(j)
            .step_by(committees)
            .cloned()
            .collect();
        g.push(KurultaiEvent::CommitteeFormed {
            committee: CommitteeId((*id).into()),
            name: Names {
                kk: (*kk).into(),
                ru: (*ru).into(),
                en: (*en).into(),
            },
            chair: members[0].clone(),
            members,
            on: s + Days::new(1),
            author: who(),
        });
    }
    // The Vice President.
    g.push(KurultaiEvent::VicePresidentNominated {
        nominee: "Synthetic Nominee (benchmark)".into(),
        on: s + Days::new(2),
        author: who(),
    });
    let vote = g.house_roll(
        &rules.vice_president_consent,
        Want::Carried,
        weekday(s + Days::new(3)),
        "Consent to the appointment of the Vice President".into(),
    );
    let consented = g.carried(&rules.vice_president_consent, &vote, g.seats);
    g.push(KurultaiEvent::VicePresidentConsentVoted {
        vote,
        author: who(),
    });
    if consented {
        g.push(KurultaiEvent::VicePresidentAppointed {
            on: weekday(s + Days::new(4)),
            author: who(),
        });
    }
    // The People's Council.
    let council: Vec<MemberId> = (1..=COUNCIL_MEMBERS)
        .map(|i| MemberId(format!("pc-{i}")))
        .collect();
    for (i, m) in council.iter().enumerate() {
        g.push(KurultaiEvent::CouncilMemberJoined {
            member: m.clone(),
            name: format!("Council member {} (synthetic)", i + 1),
            block: ["public associations", "regions", "experts"][i % 3].into(),
            on: s + Days::new(2),
            author: who(),
        });
    }
    let mut initiatives = 0u32;

    // The bills, introduced evenly from the fifth week to five months before the term ends.
    let end = s
        .checked_add_months(Months::new(12 * spec.years))
        .unwrap_or(s);
    let from = s + Days::new(30);
    // The last steps of a bill come at most about 210 days after its introduction.
    let span = ((end - from).num_days() - 240).max(1) as u64;
    for i in 0..spec.bills {
        let n_bill = i + 1;
        let id = format!("bill-sim-{n_bill:04}");
        let topic = g.rng.random_range(0..TOPICS.len());
        let intro = weekday(from + Days::new(span * i as u64 / spec.bills.max(1) as u64));
        let initiator = if n >= 3 && i % COUNCIL_EVERY == COUNCIL_EVERY - 1 {
            // The People's Council votes the initiative at a session a fortnight before.
            let day = intro - Days::new(14);
            g.push(KurultaiEvent::CouncilSessionHeld {
                session: 0,
                on: day,
                author: who(),
            });
            let (en, ru, kk) = TOPICS[topic];
            let seats = council.len() as u64;
            let vote = g.roll(
                &council,
                seats,
                &rules.council.decisions,
                Want::Carried,
                day,
                format!("To submit a bill on {en} to the Kurultai"),
            );
            let carried = Tally::count(&rules.council.decisions, seats, &vote.counts).carried;
            g.push(KurultaiEvent::CouncilInitiativeVoted {
                initiative: 0,
                session: 0,
                proposal: CouncilProposal::Bill {
                    title: Names {
                        kk: format!("{kk} (синтетикалық)"),
                        ru: format!("{ru} (синтетический)"),
                        en: format!("On {en} (synthetic)"),
                    },
                },
                vote,
                author: who(),
            });
            initiatives += 1;
            if carried {
                Initiator::PeoplesCouncil {
                    initiative: initiatives,
                }
            } else {
                Initiator::Government
            }
        } else {
            match g.rng.random_range(0..20) {
                0..=9 => Initiator::Government,
                10..=15 if n >= 3 => {
                    let at = g.rng.random_range(0..n);
                    Initiator::Deputies {
                        members: (0..3).map(|k| g.members[(at + k) % n].clone()).collect(),
                    }
                }
                _ => Initiator::President,
            }
        };
        let kind = if g.rng.random_range(0..30) == 0 {
            ActKind::ConstitutionalLaw
        } else {
            ActKind::Law
        };
        let priority = g.rng.random_range(0..20) == 0;
        let committee = CommitteeId(COMMITTEES[topic % committees.max(1)].0.into());
        g.push(KurultaiEvent::BillIntroduced {
            bill: BillId(id.clone()),
            kind,
            priority,
            initiator,
            committee: committee.clone(),
            text: bill_text(&id, n_bill, topic, 0)?,
            on: intro,
            author: who(),
        });
        let reading_rule = *rules.reading(kind == ActKind::ConstitutionalLaw);
        // Amendments: none for half the bills, one for 40 %, two for 10 %.
        let amendments = match g.rng.random_range(0..10) {
            0..=4 => 0,
            5..=8 => 1,
            _ => 2,
        };
        let mut before = [0usize; 3];
        for _ in 0..amendments {
            before[g.rng.random_range(0..3)] += 1;
        }
        let mut day = intro;
        let mut proposed = 0;
        let mut adopted = true;
        for reading in 1..=3u8 {
            day = weekday(
                day + if priority {
                    g.days(7, 14)
                } else {
                    match reading {
                        1 => g.days(21, 42),
                        2 => g.days(14, 35),
                        _ => g.days(7, 14),
                    }
                },
            );
            for _ in 0..before[usize::from(reading - 1)] {
                proposed += 1;
                let want = if g.rng.random_range(0..5) == 0 {
                    Want::Fails
                } else {
                    Want::Carried
                };
                let proposer = if g.rng.random_bool(0.5) {
                    Proposer::Committee {
                        committee: committee.clone(),
                    }
                } else {
                    Proposer::Deputy {
                        member: g.members[g.rng.random_range(0..n)].clone(),
                    }
                };
                // Each proposal's text differs from every earlier one (and so from the
                // current text).
                let text = bill_text(&id, n_bill, topic, proposed)?;
                let vote = g.house_roll(
                    &rules.amendment,
                    want,
                    day,
                    format!("Amendment {proposed} to {id}, before reading {reading}"),
                );
                g.push(KurultaiEvent::AmendmentVoted {
                    bill: BillId(id.clone()),
                    proposer,
                    reading: 0,
                    text,
                    vote,
                    author: who(),
                });
            }
            let want = if g.rng.random_range(0..40) == 0 {
                Want::Rejected
            } else {
                Want::Carried
            };
            let vote = g.house_roll(
                &reading_rule,
                want,
                day,
                format!("Reading {reading} of {id}"),
            );
            let outcome = g.outcome(&reading_rule, &vote);
            g.push(KurultaiEvent::ReadingVoted {
                bill: BillId(id.clone()),
                reading,
                outcome: ReadingOutcome::NotPassed,
                vote,
                author: who(),
            });
            if outcome != ReadingOutcome::Passed {
                adopted = false;
                break;
            }
        }
        if !adopted {
            continue;
        }
        // To the President; signed, or returned with objections and overridden.
        let mut rounds = 0;
        let mut signed = false;
        loop {
            rounds += 1;
            day = weekday(day + g.days(1, 9));
            g.push(KurultaiEvent::Transmitted {
                bill: BillId(id.clone()),
                on: day,
                author: who(),
            });
            let returned = rounds == 1 && g.rng.random_range(0..25) == 0;
            day = day + g.days(5, 25);
            if !returned {
                let in_force = day + g.days(10, 90);
                g.push(KurultaiEvent::Signed {
                    bill: BillId(id.clone()),
                    on: day,
                    in_force,
                    author: who(),
                });
                signed = true;
                break;
            }
            g.push(KurultaiEvent::Returned {
                bill: BillId(id.clone()),
                on: day,
                objections: "Article 2 leaves the authorised body too much discretion (synthetic objections).".into(),
                author: who(),
            });
            let Some(rule) = rules.override_objections else {
                break;
            };
            day = weekday(day + g.days(7, 20));
            let vote = g.house_roll(
                &rule,
                Want::Carried,
                day,
                format!("Override of the President's objections to {id}"),
            );
            let overridden = g.carried(&rule, &vote, g.seats);
            g.push(KurultaiEvent::OverrideVoted {
                bill: BillId(id.clone()),
                vote,
                author: who(),
            });
            if !overridden {
                break;
            }
        }
        // Now and then a fifth of the deputies petition the Constitutional Court.
        let need = rules.petition_needed(g.seats) as usize;
        if signed && g.rng.random_range(0..100) == 0 && need <= n {
            let mut order: Vec<usize> = (0..n).collect();
            order.shuffle(&mut g.rng);
            let signatories = order[..need]
                .iter()
                .map(|&k| g.members[k].clone())
                .collect();
            let on = day + g.days(3, 30);
            g.push(KurultaiEvent::CourtPetitioned {
                bill: BillId(id.clone()),
                signatories,
                on,
                author: who(),
            });
        }
    }
    // In the order of their days; steps of one day in the order generated.
    let mut steps = g.steps;
    steps.sort_by_key(|(k, s)| (s.on(), *k));
    Ok(Term {
        steps: steps.into_iter().map(|(_, s)| s).collect(),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::kurultai::{BillStatus, Kurultai};

    fn house(n: usize, prefix: &str) -> Sitting {
        let mut members = BTreeMap::new();
        for i in 1..=n {
            let party = ["A", "B", "C"][i % 3];
            members.insert(
                MemberId(format!("{prefix}{}-{i}", party.to_lowercase())),
                (party.to_owned(), format!("Deputy {i}")),
            );
        }
        Sitting {
            seats: 145,
            members,
            former: Default::default(),
        }
    }

    fn who() -> Author {
        Author::new("bench secretariat", "kurultai secretariat")
    }

    fn day0() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 9, 15).unwrap()
    }

    fn spec(bills: usize) -> TermSpec {
        TermSpec {
            bills,
            seed: 7,
            years: 5,
        }
    }

    /// Decides every step in order, applying each: returns the house.
    fn decide_all(term: &Term, sitting: &Sitting) -> Kurultai {
        let mut k = Kurultai::new();
        for (seq, step) in term.steps.iter().enumerate() {
            match k.decide(step.clone(), sitting) {
                Ok(decided) => k.apply(&decided, seq as u64 + 1),
                Err(e) => panic!("step {} ({}) refused: {e}", seq + 1, step.kind()),
            }
        }
        k
    }

    #[test]
    fn every_step_of_a_term_is_accepted_and_its_ballots_are_the_houses() {
        let sitting = house(145, "");
        let term = term(
            &ContestId("kurultai-2026".into()),
            day0(),
            &sitting,
            &spec(120),
            &who(),
        )
        .unwrap();
        let k = decide_all(&term, &sitting);
        assert_eq!(k.bills().count(), 120);
        let ballots: u64 = k.votes().iter().map(|r| r.vote.ballots.len() as u64).sum();
        assert_eq!(ballots, term.ballots());
        assert_eq!(k.votes().len(), term.roll_calls());
        // Most bills become law; some are rejected; some have amendments, some objections.
        let signed = k.bills().filter(|b| b.status == BillStatus::Signed).count();
        assert!(signed > 90, "{signed} of 120 signed");
        assert!(k.bills().any(|b| b.versions.len() > 1));
        assert!(
            k.bills()
                .any(|b| matches!(b.initiator, Initiator::PeoplesCouncil { .. }))
        );
        assert!(
            k.votes()
                .iter()
                .any(|r| r.kind == "amendment_voted" && !r.vote.tally.carried)
        );
        // Every roll call lists every sitting member once.
        assert!(
            k.votes()
                .iter()
                .filter(|r| !r.council)
                .all(|r| r.vote.ballots.len() == 145)
        );
    }

    #[test]
    fn the_term_is_the_same_for_the_same_seed_and_its_size_does_not_depend_on_who_sits() {
        let id = ContestId("kurultai-2026".into());
        let a = term(&id, day0(), &house(145, ""), &spec(60), &who()).unwrap();
        let again = term(&id, day0(), &house(145, ""), &spec(60), &who()).unwrap();
        assert_eq!(a.steps, again.steps);
        let other = term(&id, day0(), &house(145, "x"), &spec(60), &who()).unwrap();
        assert_eq!(a.ballots(), other.ballots());
        assert_eq!(a.steps.len(), other.steps.len());
        let seeded = term(
            &id,
            day0(),
            &house(145, ""),
            &TermSpec {
                seed: 8,
                ..spec(60)
            },
            &who(),
        )
        .unwrap();
        assert_ne!(a.steps, seeded.steps);
    }

    #[test]
    fn the_five_year_term_has_about_a_million_votes() {
        let sitting = house(145, "");
        let t = term(
            &ContestId("kurultai-2026".into()),
            day0(),
            &sitting,
            &TermSpec::default(),
            &who(),
        )
        .unwrap();
        let b = t.ballots();
        assert!((900_000..1_300_000).contains(&b), "{b} ballots");
        let last = t.steps.last().unwrap().on();
        assert!(
            last < day0() + Months::new(60),
            "the last step is on {last}"
        );
    }
}
