//! The decisions on a referendum's dashboard: accept a protocol held for review (as an
//! amendment) or dismiss it, each with a reason; certify the final result.

use ashyq_core::operator::Action;
use ashyq_core::referendum::ReferendumId;
use ashyq_core::territory::PrecinctId;
use axum::extract::{Path, State};
use axum::response::Response;

use super::flash::{Note, Tone, after_write, done, refused};
use crate::AppState;
use crate::auth::{self, SignedIn};
use crate::problem::Problem;
use crate::web::form::{Fields, FormWrite};
use crate::web::i18n::{Arg, Tr};

/// The precinct number of a form, or the note that says what is wrong with it.
pub(super) fn form_precinct(tr: Tr, fields: &Fields) -> Result<PrecinctId, Note> {
    let text = fields.text("precinct").trim();
    text.parse::<u32>().map(PrecinctId).map_err(|_| Note {
        tone: Tone::Refused,
        text: tr
            .a(
                "portal-bad-precinct",
                &[("text", Arg::S(text.chars().take(20).collect()))],
            )
            .into_owned(),
        detail: None,
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
        Err(note) => return after_write(&who, &back, vec![note]),
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
    if let Err(p) = auth::authorize(&state, &who, &action, &detail).await {
        return after_write(&who, &back, vec![refused(refused_text, &p)]);
    }
    let rid = ReferendumId(id.clone());
    let author = who.author();
    let result: Result<u64, Problem> = async {
        if reason.is_empty() {
            return Err(Problem::bad_request(
                "give the reason for this decision (for example: the district commission ordered a recount); it is published in the precinct's history",
            ));
        }
        if accept {
            let open = state
                .registrar
                .ledger()
                .open_conflicts(&rid)?
                .find(|c| c.protocol.precinct == precinct && c.receipt.protocol_hash == hash)
                .cloned();
            let c = open.ok_or_else(|| {
                Problem::not_found(format!(
                    "precinct {precinct} has no protocol held for review with hash {hash}: it may have been decided already; reload the dashboard"
                ))
            })?;
            let reg = state.registrar.clone();
            let r = tokio::spawn(async move {
                match c.receipt.signature {
                    Some(sig) => reg.amend_signed(c.protocol, sig, &reason, author).await,
                    None => reg.amend(c.protocol, &reason, author).await,
                }
            })
            .await
            .map_err(|e| Problem::unavailable(format!("the write was interrupted ({e}); send it again")))?;
            Ok(r?.seq)
        } else {
            let reg = state.registrar.clone();
            let r = tokio::spawn(async move {
                reg.dismiss_conflict(&rid, precinct, &hash, &reason, author).await
            })
            .await
            .map_err(|e| Problem::unavailable(format!("the write was interrupted ({e}); send it again")))?;
            Ok(r?.seq)
        }
    }
    .await;
    auth::audit(&state, &who, action, &detail, result.as_ref().map(drop)).await;
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
    after_write(&who, &back, vec![note])
}

pub(super) async fn certify(
    State(state): State<AppState>,
    Path(id): Path<String>,
    FormWrite { who, ctx, .. }: FormWrite<SignedIn>,
) -> Response {
    let tr = ctx.tr();
    let back = format!("/portal/r/{id}");
    let action = Action::CertifyResult;
    let detail = format!("certify {id} (portal)");
    if let Err(p) = auth::authorize(&state, &who, &action, &detail).await {
        return after_write(
            &who,
            &back,
            vec![refused(tr.t("portal-cert-refused").into_owned(), &p)],
        );
    }
    let rid = ReferendumId(id.clone());
    let author = who.author();
    let reg = state.registrar.clone();
    let result = tokio::spawn(async move { reg.certify(&rid, author).await })
        .await
        .map_err(|e| {
            Problem::unavailable(format!("the write was interrupted ({e}); send it again"))
        })
        .and_then(|r| r.map_err(Problem::from));
    auth::audit(&state, &who, action, &detail, result.as_ref().map(drop)).await;
    let note = match result {
        Ok(e) => done(
            tr.a("portal-certified", &[("seq", Arg::S(e.seq.to_string()))])
                .into_owned(),
        ),
        Err(p) => refused(tr.t("portal-cert-refused").into_owned(), &p),
    };
    after_write(&who, &back, vec![note])
}
