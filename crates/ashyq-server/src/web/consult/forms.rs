//! The consultation's forms: propose a change to an article or a new article, support a
//! proposal (once per person), withdraw one's own, and moderate (publish, or refuse with a
//! reason). Every form is a [`FormWrite`] of the citizen's session (signed in, its token,
//! this server's origin); every answer to a post is a redirect to the page that shows the
//! result (post/redirect/get), or the form again with the reason it was refused and the input
//! kept.
//!
//! Moderation is deliberately minimal and isolated here: a moderator is a signed-in citizen
//! whose pseudonym the server is configured with (`ConsultConfig::moderators`, or the
//! provider's `IdentityProvider::moderators`). Operator accounts can replace
//! `ConsultService::is_moderator` later without touching the pages.

use std::collections::HashMap;
use std::sync::Arc;

use ashyq_core::consult::{
    ConsultEntry, ConsultError, ConsultEvent, Consultation, ModerationReason, Proposal, ProposalId,
    ProposalStatus, ProposalTarget,
};
use ashyq_core::legal::Lang as TextLang;
use ashyq_store::secretariat::SecretariatError;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{Markup, html};

use super::frame::{ProposalPath, Served, consult_page, message_page, no_proposal};
use super::text::{article_choices, legal_lang, target_markup, when};
use crate::AppState;
use crate::consult::{ConsultService, parse_proposal_id};
use crate::signin::{Session, percent_encode};
use crate::web::ctx::{Ctx, see_other};
use crate::web::form::FormWrite;
use crate::web::i18n::{self, Tr};
use crate::web::layout::{Page, Section};
use crate::writes::citizen_write;

/// The largest proposal text and rationale, in characters (the consultation's rule).
pub(crate) const MAX_TEXT: usize = 10_000;

pub(crate) fn csrf_field(s: &Session) -> Markup {
    html! { input type="hidden" name="csrf" value=(s.csrf); }
}

/// The buttons under a proposal: support, withdraw, moderate — whichever the viewer may use.
#[allow(clippy::too_many_arguments)]
pub(crate) fn proposal_actions(
    ctx: Ctx,
    svc: &ConsultService,
    p: &Proposal,
    session: Option<&Session>,
    open: bool,
    supported: bool,
    mine: bool,
    moderator: bool,
) -> Markup {
    let tr = ctx.tr();
    let id = p.id.0;
    let withdrawable = matches!(
        p.status(),
        ProposalStatus::Submitted | ProposalStatus::Published
    );
    html! {
        @if open {
            div.actions {
                @match session {
                    Some(_) if mine => { p.muted { (tr.t("consult-own-proposal")) } }
                    Some(_) if supported => { p.ok { (tr.t("consult-you-support")) } }
                    Some(s) => {
                        form.inline method="post" action=(format!("/consult/proposals/{id}/support")) {
                            (csrf_field(s))
                            button type="submit" { (tr.t("consult-support")) }
                        }
                    }
                    None => {
                        @if svc.provider().is_some() {
                            p { a.button href=(format!("/consult/signin?return={}", percent_encode(&format!("/consult/proposals/{id}")))) { (tr.t("consult-sign-in-to-support")) } }
                        }
                    }
                }
            }
        }
        @if let Some(s) = session {
            @if mine && withdrawable {
                form.inline method="post" action=(format!("/consult/proposals/{id}/withdraw")) {
                    (csrf_field(s))
                    button.secondary type="submit" { (tr.t("consult-withdraw")) }
                }
            }
            @if moderator && *p.status() == ProposalStatus::Submitted {
                (moderation_form(tr, s, p.id))
            }
        }
    }
}

pub(crate) fn moderation_form(tr: Tr, s: &Session, id: ProposalId) -> Markup {
    let n = id.0;
    html! {
        div.moderate {
            form.inline method="post" action=(format!("/consult/proposals/{n}/moderate")) {
                (csrf_field(s))
                input type="hidden" name="action" value="publish";
                button type="submit" { (tr.t("consult-publish")) }
            }
            form.stack method="post" action=(format!("/consult/proposals/{n}/moderate")) {
                (csrf_field(s))
                input type="hidden" name="action" value="reject";
                div.field {
                    label for=(format!("reason-{n}")) { (tr.t("consult-reject-reason")) }
                    select id=(format!("reason-{n}")) name="reason" {
                        @for (v, k) in [("off_topic", "reason-off-topic"), ("abusive", "reason-abusive"), ("personal_data", "reason-personal-data"), ("spam", "reason-spam"), ("duplicate", "reason-duplicate-choice"), ("other", "reason-other")] {
                            option value=(v) { (tr.t(k)) }
                        }
                    }
                }
                div.field {
                    label for=(format!("detail-{n}")) { (tr.t("consult-reject-detail")) }
                    input id=(format!("detail-{n}")) type="text" name="detail" maxlength="500";
                    small { (tr.t("consult-reject-detail-hint")) }
                }
                button.danger type="submit" { (tr.t("consult-reject")) }
            }
        }
    }
}

pub(crate) fn not_signed_in_page(ctx: Ctx, svc: &ConsultService, path: &str) -> Response {
    let tr = ctx.tr();
    let page = Page::new(
        tr.t("consult-signin-needed"),
        Section::Consultation,
        path.to_owned(),
    )
    .crumbs(vec![(
        tr.t("consult-title").into_owned(),
        "/consult".into(),
    )]);
    let body = html! {
        h1 { (tr.t("consult-signin-needed")) }
        p { (tr.t("consult-signin-why-propose")) }
    };
    consult_page(ctx, svc, None, &page, body)
}

/// What the proposal form was given, kept when it is shown again.
#[derive(Default)]
pub(crate) struct Draft {
    target: String,
    lang: String,
    text: String,
    rationale: String,
}

pub(crate) fn propose_form(
    ctx: Ctx,
    svc: &ConsultService,
    s: &Session,
    d: &Draft,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let tr = ctx.tr();
    let l = legal_lang(ctx.lang);
    let Some(act) = svc.open_draft() else {
        return message_page(
            ctx,
            StatusCode::NOT_FOUND,
            &tr.t("consult-propose"),
            &tr.t("consult-no-versions"),
        );
    };
    let choices = article_choices(tr, &act, l);
    let lang = if d.lang.is_empty() {
        ctx.lang.code()
    } else {
        d.lang.as_str()
    };
    let body = html! {
        h1 { (tr.t("consult-propose")) }
        p { (tr.a("consult-propose-intro", &[("version", i18n::Arg::S(act.version.clone()))])) }
        @if let Some(e) = &error {
            p.error role="alert" #form-error { (e) }
        }
        form.stack method="post" action="/consult/propose" {
            (csrf_field(s))
            div.field {
                label for="target" { (tr.t("consult-target")) }
                select #target name="target" {
                    optgroup label=(tr.t("consult-change-article")) {
                        @for (eid, title) in &choices {
                            @if *eid == d.target { option value=(eid) selected { (title) } } @else { option value=(eid) { (title) } }
                        }
                    }
                    optgroup label=(tr.t("consult-new-article")) {
                        @for (eid, title) in &choices {
                            @let v = format!("new:{eid}");
                            @let label = format!("{} {}", tr.t("consult-new-article-after"), title);
                            @if v == d.target { option value=(v) selected { (label) } } @else { option value=(v) { (label) } }
                        }
                    }
                }
            }
            div.field {
                label for="lang" { (tr.t("consult-language")) }
                select #lang name="lang" {
                    @for x in i18n::Lang::ALL {
                        @if x.code() == lang { option value=(x.code()) selected { (x.endonym()) } } @else { option value=(x.code()) { (x.endonym()) } }
                    }
                }
            }
            div.field {
                label for="text" { (tr.t("consult-proposed-text")) }
                textarea #text name="text" rows="6" required minlength="10" maxlength=(MAX_TEXT) aria-describedby="text-hint" { (d.text) }
                small #text-hint { (tr.t("consult-text-hint")) }
            }
            div.field {
                label for="rationale" { (tr.t("consult-rationale")) }
                textarea #rationale name="rationale" rows="4" maxlength=(MAX_TEXT) aria-describedby="rationale-hint" { (d.rationale) }
                small #rationale-hint { (tr.t("consult-rationale-hint")) }
            }
            p.hint { (tr.t("consult-propose-moderation")) }
            button type="submit" { (tr.t("consult-send")) }
        }
    };
    let page = Page::new(
        tr.t("consult-propose"),
        Section::Consultation,
        "/consult/propose",
    )
    .crumbs(vec![(
        tr.t("consult-title").into_owned(),
        "/consult".into(),
    )]);
    let mut res = consult_page(ctx, svc, Some(s), &page, body);
    *res.status_mut() = status;
    res
}

/// `GET /consult/propose?target=EID`: the form.
pub async fn propose_page(
    Served(svc): Served,
    ctx: Ctx,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(s) = svc.session(&headers).await else {
        return not_signed_in_page(ctx, &svc, "/consult/propose");
    };
    let d = Draft {
        target: q.get("target").cloned().unwrap_or_default(),
        ..Draft::default()
    };
    propose_form(ctx, &svc, &s, &d, None, StatusCode::OK)
}

/// `POST /consult/propose`: records the proposal (then it waits for moderation).
pub async fn propose(
    State(state): State<AppState>,
    Served(svc): Served,
    FormWrite {
        who: s,
        body: form,
        ctx,
    }: FormWrite<Session>,
) -> Response {
    let tr = ctx.tr();
    let get = |k: &str| form.text(k).to_owned();
    let d = Draft {
        target: get("target"),
        lang: get("lang"),
        text: get("text").replace("\r\n", "\n"),
        rationale: get("rationale").replace("\r\n", "\n"),
    };
    let Some(act) = svc.open_draft() else {
        return message_page(
            ctx,
            StatusCode::NOT_FOUND,
            &tr.t("consult-propose"),
            &tr.t("consult-no-versions"),
        );
    };
    let bad = |key: &str| {
        propose_form(
            ctx,
            &svc,
            &s,
            &d,
            Some(tr.t(key).into_owned()),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let target = match d.target.strip_prefix("new:") {
        Some(after) if act.find(after).is_some() => ProposalTarget::NewArticle {
            after: Some(after.to_owned()),
        },
        None if act.find(&d.target).is_some() => ProposalTarget::Unit {
            eid: d.target.clone(),
        },
        _ => return bad("consult-error-target"),
    };
    let Some(lang) = TextLang::parse(&d.lang) else {
        return bad("consult-error-lang");
    };
    let chars = d.text.trim().chars().count();
    if !(10..=MAX_TEXT).contains(&chars) {
        return bad("consult-error-text");
    }
    if d.rationale.chars().count() > MAX_TEXT {
        return bad("consult-error-rationale");
    }
    let author = s.citizen.clone();
    let (text, rationale) = (d.text.trim().to_owned(), d.rationale.trim().to_owned());
    let result = record(&state, &svc, ctx, move |c| {
        Ok(ConsultEvent::ProposalSubmitted {
            id: c.next_proposal_id(),
            author: author.clone(),
            target: target.clone(),
            lang,
            text: text.clone(),
            rationale: rationale.clone(),
        })
    })
    .await;
    match result {
        Ok(entry) => match entry.event {
            ConsultEvent::ProposalSubmitted { id, .. } => {
                tracing::info!(proposal = %id, "proposal submitted");
                see_other(&format!("/consult/proposals/{}?submitted=1", id.0), &[])
            }
            _ => see_other("/consult/proposals", &[]),
        },
        Err(page) => page,
    }
}

/// Records a citizen's command on the write runtime (`writes::citizen_write`): the entry, or
/// the page that says why nothing was recorded.
async fn record<F>(
    state: &AppState,
    svc: &Arc<ConsultService>,
    ctx: Ctx,
    decide: F,
) -> Result<ConsultEntry, Response>
where
    F: Fn(&Consultation) -> Result<ConsultEvent, ConsultError> + Send + 'static,
{
    match citizen_write(state, svc, decide).await {
        Ok(Ok(entry)) => Ok(entry),
        Ok(Err(e)) => Err(failure(ctx, e)),
        Err(p) => {
            tracing::error!(error = %p.detail, "a consultation command was interrupted");
            Err(unavailable(ctx))
        }
    }
}

/// [`record`], then back to the page at `back`.
async fn record_and_return<F>(
    state: &AppState,
    svc: &Arc<ConsultService>,
    ctx: Ctx,
    back: String,
    decide: F,
) -> Response
where
    F: Fn(&Consultation) -> Result<ConsultEvent, ConsultError> + Send + 'static,
{
    match record(state, svc, ctx, decide).await {
        Ok(_) => see_other(&back, &[]),
        Err(page) => page,
    }
}

/// The page for a command the store could not record.
fn unavailable(ctx: Ctx) -> Response {
    let tr = ctx.tr();
    message_page(
        ctx,
        StatusCode::SERVICE_UNAVAILABLE,
        &tr.t("consult-unavailable"),
        &tr.t("consult-unavailable-body"),
    )
}

/// The page for a command the rules or the store refused.
pub(crate) fn failure(ctx: Ctx, e: SecretariatError) -> Response {
    let tr = ctx.tr();
    match e {
        SecretariatError::Refused(ConsultError::NotFound(_)) => no_proposal(ctx),
        SecretariatError::Refused(r) => message_page(
            ctx,
            StatusCode::CONFLICT,
            &tr.t("consult-refused"),
            &r.to_string(),
        ),
        other => {
            tracing::error!(error = %other, "a consultation command could not be recorded");
            unavailable(ctx)
        }
    }
}

/// `POST /consult/proposals/{id}/support`: one support per person.
pub async fn support(
    State(state): State<AppState>,
    Served(svc): Served,
    ProposalPath(id): ProposalPath,
    FormWrite { who: s, ctx, .. }: FormWrite<Session>,
) -> Response {
    let by = s.citizen.clone();
    // The usual refusals in the reader's language (the rules check them again when recording).
    let refusal = {
        let c = svc.consultation();
        match c.proposals.get(&id) {
            None => return no_proposal(ctx),
            Some(p) if p.author == by => Some("consult-own-proposal"),
            Some(_) if c.supports(id, &by) => Some("consult-you-support"),
            Some(p)
                if !matches!(
                    p.status(),
                    ProposalStatus::Published | ProposalStatus::OnAgenda { .. }
                ) =>
            {
                Some("consult-not-open")
            }
            Some(_) => None,
        }
    };
    if let Some(key) = refusal {
        let tr = ctx.tr();
        return message_page(
            ctx,
            StatusCode::CONFLICT,
            &tr.t("consult-refused"),
            &tr.t(key),
        );
    }
    let back = format!("/consult/proposals/{}?supported=1", id.0);
    record_and_return(&state, &svc, ctx, back, move |_| {
        Ok(ConsultEvent::ProposalSupported { id, by: by.clone() })
    })
    .await
}

/// `POST /consult/proposals/{id}/withdraw`: the author withdraws.
pub async fn withdraw(
    State(state): State<AppState>,
    Served(svc): Served,
    ProposalPath(id): ProposalPath,
    FormWrite { who: s, ctx, .. }: FormWrite<Session>,
) -> Response {
    let by = s.citizen.clone();
    let back = format!("/consult/proposals/{}", id.0);
    record_and_return(&state, &svc, ctx, back, move |_| {
        Ok(ConsultEvent::ProposalWithdrawn { id, by: by.clone() })
    })
    .await
}

/// `POST /consult/proposals/{id}/moderate`: publish, or refuse with a reason.
pub async fn moderate(
    State(state): State<AppState>,
    Served(svc): Served,
    ProposalPath(id): ProposalPath,
    FormWrite {
        who: s,
        body: form,
        ctx,
    }: FormWrite<Session>,
) -> Response {
    let tr = ctx.tr();
    if !svc.is_moderator(&s.citizen) {
        return message_page(
            ctx,
            StatusCode::FORBIDDEN,
            &tr.t("consult-form-refused"),
            &tr.t("consult-not-moderator"),
        );
    }
    let moderator = format!("moderator {}", s.citizen);
    let detail = form
        .get("detail")
        .map(|d| d.trim().to_owned())
        .unwrap_or_default();
    let event = match form.get("action") {
        Some("publish") => ConsultEvent::ProposalPublished { id, moderator },
        Some("reject") => {
            let reason = match form.get("reason") {
                Some("off_topic") => ModerationReason::OffTopic,
                Some("abusive") => ModerationReason::Abusive,
                Some("personal_data") => ModerationReason::PersonalData,
                Some("spam") => ModerationReason::Spam,
                Some("duplicate") => match parse_proposal_id(&detail) {
                    Some(of) => ModerationReason::Duplicate { of },
                    None => {
                        return message_page(
                            ctx,
                            StatusCode::UNPROCESSABLE_ENTITY,
                            &tr.t("consult-refused"),
                            &tr.t("consult-error-duplicate"),
                        );
                    }
                },
                Some("other") if !detail.is_empty() => ModerationReason::Other {
                    text: detail.chars().take(500).collect(),
                },
                _ => {
                    return message_page(
                        ctx,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        &tr.t("consult-refused"),
                        &tr.t("consult-error-reason"),
                    );
                }
            };
            ConsultEvent::ProposalRejected {
                id,
                moderator,
                reason,
            }
        }
        _ => {
            return message_page(
                ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                &tr.t("consult-refused"),
                &tr.t("consult-error-action"),
            );
        }
    };
    match record(&state, &svc, ctx, move |_| Ok(event.clone())).await {
        Ok(_) => {
            tracing::info!(proposal = %id, "proposal moderated");
            see_other("/consult/moderation", &[])
        }
        Err(page) => page,
    }
}

/// `GET /consult/moderation`: the proposals waiting for moderation.
pub async fn moderation(Served(svc): Served, ctx: Ctx, headers: HeaderMap) -> Response {
    let tr = ctx.tr();
    let Some(s) = svc.session(&headers).await else {
        return not_signed_in_page(ctx, &svc, "/consult/moderation");
    };
    if !svc.is_moderator(&s.citizen) {
        return message_page(
            ctx,
            StatusCode::FORBIDDEN,
            &tr.t("consult-moderation"),
            &tr.t("consult-not-moderator"),
        );
    }
    let body = {
        let c = svc.consultation();
        let waiting: Vec<&Proposal> = c
            .proposals
            .values()
            .filter(|p| *p.status() == ProposalStatus::Submitted)
            .collect();
        html! {
            h1 { (tr.t("consult-moderation")) }
            p { (tr.t("consult-moderation-intro")) }
            @if waiting.is_empty() {
                p { (tr.t("consult-moderation-empty")) }
            }
            @for p in waiting {
                section.queue aria-labelledby=(format!("q-{}", p.id.0)) {
                    h2 id=(format!("q-{}", p.id.0)) { a href=(format!("/consult/proposals/{}", p.id.0)) { (p.id) } }
                    p.meta {
                        (target_markup(tr, &p.target, None))
                        " · " (i18n::Lang::parse(p.lang.code()).map_or(p.lang.code(), |l| l.endonym()))
                        @if let Some(first) = p.timeline.first() { " · " (when(ctx.lang, &first.at)) }
                    }
                    blockquote lang=(p.lang.code()) { (p.text) }
                    @if !p.rationale.is_empty() {
                        p { strong { (tr.t("consult-rationale")) ": " } span lang=(p.lang.code()) { (p.rationale) } }
                    }
                    (moderation_form(tr, &s, p.id))
                }
            }
        }
    };
    let page = Page::new(
        tr.t("consult-moderation"),
        Section::Consultation,
        "/consult/moderation",
    )
    .crumbs(vec![(
        tr.t("consult-title").into_owned(),
        "/consult".into(),
    )]);
    consult_page(ctx, &svc, Some(&s), &page, body)
}
