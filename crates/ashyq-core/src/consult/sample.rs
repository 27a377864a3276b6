//! The sample consultation shipped with the project, for the demo and the tests: a sample act
//! written for ashyq (**not the official text**) in two versions, the sample proposals, their
//! moderation and supports, clustering, a 130-member commission and two meetings with recorded
//! votes and decisions. `ashyq consult demo` writes it to files; `ashyq demo` loads it into
//! the database so that the web pages have content.
//!
//! The official full texts cannot be downloaded here; real texts are imported by users
//! (`ashyq act import`, Markdown or Akoma Ntoso).

use super::{
    Amendment, AmendmentTarget, ConsultError, ConsultEvent, Consultation, Member, ModerationReason,
    MotionKind, ProposalId, ProposalTarget, VotingRules, act_sha256, similarity::LshParams,
};
use super::{Choice, CitizenRef};
use crate::iin::DigestKey;
use crate::legal::compare::{self, CompareOptions};
use crate::legal::{Act, Lang, Parallel, markdown};

/// The "old" version (a constitution as amended), Markdown.
pub const ACT_V1: &str = include_str!("../../data/sample-act-v1.md");
/// The draft, Markdown.
pub const ACT_V2: &str = include_str!("../../data/sample-act-v2.md");
/// The sample proposals: `citizen,target,lang,moderation,text,rationale`; targets are eIds of
/// the old version (`new:EID` for a new article after it), moderation `publish`,
/// `reject:spam`, `reject:abusive` or `pending`.
pub const PROPOSALS_CSV: &str = include_str!("../../data/sample-proposals.csv");

/// The issuer the sample citizens signed in at (made up: the sample's citizens are too).
pub const SAMPLE_ISSUER: &str = "http://127.0.0.1/dev-idp";

/// The label of the version the commission's amendments produce.
pub const ADOPTED_VERSION: &str = "v3-adopted";

/// The sample, built.
#[derive(Debug, Clone)]
pub struct Sample {
    /// The old version.
    pub old: Act,
    /// The draft, open for proposals.
    pub draft: Act,
    /// The draft with every adopted amendment: the adopted text.
    pub adopted: Act,
    /// The consultation with its log.
    pub consultation: Consultation,
}

fn invalid(what: &str) -> impl FnOnce(String) -> ConsultError + '_ {
    move |e| ConsultError::Invalid(format!("the sample {what}: {e}"))
}

/// The citizen of the sample known as `name` (pseudonymised under `key`).
pub fn citizen(key: &DigestKey, name: &str) -> CitizenRef {
    CitizenRef::of_subject(key, SAMPLE_ISSUER, &format!("demo-{name}"))
}

/// Times of the sample's log entries: day `d` of January 2026, local time (UTC+5).
struct SampleClock {
    day: u32,
    minute: u32,
}

impl SampleClock {
    fn on(&mut self, day: u32) {
        if day != self.day {
            self.day = day;
            self.minute = 9 * 60;
        }
    }

    fn next(&mut self) -> String {
        self.minute += 1;
        format!(
            "2026-01-{:02}T{:02}:{:02}:00+05:00",
            self.day,
            (self.minute / 60).min(23),
            self.minute % 60
        )
    }
}

/// Builds the sample consultation. `key` pseudonymises the sample's citizens.
pub fn build(key: &DigestKey) -> Result<Sample, ConsultError> {
    let old = markdown::parse(ACT_V1).map_err(|e| invalid("act v1")(e.to_string()))?;
    let draft = markdown::parse(ACT_V2).map_err(|e| invalid("act v2")(e.to_string()))?;
    let mut c = Consultation::new();
    let mut clock = SampleClock { day: 0, minute: 0 };
    clock.on(2);
    c.record(
        ConsultEvent::DraftPublished {
            work: draft.work.clone(),
            version: draft.version.clone(),
            content_sha256: act_sha256(&draft),
        },
        &clock.next(),
    )?;
    // The sample proposals target the old text's eIds; map them to the draft by article text.
    let cmp = compare::compare(&old, &draft, Lang::Ru, CompareOptions::default());
    let to_draft = |eid: &str| -> String {
        cmp.changes
            .iter()
            .find(|ch| ch.old.iter().any(|r| r.eid == eid) && !ch.new.is_empty())
            .map_or(eid.to_string(), |ch| ch.new[0].eid.clone())
    };
    let mut rdr = csv::Reader::from_reader(PROPOSALS_CSV.as_bytes());
    for (n, row) in rdr.records().enumerate() {
        let row = row.map_err(|e| invalid("proposals")(e.to_string()))?;
        if row.len() != 6 {
            return Err(invalid("proposals")(format!(
                "row {} has {} columns, not 6",
                n + 2,
                row.len()
            )));
        }
        clock.on(3 + n as u32 / 2);
        let target = match row[1].strip_prefix("new:") {
            Some(after) => ProposalTarget::NewArticle {
                after: Some(to_draft(after)),
            },
            None => ProposalTarget::Unit {
                eid: to_draft(&row[1]),
            },
        };
        let lang = Lang::parse(&row[2])
            .ok_or_else(|| invalid("proposals")(format!("unknown language {:?}", &row[2])))?;
        let id = c.next_proposal_id();
        c.record(
            ConsultEvent::ProposalSubmitted {
                id,
                author: citizen(key, &row[0]),
                target,
                lang,
                text: row[4].to_string(),
                rationale: row[5].to_string(),
            },
            &clock.next(),
        )?;
        let moderator = "moderator (demo)".to_string();
        let ev = match &row[3] {
            "pending" => continue,
            "publish" => ConsultEvent::ProposalPublished { id, moderator },
            "reject:spam" => ConsultEvent::ProposalRejected {
                id,
                moderator,
                reason: ModerationReason::Spam,
            },
            "reject:abusive" => ConsultEvent::ProposalRejected {
                id,
                moderator,
                reason: ModerationReason::Abusive,
            },
            other => {
                return Err(invalid("proposals")(format!(
                    "unknown moderation {other:?}"
                )));
            }
        };
        c.record(ev, &clock.next())?;
    }
    // Supports: 40 citizens support proposal 1, 25 support 6, 10 support 9, 3 support 16.
    clock.on(12);
    for (p, n) in [(1, 40), (6, 25), (9, 10), (14, 12), (16, 3)] {
        for k in 0..n {
            c.record(
                ConsultEvent::ProposalSupported {
                    id: ProposalId(p),
                    by: citizen(key, &format!("s{p}-{k}")),
                },
                &clock.next(),
            )?;
        }
    }
    clock.on(15);
    let ev = c.form_clusters(&LshParams::default(), 2026);
    c.record(ev, &clock.next())?;
    c.record(
        ConsultEvent::CommissionConstituted {
            members: (1..=130)
                .map(|i| Member {
                    id: i,
                    name: format!("Member {i:03}"),
                    region: format!("region {}", (i - 1) % 20 + 1),
                    group: [
                        "jurists",
                        "scientists",
                        "civil society",
                        "deputies",
                        "public figures",
                    ][(i as usize) % 5]
                        .into(),
                })
                .collect(),
            rules: VotingRules::default(),
        },
        &clock.next(),
    )?;

    // Meeting 1: four items, five recorded votes, four decisions.
    clock.on(20);
    let present: Vec<u32> = (1..=130).filter(|i| i % 9 != 0).collect();
    c.record(
        ConsultEvent::MeetingConvened {
            meeting: 1,
            date: "2026-01-20".into(),
            title: "Parties, parliament, citizens' rights (sample meeting)".into(),
            broadcast: "https://example.invalid/commission/live/1".into(),
            present: present.clone(),
        },
        &clock.next(),
    )?;
    let cluster_of = |c: &Consultation, p: u64| {
        c.proposals
            .get(&ProposalId(p))
            .and_then(|p| p.cluster)
            .ok_or_else(|| ConsultError::Refused(format!("sample proposal {p} is not clustered")))
    };
    let items = [
        (
            "Party membership threshold",
            vec![cluster_of(&c, 1)?, cluster_of(&c, 4)?],
        ),
        (
            "A unicameral parliament",
            vec![cluster_of(&c, 6)?, cluster_of(&c, 8)?],
        ),
        (
            "Digital rights",
            vec![cluster_of(&c, 9)?, cluster_of(&c, 10)?],
        ),
        ("Taxes", vec![cluster_of(&c, 11)?]),
    ];
    for (n, (title, clusters)) in items.iter().enumerate() {
        let mut clusters = clusters.clone();
        clusters.dedup();
        c.record(
            ConsultEvent::AgendaItemAdded {
                meeting: 1,
                item: n as u32 + 1,
                title: (*title).into(),
                clusters,
            },
            &clock.next(),
        )?;
    }
    let vote = |present: &[u32], yes: usize| -> Vec<(u32, Choice)> {
        present
            .iter()
            .enumerate()
            .map(|(k, &m)| {
                (
                    m,
                    if k < yes {
                        Choice::For
                    } else if k % 3 == 0 {
                        Choice::Abstain
                    } else {
                        Choice::Against
                    },
                )
            })
            .collect()
    };
    let text = |kk: &str, ru: &str, en: &str| {
        let mut p = Parallel::default();
        p.set(Lang::Kk, kk);
        p.set(Lang::Ru, ru);
        p.set(Lang::En, en);
        p
    };
    let art = |num: &str| {
        draft
            .article_by_num(num)
            .map(|u| u.eid.clone())
            .ok_or_else(|| ConsultError::NotFound(format!("article {num} of the sample draft")))
    };
    let motions = [
        (1, MotionKind::Accept { amendment: Amendment { target: AmendmentTarget::Replace { eid: art("8")? }, text: text(
            "Қоғамдық бірлестіктер заң алдында тең. Саяси партия кемінде бес мың мүшесі болған кезде тіркеледі; заң бұл шекті арттыра алмайды.",
            "Общественные объединения равны перед законом. Политическая партия регистрируется при наличии не менее пяти тысяч членов; закон не может повышать этот порог.",
            "Public associations are equal before the law. A political party is registered when it has at least five thousand members; no law may raise this threshold.") } }, 95),
        (2, MotionKind::Accept { amendment: Amendment { target: AmendmentTarget::Replace { eid: art("9")? }, text: text(
            "Құрылтай – бес жылға сайланатын жүз қырық бес депутаттан тұратын бір палаталы парламент.",
            "Курултай является однопалатным парламентом из ста сорока пяти депутатов, избираемых на пять лет.",
            "The Kurultai is a unicameral parliament of one hundred and forty-five deputies elected for five years.") } }, 101),
        (3, MotionKind::Accept { amendment: Amendment { target: AmendmentTarget::InsertArticle { after: art("7")?, num: "7-1".into() }, text: text(
            "Мемлекет дербес деректердің қорғалуына кепілдік береді; оларды келісімсіз өңдеуге тек заңда көзделген жағдайларда жол беріледі.",
            "Государство гарантирует защиту персональных данных; их обработка без согласия допускается только по закону.",
            "The state guarantees the protection of personal data; processing without consent is allowed only by law.") } }, 40),
        (3, MotionKind::Reject { reason: "Article 7 of the draft already provides digital rights and the protection of personal data.".into() }, 88),
        (4, MotionKind::Reject { reason: "Taxes are established by law; the Constitution sets the duty to pay them.".into() }, 104),
    ];
    for (item, kind, yes) in motions {
        let motion = c.next_motion();
        c.record(
            ConsultEvent::VoteHeld {
                meeting: 1,
                item,
                motion,
                kind,
                votes: vote(&present, yes),
            },
            &clock.next(),
        )?;
    }

    // Meeting 2: the People's Council; a motion to accept fails, one to decline carries.
    clock.on(27);
    let present2: Vec<u32> = (1..=130).filter(|i| i % 5 != 0).collect();
    c.record(
        ConsultEvent::MeetingConvened {
            meeting: 2,
            date: "2026-01-27".into(),
            title: "The People's Council (sample meeting)".into(),
            broadcast: "https://example.invalid/commission/live/2".into(),
            present: present2.clone(),
        },
        &clock.next(),
    )?;
    let mut clusters = vec![cluster_of(&c, 14)?, cluster_of(&c, 15)?];
    clusters.dedup();
    c.record(
        ConsultEvent::AgendaItemAdded {
            meeting: 2,
            item: 1,
            title: "Legislative initiative of the People's Council".into(),
            clusters,
        },
        &clock.next(),
    )?;
    let after = art("3")?;
    for (kind, yes) in [
        (MotionKind::Accept { amendment: Amendment { target: AmendmentTarget::InsertArticle { after: after.clone(), num: "3-1".into() }, text: text(
            "Халық кеңесінің заң шығару бастамашылығы құқығы бар.",
            "Народный совет обладает правом законодательной инициативы.",
            "The People's Council has the right of legislative initiative.") } }, 45),
        (MotionKind::Reject { reason: "The right of legislative initiative belongs in the article on the People's Council, which the next meeting will draft.".into() }, 70),
    ] {
        let motion = c.next_motion();
        c.record(
            ConsultEvent::VoteHeld {
                meeting: 2,
                item: 1,
                motion,
                kind,
                votes: vote(&present2, yes),
            },
            &clock.next(),
        )?;
    }
    let mut adopted = c.amended(&draft, ADOPTED_VERSION)?;
    // The commission's text, published in the mass media (BRIEF §1).
    adopted.date = Some("2026-02-12".into());
    Ok(Sample {
        old,
        draft,
        adopted,
        consultation: c,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consult::ProposalStatus;

    #[test]
    fn the_sample_has_every_kind_of_status_and_a_motion_that_failed() {
        let key = DigestKey::from_bytes(&[0x5a; 32]).unwrap();
        let s = build(&key).unwrap();
        let c = &s.consultation;
        assert_eq!(c.proposals.len(), 17);
        let count =
            |f: fn(&ProposalStatus) -> bool| c.proposals.values().filter(|p| f(p.status())).count();
        assert_eq!(count(|s| matches!(s, ProposalStatus::Submitted)), 1);
        assert_eq!(count(|s| matches!(s, ProposalStatus::Published)), 1);
        assert_eq!(count(|s| matches!(s, ProposalStatus::Rejected { .. })), 2);
        assert!(count(|s| matches!(s, ProposalStatus::Accepted { .. })) >= 5);
        assert!(count(|s| matches!(s, ProposalStatus::Declined { .. })) >= 3);
        assert_eq!(c.meetings.len(), 2);
        assert_eq!(c.motions.len(), 7);
        assert_eq!(c.decisions.len(), 5, "motions 3 and 6 failed");
        assert!(!c.motions[&6].tally.carried);
        assert!(c.motions[&6].tally.quorate, "104 of 130 present, quorum 87");
        assert_eq!(s.adopted.version, ADOPTED_VERSION);
        // Motions 3 and 6 (to insert articles 7-1 and 3-1) did not carry.
        assert!(!c.motions[&3].tally.carried);
        assert!(s.adopted.article_by_num("7-1").is_none());
        assert!(s.adopted.article_by_num("3-1").is_none());
        let art8 = s.adopted.article_by_num("8").unwrap();
        assert!(
            art8.full_text(Lang::Ru)
                .contains("закон не может повышать этот порог")
        );
        // Replaying the log gives the same state.
        let again = Consultation::replay(&c.log).unwrap();
        assert_eq!(again.decisions, c.decisions);
        // Times go forward.
        assert!(
            c.log
                .windows(2)
                .all(|w| w[0].recorded_at <= w[1].recorded_at)
        );
    }
}
