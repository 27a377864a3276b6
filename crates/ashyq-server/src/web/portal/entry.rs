//! The protocol entry form: what an operator types from the paper protocol, checked on the
//! server (the control ratios, whether the precinct is theirs to enter and what recording it
//! would do) — on a "check" button and live as they type (`portal.js` asks for the check
//! alone) — and recorded as an operator entry.
//!
//! One form serves every contest with an entry form ([`Form`]): a referendum's twelve lines
//! (`/portal/r/{id}/enter`) and a presidential round's lines 1–8, one line per candidate in
//! ballot order, "against all" and the invalid ballots (`/portal/p/{id}/enter`).

use ashyq_core::contest::ContestId;
use ashyq_core::ledger::{Ledger, LedgerError};
use ashyq_core::operator::Action;
use ashyq_core::president::{CandidateVotes, PresidentialProtocol};
use ashyq_core::protocol::{
    self, BallotLines, PrecinctProtocol, ProtocolCheck, ProtocolLines, Severity, Violation,
};
use ashyq_core::receipt::ReceiptStatus;
use ashyq_core::territory::PrecinctId;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{Markup, html};

use super::flash::{CLEAR_FLASH, Note, Tone, after_write, notes_markup, refused};
use super::frame::{
    FORM_TOKEN, Operator, line_label, may_write, page_frame, portal_nav, portal_page,
    referendum_frame, violation_markup, who_line,
};
use crate::AppState;
use crate::auth::{self, SignedIn};
use crate::web::assets::PORTAL_JS;
use crate::web::ctx::{self, Ctx};
use crate::web::form::FormWrite;
use crate::web::i18n::{Arg, Tr};
use crate::web::layout;
use crate::writes::operator_write;

/// The kinds of contest with an entry form, as the path names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// `/portal/r/{id}`.
    Referendum,
    /// `/portal/p/{id}`.
    Presidential,
}

impl Kind {
    /// The message saying there is no such contest of this kind.
    fn not_found_key(self) -> &'static str {
        match self {
            Kind::Referendum => "not-found-referendum",
            Kind::Presidential => "not-found-presidential",
        }
    }
}

/// The contest an entry form is for, with its lines.
pub(super) struct Form {
    kind: Kind,
    id: ContestId,
    /// The contest's title in the page's language.
    title: String,
    /// The field names, in protocol order.
    fields: Vec<String>,
    /// A presidential round's candidates in ballot order.
    ballot: Vec<String>,
}

/// The field name of the `k`-th candidate's line (from 1).
fn candidate_field(k: usize) -> String {
    format!("candidate_{k}")
}

impl Form {
    /// The form of contest `id` of this kind, if there is one.
    fn of(ledger: &Ledger, ctx: Ctx, kind: Kind, id: &str) -> Option<Form> {
        let cid = ContestId(id.to_owned());
        match kind {
            Kind::Referendum => {
                let r = ledger.referendum(&cid).ok()?;
                Some(Form {
                    kind,
                    title: r.definition.title.get(ctx.lang.code()).to_owned(),
                    id: cid,
                    fields: ProtocolLines::FIELDS
                        .iter()
                        .map(|f| f.to_string())
                        .collect(),
                    ballot: Vec::new(),
                })
            }
            Kind::Presidential => {
                let p = ledger.presidential(&cid).ok()?;
                let ballot: Vec<String> = p.ballot().iter().map(|c| c.to_string()).collect();
                let mut fields: Vec<String> = BallotLines::default()
                    .named()
                    .iter()
                    .map(|(n, _)| n.to_string())
                    .collect();
                fields.extend((1..=ballot.len()).map(candidate_field));
                fields.push("against_all".into());
                fields.push("invalid".into());
                Some(Form {
                    kind,
                    title: p.definition.title.clone(),
                    id: cid,
                    fields,
                    ballot,
                })
            }
        }
    }

    /// Where the contest's portal pages are.
    fn base(&self) -> String {
        match self.kind {
            Kind::Referendum => format!("/portal/r/{}", self.id),
            Kind::Presidential => format!("/portal/p/{}", self.id),
        }
    }

    /// The label of field `i`, with its line number.
    fn label(&self, tr: Tr, i: usize) -> String {
        let name = &self.fields[i];
        let text = match name
            .strip_prefix("candidate_")
            .and_then(|k| k.parse::<usize>().ok())
        {
            Some(k) => tr
                .a(
                    "portal-enter-candidate",
                    &[("name", Arg::S(self.ballot[k - 1].clone()))],
                )
                .into_owned(),
            None => line_label(tr, name),
        };
        format!("{}. {text}", i + 1)
    }

    /// Whether the contest is certified, so that nothing more can be recorded.
    fn certified(&self, ledger: &Ledger) -> bool {
        match self.kind {
            Kind::Referendum => ledger
                .referendum(&self.id)
                .is_ok_and(|r| r.certification().is_some()),
            Kind::Presidential => ledger
                .presidential(&self.id)
                .is_ok_and(|p| p.certification().is_some()),
        }
    }

    /// The protocol of these numbers, in field order.
    fn protocol(&self, precinct: PrecinctId, n: &[u64]) -> Entered {
        match self.kind {
            Kind::Referendum => {
                let mut a = [0u64; 12];
                a.copy_from_slice(&n[..12]);
                Entered::Referendum(PrecinctProtocol {
                    referendum: self.id.clone(),
                    precinct,
                    lines: ProtocolLines::from_array(a),
                })
            }
            Kind::Presidential => {
                let k = self.ballot.len();
                Entered::Presidential(PresidentialProtocol {
                    election: self.id.clone(),
                    precinct,
                    ballots: BallotLines::from_array([
                        n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7],
                    ]),
                    votes: self
                        .ballot
                        .iter()
                        .zip(&n[8..8 + k])
                        .map(|(c, v)| CandidateVotes::new(c.as_str(), *v))
                        .collect(),
                    against_all: n[8 + k],
                    invalid: n[9 + k],
                })
            }
        }
    }
}

/// A protocol typed into a form.
enum Entered {
    Referendum(PrecinctProtocol),
    Presidential(PresidentialProtocol),
}

impl Entered {
    fn precinct(&self) -> PrecinctId {
        match self {
            Entered::Referendum(p) => p.precinct,
            Entered::Presidential(p) => p.precinct,
        }
    }

    fn ballots(&self) -> &BallotLines {
        match self {
            Entered::Referendum(p) => &p.lines.ballots,
            Entered::Presidential(p) => &p.ballots,
        }
    }

    /// The control ratios, or why the protocol does not fit the ballot (a line for a
    /// withdrawn candidate).
    fn check(&self, ledger: &Ledger) -> Result<ProtocolCheck, String> {
        match self {
            Entered::Referendum(p) => Ok(protocol::check(&p.lines)),
            Entered::Presidential(p) => {
                let round = ledger
                    .presidential(&p.election)
                    .map_err(|e| e.to_string())?;
                p.check(&round.ballot(), &round.withdrawn())
                    .map_err(|e| e.to_string())
            }
        }
    }

    /// Whether the precinct has reported, and if so whether with exactly these numbers; an
    /// error when there is no such precinct.
    fn applied_same(&self, ledger: &Ledger) -> Result<Option<bool>, LedgerError> {
        Ok(match self {
            Entered::Referendum(p) => ledger
                .applied(&p.referendum, p.precinct)?
                .map(|a| a.protocol.lines == p.lines),
            Entered::Presidential(p) => ledger
                .presidential_applied(&p.election, p.precinct)?
                .map(|a| &a.protocol == p),
        })
    }
}

/// What an operator typed into the entry form, parsed as far as it goes.
pub(super) struct Draft {
    precinct_text: String,
    values: Vec<String>,
}

impl Draft {
    fn from_pairs<'a>(form: &Form, pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Draft {
        let mut precinct_text = String::new();
        let mut values = vec![String::new(); form.fields.len()];
        for (k, v) in pairs {
            let v: String = v.trim().chars().take(20).collect();
            if k == "precinct" {
                precinct_text = v;
            } else if let Some(i) = form.fields.iter().position(|f| f == k) {
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
    fn protocol(&self, form: &Form) -> Result<Entered, Vec<Option<usize>>> {
        let mut bad = Vec::new();
        let precinct = self.precinct_text.parse::<u32>().ok();
        if precinct.is_none() {
            bad.push(None);
        }
        let mut n = vec![0u64; self.values.len()];
        for (i, v) in self.values.iter().enumerate() {
            match v.parse::<u64>() {
                Ok(x) => n[i] = x,
                Err(_) => bad.push(Some(i)),
            }
        }
        match precinct {
            Some(p) if bad.is_empty() => Ok(form.protocol(PrecinctId(p), &n)),
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
    form: &Form,
    d: &Draft,
) -> Markup {
    let tr = ctx.tr();
    // A certified result takes nothing more: say so before anything else.
    if form.certified(ledger) {
        return html! { div.check.bad { p { strong { (tr.t("check-certified")) } } } };
    }
    let protocol = match d.protocol(form) {
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
                                        ("line", Arg::S(form.label(tr, *i))),
                                    ])),
                                }
                            }
                        }
                    }
                }
            };
        }
    };
    let precinct = protocol.precinct();
    let n = || Arg::S(precinct.0.to_string());
    let place = match protocol.applied_same(ledger) {
        Err(_) => Err(tr.a("check-no-precinct", &[("n", n())]).into_owned()),
        Ok(applied) => {
            let allowed = ashyq_core::operator::permits(
                &who.account.role,
                &Action::EnterProtocol { precinct },
                ledger.hierarchy(),
            );
            match (allowed, applied) {
                (Err(_), _) => Err(tr.a("check-outside", &[("n", n())]).into_owned()),
                (Ok(()), None) => Ok(tr.a("check-first", &[("n", n())]).into_owned()),
                (Ok(()), Some(true)) => Ok(tr.t("check-same").into_owned()),
                (Ok(()), Some(false)) => Ok(tr.t("check-conflict").into_owned()),
            }
        }
    };
    let check = match protocol.check(ledger) {
        Ok(c) => c,
        Err(why) => return html! { div.check.bad { p { strong { (why) } } } },
    };
    let errors: Vec<&Violation> = check
        .errors
        .iter()
        .filter(|v| v.severity == Severity::Error)
        .collect();
    let good = errors.is_empty() && place.is_ok();
    let lines = protocol.ballots();
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
                ul { @for v in &errors { li { (violation_markup(tr, v, lines)) } } }
            }
            @if !check.warnings.is_empty() {
                p { (tr.t("check-warnings")) }
                ul { @for v in &check.warnings { li { (violation_markup(tr, v, lines)) } } }
            }
        }
    }
}

/// The portal's navigation of a contest: a referendum's dashboard, upload and entry; a
/// presidential round's entry and its public page.
fn nav(tr: Tr, form: &Form) -> Markup {
    match form.kind {
        Kind::Referendum => portal_nav(tr, &form.id.0, "enter"),
        Kind::Presidential => html! {
            nav.portal aria-label=(tr.t("portal-nav")) {
                ul {
                    li { a href=(format!("{}/enter", form.base())) aria-current="page" { (tr.t("portal-nav-enter")) } }
                    li { a href=(format!("/p/{}", form.id)) { (tr.t("portal-nav-public")) } }
                }
            }
        },
    }
}

pub(super) fn entry_markup(
    ctx: Ctx,
    ledger: &Ledger,
    who: &SignedIn,
    form: &Form,
    draft: &Draft,
    notes: &[Note],
    checked: bool,
) -> Markup {
    let tr = ctx.tr();
    let base = form.base();
    let legend = tr.a(
        "portal-enter-lines-n",
        &[
            ("count", Arg::N(form.fields.len() as u64)),
            ("n", Arg::S(form.fields.len().to_string())),
        ],
    );
    html! {
        h1 { (tr.t("portal-enter-title")) }
        (who_line(tr, who, ledger.territory()))
        (nav(tr, form))
        (notes_markup(tr, notes))
        @if form.kind == Kind::Presidential {
            p { strong { (form.title) } }
        }
        p { (tr.t("portal-enter-intro")) }
        @if !may_write(who) {
            p.note.info { (tr.t("portal-read-only")) }
        } @else {
            form.entry method="post" action=(format!("{base}/enter")) data-check=(format!("{base}/enter/check")) {
                input type="hidden" name=(FORM_TOKEN) value=(who.form_token());
                div.field.precinct {
                    label for="precinct" { (tr.t("portal-col-precinct")) }
                    input #precinct name="precinct" type="text" inputmode="numeric" pattern="[0-9]*" autocomplete="off" value=(draft.precinct_text) required;
                }
                fieldset {
                    legend { (legend) }
                    div.lines {
                        @for (i, name) in form.fields.iter().enumerate() {
                            div.field {
                                label for=(name) { (form.label(tr, i)) }
                                input #(name) name=(name) type="text" inputmode="numeric" pattern="[0-9]*" autocomplete="off" value=(draft.values[i]) required;
                            }
                        }
                    }
                }
                div #check aria-live="polite" {
                    @if checked && !draft.is_blank() {
                        (check_markup(ctx, ledger, who, form, draft))
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

/// The page when there is no such contest.
fn no_contest(ctx: Ctx, kind: Kind) -> Response {
    layout::not_found(ctx, Some(ctx.tr().t(kind.not_found_key()).into_owned()))
}

fn entry_response(
    ctx: Ctx,
    state: &AppState,
    who: &SignedIn,
    form: &Form,
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
    let body = entry_markup(ctx, &ledger, who, form, draft, notes, checked);
    drop(ledger);
    let path = format!("{}/enter", form.base());
    let page = match form.kind {
        Kind::Referendum => referendum_frame(
            tr,
            "portal-enter-title",
            path,
            &form.id.0,
            form.title.clone(),
        ),
        Kind::Presidential => page_frame(
            tr.t("portal-enter-title").into_owned(),
            path,
            vec![
                (tr.t("portal-title").into_owned(), "/portal".into()),
                (form.title.clone(), format!("/p/{}", form.id)),
            ],
        ),
    };
    portal_page(ctx, status, &page, body, &[CLEAR_FLASH])
}

/// The kind of contest, from the path the form was asked at (`/portal/p/…` or `/portal/r/…`).
impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Kind {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(if parts.uri.path().starts_with("/portal/p/") {
            Kind::Presidential
        } else {
            Kind::Referendum
        })
    }
}

pub(super) async fn entry_page(
    State(state): State<AppState>,
    ctx: Ctx,
    kind: Kind,
    Path(id): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
    Operator { who, notes }: Operator,
) -> Response {
    let Some(form) = Form::of(&state.registrar.ledger(), ctx, kind, &id) else {
        return no_contest(ctx, kind);
    };
    let draft = Draft::from_pairs(&form, q.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let checked = !draft.is_blank();
    entry_response(
        ctx,
        &state,
        &who,
        &form,
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
    kind: Kind,
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
    let Some(form) = Form::of(&ledger, ctx, kind, &id) else {
        return fragment(
            StatusCode::NOT_FOUND,
            html! { div.check.bad { p { (tr.t(kind.not_found_key())) } } },
        );
    };
    let draft = Draft::from_pairs(&form, q.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let m = check_markup(ctx, &ledger, &who, &form, &draft);
    drop(ledger);
    fragment(StatusCode::OK, m)
}

pub(super) async fn enter(
    State(state): State<AppState>,
    kind: Kind,
    Path(id): Path<String>,
    FormWrite {
        who,
        body: fields,
        ctx,
    }: FormWrite<SignedIn>,
) -> Response {
    let tr = ctx.tr();
    let Some(form) = Form::of(&state.registrar.ledger(), ctx, kind, &id) else {
        return no_contest(ctx, kind);
    };
    let draft = Draft::from_pairs(&form, fields.pairs());
    // The form again, filled in as sent, with the check and `notes`.
    let again = |notes: &[Note], status| {
        let view = EntryView {
            draft: &draft,
            notes,
            checked: true,
        };
        entry_response(ctx, &state, &who, &form, view, status)
    };
    if fields.get("step") == Some("check") {
        return again(&[], StatusCode::OK);
    }
    // Recording: the numbers must parse and pass the control ratios; otherwise the form comes
    // back filled in, with the check saying what to fix (nothing was recorded).
    let accepted = |p: &Entered| {
        let ledger = state.registrar.ledger();
        p.check(&ledger).is_ok_and(|c| c.accepted())
    };
    let protocol = match draft.protocol(&form) {
        Ok(p) if accepted(&p) => p,
        _ => {
            let note = Note::new(Tone::Refused, tr.t("portal-enter-fix"));
            return again(&[note], StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let precinct = protocol.precinct();
    let n = precinct.0.to_string();
    let action = Action::EnterProtocol { precinct };
    let detail = format!("enter the protocol of precinct {precinct} of {id} from paper (portal)");
    let refused_text = tr
        .a("portal-enter-refused", &[("n", Arg::S(n.clone()))])
        .into_owned();
    let before = state.registrar.ledger().head().map_or(0, |(s, _)| s);
    let author = who.author();
    let result = operator_write(&state, &who, action, &detail, |reg| async move {
        Ok(match protocol {
            Entered::Referendum(p) => reg.submit_entered(p, author).await??,
            Entered::Presidential(p) => reg.submit_presidential_entered(p, author).await??,
        })
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
            after_write(&state, &who, &format!("{}/enter", form.base()), vec![note]).await
        }
        Err(p) => {
            let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            again(&[refused(refused_text, &p)], status)
        }
    }
}
