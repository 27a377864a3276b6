//! Public minutes of a commission meeting, generated from the consultation log.

use std::fmt::Write;

use super::{Choice, ConsultError, Consultation, MotionKind};
use crate::legal::Lang;

/// The minutes of meeting `number` as Markdown: date, broadcast, attendance and quorum, each
/// agenda item with the proposals it took, each motion with the counted and the recorded
/// (named) votes, and the decision.
pub fn minutes(c: &Consultation, number: u32) -> Result<String, ConsultError> {
    let m = c
        .meetings
        .get(&number)
        .ok_or_else(|| ConsultError::NotFound(format!("meeting {number}")))?;
    let rules = c
        .rules
        .ok_or_else(|| ConsultError::Refused("the commission is not constituted".into()))?;
    let membership = c.members.len() as u64;
    let quorum = rules.tally(membership, m.present.len() as u64, &[]);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Constitutional Commission — meeting {} ({})",
        m.number, m.date
    );
    let _ = writeln!(s, "\n{}\n", m.title);
    let _ = writeln!(s, "- Broadcast: {}", m.broadcast);
    let _ = writeln!(
        s,
        "- Present: {} of {} members; quorum {} — {}",
        m.present.len(),
        membership,
        quorum.quorum_needed,
        if quorum.quorate {
            "present"
        } else {
            "NOT present"
        }
    );
    let absent: Vec<String> = c
        .members
        .values()
        .filter(|x| !m.present.contains(&x.id))
        .map(|x| x.name.clone())
        .collect();
    if !absent.is_empty() {
        let _ = writeln!(s, "- Absent: {}", absent.join(", "));
    }
    for item in &m.agenda {
        let _ = writeln!(s, "\n## Item {}. {}", item.number, item.title);
        for cl in &item.clusters {
            let cluster = &c.clusters[cl];
            let rep = &c.proposals[&cluster.representative];
            let supports: u64 = cluster
                .members
                .iter()
                .map(|p| c.proposals[p].supports)
                .sum();
            let _ = writeln!(
                s,
                "\n- Cluster {cl}: {} proposal(s), {} support(s); representative {} on {}: «{}»",
                cluster.members.len(),
                supports,
                rep.id,
                rep.target.eid().unwrap_or("a new article"),
                rep.text.trim()
            );
        }
        for mo in &item.motions {
            let motion = &c.motions[mo];
            let t = &motion.tally;
            let what = match &motion.kind {
                MotionKind::Accept { amendment } => format!(
                    "to amend {}: «{}»",
                    amendment.target.eid(),
                    amendment.text.get_or_any(Lang::Ru).trim()
                ),
                MotionKind::Reject { reason } => format!("to decline, because: {reason}"),
            };
            let _ = writeln!(s, "\n### Motion {mo} {what}");
            let _ = writeln!(
                s,
                "\nFor {}, against {}, abstained {}, did not vote {}; needed {} — **{}**.",
                t.yes,
                t.no,
                t.abstain,
                t.not_voting,
                t.votes_needed,
                if t.carried { "carried" } else { "not carried" }
            );
            for (label, choice) in [
                ("For", Choice::For),
                ("Against", Choice::Against),
                ("Abstained", Choice::Abstain),
            ] {
                let names: Vec<&str> = motion
                    .votes
                    .iter()
                    .filter(|(_, v)| **v == choice)
                    .map(|(id, _)| c.members[id].name.as_str())
                    .collect();
                if !names.is_empty() {
                    let _ = writeln!(s, "- {label}: {}", names.join(", "));
                }
            }
            if let Some(d) = c.decisions.get(mo) {
                let ids: Vec<String> = d.proposals.iter().map(|p| p.to_string()).collect();
                let _ = writeln!(
                    s,
                    "\nDecision {}: {} — settles {}.",
                    d.number,
                    match &d.kind {
                        MotionKind::Accept { .. } => "amendment adopted",
                        MotionKind::Reject { .. } => "proposals declined",
                    },
                    if ids.is_empty() {
                        "no open proposal".to_string()
                    } else {
                        ids.join(", ")
                    }
                );
            }
        }
    }
    Ok(s)
}
