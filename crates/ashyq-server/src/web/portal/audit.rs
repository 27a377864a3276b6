//! The audit boards' pages of the portal (`/portal/audits`): a signed-in audit board sees the
//! items of each audit's open round in its region (a central operator, as a central board,
//! sees them all) and enters a hand count of a sampled precinct's lines, or one sampled
//! ballot's reading, through `Registrar::enter_audit` — the one write path, authorised and
//! audited by `operator_write` like the API's `POST /api/v1/audits/{id}/entries`.
//!
//! Two members must agree on an item. Entry is blind: a member sees that another member has
//! entered, not what, until the item is agreed or the two disagree — then both see both
//! entries. Every refusal (an item not sampled, outside the board's territory, a count larger
//! than the ballots found, the same entry twice, a field that is not a number) comes back on
//! the page with its reason, and nothing is recorded.

use ashyq_core::audit::record::{AuditEntry, AuditMethod, AuditRecord};
use ashyq_core::audit::report::{AuditReport, ItemReport};
use ashyq_core::audit::{HandCount, Reading, parse_ballot_id};
use ashyq_core::ledger::Ledger;
use ashyq_core::operator::{Action, Role};
use ashyq_core::territory::PrecinctId;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};

use super::flash::{CLEAR_FLASH, Note, Tone, after_write, notes_markup, refused};
use super::frame::{FORM_TOKEN, Operator, page_frame, portal_page, who_line};
use crate::AppState;
use crate::auth::SignedIn;
use crate::web::audit::{contest_name, entry_text, reading_text};
use crate::web::ctx::Ctx;
use crate::web::form::FormWrite;
use crate::web::format::integer;
use crate::web::i18n::{Arg, Tr};
use crate::writes::operator_write;

/// The fields of a precinct's hand count, in the form's order, with their labels.
const COUNT_FIELDS: [(&str, &str); 4] = [
    ("yes", "audit-line-yes"),
    ("no", "audit-line-no"),
    ("both_marked", "audit-line-both"),
    ("invalid", "audit-line-invalid"),
];

/// The readings a board may give a ballot, in the form's order.
const READINGS: [(&str, Reading); 5] = [
    ("yes", Reading::Yes),
    ("no", Reading::No),
    ("both_marked", Reading::BothMarked),
    ("invalid", Reading::Invalid),
    ("not_found", Reading::NotFound),
];

/// Whether this operator enters audit counts: an audit board, or a central operator (as a
/// central board). Others see the pages read-only.
fn may_enter(who: &SignedIn) -> bool {
    matches!(
        who.account.role,
        Role::AuditBoard { .. } | Role::CentralOperator
    )
}

/// Whether an item is this operator's to see: a board sees its region's, others all.
fn in_scope(who: &SignedIn, item: &ItemReport) -> bool {
    match &who.account.role {
        Role::AuditBoard { region } => item.region == region.0,
        _ => true,
    }
}

/// A line for the portal's first page: where the audits are, for those who enter them.
pub(super) fn home_link(tr: Tr, who: &SignedIn) -> Markup {
    html! {
        @if may_enter(who) {
            p.audit-link { a href="/portal/audits" { (tr.t("portal-audit-link")) } }
        }
    }
}

fn audits_frame(tr: Tr) -> Vec<(String, String)> {
    vec![(tr.t("portal-title").into_owned(), "/portal".into())]
}

/// `/portal/audits`: every audit, with how many items of its open round wait in this
/// operator's scope.
pub(super) async fn audits_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Operator { who, notes }: Operator,
) -> Response {
    let tr = ctx.tr();
    let ledger = state.registrar.ledger();
    let rows: Vec<(AuditReport, usize, usize)> = ledger
        .audits()
        .filter_map(|a| ledger.audit_report(&a.id).ok())
        .map(|r| {
            let mine: Vec<&ItemReport> = r.items.iter().filter(|i| in_scope(&who, i)).collect();
            let waiting = mine.iter().filter(|i| i.agreed.is_none()).count();
            let total = mine.len();
            (r, waiting, total)
        })
        .collect();
    let body = html! {
        h1 { (tr.t("portal-audit-title")) }
        (who_line(tr, &who, ledger.territory()))
        (notes_markup(tr, &notes))
        p { (tr.t("portal-audit-intro")) }
        @if rows.is_empty() {
            p.note.info { (tr.t("audit-list-none")) }
        } @else {
            ul.cards #audits {
                @for (r, waiting, total) in &rows {
                    li {
                        a href=(format!("/portal/audits/{}", r.audit)) { (tr.a("audit-title", &[("id", Arg::S(r.audit.clone()))])) }
                        " — "
                        @match r.open_round {
                            Some(round) => (tr.a("portal-audit-waiting", &[
                                ("round", Arg::S(round.to_string())),
                                ("waiting", Arg::S(waiting.to_string())),
                                ("total", Arg::S(total.to_string())),
                            ])),
                            None => (tr.t("portal-audit-no-round")),
                        }
                    }
                }
            }
        }
    };
    drop(ledger);
    let page = page_frame(
        tr.t("portal-audit-title").into_owned(),
        "/portal/audits".into(),
        audits_frame(tr),
    );
    portal_page(ctx, StatusCode::OK, &page, body, &[CLEAR_FLASH])
}

/// What a member typed, kept to fill the form again after a refusal.
#[derive(Default)]
struct Typed {
    item: String,
    values: Vec<(String, String)>,
}

impl Typed {
    fn value(&self, item: &str, name: &str) -> &str {
        if self.item != item {
            return "";
        }
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// One item's entries as this member may see them: their own always; the others' values only
/// once the item is agreed or disputed (blind entry until then).
fn entries_markup(tr: Tr, who: &SignedIn, item: &ItemReport) -> Markup {
    let open = item.agreed.is_some() || item.disputed;
    html! {
        @if item.entries.is_empty() {
            p { (tr.t("audit-no-entry")) }
        } @else {
            ul.entries {
                @for e in &item.entries {
                    li {
                        @if e.member == who.account.name {
                            (tr.a("portal-audit-yours", &[("entry", Arg::S(entry_text(tr, &e.entry)))]))
                        } @else if open {
                            (e.member) ": " (entry_text(tr, &e.entry))
                        } @else {
                            (tr.a("portal-audit-other-entered", &[("member", Arg::S(e.member.clone()))]))
                        }
                    }
                }
            }
        }
    }
}

fn item_form(
    tr: Tr,
    who: &SignedIn,
    id: &str,
    method: AuditMethod,
    item: &ItemReport,
    typed: &Typed,
) -> Markup {
    let key = item.item.replace(':', "-");
    html! {
        form.entry.stack method="post" action=(format!("/portal/audits/{id}/enter")) {
            input type="hidden" name=(FORM_TOKEN) value=(who.form_token());
            input type="hidden" name="item" value=(item.item);
            @match method {
                AuditMethod::BatchComparison => {
                    fieldset {
                        legend { (tr.a("portal-audit-count-legend", &[("item", Arg::S(item.item.clone()))])) }
                        div.lines {
                            @for (name, label) in COUNT_FIELDS {
                                @let field = format!("{name}-{key}");
                                div.field {
                                    label for=(field) { (tr.t(label)) }
                                    input #(field) name=(name) type="text" inputmode="numeric" pattern="[0-9]*" autocomplete="off" value=(typed.value(&item.item, name)) required;
                                }
                            }
                        }
                    }
                }
                AuditMethod::BallotPolling | AuditMethod::BallotPollingAlpha => {
                    fieldset {
                        legend { (tr.a("portal-audit-reading-legend", &[("item", Arg::S(item.item.clone()))])) }
                        @for (value, reading) in READINGS {
                            @let field = format!("reading-{value}-{key}");
                            div.choice {
                                input #(field) type="radio" name="reading" value=(value) checked[typed.value(&item.item, "reading") == value] required;
                                label for=(field) { (reading_text(tr, reading)) }
                            }
                        }
                    }
                }
            }
            button type="submit" { (tr.t("portal-audit-record")) }
        }
    }
}

fn audit_markup(
    ctx: Ctx,
    ledger: &Ledger,
    who: &SignedIn,
    r: &AuditReport,
    notes: &[Note],
    typed: &Typed,
) -> Markup {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let manifest = ledger.audit_manifest(&r.referendum).ok();
    let found = |item: &str| {
        let m = manifest.as_ref()?;
        m.precincts
            .get(m.precinct_of(item)?)
            .map(|p| p.ballots_found)
    };
    let mine: Vec<&ItemReport> = r.items.iter().filter(|i| in_scope(who, i)).collect();
    let writer = may_enter(who) && r.open_round.is_some();
    let id = &r.audit;
    html! {
        h1 { (tr.a("audit-title", &[("id", Arg::S(id.clone()))])) }
        (who_line(tr, who, ledger.territory()))
        (notes_markup(tr, notes))
        p {
            a href=(format!("/audits/{id}")) { (tr.t("portal-audit-public")) }
        }
        @match r.open_round {
            Some(round) => p { (tr.a("portal-audit-round-open", &[("round", Arg::S(round.to_string()))])) },
            None => p.note.info { (tr.t("portal-audit-no-round")) },
        }
        @if !may_enter(who) { p.note.info { (tr.t("portal-audit-read-only")) } }
        @if mine.is_empty() {
            p { (tr.t("portal-audit-nothing")) }
        }
        @for item in &mine {
            @let anchor = format!("item-{}", item.item.replace(':', "-"));
            article.conflict id=(anchor) {
                h2 {
                    @match parse_ballot_id(&item.item) {
                        Some((p, k)) => (tr.a("portal-audit-ballot", &[("n", Arg::S(p.to_string())), ("k", Arg::S(k.to_string()))])),
                        None => (tr.a("audit-precinct", &[("n", Arg::S(item.precinct.to_string()))])),
                    }
                }
                p.meta {
                    (contest_name(tr, ledger, &item.region))
                    @if let Some(f) = found(&item.item) {
                        " · " (tr.a("portal-audit-found", &[("n", Arg::S(integer(lang, f)))]))
                    }
                }
                (entries_markup(tr, who, item))
                @if let Some(a) = &item.agreed {
                    p.note.done role="status" { (tr.a("portal-audit-agreed", &[("entry", Arg::S(entry_text(tr, a)))])) }
                } @else {
                    @if item.disputed {
                        p.note.held role="alert" { (tr.t("portal-audit-disputed")) }
                    }
                    @if writer {
                        (item_form(tr, who, id, item_method(r, &item.item), item, typed))
                    }
                }
            }
        }
    }
}

fn audit_response(
    ctx: Ctx,
    state: &AppState,
    who: &SignedIn,
    id: &str,
    notes: &[Note],
    typed: &Typed,
    status: StatusCode,
) -> Response {
    let tr = ctx.tr();
    let ledger = state.registrar.ledger();
    let Ok(r) = ledger.audit_report(id) else {
        drop(ledger);
        return crate::web::layout::not_found(ctx, Some(tr.t("audit-not-found").into_owned()));
    };
    let body = audit_markup(ctx, &ledger, who, &r, notes, typed);
    drop(ledger);
    let mut crumbs = audits_frame(tr);
    crumbs.push((
        tr.t("portal-audit-title").into_owned(),
        "/portal/audits".into(),
    ));
    let page = page_frame(
        tr.a("audit-title", &[("id", Arg::S(id.to_owned()))])
            .into_owned(),
        format!("/portal/audits/{id}"),
        crumbs,
    );
    portal_page(ctx, status, &page, body, &[CLEAR_FLASH])
}

/// `/portal/audits/{id}`: the items of the audit's open round in this operator's scope, each
/// with its entries and, until two members agree, its form.
pub(super) async fn audit_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Operator { who, notes }: Operator,
) -> Response {
    audit_response(
        ctx,
        &state,
        &who,
        &id,
        &notes,
        &Typed::default(),
        StatusCode::OK,
    )
}

/// The method an item of the report is entered by: a ballot is read, a precinct counted.
fn item_method(r: &AuditReport, item: &str) -> AuditMethod {
    r.contests
        .iter()
        .find(|c| c.sample.iter().any(|s| s.item == item))
        .map_or(r.method, |c| c.method)
}

/// The entry a form carries, or the words for what to fix.
fn entry_of(tr: Tr, method: AuditMethod, typed: &Typed) -> Result<AuditEntry, String> {
    let get = |name: &str| typed.value(&typed.item, name).trim();
    match method {
        AuditMethod::BatchComparison => {
            let mut n = [0u64; 4];
            let mut bad = Vec::new();
            for (i, (name, label)) in COUNT_FIELDS.iter().enumerate() {
                match get(name).parse::<u64>() {
                    Ok(x) if x <= 10_000_000 => n[i] = x,
                    _ => bad.push(tr.t(label).into_owned()),
                }
            }
            if !bad.is_empty() {
                return Err(tr
                    .a(
                        "portal-audit-not-numbers",
                        &[("fields", Arg::S(bad.join(", ")))],
                    )
                    .into_owned());
            }
            Ok(AuditEntry::Precinct {
                count: HandCount {
                    yes: n[0],
                    no: n[1],
                    both_marked: n[2],
                    invalid: n[3],
                },
            })
        }
        AuditMethod::BallotPolling | AuditMethod::BallotPollingAlpha => READINGS
            .iter()
            .find(|(v, _)| *v == get("reading"))
            .map(|(_, r)| AuditEntry::Ballot { reading: *r })
            .ok_or_else(|| tr.t("portal-audit-no-reading").into_owned()),
    }
}

/// `POST /portal/audits/{id}/enter`: one member's entry for one item.
pub(super) async fn enter(
    State(state): State<AppState>,
    Path(id): Path<String>,
    FormWrite {
        who,
        body: fields,
        ctx,
    }: FormWrite<SignedIn>,
) -> Response {
    let tr = ctx.tr();
    let typed = Typed {
        item: fields.text("item").trim().chars().take(40).collect(),
        values: fields
            .pairs()
            .filter(|(k, _)| *k != FORM_TOKEN)
            .map(|(k, v)| (k.to_owned(), v.chars().take(20).collect()))
            .collect(),
    };
    let item = typed.item.clone();
    let again =
        |notes: &[Note], status| audit_response(ctx, &state, &who, &id, notes, &typed, status);
    let method = match state.registrar.ledger().audit(&id) {
        Ok(a) => a.method_of_item(&typed.item),
        Err(_) => {
            return crate::web::layout::not_found(ctx, Some(tr.t("audit-not-found").into_owned()));
        }
    };
    let refused_text = tr
        .a("portal-audit-refused", &[("item", Arg::S(item.clone()))])
        .into_owned();
    let entry = match entry_of(tr, method, &typed) {
        Ok(e) => e,
        Err(why) => {
            let note = Note::new(Tone::Refused, refused_text).because(why);
            return again(&[note], StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let precinct = match parse_ballot_id(&item) {
        Some((p, _)) => Some(p),
        None => item.parse::<u32>().ok(),
    };
    let Some(precinct) = precinct else {
        let note = Note::new(Tone::Refused, refused_text).because(tr.t("portal-audit-bad-item"));
        return again(&[note], StatusCode::UNPROCESSABLE_ENTITY);
    };
    let board = match &who.account.role {
        Role::AuditBoard { region } => Some(region.clone()),
        _ => None,
    };
    let author = who.author();
    let detail = format!("entry of {item} in audit {id} (portal)");
    let (audit, it) = (id.clone(), item.clone());
    let result = operator_write(
        &state,
        &who,
        Action::EnterAuditCount {
            precinct: PrecinctId(precinct),
        },
        &detail,
        |reg| async move {
            reg.enter_audit(&audit, &it, entry, board.as_ref(), author)
                .await
                .map_err(crate::problem::Problem::from)
        },
    )
    .await;
    match result {
        Ok(out) => {
            let (agreed, disputed) = {
                let l = state.registrar.ledger();
                l.audit(&id).map_or((false, false), |a: &AuditRecord| {
                    (a.agreed(&item).is_some(), a.disputed(&item))
                })
            };
            let args = [
                ("item", Arg::S(item.clone())),
                ("seq", Arg::S(out.entry.seq.to_string())),
            ];
            let mut notes = vec![match (agreed, disputed) {
                (true, _) => Note::new(Tone::Done, tr.a("portal-audit-entered-agreed", &args)),
                (false, true) => {
                    Note::new(Tone::Held, tr.a("portal-audit-entered-disputed", &args))
                }
                (false, false) => Note::new(Tone::Done, tr.a("portal-audit-entered", &args)),
            }];
            if let Some(m) = &out.measured {
                notes.push(Note::new(
                    Tone::Done,
                    tr.a(
                        "portal-audit-measured",
                        &[("seq", Arg::S(m.seq.to_string()))],
                    ),
                ));
            }
            let anchor = item.replace(':', "-");
            after_write(
                &state,
                &who,
                &format!("/portal/audits/{id}#item-{anchor}"),
                notes,
            )
            .await
        }
        Err(p) => {
            let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            again(&[refused(refused_text, &p)], status)
        }
    }
}
