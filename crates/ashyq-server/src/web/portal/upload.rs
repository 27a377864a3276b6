//! The upload of signed protocol files: each file parsed, authorised for its precinct,
//! submitted like `POST /api/v1/referendums/{id}/protocols` and audited, with an outcome per
//! file.

use ashyq_core::operator::Action;
use ashyq_core::receipt::ReceiptStatus;
use ashyq_core::signed::SignedProtocol;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;

use super::flash::{CLEAR_FLASH, Note, Tone, after_write, notes_markup};
use super::frame::{
    FORM_TOKEN, Operator, PortalReferendum, may_write, portal_nav, portal_page, referendum_frame,
    who_line,
};
use crate::AppState;
use crate::auth::SignedIn;
use crate::problem::Problem;
use crate::web::ctx::Ctx;
use crate::web::form::{FormBody, FormWrite};
use crate::web::i18n::Arg;
use crate::writes::operator_write;

/// The largest upload of signed protocol files at once (a signed protocol is about 1 KB).
pub const UPLOAD_LIMIT: usize = 2 * 1024 * 1024;

/// The most files one upload may carry.
pub(super) const MAX_FILES: usize = 200;

pub(super) async fn upload_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Operator { who, notes }: Operator,
    PortalReferendum { id, title }: PortalReferendum,
) -> Response {
    let ledger = state.registrar.ledger();
    let tr = ctx.tr();
    let body = html! {
        h1 { (tr.t("portal-upload-title")) }
        (who_line(tr, &who, ledger.territory()))
        (portal_nav(tr, &id, "upload"))
        (notes_markup(tr, &notes))
        p { (tr.t("portal-upload-intro")) }
        @if may_write(&who) {
            form.stack method="post" action=(format!("/portal/r/{id}/upload")) enctype="multipart/form-data" {
                input type="hidden" name=(FORM_TOKEN) value=(who.form_token());
                div.field {
                    label for="files" { (tr.t("portal-upload-files")) }
                    input #files name="files" type="file" multiple accept=".json,application/json" required aria-describedby="files-hint";
                    small #files-hint { (tr.t("portal-upload-hint")) }
                }
                button type="submit" { (tr.t("portal-upload-button")) }
            }
        } @else {
            p.note.info { (tr.t("portal-read-only")) }
        }
    };
    drop(ledger);
    let page = referendum_frame(
        tr,
        "portal-upload-title",
        format!("/portal/r/{id}/upload"),
        &id,
        title,
    );
    portal_page(ctx, StatusCode::OK, &page, body, &[CLEAR_FLASH])
}

/// An upload form: the form token and the files, read whole before any file is used.
pub(super) struct Upload {
    token: Option<String>,
    /// Each file's name and its text (or why it is not text).
    files: Vec<(String, Result<String, String>)>,
    /// More than [`MAX_FILES`] files were sent; the rest were left out.
    too_many: bool,
    /// Why the body could not be read to its end, if it could not.
    unreadable: Option<String>,
}

impl FormBody for Upload {
    async fn read(req: Request, state: &AppState) -> Result<Upload, Problem> {
        let mut multipart = Multipart::from_request(req, state).await.map_err(|_| {
            Problem::bad_request(
                "this is not a file upload (multipart/form-data); send the files with the upload form on this page",
            )
        })?;
        let mut up = Upload {
            token: None,
            files: Vec::new(),
            too_many: false,
            unreadable: None,
        };
        loop {
            let part = match multipart.next_field().await {
                Ok(Some(p)) => p,
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
                Err(e) => {
                    up.unreadable = Some(format!(
                        "{e}; send at most {} MB at once",
                        UPLOAD_LIMIT / (1024 * 1024)
                    ));
                    break;
                }
            };
            let name = part.name().unwrap_or("").to_owned();
            if name == FORM_TOKEN {
                up.token = part.text().await.ok();
                continue;
            }
            if name != "files" {
                continue;
            }
            let file_name: String = part.file_name().unwrap_or("").chars().take(80).collect();
            let bytes = part.bytes().await;
            if let Err(e) = &bytes
                && e.status() == StatusCode::PAYLOAD_TOO_LARGE
            {
                return Err(too_large());
            }
            if file_name.is_empty() && bytes.as_ref().is_ok_and(|b| b.is_empty()) {
                // The browser sends an empty part when no file was chosen.
                continue;
            }
            if up.files.len() >= MAX_FILES {
                up.too_many = true;
                continue;
            }
            let content = match bytes {
                Ok(b) => String::from_utf8(b.to_vec()).map_err(|_| {
                    "the file is not UTF-8 text: upload the .json file `ashyq protocol sign` wrote"
                        .to_owned()
                }),
                Err(e) => Err(e.to_string()),
            };
            up.files.push((file_name, content));
        }
        Ok(up)
    }

    fn field(&self, name: &str) -> Option<&str> {
        if name == FORM_TOKEN {
            self.token.as_deref()
        } else {
            None
        }
    }
}

/// An upload over [`UPLOAD_LIMIT`]: 413, as the API answers a body over its limit; the portal
/// shows it as a page with that status (`frame::problem_page`) and records nothing.
fn too_large() -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too-large",
        format!(
            "the upload is larger than {} MB; nothing was recorded: upload fewer files at once",
            UPLOAD_LIMIT / (1024 * 1024)
        ),
    )
}

pub(super) async fn upload(
    State(state): State<AppState>,
    Path(id): Path<String>,
    FormWrite {
        who,
        body: upload,
        ctx,
    }: FormWrite<SignedIn, Upload>,
) -> Response {
    let tr = ctx.tr();
    let back = format!("/portal/r/{id}/upload");
    if let Some(why) = upload.unreadable {
        let note = Note::new(Tone::Refused, tr.t("portal-upload-unreadable")).because(why);
        return after_write(&state, &who, &back, vec![note]).await;
    }
    let Upload {
        files, too_many, ..
    } = upload;
    let mut notes = Vec::new();
    if files.is_empty() {
        notes.push(Note::new(Tone::Refused, tr.t("portal-upload-none")));
    }
    for (name, content) in files {
        notes.push(upload_one(&state, ctx, &who, &id, &name, content).await);
    }
    if too_many {
        notes.push(Note::new(
            Tone::Refused,
            tr.a(
                "portal-upload-too-many",
                &[("max", Arg::S(MAX_FILES.to_string()))],
            ),
        ));
    }
    after_write(&state, &who, &back, notes).await
}

/// One uploaded file: parsed, authorized for its precinct, submitted like
/// `POST /api/v1/referendums/{id}/protocols`, audited.
pub(super) async fn upload_one(
    state: &AppState,
    ctx: Ctx,
    who: &SignedIn,
    id: &str,
    name: &str,
    content: Result<String, String>,
) -> Note {
    let tr = ctx.tr();
    let shown = if name.is_empty() {
        "—".to_owned()
    } else {
        name.to_owned()
    };
    let refused_note = |detail: String| {
        Note::new(
            Tone::Refused,
            tr.a("portal-file-refused", &[("file", Arg::S(shown.clone()))]),
        )
        .because(detail)
    };
    let content = match content {
        Ok(c) => c,
        Err(e) => return refused_note(e),
    };
    let document = match SignedProtocol::parse(&content) {
        Ok(d) => d,
        Err(e) => return refused_note(e.to_string()),
    };
    let st = &document.statement;
    if st.referendum.0 != id {
        return refused_note(format!(
            "the document is for referendum {}, not {id}; upload it on that referendum's page",
            st.referendum
        ));
    }
    let precinct = st.precinct;
    let action = Action::UploadSignedProtocol { precinct };
    let detail = format!(
        "upload the signed protocol of precinct {precinct} of {id}, version {} (file {shown:?})",
        st.version
    );
    let before = state.registrar.ledger().head().map_or(0, |(s, _)| s);
    let result = operator_write(state, who, action, &detail, |reg| async move {
        Ok(reg.submit_signed(&document).await??)
    })
    .await;
    let n = precinct.0.to_string();
    match result {
        Ok(receipt) => {
            let args = [
                ("file", Arg::S(shown.clone())),
                ("n", Arg::S(n)),
                ("seq", Arg::S(receipt.seq.to_string())),
            ];
            let (tone, key) = match receipt.status {
                _ if receipt.seq <= before => (Tone::Done, "portal-file-known"),
                ReceiptStatus::Conflict => (Tone::Held, "portal-file-conflict"),
                _ => (Tone::Done, "portal-file-accepted"),
            };
            Note::new(tone, tr.a(key, &args))
        }
        Err(p) => refused_note(p.detail),
    }
}
