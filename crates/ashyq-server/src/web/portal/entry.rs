//! The protocol entry form: what an operator types from the paper protocol, checked on the
//! server (the control ratios, whether the precinct is theirs to enter and what recording it
//! would do) — on a "check" button and live as they type (`portal.js` asks for the check
//! alone) — and recorded as an operator entry.

use ashyq_core::contest::ContestId;
use ashyq_core::ledger::Ledger;
use ashyq_core::operator::Action;
use ashyq_core::protocol::BallotLines;
use ashyq_core::protocol::{self, PrecinctProtocol, ProtocolLines, Severity, Violation};
use ashyq_core::receipt::ReceiptStatus;
use ashyq_core::territory::PrecinctId;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{Markup, html};

use super::flash::{CLEAR_FLASH, Note, Tone, after_write, notes_markup, refused};
use super::frame::{
    FORM_TOKEN, Operator, line_label, may_write, no_referendum, portal_nav, portal_page,
    referendum_frame, referendum_title, violation_markup, who_line,
};
use crate::AppState;
use crate::auth::{self, SignedIn};
use crate::web::assets::PORTAL_JS;
use crate::web::ctx::{self, Ctx};
use crate::web::form::FormWrite;
use crate::web::i18n::Arg;
use crate::writes::operator_write;

/// What an operator typed into the entry form, parsed as far as it goes.
pub(super) struct Draft {
    precinct_text: String,
    values: Vec<String>,
}

impl Draft {
    fn from_pairs<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Draft {
        let mut precinct_text = String::new();
        let mut values = vec![String::new(); 12];
        for (k, v) in pairs {
            let v: String = v.trim().chars().take(20).collect();
            if k == "precinct" {
                precinct_text = v;
            } else if let Some(i) = ProtocolLines::FIELDS.iter().position(|f| *f == k) {
                values[i] = v;
            }
        }
        Draft {
            precinct_text,
            values,
        }
    }

    fn is_blank(&self) -> bool {
        self.precinct_text.is_empty() && self.values.iter().all(String::is_empty)
    }

    /// The protocol, or the fields that are not whole numbers (by index; `None` = precinct).
    fn protocol(&self, rid: &ContestId) -> Result<PrecinctProtocol, Vec<Option<usize>>> {
        let mut bad = Vec::new();
        let precinct = self.precinct_text.parse::<u32>().ok();
        if precinct.is_none() {
            bad.push(None);
        }
        let mut n = [0u64; 12];
        for (i, v) in self.values.iter().enumerate() {
            match v.parse::<u64>() {
                Ok(x) => n[i] = x,
                Err(_) => bad.push(Some(i)),
            }
        }
        match precinct {
            Some(p) if bad.is_empty() => Ok(PrecinctProtocol {
                referendum: rid.clone(),
                precinct: PrecinctId(p),
                lines: ProtocolLines {
                    ballots: BallotLines {
                        voters_on_list: n[0],
                        voters_added_on_day: n[1],
                        voters_added_absentee: n[2],
                        absentee_certificates_issued: n[3],
                        ballots_received: n[4],
                        ballots_issued: n[5],
                        ballots_cancelled: n[6],
                        ballots_found: n[7],
                    },
                    yes: n[8],
                    no: n[9],
                    both_marked: n[10],
                    invalid: n[11],
                },
            }),
            _ => Err(bad),
        }
    }
}

/// The server's check of a draft, in words: the fields to fix, whether the precinct may be
/// entered by this operator and what recording it would do, and each control ratio broken.
pub(super) fn check_markup(
    ctx: Ctx,
    ledger: &Ledger,
    who: &SignedIn,
    rid: &ContestId,
    d: &Draft,
) -> Markup {
    let tr = ctx.tr();
    // A certified result takes nothing more: say so before anything else.
    if ledger
        .referendum(rid)
        .is_ok_and(|r| r.certification().is_some())
    {
        return html! { div.check.bad { p { strong { (tr.t("check-certified")) } } } };
    }
    let protocol = match d.protocol(rid) {
        Ok(p) => p,
        Err(bad) => {
            return html! {
                div.check.bad {
                    p { strong { (tr.t("check-fix-fields")) } }
                    ul {
                        @for b in &bad {
                            li {
                                @match b {
                                    None => (tr.t("check-precinct-number")),
                                    Some(i) => (tr.a("check-not-a-number", &[
                                        ("line", Arg::S(format!("{}. {}", i + 1, line_label(tr, ProtocolLines::FIELDS[*i])))),
                                    ])),
                                }
                            }
                        }
                    }
                }
            };
        }
    };
    let precinct = protocol.precinct;
    let place = match ledger.applied(rid, precinct) {
        Err(_) => Err(tr
            .a(
                "check-no-precinct",
                &[("n", Arg::S(precinct.0.to_string()))],
            )
            .into_owned()),
        Ok(applied) => {
            let allowed = ashyq_core::operator::permits(
                &who.account.role,
                &Action::EnterProtocol { precinct },
                ledger.hierarchy(),
            );
            match (allowed, applied) {
                (Err(_), _) => Err(tr
                    .a("check-outside", &[("n", Arg::S(precinct.0.to_string()))])
                    .into_owned()),
                (Ok(()), None) => Ok(tr
                    .a("check-first", &[("n", Arg::S(precinct.0.to_string()))])
                    .into_owned()),
                (Ok(()), Some(a)) if a.protocol.lines == protocol.lines => {
                    Ok(tr.t("check-same").into_owned())
                }
                (Ok(()), Some(_)) => Ok(tr.t("check-conflict").into_owned()),
            }
        }
    };
    let check = protocol::check(&protocol.lines);
    let errors: Vec<&Violation> = check
        .errors
        .iter()
        .filter(|v| v.severity == Severity::Error)
        .collect();
    let good = errors.is_empty() && place.is_ok();
    html! {
        div.check.good[good].bad[!good] {
            @match &place {
                Ok(text) => p { (text) },
                Err(text) => p { strong { (text) } },
            }
            @if errors.is_empty() {
                p { (tr.t("check-ratios-hold")) }
            } @else {
                p { strong { (tr.a("check-ratios-broken", &[("count", Arg::N(errors.len() as u64)), ("n", Arg::S(errors.len().to_string()))])) } }
                ul { @for v in &errors { li { (violation_markup(tr, v, &protocol.lines)) } } }
            }
            @if !check.warnings.is_empty() {
                p { (tr.t("check-warnings")) }
                ul { @for v in &check.warnings { li { (violation_markup(tr, v, &protocol.lines)) } } }
            }
        }
    }
}

pub(super) fn entry_markup(
    ctx: Ctx,
    ledger: &Ledger,
    who: &SignedIn,
    id: &str,
    draft: &Draft,
    notes: &[Note],
    checked: bool,
) -> Markup {
    let tr = ctx.tr();
    let rid = ContestId(id.to_owned());
    html! {
        h1 { (tr.t("portal-enter-title")) }
        (who_line(tr, who, ledger.territory()))
        (portal_nav(tr, id, "enter"))
        (notes_markup(tr, notes))
        p { (tr.t("portal-enter-intro")) }
        @if !may_write(who) {
            p.note.info { (tr.t("portal-read-only")) }
        } @else {
            form.entry method="post" action=(format!("/portal/r/{id}/enter")) data-check=(format!("/portal/r/{id}/enter/check")) {
                input type="hidden" name=(FORM_TOKEN) value=(who.form_token());
                div.field.precinct {
                    label for="precinct" { (tr.t("portal-col-precinct")) }
                    input #precinct name="precinct" type="text" inputmode="numeric" pattern="[0-9]*" autocomplete="off" value=(draft.precinct_text) required;
                }
                fieldset {
                    legend { (tr.t("portal-enter-lines")) }
                    div.lines {
                        @for (i, name) in ProtocolLines::FIELDS.iter().enumerate() {
                            div.field {
                                label for=(name) { (i + 1) ". " (line_label(tr, name)) }
                                input #(name) name=(name) type="text" inputmode="numeric" pattern="[0-9]*" autocomplete="off" value=(draft.values[i]) required;
                            }
                        }
                    }
                }
                div #check aria-live="polite" {
                    @if checked && !draft.is_blank() {
                        (check_markup(ctx, ledger, who, &rid, draft))
                    }
                }
                div.buttons {
                    button.secondary type="submit" name="step" value="check" { (tr.t("portal-enter-check")) }
                    button type="submit" name="step" value="record" { (tr.t("portal-enter-record")) }
                }
            }
            script src=(PORTAL_JS.url()) defer {}
        }
    }
}

/// What the entry page shows: the numbers typed so far, the outcome of the last write, and
/// whether to show the check.
pub(super) struct EntryView<'a> {
    draft: &'a Draft,
    notes: &'a [Note],
    checked: bool,
}

pub(super) fn entry_response(
    ctx: Ctx,
    state: &AppState,
    who: &SignedIn,
    id: &str,
    view: EntryView,
    status: StatusCode,
) -> Response {
    let EntryView {
        draft,
        notes,
        checked,
    } = view;
    let tr = ctx.tr();
    let ledger = state.registrar.ledger();
    let title = match referendum_title(&ledger, ctx, id) {
        Some(t) => t,
        None => return no_referendum(ctx),
    };
    let body = entry_markup(ctx, &ledger, who, id, draft, notes, checked);
    drop(ledger);
    let page = referendum_frame(
        tr,
        "portal-enter-title",
        format!("/portal/r/{id}/enter"),
        id,
        title,
    );
    portal_page(ctx, status, &page, body, &[CLEAR_FLASH])
}

pub(super) async fn entry_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
    Operator { who, notes }: Operator,
) -> Response {
    let draft = Draft::from_pairs(q.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let checked = !draft.is_blank();
    entry_response(
        ctx,
        &state,
        &who,
        &id,
        EntryView {
            draft: &draft,
            notes: &notes,
            checked,
        },
        StatusCode::OK,
    )
}

/// The check alone, as an HTML fragment: what `portal.js` shows as the operator types.
pub(super) async fn entry_check(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    let tr = ctx.tr();
    let fragment = |status: StatusCode, m: Markup| ctx::no_store(ctx::html(ctx, status, m));
    let who = match auth::signed_in(&state, &headers).await {
        Ok(Some(w)) => w,
        _ => {
            return fragment(
                StatusCode::UNAUTHORIZED,
                html! { div.check.bad { p { (tr.t("portal-session-expired")) } } },
            );
        }
    };
    let ledger = state.registrar.ledger();
    let rid = ContestId(id.clone());
    if ledger.referendum(&rid).is_err() {
        return fragment(
            StatusCode::NOT_FOUND,
            html! { div.check.bad { p { (tr.t("not-found-referendum")) } } },
        );
    }
    let draft = Draft::from_pairs(q.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let m = check_markup(ctx, &ledger, &who, &rid, &draft);
    drop(ledger);
    fragment(StatusCode::OK, m)
}

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
    let draft = Draft::from_pairs(fields.pairs());
    let rid = ContestId(id.clone());
    // The form again, filled in as sent, with the check and `notes`.
    let again = |notes: &[Note], status| {
        let view = EntryView {
            draft: &draft,
            notes,
            checked: true,
        };
        entry_response(ctx, &state, &who, &id, view, status)
    };
    if fields.get("step") == Some("check") {
        return again(&[], StatusCode::OK);
    }
    // Recording: the numbers must parse and pass the control ratios; otherwise the form comes
    // back filled in, with the check saying what to fix (nothing was recorded).
    let protocol = match draft.protocol(&rid) {
        Ok(p) if protocol::check(&p.lines).accepted() => p,
        _ => {
            let note = Note::new(Tone::Refused, tr.t("portal-enter-fix"));
            return again(&[note], StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let precinct = protocol.precinct;
    let n = precinct.0.to_string();
    let action = Action::EnterProtocol { precinct };
    let detail = format!("enter the protocol of precinct {precinct} of {id} from paper (portal)");
    let refused_text = tr
        .a("portal-enter-refused", &[("n", Arg::S(n.clone()))])
        .into_owned();
    let before = state.registrar.ledger().head().map_or(0, |(s, _)| s);
    let author = who.author();
    let result = operator_write(&state, &who, action, &detail, |reg| async move {
        Ok(reg.submit_entered(protocol, author).await??)
    })
    .await;
    match result {
        Ok(receipt) => {
            let args = [("n", Arg::S(n)), ("seq", Arg::S(receipt.seq.to_string()))];
            let (tone, key) = match receipt.status {
                _ if receipt.seq <= before => (Tone::Done, "portal-entered-known"),
                ReceiptStatus::Conflict => (Tone::Held, "portal-entered-conflict"),
                _ => (Tone::Done, "portal-entered"),
            };
            let note = Note::new(tone, tr.a(key, &args));
            after_write(&state, &who, &format!("/portal/r/{id}/enter"), vec![note]).await
        }
        Err(p) => {
            let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            again(&[refused(refused_text, &p)], status)
        }
    }
}
