//! The outcome of a write, shown once on the page the operator is sent back to: a
//! short-lived note kept in memory under a random id named by the `ashyq_flash` cookie.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use axum::response::Response;
use maud::{Markup, html};

use crate::auth::SignedIn;
use crate::problem::Problem;
use crate::web::ctx::see_other;
use crate::web::i18n::Tr;

/// The cookie naming the note to show after a redirect.
pub(super) const FLASH_COOKIE: &str = "ashyq_flash";

/// How a note reads: done, or refused.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Tone {
    Done,
    /// Recorded, but held for review (a conflict).
    Held,
    Refused,
}

/// One line of the outcome of a write, already in the operator's language.
#[derive(Clone)]
pub(super) struct Note {
    tone: Tone,
    text: String,
    /// The server's reason, as the API states it.
    detail: Option<String>,
}

pub(super) struct Flash {
    owner: String,
    at: Instant,
    notes: Vec<Note>,
}

/// Notes waiting for their page, by random id. In memory: after a restart (or on another
/// instance behind a balancer) the note is lost, never the write it reports.
pub(super) static FLASHES: LazyLock<Mutex<HashMap<String, Flash>>> = LazyLock::new(Mutex::default);

pub(super) const FLASH_LIFETIME: Duration = Duration::from_secs(300);

pub(super) fn put_flash(owner: &str, notes: Vec<Note>) -> String {
    use rand::RngCore as _;
    let mut rng = rand::TryRngCore::unwrap_err(rand::rngs::OsRng);
    let mut id = [0u8; 16];
    rng.fill_bytes(&mut id);
    let id = hex::encode(id);
    let mut map = FLASHES.lock().unwrap_or_else(|p| p.into_inner());
    map.retain(|_, f| f.at.elapsed() < FLASH_LIFETIME);
    if map.len() < 100_000 {
        map.insert(
            id.clone(),
            Flash {
                owner: owner.to_owned(),
                at: Instant::now(),
                notes,
            },
        );
    }
    format!(
        "{FLASH_COOKIE}={id}; Path=/portal; Max-Age=300; HttpOnly; SameSite=Strict",
        id = id
    )
}

/// The notes for this request's flash cookie, if they are this operator's.
pub(super) fn take_flash(headers: &HeaderMap, owner: &str) -> Vec<Note> {
    let Some(id) = crate::cookies::cookie(headers, FLASH_COOKIE) else {
        return Vec::new();
    };
    let mut map = FLASHES.lock().unwrap_or_else(|p| p.into_inner());
    match map.remove(id) {
        Some(f) if f.owner == owner && f.at.elapsed() < FLASH_LIFETIME => f.notes,
        _ => Vec::new(),
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
pub(super) fn after_write(who: &SignedIn, location: &str, notes: Vec<Note>) -> Response {
    let cookie = put_flash(&who.account.name, notes);
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
