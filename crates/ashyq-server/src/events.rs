//! Server-Sent Events: one `progress` event whenever the log's head moves (coalesced: a slow
//! reader gets the latest state, not every step), so a page or a script can follow the count
//! live without polling.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::{Stream, StreamExt};
use tokio_stream::wrappers::WatchStream;

use crate::AppState;
use crate::read::progress;

/// One Server-Sent Event as a client parses it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ProgressEvent {
    /// Always `progress`.
    pub event: String,
    /// The log head's sequence number.
    pub id: String,
    /// JSON: `{"seq", "head", "referendums": [{id, status, precincts, precincts_reported,
    /// open_conflicts}], "elections": […], "presidential": […]}`.
    pub data: String,
}

/// A stream of `progress` events: `{"seq", "head", "referendums": [{id, status, precincts,
/// precincts_reported, open_conflicts}], "elections": […], "presidential": […]}` (party-list
/// elections and presidential rounds alike), the first one at once.
#[utoipa::path(get, path = "/api/v1/events", tag = "results",
    responses((status = 200, description = "text/event-stream of `progress` events, one per new log head", content_type = "text/event-stream", body = ProgressEvent)))]
pub async fn events(
    State(state): State<AppState>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let changes = WatchStream::new(state.registrar.subscribe());
    let stream = changes.map(move |_| {
        let (seq, body) = progress(&state);
        Ok(Event::default()
            .event("progress")
            .id(seq.to_string())
            .data(String::from_utf8_lossy(&body)))
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
