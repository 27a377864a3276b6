//! The decisions on a referendum's dashboard: accept a protocol held for review (as an
//! amendment) or dismiss it, each with a reason; certify the final result.

use ashyq_core::contest::ContestId;
use ashyq_core::operator::Action;
use ashyq_core::territory::PrecinctId;
use axum::extract::{Path, State};
use axum::response::Response;

use super::flash::{Note, Tone, after_write, done, refused};
use crate::AppState;
use crate::auth::SignedIn;
use crate::problem::Problem;
use crate::web::form::{Fields, FormWrite};
use crate::web::i18n::{Arg, Tr};
use crate::writes::{amend_protocol, held_for_review, operator_write};

/// The precinct number of a form, or the note that says what is wrong with it.
pub(super) fn form_precinct(tr: Tr, fields: &Fields) -> Result<PrecinctId, Note> {
    let text = fields.text("precinct").trim();
    text.parse::<u32>().map(PrecinctId).map_err(|_| {
        Note::new(
            Tone::Refused,
            tr.a(
                "portal-bad-precinct",
                &[("text", Arg::S(text.chars().take(20).collect()))],
            ),
        )
    })
}

pub(super) async fn accept(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: FormWrite<SignedIn>,
) -> Response {
    review_write(state, id, form, true).await
}

pub(super) async fn dismiss(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: FormWrite<SignedIn>,
) -> Response {
    review_write(state, id, form, false).await
}

/// Accepts (as an amendment) or dismisses a protocol held for review.
async fn review_write(
    state: AppState,
    id: String,
    FormWrite {
        who,
        body: fields,
        ctx,
    }: FormWrite<SignedIn>,
    accept: bool,
) -> Response {
    let tr = ctx.tr();
    // No fragment: the outcome is shown at the top of the page, where the browser lands.
    let back = format!("/portal/r/{id}");
    let precinct = match form_precinct(tr, &fields) {
        Ok(p) => p,
        Err(note) => return after_write(&state, &who, &back, vec![note]).await,
    };
    let hash = fields.text("protocol_hash").trim().to_owned();
    let reason = fields.text("reason").trim().to_owned();
    let n = precinct.0.to_string();
    let (action, detail, done_key, refused_key) = if accept {
        (
            Action::AmendProtocol { precinct },
            format!(
                "accept {hash} as the protocol of precinct {precinct} of {id} (portal): {reason}"
            ),
            "portal-accepted",
            "portal-accept-refused",
        )
    } else {
        (
            Action::DismissConflict { precinct },
            format!("dismiss {hash} at precinct {precinct} of {id} (portal): {reason}"),
            "portal-dismissed",
            "portal-dismiss-refused",
        )
    };
    let refused_text = tr.a(refused_key, &[("n", Arg::S(n.clone()))]).into_owned();
    let rid = ContestId(id.clone());
    let author = who.author();
    let result = operator_write(&state, &who, action, &detail, |reg| async move {
        if reason.is_empty() {
            return Err(Problem::bad_request(
                "give the reason for this decision (for example: the district commission ordered a recount); it is published in the precinct's history",
            ));
        }
        if accept {
            let c = held_for_review(&reg, &rid, precinct, &hash)?.ok_or_else(|| {
                Problem::not_found(format!(
                    "precinct {precinct} has no protocol held for review with hash {hash}: it may have been decided already; reload the dashboard"
                ))
            })?;
            let receipt =
                amend_protocol(&reg, c.protocol, c.receipt.signature, &reason, author).await?;
            Ok(receipt.seq)
        } else {
            let entry = reg
                .dismiss_conflict(&rid, precinct, &hash, &reason, author)
                .await?;
            Ok(entry.seq)
        }
    })
    .await;
    let note = match result {
        Ok(seq) => done(
            tr.a(
                done_key,
                &[("n", Arg::S(n)), ("seq", Arg::S(seq.to_string()))],
            )
            .into_owned(),
        ),
        Err(p) => refused(refused_text, &p),
    };
    after_write(&state, &who, &back, vec![note]).await
}

pub(super) async fn certify(
    State(state): State<AppState>,
    Path(id): Path<String>,
    FormWrite { who, ctx, .. }: FormWrite<SignedIn>,
) -> Response {
    let tr = ctx.tr();
    let back = format!("/portal/r/{id}");
    let detail = format!("certify {id} (portal)");
    let rid = ContestId(id.clone());
    let author = who.author();
    let result = operator_write(
        &state,
        &who,
        Action::CertifyResult,
        &detail,
        |reg| async move { Ok(reg.certify(&rid, author).await?) },
    )
    .await;
    let note = match result {
        Ok(e) => done(
            tr.a("portal-certified", &[("seq", Arg::S(e.seq.to_string()))])
                .into_owned(),
        ),
        Err(p) => refused(tr.t("portal-cert-refused").into_owned(), &p),
    };
    after_write(&state, &who, &back, vec![note]).await
}
