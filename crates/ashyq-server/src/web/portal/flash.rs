//! The outcome of a write, shown once on the page the operator is sent back to: a
//! short-lived note kept in the database (`ashyq_store::shared_state`, so the page may come
//! from another instance) under the digest of a random id named by the `ashyq_flash` cookie.

use std::time::Duration;

use ashyq_store::shared_state::StateKind;
use axum::http::HeaderMap;
use axum::response::Response;
use maud::{Markup, html};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::AppState;
use crate::auth::SignedIn;
use crate::problem::Problem;
use crate::web::ctx::see_other;
use crate::web::i18n::Tr;

/// The cookie naming the note to show after a redirect.
pub(super) const FLASH_COOKIE: &str = "ashyq_flash";

/// How a note reads: done, or refused.
#[derive(Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum Tone {
    Done,
    /// Recorded, but held for review (a conflict).
    Held,
    Refused,
}

/// One line of the outcome of a write, already in the operator's language.
#[derive(Clone, Serialize, Deserialize)]
pub(super) struct Note {
    tone: Tone,
    text: String,
    /// The server's reason, as the API states it.
    detail: Option<String>,
}

/// What is stored: the notes and whose they are.
#[derive(Serialize, Deserialize)]
struct Flash {
    owner: String,
    notes: Vec<Note>,
}

const FLASH_LIFETIME: Duration = Duration::from_secs(300);

fn flash_digest(id: &str) -> String {
    hex::encode(Sha256::digest(id.as_bytes()))
}

/// Stores the notes for `owner` and answers the cookie that names them. A note that cannot
/// be stored is lost (and logged), never the write it reports.
async fn put_flash(state: &AppState, owner: &str, notes: Vec<Note>) -> String {
    use rand::RngCore as _;
    let mut rng = rand::TryRngCore::unwrap_err(rand::rngs::OsRng);
    let mut id = [0u8; 16];
    rng.fill_bytes(&mut id);
    let id = hex::encode(id);
    let flash = Flash {
        owner: owner.to_owned(),
        notes,
    };
    let expires = chrono::Utc::now().timestamp_millis()
        + i64::try_from(FLASH_LIFETIME.as_millis()).unwrap_or(0);
    let stored = match serde_json::to_string(&flash) {
        Ok(json) => state
            .registrar
            .store()
            .put_state(StateKind::Flash, &flash_digest(&id), &json, expires)
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    if let Err(e) = stored {
        tracing::error!("the note after a portal write could not be kept: {e}");
    }
    format!(
        "{FLASH_COOKIE}={id}; Path=/portal; Max-Age={}; HttpOnly; SameSite=Strict",
        FLASH_LIFETIME.as_secs()
    )
}

/// The notes for this request's flash cookie, if they are this operator's (taken once).
pub(super) async fn take_flash(state: &AppState, headers: &HeaderMap, owner: &str) -> Vec<Note> {
    let Some(id) = crate::cookies::cookie(headers, FLASH_COOKIE) else {
        return Vec::new();
    };
    let now = chrono::Utc::now().timestamp_millis();
    let taken = state
        .registrar
        .store()
        .take_state(StateKind::Flash, &flash_digest(id), now)
        .await;
    match taken {
        Ok(Some(json)) => match serde_json::from_str::<Flash>(&json) {
            Ok(f) if f.owner == owner => f.notes,
            _ => Vec::new(),
        },
        Ok(None) => Vec::new(),
        Err(e) => {
            tracing::error!("the note after a portal write could not be read: {e}");
            Vec::new()
        }
    }
}

pub(super) const CLEAR_FLASH: &str =
    "ashyq_flash=; Path=/portal; Max-Age=0; HttpOnly; SameSite=Strict";

pub(super) fn notes_markup(tr: Tr, notes: &[Note]) -> Markup {
    html! {
        @for n in notes {
            @match n.tone {
                Tone::Done => div.note.done role="status" {
                    p { strong { (tr.t("portal-done")) } " " (n.text) }
                    @if let Some(d) = &n.detail { p.detail { (d) } }
                },
                Tone::Held => div.note.held role="alert" {
                    p { strong { (tr.t("portal-held")) } " " (n.text) }
                    @if let Some(d) = &n.detail { p.detail { (d) } }
                },
                Tone::Refused => div.note.refused role="alert" {
                    p { strong { (tr.t("portal-refused")) } " " (n.text) }
                    @if let Some(d) = &n.detail { p.detail { (d) } }
                },
            }
        }
    }
}

/// Records the outcome of a write for the next page and sends the operator back there.
pub(super) async fn after_write(
    state: &AppState,
    who: &SignedIn,
    location: &str,
    notes: Vec<Note>,
) -> Response {
    let cookie = put_flash(state, &who.account.name, notes).await;
    see_other(location, &[cookie])
}

impl Note {
    /// A note in `tone`, without a reason of the server's.
    pub(super) fn new(tone: Tone, text: impl Into<String>) -> Note {
        Note {
            tone,
            text: text.into(),
            detail: None,
        }
    }

    /// The same note with the server's reason.
    pub(super) fn because(self, detail: impl Into<String>) -> Note {
        Note {
            detail: Some(detail.into()),
            ..self
        }
    }
}

/// A refusal, with the server's reason.
pub(super) fn refused(text: String, p: &Problem) -> Note {
    Note::new(Tone::Refused, text).because(p.detail.clone())
}

/// A write done.
pub(super) fn done(text: String) -> Note {
    Note::new(Tone::Done, text)
}
