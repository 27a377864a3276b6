//! Where a protocol came from and how the log took it in, for the precinct page: the precinct
//! commission's signature (version, signing time, key, document hash), or the operator who
//! entered it from paper, or neither; and the log's receipt (entry number and hash) with the
//! links to check it: the inclusion proof in the current tree and "check it yourself".

use ashyq_core::author::Author;
use ashyq_core::ledger::HistoryItem;
use ashyq_core::receipt::Receipt;
use ashyq_core::signed::ProtocolSignature;
use maud::{Markup, html};

use super::format::timestamp;
use super::i18n::{Arg, Tr};

/// How a protocol arrived, as the log records it.
pub enum Provenance<'a> {
    /// Signed by the precinct commission.
    Signed(&'a ProtocolSignature),
    /// Entered from the paper protocol by an operator.
    Entered(&'a Author),
    /// Amended by an operator with numbers they entered (no commission signature).
    AmendedBy(&'a Author),
    /// Neither signed nor attributed (submitted through the CLI or an unsigned import).
    Unsigned,
}

impl<'a> Provenance<'a> {
    /// The provenance of one step of a precinct's history.
    pub fn of<P>(h: &'a HistoryItem<P>) -> Provenance<'a> {
        match (&h.signature, &h.entered_by, &h.author) {
            (Some(s), _, _) => Provenance::Signed(s),
            (None, Some(a), _) => Provenance::Entered(a),
            (None, None, Some(a)) if h.kind.ends_with("protocol_amended") => {
                Provenance::AmendedBy(a)
            }
            _ => Provenance::Unsigned,
        }
    }

    /// The provenance of the protocol a receipt names, found in the precinct's history.
    pub fn of_receipt<P>(receipt: &'a Receipt, history: &'a [HistoryItem<P>]) -> Provenance<'a> {
        if let Some(s) = &receipt.signature {
            return Provenance::Signed(s);
        }
        history
            .iter()
            .find(|h| h.seq == receipt.seq)
            .map_or(Provenance::Unsigned, Provenance::of)
    }
}

/// The first 16 hex digits of a hash, with an ellipsis: enough to compare by eye.
fn short(hash: &str) -> String {
    let head: String = hash.chars().take(16).collect();
    if head.len() < hash.len() {
        format!("{head}…")
    } else {
        head
    }
}

fn signed_at(tr: Tr, s: &ProtocolSignature, offset: i32) -> String {
    let text = s
        .signed_at
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    timestamp(tr.lang, &text, offset)
}

/// How the protocol arrived, in one line (the precinct page's receipt, "commission
/// signature").
pub fn status(tr: Tr, p: &Provenance) -> Markup {
    html! {
        @match p {
            Provenance::Signed(s) => span.signed { span.tick aria-hidden="true" { "✓ " } (tr.a("provenance-signed", &[("version", Arg::S(s.version.to_string()))])) }
            Provenance::Entered(a) => span { (tr.a("provenance-entered-by", &[("name", Arg::S(a.name.clone()))])) " (" (a.role) ")" }
            Provenance::AmendedBy(a) => span { (tr.a("provenance-amended-by", &[("name", Arg::S(a.name.clone()))])) " (" (a.role) ")" }
            Provenance::Unsigned => span { (tr.t("provenance-unsigned")) }
        }
    }
}

/// Every field of a commission's signature (nothing when the protocol is not signed).
pub fn signature_details(tr: Tr, p: &Provenance, offset: i32) -> Markup {
    html! {
        @if let Provenance::Signed(s) = p {
            h3 { (tr.t("signature")) }
            dl.pairs.signature {
                dt { (tr.t("provenance-signed-at")) }
                dd { (signed_at(tr, s, offset)) }
                dt { (tr.t("provenance-key")) }
                dd { code.hash { (s.key_id.0) } }
                dt { (tr.t("provenance-document-hash")) }
                dd { code.hash { (s.document_hash) } }
            }
            p.hint { (tr.t("provenance-signed-hint")) }
        }
    }
}

/// The provenance in a history table's cell: short hashes, one fact per line.
pub fn brief(tr: Tr, p: &Provenance, offset: i32) -> Markup {
    html! {
        @match p {
            Provenance::Signed(s) => {
                span.signed { (tr.a("provenance-signed", &[("version", Arg::S(s.version.to_string()))])) }
                br;
                span.sub { (signed_at(tr, s, offset)) }
                br;
                span.sub { (tr.t("provenance-key")) ": " code { (short(&s.key_id.0)) } }
                br;
                span.sub { (tr.t("provenance-document-hash")) ": " code { (short(&s.document_hash)) } }
            }
            Provenance::Entered(a) => (tr.a("provenance-entered-by", &[("name", Arg::S(a.name.clone()))])),
            Provenance::AmendedBy(a) => (tr.a("provenance-amended-by", &[("name", Arg::S(a.name.clone()))])),
            Provenance::Unsigned => span.sub { (tr.t("provenance-unsigned-short")) },
        }
    }
}

/// The links that check a receipt: its inclusion proof in the current tree of `tree_size`
/// entries, and the page that explains `ashyq verify`.
pub fn receipt_links(tr: Tr, receipt: &Receipt, tree_size: u64) -> Markup {
    let leaf = receipt.seq.saturating_sub(1);
    html! {
        ul.links {
            li { a href=(format!("/api/v1/log/proofs/inclusion?leaf_index={leaf}&tree_size={tree_size}")) { (tr.t("receipt-inclusion-proof")) } }
            li { a href="/api/v1/log/head" { (tr.t("receipt-tree-head")) } }
            li { a href="/verify" { (tr.t("receipt-verify")) } }
        }
    }
}
