//! The one write path. Every write runs to completion in a task of its own on a runtime kept
//! for writes ([`run`] on [`WriteExecutor`]): a client that disconnects half-way cannot cancel
//! a write between the in-memory decision and the database commit, and readers cannot starve
//! writers. An operator's write is authorised before (the role check, `auth::authorize`) and
//! audited after (`auth::audit`, done or refused) by [`operator_write`]; a citizen's command is
//! recorded in the consultation's log by [`citizen_write`]. The JSON API, the portal and the
//! consultation's forms all write through here.

use std::future::Future;
use std::sync::Arc;

use ashyq_core::author::Author;
use ashyq_core::consult::{ConsultEntry, ConsultError, ConsultEvent, Consultation};
use ashyq_core::contest::ContestId;
use ashyq_core::ledger::OpenConflict;
use ashyq_core::operator::Action;
use ashyq_core::protocol::PrecinctProtocol;
use ashyq_core::receipt::Receipt;
use ashyq_core::signed::ProtocolSignature;
use ashyq_core::territory::PrecinctId;
use ashyq_store::registrar::Registrar;
use ashyq_store::secretariat::SecretariatError;

use crate::AppState;
use crate::auth::{self, SignedIn};
use crate::consult::ConsultService;
use crate::problem::Problem;

/// A runtime of its own for writes (one worker thread). Readers polling the results keep the
/// main runtime's queue full; a write waiting in that queue at each of its steps — queueing,
/// the group commit, the database round trips — would take a queue's turn per step, and a
/// crowd of readers would starve the commissions sending protocols. On its own runtime a
/// write's steps follow one another at once; only its hand-over and its answer cross over.
pub(crate) struct WriteExecutor(Option<tokio::runtime::Runtime>);

impl WriteExecutor {
    pub(crate) fn new() -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("ashyq-writes")
            .enable_all()
            .build();
        if let Err(e) = &rt {
            tracing::warn!("no runtime of its own for writes ({e}); writes share the main one");
        }
        WriteExecutor(rt.ok())
    }

    /// Runs `f` to completion on the write runtime (or, without one, as a task here).
    pub(crate) fn spawn<F>(&self, f: F) -> tokio::task::JoinHandle<F::Output>
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match &self.0 {
            Some(rt) => rt.spawn(f),
            None => tokio::spawn(f),
        }
    }
}

impl Drop for WriteExecutor {
    fn drop(&mut self) {
        // Dropped when the server stops, possibly inside the async context that ran it, where
        // a blocking shutdown is not allowed.
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

/// Runs `write` to completion on the write runtime and waits for its outcome.
pub(crate) async fn run<T, F>(state: &AppState, write: F) -> Result<T, Problem>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    #[cfg(test)]
    let write = {
        let registrar = Arc::as_ptr(&state.registrar) as usize;
        async move {
            probe::record(registrar);
            write.await
        }
    };
    let _timer = crate::ops::WriteTimer::start(&state.metrics);
    state.writes.spawn(write).await.map_err(|e| {
        Problem::unavailable(format!("the write was interrupted ({e}); send it again"))
    })
}

/// An operator's write: `who` must be allowed `action` (a refusal is audited and answered),
/// then `write` runs on the write runtime with the registrar, then its outcome is audited with
/// `detail`.
pub(crate) async fn operator_write<T, F>(
    state: &AppState,
    who: &SignedIn,
    action: Action,
    detail: &str,
    write: impl FnOnce(Arc<Registrar>) -> F,
) -> Result<T, Problem>
where
    F: Future<Output = Result<T, Problem>> + Send + 'static,
    T: Send + 'static,
{
    auth::authorize(state, who, &action, detail).await?;
    let result = run(state, write(state.registrar.clone()))
        .await
        .and_then(|r| r);
    auth::audit(state, who, action, detail, result.as_ref().map(drop)).await;
    result
}

/// A citizen's command, decided and recorded in the consultation's log on the write runtime
/// (see `ConsultService::record`). `Err` when the write itself was lost; the inner result is
/// the consultation's answer.
pub(crate) async fn citizen_write<F>(
    state: &AppState,
    svc: &Arc<ConsultService>,
    decide: F,
) -> Result<Result<ConsultEntry, SecretariatError>, Problem>
where
    F: Fn(&Consultation) -> Result<ConsultEvent, ConsultError> + Send + 'static,
{
    let svc = svc.clone();
    run(state, async move { svc.record(decide).await }).await
}

/// The protocol held for review at `precinct` with `hash`, if there is one (`Err`: no such
/// referendum).
pub(crate) fn held_for_review(
    reg: &Registrar,
    rid: &ContestId,
    precinct: PrecinctId,
    hash: &str,
) -> Result<Option<OpenConflict>, Problem> {
    Ok(reg
        .ledger()
        .open_conflicts(rid)?
        .find(|c| c.protocol.precinct == precinct && c.receipt.protocol_hash == hash)
        .cloned())
}

/// Applies `protocol` as an amendment: with its commission's signature when it has one (a
/// version held for review keeps it), else as the operator's numbers.
pub(crate) async fn amend_protocol(
    reg: &Registrar,
    protocol: PrecinctProtocol,
    signature: Option<ProtocolSignature>,
    reason: &str,
    author: Author,
) -> Result<Receipt, Problem> {
    match signature {
        Some(sig) => reg.amend_signed(protocol, sig, reason, author).await,
        None => reg.amend(protocol, reason, author).await,
    }
    .map_err(Problem::from)
}

/// Which threads the writes of a test ran on.
#[cfg(test)]
pub(crate) mod probe {
    use std::sync::Mutex;

    /// The thread name of every write, with the registrar it wrote to (its address: tests run
    /// side by side in one process, each with its own registrar).
    static THREADS: Mutex<Vec<(usize, Option<String>)>> = Mutex::new(Vec::new());

    /// Notes the current thread's name, inside a write to `registrar`.
    pub(crate) fn record(registrar: usize) {
        let name = std::thread::current().name().map(str::to_owned);
        THREADS
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((registrar, name));
    }

    /// The names noted for `registrar` since the last call, forgotten.
    pub(crate) fn take(registrar: usize) -> Vec<Option<String>> {
        let mut all = THREADS.lock().unwrap_or_else(|p| p.into_inner());
        let (mine, others) = all.drain(..).partition(|(r, _)| *r == registrar);
        *all = others;
        mine.into_iter().map(|(_, name)| name).collect()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Arc;

    use ashyq_core::consult::{CitizenRef, ConsultEvent, ProposalTarget};
    use ashyq_core::contest::ContestId;
    use ashyq_core::iin::DigestKey;
    use ashyq_core::legal::Lang;
    use ashyq_core::operator::{Role, hash_password};
    use ashyq_core::protocol::ProtocolLines;
    use ashyq_core::referendum::presets;
    use ashyq_core::territory::generate::{TerritorySpec, generate};
    use ashyq_core::{profile, scenario};
    use ashyq_store::registrar::Registrar;
    use ashyq_store::secretariat::Secretariat;
    use ashyq_store::testing::TestDb;
    use rand::SeedableRng;

    use super::probe;
    use crate::consult::{ConsultConfig, ConsultService};
    use crate::dev_idp::DevIdp;

    /// A client that keeps the cookies it is given and follows no redirect.
    struct Client {
        http: reqwest::Client,
        base: String,
        cookies: HashMap<String, String>,
    }

    impl Client {
        fn url(&self, path: &str) -> String {
            if path.starts_with("http") {
                path.to_owned()
            } else {
                format!("{}{path}", self.base)
            }
        }

        async fn send(&mut self, req: reqwest::RequestBuilder) -> (u16, String, String) {
            let cookies: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            let res = req
                .header("cookie", cookies.join("; "))
                .send()
                .await
                .unwrap();
            for c in res.headers().get_all("set-cookie") {
                let (pair, _) = c.to_str().unwrap().split_once(';').unwrap();
                let (k, v) = pair.split_once('=').unwrap();
                self.cookies.insert(k.to_owned(), v.to_owned());
            }
            let status = res.status().as_u16();
            let location = res
                .headers()
                .get("location")
                .map_or("", |v| v.to_str().unwrap())
                .to_owned();
            (status, location, res.text().await.unwrap())
        }

        async fn get(&mut self, path: &str) -> (u16, String, String) {
            let req = self.http.get(self.url(path));
            self.send(req).await
        }

        async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> (u16, String, String) {
            let req = self.http.post(self.url(path)).form(form);
            self.send(req).await
        }
    }

    /// The value of hidden field `name` in a page.
    fn hidden<'a>(page: &'a str, name: &str) -> &'a str {
        let at = page
            .find(&format!("name=\"{name}\" value=\""))
            .unwrap_or_else(|| panic!("no field {name} in {page}"));
        let rest = &page[at + name.len() + 15..];
        &rest[..rest.find('"').unwrap()]
    }

    /// The hidden fields of the first form of a page, unescaped enough for the dev provider's.
    fn hidden_fields(page: &str) -> Vec<(String, String)> {
        page.split("<input type=\"hidden\" name=\"")
            .skip(1)
            .map(|part| {
                let (name, rest) = part.split_once('"').unwrap();
                let value = rest
                    .split_once("value=\"")
                    .unwrap()
                    .1
                    .split_once('"')
                    .unwrap()
                    .0;
                (name.to_owned(), value.replace("&amp;", "&"))
            })
            .collect()
    }

    /// The thread of every write noted for `registrar`, which must be at least one and all on
    /// the write runtime.
    fn assert_on_write_runtime(registrar: &Arc<Registrar>, what: &str) {
        let threads = probe::take(Arc::as_ptr(registrar) as usize);
        assert!(
            !threads.is_empty(),
            "{what}: no write ran through writes::run"
        );
        for t in &threads {
            assert!(
                t.as_deref().is_some_and(|n| n.starts_with("ashyq-writes")),
                "{what} ran on thread {t:?}, not on the write runtime"
            );
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn portal_api_and_consultation_writes_run_on_the_write_runtime() {
        let db = TestDb::sqlite();
        let registrar = Arc::new(Registrar::open(&db.url).await.unwrap());
        let territory = generate(&profile::kz(), &TerritorySpec::default()).unwrap();
        let protocol = scenario::referendum_2026(&territory, 3).unwrap().remove(0);
        registrar.load_territory(territory).await.unwrap();
        registrar
            .create_referendum(presets::kz_2026())
            .await
            .unwrap();
        let mut rng = rand_chacha::ChaCha20Rng::from_seed([7; 32]);
        let password = "correct horse battery staple";
        registrar
            .store()
            .create_operator(
                "cec",
                &Role::CentralOperator,
                &hash_password(password, &mut rng).unwrap(),
                "2026-03-01T00:00:00Z",
            )
            .await
            .unwrap();
        let secretariat = Arc::new(Secretariat::open(registrar.store().clone()).await.unwrap());
        let dev_idp = Arc::new(DevIdp::new().unwrap());
        let consult = ConsultService::new(
            secretariat,
            ConsultConfig {
                digest_key: DigestKey::from_bytes(&[0x33; 32]).unwrap(),
                identity_provider: Some(dev_idp.provider()),
                moderators: Vec::new(),
                public_url: None,
            },
        )
        .unwrap();
        // One published proposal, by someone else, for the citizen to support.
        let author = CitizenRef::of_subject(&DigestKey::from_bytes(&[1; 32]).unwrap(), "x", "y");
        let open = consult
            .record(|c| {
                Ok(ConsultEvent::ProposalSubmitted {
                    id: c.next_proposal_id(),
                    author: author.clone(),
                    target: ProposalTarget::NewArticle { after: None },
                    lang: Lang::Ru,
                    text: "Дополнить статьёй о публичных консультациях.".into(),
                    rationale: String::new(),
                })
            })
            .await
            .unwrap();
        let ConsultEvent::ProposalSubmitted { id: open, .. } = open.event else {
            panic!("{:?}", open.event)
        };
        consult
            .record(|_| {
                Ok(ConsultEvent::ProposalPublished {
                    id: open,
                    moderator: "a moderator".into(),
                })
            })
            .await
            .unwrap();
        let config = crate::ServerConfig {
            consult: Some(Arc::new(consult)),
            dev_idp: Some(dev_idp),
            ..crate::ServerConfig::default()
        };
        let (tx, rx) = tokio::sync::oneshot::channel();
        tokio::spawn(crate::serve_with(
            registrar.clone(),
            "127.0.0.1:0".parse().unwrap(),
            config,
            move |a| {
                let _ = tx.send(a);
            },
        ));
        let addr = rx.await.unwrap();
        let mut client = Client {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: format!("http://{addr}"),
            cookies: HashMap::new(),
        };
        probe::take(Arc::as_ptr(&registrar) as usize);

        // The portal: an operator enters a protocol from paper.
        let (status, _, _) = client
            .post(
                "/portal/sign-in",
                &[("name", "cec"), ("password", password)],
            )
            .await;
        assert_eq!(status, 303);
        let (status, _, page) = client.get("/portal/r/kz-2026/enter").await;
        assert_eq!(status, 200, "{page}");
        let token = hidden(&page, "form_token").to_owned();
        let precinct = protocol.precinct.0.to_string();
        let numbers: Vec<String> = protocol
            .lines
            .named()
            .iter()
            .map(|(_, n)| n.to_string())
            .collect();
        let mut form = vec![
            ("form_token", token.as_str()),
            ("step", "record"),
            ("precinct", precinct.as_str()),
        ];
        form.extend(
            ProtocolLines::FIELDS
                .iter()
                .copied()
                .zip(numbers.iter().map(String::as_str)),
        );
        let (status, location, body) = client.post("/portal/r/kz-2026/enter", &form).await;
        assert_eq!(
            (status, location.as_str()),
            (303, "/portal/r/kz-2026/enter"),
            "{body}"
        );
        let applied = registrar
            .ledger()
            .applied(&ContestId("kz-2026".into()), protocol.precinct)
            .unwrap()
            .map(|a| a.protocol.lines);
        assert_eq!(applied, Some(protocol.lines));
        assert_on_write_runtime(&registrar, "the portal's protocol entry");

        // The JSON API: certification, refused by the ledger (the result is not final) after
        // it ran as a write.
        let (status, _, body) = client
            .post("/api/v1/referendums/kz-2026/certification", &[])
            .await;
        assert_eq!(status, 422, "{body}");
        assert_on_write_runtime(&registrar, "the API's certification");

        // A consultation form: a citizen signed in through the development provider supports
        // a published proposal.
        let (status, authorize, _) = client.get("/consult/signin?return=/consult").await;
        assert_eq!(status, 303);
        let (_, _, page) = client.get(&authorize).await;
        let mut approval = hidden_fields(&page);
        approval.push(("subject".into(), "dev-citizen-c".into()));
        let approval: Vec<(&str, &str)> = approval
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let (status, callback, body) = client.post("/dev-idp/authorize", &approval).await;
        assert_eq!(status, 303, "{body}");
        let (status, _, body) = client.get(&callback).await;
        assert_eq!(status, 303, "{body}");
        let path = format!("/consult/proposals/{}", open.0);
        let (_, _, page) = client.get(&path).await;
        let csrf = hidden(&page, "csrf").to_owned();
        let (status, location, body) = client
            .post(&format!("{path}/support"), &[("csrf", csrf.as_str())])
            .await;
        assert_eq!(status, 303, "{body}");
        assert!(location.ends_with("?supported=1"), "{location}");
        assert_on_write_runtime(&registrar, "the consultation's support form");
    }
}
