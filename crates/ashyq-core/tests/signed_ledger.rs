//! Signed protocols and commission keys in the ledger, and the transparency log over it: keys
//! are managed down the hierarchy, a signed protocol is accepted only with a key that may sign
//! for its precinct at its signing time and only after the polls closed, its signature is
//! checked again on replay, and the log's receipts and tree heads are functions of the log.

mod common;

use ashyq_core::contest::ContestId;
use ashyq_core::event::{Event, LogEntry};
use ashyq_core::keys::{
    Commission, CommissionSigningKey, KeyEvent, KeyRegistered, KeyRegistryError, KeyRevoked,
    KeyRotated, KeyStatusError,
};
use ashyq_core::ledger::{Decided, Decision, Ledger, LedgerError};
use ashyq_core::merkle;
use ashyq_core::receipt::{Receipt, ReceiptStatus};
use ashyq_core::referendum::presets;
use ashyq_core::signed::{SignedError, SignedProtocol, Statement, VerifiedProtocol};
use ashyq_core::territory::PrecinctId;
use ashyq_core::transparency::{
    ConsistencyProof, InclusionProof, SignedTreeHead, verify_receipt_inclusion,
    verify_tree_heads_consistent,
};
use ashyq_core::verify;
use chrono::{DateTime, Utc};
use common::{T, author, protocol, territory};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().to_utc()
}

fn key(commission: &str, seed: u8) -> CommissionSigningKey {
    CommissionSigningKey::from_seed(Commission::parse(commission).unwrap(), &[seed; 32])
}

fn registered(k: &CommissionSigningKey, by: &str) -> KeyEvent {
    KeyEvent::KeyRegistered(KeyRegistered {
        commission: k.commission().clone(),
        public_key: k.public(),
        valid_from: at("2026-03-01T00:00:00Z"),
        by: Commission::parse(by).unwrap(),
        author: author(),
    })
}

/// A ledger that records what it decides at a given time, as the registrar does.
struct Session {
    ledger: Ledger,
    log: Vec<LogEntry>,
}

impl Session {
    fn new() -> Self {
        let mut s = Session {
            ledger: Ledger::new(),
            log: vec![],
        };
        let d = s.ledger.load_territory(territory()).unwrap();
        s.record(d, "2026-03-01T00:00:00Z");
        let d = s.ledger.create_referendum(presets::kz_2026()).unwrap();
        s.record(d, "2026-03-01T00:00:01Z");
        s
    }

    fn record(&mut self, decided: Decided, time: &str) -> LogEntry {
        let entry = self.ledger.record(decided, time.into()).unwrap();
        self.log.push(entry.clone());
        entry
    }

    fn manage(&mut self, change: KeyEvent) -> Result<LogEntry, LedgerError> {
        let d = self.ledger.manage_key(change)?;
        Ok(self.record(d, "2026-03-02T00:00:00Z"))
    }

    /// Verifies the document against the current keys, decides and records it at `time`.
    fn submit(&mut self, doc: &SignedProtocol, time: &str) -> Result<Receipt, LedgerError> {
        let verified: VerifiedProtocol = doc.verify(self.ledger.keys())?;
        match self.ledger.submit_signed(&verified)? {
            Decision::Known(r) => Ok(r),
            Decision::Record(d) => {
                let entry = self.ledger.record(d, time.into())?;
                self.log.push(entry.clone());
                let st = &doc.statement;
                Ok(self
                    .ledger
                    .receipt_at(&st.referendum, st.precinct, entry.seq)
                    .unwrap())
            }
        }
    }
}

fn signed(
    precinct: u32,
    yes: u64,
    version: u64,
    signed_at: &str,
    k: &CommissionSigningKey,
) -> SignedProtocol {
    SignedProtocol::sign(
        &protocol(precinct, 1000, 900, yes),
        version,
        at(signed_at),
        k,
    )
    .unwrap()
}

#[test]
fn keys_are_managed_down_the_hierarchy_and_recorded() {
    let mut s = Session::new();
    let p1 = key("precinct:1", 1);
    // A district commission registers its precincts' keys; another district may not.
    let err = s.manage(registered(&p1, "district:KZ-43-02")).unwrap_err();
    assert!(
        matches!(
            err,
            LedgerError::Key(KeyRegistryError::NotAuthorised { .. })
        ),
        "{err}"
    );
    let entry = s.manage(registered(&p1, "district:KZ-43-01")).unwrap();
    assert_eq!(entry.event.kind(), "key_registered");
    // A second key for the same commission must be a rotation.
    let again = s
        .manage(registered(&key("precinct:1", 2), "central"))
        .unwrap_err();
    assert!(matches!(
        again,
        LedgerError::Key(KeyRegistryError::AlreadyHasKey { .. })
    ));
    // A revocation states its reason.
    let no_reason = s
        .manage(KeyEvent::KeyRevoked(KeyRevoked {
            key: p1.key_id(),
            effective_from: at("2026-03-15T18:00:00Z"),
            reason: " ".into(),
            by: Commission::Central,
            author: author(),
        }))
        .unwrap_err();
    assert!(matches!(no_reason, LedgerError::Missing("the reason")));
    // A key of a unit outside the territory.
    let stranger = s
        .manage(registered(&key("precinct:99", 3), "central"))
        .unwrap_err();
    assert!(matches!(
        stranger,
        LedgerError::Key(KeyRegistryError::UnknownCommission(_))
    ));
    // Once keys exist, the territory is fixed.
    assert!(matches!(
        s.ledger.load_territory(territory()),
        Err(LedgerError::TerritoryFixed(_) | LedgerError::TerritoryHasKeys)
    ));
    // The log replays to the same keys.
    let replayed = Ledger::replay(&s.log).unwrap();
    assert_eq!(
        replayed.keys().keys().collect::<Vec<_>>(),
        s.ledger.keys().keys().collect::<Vec<_>>()
    );
}

#[test]
fn a_signed_protocol_is_accepted_once_and_the_same_receipt_comes_back() {
    let mut s = Session::new();
    let p1 = key("precinct:1", 1);
    s.manage(registered(&p1, "central")).unwrap();
    let doc = signed(1, 800, 1, "2026-03-15T15:30:00Z", &p1);
    let first = s.submit(&doc, T).unwrap();
    assert_eq!(first.status, ReceiptStatus::Accepted);
    let sig = first
        .signature
        .clone()
        .expect("a signed protocol's receipt names its signature");
    assert_eq!(sig.version, 1);
    assert_eq!(
        sig.document_hash,
        doc.verify(s.ledger.keys()).unwrap().document_hash()
    );
    // The same document again, and the same numbers signed again later: the first receipt.
    let entries = s.log.len();
    assert_eq!(s.submit(&doc, "2026-03-15T16:05:00Z").unwrap(), first);
    let resigned = signed(1, 800, 1, "2026-03-15T15:45:00Z", &p1);
    assert_eq!(s.submit(&resigned, "2026-03-15T16:06:00Z").unwrap(), first);
    assert_eq!(s.log.len(), entries, "nothing new is recorded");
    // A different version: a conflict for review, not applied.
    let v2 = signed(1, 790, 2, "2026-03-15T16:10:00Z", &p1);
    let conflict = s.submit(&v2, "2026-03-15T16:11:00Z").unwrap();
    assert_eq!(conflict.status, ReceiptStatus::Conflict);
    let id = ContestId("kz-2026".into());
    let applied = s.ledger.applied(&id, PrecinctId(1)).unwrap().unwrap();
    assert_eq!(applied.protocol.lines.yes, 800);
    // An operator accepts the corrected version: the amendment carries its signature.
    let v2_sig = conflict.signature.clone().unwrap();
    let d = s
        .ledger
        .amend_with(
            v2.protocol(),
            "the commission corrected a transcription error",
            author(),
            Some(v2_sig.clone()),
        )
        .unwrap();
    s.record(d, "2026-03-15T17:00:00Z");
    let applied = s.ledger.applied(&id, PrecinctId(1)).unwrap().unwrap();
    assert_eq!(applied.protocol.lines.yes, 790);
    assert_eq!(applied.receipt.signature.as_ref(), Some(&v2_sig));
    let history = s.ledger.history(&id, PrecinctId(1)).unwrap();
    assert_eq!(
        history.iter().map(|h| h.kind.as_str()).collect::<Vec<_>>(),
        ["protocol_accepted", "protocol_conflict", "protocol_amended"]
    );
    assert!(history.iter().all(|h| h.signature.is_some()));
    // The whole log verifies offline, signatures included.
    verify_offline(&s.log);
}

#[test]
fn keys_that_may_not_sign_and_signing_times_outside_the_count_are_refused() {
    let mut s = Session::new();
    let p1 = key("precinct:1", 1);
    let p2 = key("precinct:2", 2);
    s.manage(registered(&p1, "central")).unwrap();
    s.manage(registered(&p2, "central")).unwrap();
    // An unregistered key.
    let stranger = signed(1, 800, 1, "2026-03-15T15:30:00Z", &key("precinct:1", 9));
    assert!(matches!(
        signed_error(s.submit(&stranger, T)),
        SignedError::Key(KeyStatusError::UnknownKey(_))
    ));
    // Precinct 2's key cannot sign for precinct 1 (a statement re-pointed and re-signed).
    let mut doc = signed(1, 800, 1, "2026-03-15T15:30:00Z", &p1);
    doc.statement.key_id = p2.key_id();
    doc.signature = p2.sign(&doc.statement.canonical_bytes().unwrap());
    assert!(matches!(
        signed_error(s.submit(&doc, T)),
        SignedError::Key(KeyStatusError::OtherCommission { .. })
    ));
    // Signed before the polls closed (15:00 UTC), or later than it arrives.
    let early = signed(1, 800, 1, "2026-03-15T14:59:59Z", &p1);
    let err = s.submit(&early, T).unwrap_err();
    assert!(
        matches!(err, LedgerError::SignedBeforeClose { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("before the polls"), "{err}");
    let future = signed(1, 800, 1, "2026-03-15T17:00:00Z", &p1);
    assert!(matches!(
        s.submit(&future, T),
        Err(LedgerError::SignedInFuture { .. })
    ));
    // Submitted while the polls are open.
    let ok = signed(1, 800, 1, "2026-03-15T15:30:00Z", &p1);
    assert!(matches!(
        s.submit(&ok, "2026-03-15T14:00:00Z"),
        Err(LedgerError::VotingOpen { .. })
    ));
    // A revoked key signs nothing from the revocation on; what it signed before stands.
    s.submit(&ok, T).unwrap();
    s.manage(KeyEvent::KeyRevoked(KeyRevoked {
        key: p2.key_id(),
        effective_from: at("2026-03-15T15:10:00Z"),
        reason: "the laptop was stolen".into(),
        by: Commission::Central,
        author: author(),
    }))
    .unwrap();
    let after = signed(2, 500, 1, "2026-03-15T15:20:00Z", &p2);
    let err = s.submit(&after, T).unwrap_err();
    assert!(err.to_string().contains("the laptop was stolen"), "{err}");
    // A rotation: the new key signs from the switch.
    let p2b = key("precinct:2", 4);
    s.manage(KeyEvent::KeyRotated(KeyRotated {
        old_key: p2.key_id(),
        new_public_key: p2b.public(),
        at: at("2026-03-15T15:15:00Z"),
        by: Commission::parse("region:KZ-43").unwrap(),
        author: author(),
    }))
    .unwrap_err(); // the revoked key is no longer current: rotate is refused
    let fresh = KeyEvent::KeyRegistered(KeyRegistered {
        commission: Commission::Precinct(PrecinctId(2)),
        public_key: p2b.public(),
        valid_from: at("2026-03-15T15:15:00Z"),
        by: Commission::parse("region:KZ-43").unwrap(),
        author: author(),
    });
    s.manage(fresh).unwrap();
    s.submit(&signed(2, 500, 1, "2026-03-15T15:20:00Z", &p2b), T)
        .unwrap();
    verify_offline(&s.log);
}

#[test]
fn a_forged_signature_in_the_log_is_caught_on_replay() {
    let mut s = Session::new();
    let p1 = key("precinct:1", 1);
    s.manage(registered(&p1, "central")).unwrap();
    s.submit(&signed(1, 800, 1, "2026-03-15T15:30:00Z", &p1), T)
        .unwrap();
    // Someone rewrites the numbers of the signed protocol and re-seals the whole chain so
    // every hash matches: the signature no longer does.
    let mut forged = s.log.clone();
    let last = forged.len() - 1;
    if let Event::ProtocolAccepted {
        protocol,
        protocol_hash,
        ..
    } = &mut forged[last].event
    {
        protocol.lines.yes -= 10;
        protocol.lines.no += 10;
        *protocol_hash = protocol.content_hash();
    } else {
        panic!("the last entry is the accepted protocol");
    }
    let prev = forged[last - 1].hash.clone();
    let e = &forged[last];
    forged[last] = LogEntry::seal(e.seq, prev, e.recorded_at.clone(), e.event.clone());
    let err = signed_error(Ledger::replay(&forged));
    assert!(matches!(err, SignedError::BadSignature { .. }), "{err}");
}

#[test]
fn tree_heads_and_receipts_are_functions_of_the_log() {
    let mut s = Session::new();
    let p1 = key("precinct:1", 1);
    let p3 = key("precinct:3", 3);
    s.manage(registered(&p1, "central")).unwrap();
    s.manage(registered(&p3, "central")).unwrap();
    let r1 = s
        .submit(&signed(1, 800, 1, "2026-03-15T15:30:00Z", &p1), T)
        .unwrap();
    let r3 = s
        .submit(
            &signed(3, 700, 1, "2026-03-15T15:40:00Z", &p3),
            "2026-03-15T16:30:00Z",
        )
        .unwrap();
    let log_key = key("central", 77);
    let public = log_key.public();
    assert_eq!(s.ledger.tree().size(), s.log.len() as u64);
    // The same head and receipt whenever asked, and from a replica that replayed the log.
    let replica = Ledger::replay(&s.log).unwrap();
    let head = s.ledger.tree_head(s.log.len() as u64, &log_key).unwrap();
    assert_eq!(
        head,
        replica.tree_head(s.log.len() as u64, &log_key).unwrap()
    );
    assert_eq!(head.head.timestamp, at("2026-03-15T16:30:00Z"));
    let receipt = s.ledger.signed_receipt(&r1, &log_key).unwrap();
    assert_eq!(receipt, replica.signed_receipt(&r1, &log_key).unwrap());
    assert_eq!(receipt.receipt.leaf_index + 1, r1.seq);
    assert_eq!(receipt.receipt.tree_head.head.tree_size, r1.seq);
    // It checks offline against its own head and against the later one.
    let tree = s.ledger.tree();
    for h in [&receipt.receipt.tree_head, &head] {
        let size = h.head.tree_size;
        let proof = InclusionProof {
            leaf_index: receipt.receipt.leaf_index,
            tree_size: size,
            hashes: tree
                .inclusion_proof(receipt.receipt.leaf_index, size)
                .unwrap(),
        };
        verify_receipt_inclusion(&receipt, &proof, h, &public).unwrap();
    }
    let older = s
        .ledger
        .signed_receipt(&r3, &log_key)
        .unwrap()
        .receipt
        .tree_head;
    let consistency = ConsistencyProof {
        first_size: r1.seq,
        second_size: older.head.tree_size,
        hashes: tree
            .consistency_proof(r1.seq, older.head.tree_size)
            .unwrap(),
    };
    verify_tree_heads_consistent(&receipt.receipt.tree_head, &older, &consistency, &public)
        .unwrap();
    // The leaves are the entries' hashes.
    for (i, e) in s.log.iter().enumerate() {
        assert_eq!(
            tree.leaf_hash_at(i as u64).unwrap(),
            merkle::entry_leaf_hash(&e.hash).unwrap()
        );
    }
    // No head beyond the log.
    assert!(
        s.ledger
            .tree_head(s.log.len() as u64 + 1, &log_key)
            .is_err()
    );
    let empty = SignedTreeHead::sign(
        0,
        merkle::TreeHash::empty_root(),
        DateTime::UNIX_EPOCH,
        &log_key,
    )
    .unwrap();
    assert_eq!(Ledger::new().tree_head(0, &log_key).unwrap(), empty);
}

#[test]
fn an_entry_time_that_is_not_rfc3339_is_refused() {
    let mut ledger = Ledger::new();
    let d = ledger.load_territory(territory()).unwrap();
    let err = ledger.record(d, "yesterday".into()).unwrap_err();
    assert!(err.to_string().contains("RFC 3339"), "{err}");
}

/// The signature error behind a refusal.
fn signed_error<T: std::fmt::Debug>(result: Result<T, LedgerError>) -> SignedError {
    match result {
        Err(LedgerError::Signed(e)) => *e,
        other => panic!("expected a signature error, got {other:?}"),
    }
}

/// The exported log verifies offline, as `ashyq verify` runs it.
fn verify_offline(log: &[LogEntry]) {
    let text: String = log.iter().map(|e| e.to_json_line() + "\n").collect();
    let report = verify::verify_log(&text).unwrap();
    assert_eq!(report.entries, log.len() as u64);
}
