//! The commission portal over HTTP, as a browser without JavaScript uses it: forms, cookies and
//! redirects, against the real server on a random loopback port, on SQLite and PostgreSQL.
//! Sign-in and sign-out, the form token, territorial scoping, accepting and dismissing
//! conflicts, uploading signed protocol files, the entry form (a broken control ratio, then a
//! good protocol) and certification (refused before the result is final, done after).

use std::net::SocketAddr;
use std::sync::Arc;

use ashyq_core::event::Author;
use ashyq_core::keys::{Commission, CommissionSigningKey, KeyEvent, KeyRegistered};
use ashyq_core::operator::{AuditOutcome, Role, TerritorialScope};
use ashyq_core::protocol::PrecinctProtocol;
use ashyq_core::referendum::ReferendumId;
use ashyq_core::signed::SignedProtocol;
use ashyq_core::territory::{PrecinctId, Territory};
use ashyq_server::ServerConfig;
use ashyq_store::registrar::Registrar;
use ashyq_store::testing::{self, TestDb};
use chrono::{TimeDelta, Utc};
use reqwest::StatusCode;

const PASSWORD: &str = "correct horse battery staple";
const ID: &str = "kz-2026";

mod common;

/// The server without a rate limit: the tests make many requests.
async fn spawn(registrar: Arc<Registrar>) -> SocketAddr {
    let config = ServerConfig {
        rate_limit: None,
        ..ServerConfig::standard()
    };
    common::spawn_with(registrar, config).await
}

/// The kz territory and kz-2026 with three accounts: `cec` (central), `almaty-op` (the
/// territorial operator of the first region) and `watcher` (observer).
struct World {
    base: String,
    registrar: Arc<Registrar>,
    territory: Territory,
    protocols: Vec<PrecinctProtocol>,
}

impl World {
    async fn new(db: &TestDb) -> World {
        let registrar = Arc::new(Registrar::open(&db.url).await.unwrap());
        let (territory, protocols) = common::kz_2026(&registrar, 11).await;
        let region = territory.regions[0].code.clone();
        common::operators(
            &registrar,
            PASSWORD,
            &[
                ("cec", Role::CentralOperator),
                ("watcher", Role::Observer),
                (
                    "almaty-op",
                    Role::TerritorialOperator {
                        scope: TerritorialScope::Region(region),
                    },
                ),
            ],
        )
        .await;
        let addr = spawn(registrar.clone()).await;
        World {
            base: format!("http://{addr}"),
            registrar,
            territory,
            protocols,
        }
    }

    /// The scenario protocol of the first precinct in the first region (`inside`) or in
    /// another region.
    fn protocol(&self, inside: bool, nth: usize) -> PrecinctProtocol {
        let first = &self.territory.regions[0].code;
        let districts: Vec<_> = self
            .territory
            .districts
            .iter()
            .filter(|d| (&d.region == first) == inside)
            .map(|d| d.id.clone())
            .collect();
        let precinct = self
            .territory
            .precincts
            .iter()
            .filter(|p| districts.contains(&p.district))
            .nth(nth)
            .unwrap()
            .id;
        self.protocols
            .iter()
            .find(|p| p.precinct == precinct)
            .unwrap()
            .clone()
    }

    fn rid() -> ReferendumId {
        ReferendumId(ID.into())
    }

    fn open_conflicts(&self, precinct: PrecinctId) -> Vec<String> {
        self.registrar
            .ledger()
            .open_conflicts(&World::rid())
            .unwrap()
            .filter(|c| c.protocol.precinct == precinct)
            .map(|c| c.receipt.protocol_hash.clone())
            .collect()
    }

    fn applied_hash(&self, precinct: PrecinctId) -> Option<String> {
        self.registrar
            .ledger()
            .applied(&World::rid(), precinct)
            .unwrap()
            .map(|a| a.protocol_hash.clone())
    }
}

/// Other numbers for the same precinct: `moved` votes from yes to no.
fn changed(p: &PrecinctProtocol, moved: u64) -> PrecinctProtocol {
    let mut q = p.clone();
    q.lines.yes -= moved;
    q.lines.no += moved;
    q
}

/// A browser without JavaScript: keeps its cookies, follows no redirect by itself.
struct Browser {
    http: reqwest::Client,
    base: String,
    cookies: Vec<(String, String)>,
}

struct Answer {
    status: StatusCode,
    location: Option<String>,
    set_cookies: Vec<String>,
    body: String,
}

impl Browser {
    fn new(base: &str) -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: base.to_owned(),
            cookies: Vec::new(),
        }
    }

    fn cookie_header(&self) -> String {
        let mut parts: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        parts.push("lang=en".into());
        parts.join("; ")
    }

    async fn answer(&mut self, res: reqwest::Response) -> Answer {
        let status = res.status();
        let location = res
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned());
        let set_cookies: Vec<String> = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        for c in &set_cookies {
            let (pair, attrs) = c.split_once(';').unwrap_or((c, ""));
            let (k, v) = pair.split_once('=').unwrap();
            self.cookies.retain(|(name, _)| name != k);
            if !attrs.contains("Max-Age=0") && k != "lang" {
                self.cookies.push((k.to_owned(), v.to_owned()));
            }
        }
        Answer {
            status,
            location,
            set_cookies,
            body: res.text().await.unwrap(),
        }
    }

    async fn get(&mut self, path: &str) -> Answer {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.answer(res).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Answer {
        self.post_with(path, form, &[]).await
    }

    /// Posts with more headers, as a browser adds `Origin` and `Referer`.
    async fn post_with(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .form(form);
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let res = req.send().await.unwrap();
        self.answer(res).await
    }

    /// Accepts or dismisses (`decision`) the protocol held for review at `precinct` with
    /// `hash`, giving `reason`, from the dashboard; the page it lands on.
    async fn decide(
        &mut self,
        decision: &str,
        token: &str,
        precinct: &str,
        hash: &str,
        reason: &str,
    ) -> Answer {
        let form = [
            ("form_token", token),
            ("precinct", precinct),
            ("protocol_hash", hash),
            ("reason", reason),
        ];
        self.submit(&format!("/portal/r/{ID}/{decision}"), &form)
            .await
    }

    /// Certifies the result from the dashboard; the page it lands on.
    async fn certify(&mut self, token: &str) -> Answer {
        self.submit(&format!("/portal/r/{ID}/certify"), &[("form_token", token)])
            .await
    }

    /// Posts and, on `303 See Other`, loads the page it names (as a browser does).
    async fn submit(&mut self, path: &str, form: &[(&str, &str)]) -> Answer {
        let a = self.post(path, form).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{path}: {}", a.body);
        let to = a.location.unwrap();
        self.get(to.split('#').next().unwrap()).await
    }

    async fn sign_in(&mut self, name: &str) {
        let a = self
            .post("/portal/sign-in", &[("name", name), ("password", PASSWORD)])
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        assert_eq!(a.location.as_deref(), Some("/portal"));
        let session = a
            .set_cookies
            .iter()
            .find(|c| c.starts_with("ashyq_session="))
            .unwrap();
        assert!(
            session.contains("HttpOnly") && session.contains("SameSite=Strict"),
            "{session}"
        );
    }

    /// The form token on a page (every portal page has the sign-out form).
    async fn form_token(&mut self, path: &str) -> String {
        let page = self.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        token_in(&page.body)
    }
}

fn token_in(html: &str) -> String {
    let marker = "name=\"form_token\" value=\"";
    let at = html.find(marker).expect("a form token on the page") + marker.len();
    html[at..at + 32].to_owned()
}

/// `1234` as English pages write it: `1,234`.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn dashboard() -> String {
    format!("/portal/r/{ID}")
}

#[tokio::test]
async fn operators_sign_in_review_conflicts_in_their_territory_and_sign_out() {
    for db in testing::backends() {
        let w = World::new(&db).await;
        let mut b = Browser::new(&w.base);

        // Signed out: the portal sends to the sign-in page; a wrong password is refused.
        let a = b.get("/portal").await;
        assert_eq!(a.status, StatusCode::SEE_OTHER);
        assert_eq!(a.location.as_deref(), Some("/portal/sign-in"));
        let a = b.get("/portal/sign-in").await;
        assert!(a.body.contains("name=\"password\""), "{}", a.body);
        let a = b
            .post(
                "/portal/sign-in",
                &[("name", "almaty-op"), ("password", "not the password")],
            )
            .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        assert!(a.body.contains("The name or the password is wrong"));
        assert!(!a.body.contains("not the password"), "no password echoed");
        assert!(b.cookies.is_empty());

        // Two precincts report, then each gets a different protocol: two conflicts, one in
        // the operator's region and one outside it.
        let inside = w.protocol(true, 0);
        let outside = w.protocol(false, 0);
        for p in [&inside, &outside] {
            w.registrar.submit(p.clone()).await.unwrap();
            w.registrar.submit(changed(p, 3)).await.unwrap();
        }
        let held_inside = w.open_conflicts(inside.precinct)[0].clone();
        let held_outside = w.open_conflicts(outside.precinct)[0].clone();

        // The territorial operator sees their region's conflict only, side by side.
        b.sign_in("almaty-op").await;
        let page = b.get(&dashboard()).await;
        assert_eq!(page.status, StatusCode::OK);
        let region_size = {
            let l = w.registrar.ledger();
            let t = l.territory().unwrap();
            let first = &t.regions[0].code;
            t.precincts
                .iter()
                .filter(|p| {
                    t.districts
                        .iter()
                        .any(|d| d.id == p.district && &d.region == first)
                })
                .count()
        };
        assert!(
            page.body.contains(&format!(
                "<dt>Precincts</dt><dd>{}</dd>",
                grouped(region_size)
            )),
            "the counts are the region's: {region_size}"
        );
        assert!(
            page.body
                .contains(&format!("Precinct {}", inside.precinct.0))
        );
        assert!(
            !page
                .body
                .contains(&format!("Precinct {}<", outside.precinct.0))
        );
        assert!(page.body.contains("2 lines differ"), "yes and no differ");
        let region_name = w.territory.regions[0].names.en.clone();
        assert!(
            page.body
                .contains(&format!("Progress in your territory: {region_name} (")),
            "{region_name}"
        );
        assert!(page.body.contains("\u{2212}3") && page.body.contains("+3"));
        assert!(page.body.contains("class=\"differs\""));
        let token = token_in(&page.body);
        let inside_n = inside.precinct.0.to_string();
        let outside_n = outside.precinct.0.to_string();

        // Without the form token (or with another) nothing happens.
        for bad in [
            vec![],
            vec![("form_token", "0123456789abcdef0123456789abcdef")],
        ] {
            let mut form = vec![
                ("precinct", inside_n.as_str()),
                ("protocol_hash", held_inside.as_str()),
                ("reason", "recount"),
            ];
            form.extend(bad);
            let a = b.post(&format!("/portal/r/{ID}/accept"), &form).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN);
            assert!(a.body.contains("form token"), "{}", a.body);
        }
        assert_eq!(
            w.open_conflicts(inside.precinct),
            std::slice::from_ref(&held_inside)
        );

        // No reason: refused, and it says what to give.
        let page = b
            .decide("accept", &token, &inside_n, &held_inside, "  ")
            .await;
        assert!(page.body.contains("Refused:"), "{}", page.body);
        assert!(page.body.contains("give the reason"));
        assert_eq!(
            w.open_conflicts(inside.precinct),
            std::slice::from_ref(&held_inside)
        );

        // Outside the territory: refused by the role check, and audited.
        let page = b
            .decide("accept", &token, &outside_n, &held_outside, "recount")
            .await;
        assert!(
            page.body.contains("outside that territory"),
            "{}",
            page.body
        );
        assert_eq!(
            w.open_conflicts(outside.precinct),
            std::slice::from_ref(&held_outside)
        );
        let audit = w
            .registrar
            .store()
            .operator_audit_trail(None, 10)
            .await
            .unwrap();
        assert!(audit.iter().any(|(_, r)| r.operator == "almaty-op"
            && matches!(r.outcome, AuditOutcome::Refused { .. })
            && r.detail.contains(&outside_n)));

        // Accepted as an amendment, with the reason: applied, in the history, shown once.
        let page = b
            .decide(
                "accept",
                &token,
                &inside_n,
                &held_inside,
                "the district commission ordered a recount",
            )
            .await;
        assert!(
            page.body.contains(&format!(
                "The new protocol of precinct {inside_n} is applied as an amendment"
            )),
            "{}",
            page.body
        );
        assert_eq!(
            w.applied_hash(inside.precinct).as_deref(),
            Some(held_inside.as_str())
        );
        assert!(w.open_conflicts(inside.precinct).is_empty());
        {
            let l = w.registrar.ledger();
            let h = l.history(&World::rid(), inside.precinct).unwrap();
            let last = h.last().unwrap();
            assert_eq!(last.kind, "protocol_amended");
            assert_eq!(last.author.as_ref().unwrap().name, "almaty-op");
        }
        let again = b.get(&dashboard()).await;
        assert!(
            !again.body.contains("is applied as an amendment"),
            "shown once"
        );

        // A central operator dismisses the conflict outside the region.
        let mut cec = Browser::new(&w.base);
        cec.sign_in("cec").await;
        let token = cec.form_token(&dashboard()).await;
        let page = cec
            .decide(
                "dismiss",
                &token,
                &outside_n,
                &held_outside,
                "a duplicate typed in by mistake",
            )
            .await;
        assert!(
            page.body.contains(&format!(
                "The conflict at precinct {outside_n} is dismissed"
            )),
            "{}",
            page.body
        );
        assert!(w.open_conflicts(outside.precinct).is_empty());
        assert_eq!(
            w.applied_hash(outside.precinct),
            Some(outside.content_hash())
        );

        // An observer sees the dashboard without forms and cannot write.
        w.registrar.submit(changed(&inside, 5)).await.unwrap();
        let held = w.open_conflicts(inside.precinct)[0].clone();
        let mut watcher = Browser::new(&w.base);
        watcher.sign_in("watcher").await;
        let page = watcher.get(&dashboard()).await;
        assert!(page.body.contains("observers have read-only access"));
        assert!(page.body.contains(&format!("Precinct {inside_n}")));
        assert!(
            !page
                .body
                .contains(&format!("action=\"/portal/r/{ID}/accept\""))
        );
        let token = token_in(&page.body);
        let page = watcher
            .decide("accept", &token, &inside_n, &held, "I would like to")
            .await;
        assert!(page.body.contains("observer may not"), "{}", page.body);
        assert_eq!(w.open_conflicts(inside.precinct), [held]);

        // Sign-out ends the session: the old cookie no longer opens the portal.
        let old = b.cookies.clone();
        let token = b.form_token("/portal").await;
        let a = b.post("/portal/sign-out", &[("form_token", &token)]).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER);
        assert_eq!(a.location.as_deref(), Some("/portal/sign-in?signed-out=1"));
        assert!(!b.cookies.iter().any(|(k, _)| k == "ashyq_session"));
        b.cookies = old;
        let a = b.get("/portal").await;
        assert_eq!(a.status, StatusCode::SEE_OTHER);
        assert_eq!(a.location.as_deref(), Some("/portal/sign-in?expired=1"));
    }
}

fn multipart_body(boundary: &str, token: &str, files: &[(&str, &str)]) -> String {
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"form_token\"\r\n\r\n{token}\r\n"
    );
    for (name, content) in files {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/json\r\n\r\n{content}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    body
}

async fn upload(b: &mut Browser, token: &str, files: &[(&str, &str)]) -> Answer {
    let boundary = "ashyq-test-boundary-7f3a";
    let res = b
        .http
        .post(format!("{}/portal/r/{ID}/upload", b.base))
        .header("cookie", b.cookie_header())
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(multipart_body(boundary, token, files))
        .send()
        .await
        .unwrap();
    let a = b.answer(res).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let to = a.location.unwrap();
    b.get(&to).await
}

fn lines_form(values: &[String]) -> Vec<(&'static str, &str)> {
    ashyq_core::protocol::ProtocolLines::FIELDS
        .iter()
        .copied()
        .zip(values.iter().map(String::as_str))
        .collect()
}

fn values(p: &PrecinctProtocol) -> Vec<String> {
    p.lines.named().iter().map(|(_, v)| v.to_string()).collect()
}

#[tokio::test]
async fn signed_files_are_uploaded_protocols_entered_and_the_result_certified() {
    for db in testing::backends() {
        let w = World::new(&db).await;
        let signed = w.protocol(true, 1);
        let unregistered = w.protocol(true, 2);
        let key = |p: &PrecinctProtocol, seed: u8| {
            CommissionSigningKey::from_seed(Commission::Precinct(p.precinct), &[seed; 32])
        };
        let k = key(&signed, 1);
        w.registrar
            .manage_key(KeyEvent::KeyRegistered(KeyRegistered {
                commission: Commission::Precinct(signed.precinct),
                public_key: k.public(),
                valid_from: "2026-03-01T00:00:00Z".parse().unwrap(),
                by: Commission::Central,
                author: Author {
                    name: "cec".into(),
                    role: "central operator".into(),
                },
            }))
            .await
            .unwrap();
        let at = Utc::now() - TimeDelta::minutes(2);
        let doc = |p: &PrecinctProtocol, version, k: &CommissionSigningKey| {
            serde_json::to_string(&SignedProtocol::sign(p, version, at, k).unwrap()).unwrap()
        };

        // Upload: one accepted, one conflict held for review, one with an unregistered key,
        // one that is not a signed protocol; each file gets its own outcome.
        let mut op = Browser::new(&w.base);
        op.sign_in("almaty-op").await;
        let token = op.form_token(&format!("/portal/r/{ID}/upload")).await;
        let v1 = doc(&signed, 1, &k);
        let v2 = doc(&changed(&signed, 2), 2, &k);
        let stray = doc(&unregistered, 1, &key(&unregistered, 2));
        let page = upload(
            &mut op,
            &token,
            &[
                ("p1.json", &v1),
                ("p1-v2.json", &v2),
                ("stray.json", &stray),
                ("notes.json", "{\"hello\": 1}"),
            ],
        )
        .await;
        let n = signed.precinct.0;
        assert!(
            page.body.contains(&format!(
                "p1.json: the protocol of precinct {n} is accepted"
            )),
            "{}",
            page.body
        );
        assert!(page.body.contains(&format!(
            "p1-v2.json: precinct {n} had reported other numbers; this protocol is recorded for review"
        )));
        assert!(page.body.contains("stray.json: not recorded."));
        assert!(page.body.contains("not registered"), "{}", page.body);
        assert!(page.body.contains("notes.json: not recorded."));
        assert_eq!(w.applied_hash(signed.precinct), Some(signed.content_hash()));
        assert_eq!(w.open_conflicts(signed.precinct).len(), 1);
        assert_eq!(w.applied_hash(unregistered.precinct), None);
        // The same file again is known; a file for another region is outside the territory.
        let other = w.protocol(false, 1);
        let ko = key(&other, 3);
        let page = upload(
            &mut op,
            &token,
            &[("p1.json", &v1), ("other.json", &doc(&other, 1, &ko))],
        )
        .await;
        assert!(page.body.contains("was already recorded"), "{}", page.body);
        assert!(page.body.contains("other.json: not recorded."));
        assert!(page.body.contains("outside that territory"));
        // Without the form token, no file is looked at.
        let boundary = "b0";
        let res = op
            .http
            .post(format!("{}/portal/r/{ID}/upload", op.base))
            .header("cookie", op.cookie_header())
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(multipart_body(boundary, "", &[("p.json", &stray)]))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);

        // The precinct page shows the commission's signature and the receipt's links.
        let page = op.get(&format!("/r/{ID}/precinct/{n}?lang=en")).await.body;
        assert!(
            page.contains("Signed by the precinct commission, version 1"),
            "{page}"
        );
        assert!(page.contains(&k.public().key_id().0));
        assert!(page.contains("/api/v1/log/proofs/inclusion?leaf_index="));
        assert!(page.contains("href=\"/verify\""));

        // The entry form: a broken control ratio is explained and nothing is recorded.
        let entered = w.protocol(true, 3);
        let en = entered.precinct.0.to_string();
        let token = op.form_token(&format!("/portal/r/{ID}/enter")).await;
        let mut bad = values(&entered);
        bad[8] = (entered.lines.yes + 1).to_string();
        let mut form = vec![
            ("form_token", token.as_str()),
            ("precinct", en.as_str()),
            ("step", "record"),
        ];
        form.extend(lines_form(&bad));
        let a = op.post(&format!("/portal/r/{ID}/enter"), &form).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(a.body.contains("KR-4"), "{}", a.body);
        assert!(a.body.contains("Ballots found (line 8) must equal"));
        assert!(a.body.contains("cannot be recorded"));
        assert!(a.body.contains(&format!("value=\"{}\"", bad[8])), "kept");
        assert_eq!(w.applied_hash(entered.precinct), None);
        // The live check answers the same, as a fragment.
        let mut q = format!("/portal/r/{ID}/enter/check?precinct={en}");
        for (f, v) in lines_form(&bad) {
            q.push_str(&format!("&{f}={v}"));
        }
        let a = op.get(&q).await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(a.body.contains("KR-4") && !a.body.contains("<html"));
        // A letter where a number goes is named.
        let a = op
            .get(&format!(
                "/portal/r/{ID}/enter/check?precinct={en}&voters_on_list=12a"
            ))
            .await;
        assert!(a.body.contains("1. Voters on the list"), "{}", a.body);

        // The check button, then recording the good numbers.
        let good = values(&entered);
        let mut form = vec![
            ("form_token", token.as_str()),
            ("precinct", en.as_str()),
            ("step", "check"),
        ];
        form.extend(lines_form(&good));
        let a = op.post(&format!("/portal/r/{ID}/enter"), &form).await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(a.body.contains("Every control ratio holds."), "{}", a.body);
        assert!(
            a.body
                .contains("has not reported yet: this protocol would be applied")
        );
        assert_eq!(
            w.applied_hash(entered.precinct),
            None,
            "a check records nothing"
        );
        form[2] = ("step", "record");
        let page = op.submit(&format!("/portal/r/{ID}/enter"), &form).await;
        assert!(
            page.body.contains(&format!(
                "The protocol of precinct {en} is recorded as your entry"
            )),
            "{}",
            page.body
        );
        assert_eq!(
            w.applied_hash(entered.precinct),
            Some(entered.content_hash())
        );
        {
            let l = w.registrar.ledger();
            let h = l.history(&World::rid(), entered.precinct).unwrap();
            assert_eq!(h[0].entered_by.as_ref().unwrap().name, "almaty-op");
        }
        let page = op.get(&format!("/r/{ID}/precinct/{en}?lang=en")).await.body;
        assert!(page.contains("Entered from the paper protocol by operator almaty-op"));
        // Outside the territory: refused, nothing recorded.
        let other = w.protocol(false, 2);
        let on = other.precinct.0.to_string();
        let ov = values(&other);
        let mut form = vec![
            ("form_token", token.as_str()),
            ("precinct", on.as_str()),
            ("step", "record"),
        ];
        form.extend(lines_form(&ov));
        let a = op.post(&format!("/portal/r/{ID}/enter"), &form).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        assert!(a.body.contains("outside that territory"));
        assert_eq!(w.applied_hash(other.precinct), None);

        // Certification: territorial operators never; the CEC not before the result is final.
        let a = op.get(&dashboard()).await;
        assert!(
            a.body
                .contains("Only operators of the Central Election Commission certify")
        );
        let page = op
            .submit(
                &format!("/portal/r/{ID}/certify"),
                &[("form_token", &token_in(&a.body))],
            )
            .await;
        assert!(page.body.contains("The result was not certified."));
        let mut cec = Browser::new(&w.base);
        cec.sign_in("cec").await;
        let page = cec.get(&dashboard()).await;
        assert!(page.body.contains("Not yet possible"), "{}", page.body);
        assert!(page.body.contains("disabled"));
        let token = token_in(&page.body);
        let page = cec.certify(&token).await;
        assert!(
            page.body.contains("cannot be certified yet"),
            "{}",
            page.body
        );

        // Every precinct reports and the held conflict is dismissed: then it certifies.
        let rest: Vec<PrecinctProtocol> = w
            .protocols
            .iter()
            .filter(|p| w.applied_hash(p.precinct).is_none())
            .cloned()
            .collect();
        w.registrar.submit_batch(rest).await.unwrap();
        let held = w.open_conflicts(signed.precinct)[0].clone();
        let sn = signed.precinct.0.to_string();
        cec.decide(
            "dismiss",
            &token,
            &sn,
            &held,
            "version 2 was sent by mistake",
        )
        .await;
        let page = cec.get(&dashboard()).await;
        assert!(
            page.body
                .contains("the result is final and can be certified")
        );
        let page = cec.certify(&token).await;
        assert!(
            page.body.contains("The result is certified and locked"),
            "{}",
            page.body
        );
        assert!(page.body.contains("Certified "));
        // Locked: the entry form's check says so before anyone types in vain.
        let a = op
            .get(&format!("/portal/r/{ID}/enter/check?precinct={en}"))
            .await;
        assert!(a.body.contains("certified and locked"), "{}", a.body);
        assert!(
            w.registrar
                .ledger()
                .referendum(&World::rid())
                .unwrap()
                .certification()
                .is_some()
        );
    }
}

#[tokio::test]
async fn forms_sent_from_another_site_are_refused_and_change_nothing() {
    let db = TestDb::sqlite();
    let w = World::new(&db).await;
    let p = w.protocol(true, 0);
    w.registrar.submit(p.clone()).await.unwrap();
    w.registrar.submit(changed(&p, 3)).await.unwrap();
    let held = w.open_conflicts(p.precinct)[0].clone();
    let mut b = Browser::new(&w.base);

    // Signing in from another site's page is refused: no session.
    let a = b
        .post_with(
            "/portal/sign-in",
            &[("name", "cec"), ("password", PASSWORD)],
            &[("Origin", "https://evil.example")],
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
    assert!(
        a.body.contains("sent from a page of another site"),
        "{}",
        a.body
    );
    assert!(b.cookies.is_empty(), "{:?}", b.cookies);

    b.sign_in("cec").await;
    let token = b.form_token(&dashboard()).await;
    let n = p.precinct.0.to_string();
    let form = [
        ("form_token", token.as_str()),
        ("precinct", n.as_str()),
        ("protocol_hash", held.as_str()),
        ("reason", "the district commission ordered a recount"),
    ];
    let dismiss = format!("{}/dismiss", dashboard());
    // With the session and its token, but from another site: by its Origin, or (a browser
    // that sent none, or `null`) by its Referer.
    for headers in [
        &[("Origin", "https://evil.example")][..],
        &[("Origin", "http://127.0.0.1:1")][..],
        &[("Referer", "https://evil.example/a-page")][..],
        &[("Origin", "null"), ("Referer", "https://evil.example/")][..],
    ] {
        let a = b.post_with(&dismiss, &form, headers).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{headers:?}: {}", a.body);
        assert!(
            a.body.contains("sent from a page of another site")
                && a.body.contains("Nothing was changed"),
            "{headers:?}: {}",
            a.body
        );
        assert_eq!(
            w.open_conflicts(p.precinct),
            vec![held.clone()],
            "{headers:?}"
        );
    }
    let refused = w
        .registrar
        .store()
        .operator_audit_trail(None, 100)
        .await
        .unwrap();
    assert!(
        refused
            .iter()
            .all(|(_, r)| !r.detail.starts_with("dismiss")),
        "a refused form is not a write: {refused:?}"
    );

    // The same form from the portal's own page goes through.
    let own = w.base.clone();
    let referer = format!("{own}{}", dashboard());
    let a = b
        .post_with(&dismiss, &form, &[("Origin", &own), ("Referer", &referer)])
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert!(w.open_conflicts(p.precinct).is_empty());
}

#[tokio::test]
async fn the_portal_speaks_each_language() {
    let db = TestDb::sqlite();
    let w = World::new(&db).await;
    let mut b = Browser::new(&w.base);
    b.sign_in("cec").await;
    for (lang, words) in [
        ("kk", "Комиссиялар порталы"),
        ("ru", "Портал комиссий"),
        ("en", "Commission portal"),
    ] {
        let page = b.get(&format!("/portal/r/{ID}/enter?lang={lang}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(&format!("<html lang=\"{lang}\">")));
        assert!(page.body.contains(words), "{lang}");
        // The sign-in page too (no session needed).
        let page = Browser::new(&w.base)
            .get(&format!("/portal/sign-in?lang={lang}"))
            .await;
        assert!(page.body.contains(&format!("<html lang=\"{lang}\">")));
    }
    // A warning's numbers in the page's language: three ballots fewer found than issued.
    let mut p = w.protocol(true, 0);
    p.lines.ballots_found -= 3;
    p.lines.yes -= 3;
    let mut q = format!(
        "/portal/r/{ID}/enter/check?lang=ru&precinct={}",
        p.precinct.0
    );
    for (f, v) in p.lines.named() {
        q.push_str(&format!("&{f}={v}"));
    }
    let a = b.get(&q).await;
    assert!(a.body.contains("KW-1"), "{}", a.body);
    assert!(a.body.contains("не хватает 3"), "{}", a.body);
    assert!(a.body.contains("Все контрольные соотношения выполняются"));
    // An unknown referendum is a page, not an error.
    let page = b.get("/portal/r/no-such-vote").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn garbage_in_the_portal_gets_an_answer_never_a_server_error() {
    let db = TestDb::sqlite();
    let w = World::new(&db).await;
    let mut b = Browser::new(&w.base);
    b.sign_in("almaty-op").await;
    let token = b.form_token(&dashboard()).await;
    let long = "9".repeat(5_000);
    let forms: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("/portal/r/{ID}/accept"),
            vec![("form_token", &token), ("precinct", "abc")],
        ),
        (
            format!("/portal/r/{ID}/accept"),
            vec![
                ("form_token", &token),
                ("precinct", &long),
                ("protocol_hash", &long),
                ("reason", &long),
            ],
        ),
        (
            format!("/portal/r/{ID}/dismiss"),
            vec![
                ("form_token", &token),
                ("precinct", "1"),
                ("protocol_hash", "nope"),
                ("reason", "x"),
            ],
        ),
        (
            "/portal/r/no-such/dismiss".into(),
            vec![
                ("form_token", &token),
                ("precinct", "1"),
                ("protocol_hash", "nope"),
                ("reason", "x"),
            ],
        ),
        (
            "/portal/r/no-such/certify".into(),
            vec![("form_token", &token)],
        ),
        (
            format!("/portal/r/{ID}/enter"),
            vec![
                ("form_token", &token),
                ("step", "record"),
                ("precinct", "-1"),
                ("yes", "1e9"),
            ],
        ),
        (
            format!("/portal/r/{ID}/enter"),
            vec![
                ("form_token", &token),
                ("step", "record"),
                ("precinct", "99999999"),
            ],
        ),
        (
            "/portal/r/no-such/enter".into(),
            vec![("form_token", &token), ("step", "check")],
        ),
        (
            "/portal/sign-in".into(),
            vec![("name", &long), ("password", &long)],
        ),
        (
            format!("/portal/r/{ID}/upload"),
            vec![("form_token", &token)],
        ),
    ];
    for (path, form) in &forms {
        let a = b.post(path, form).await;
        assert!(
            a.status.is_success() || a.status.is_redirection() || a.status.is_client_error(),
            "{path}: {}",
            a.status
        );
        assert!(!a.body.contains(PASSWORD));
    }
    // A precinct number beyond the territory is named in the check; every line out of range too.
    let mut q = format!("/portal/r/{ID}/enter/check?precinct=99999999");
    for f in ashyq_core::protocol::ProtocolLines::FIELDS {
        q.push_str(&format!("&{f}=20000000"));
    }
    let a = b.get(&q).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(
        a.body.contains("There is no precinct 99999999"),
        "{}",
        a.body
    );
    assert!(a.body.contains("KR-0"), "{}", a.body);
    for path in [
        "/portal/r/%ZZ/enter",
        "/portal/r/kz-2026/enter/check?precinct=%FF%FE",
        "/portal/r/kz-2026/enter?voters_on_list=%00",
    ] {
        let a = b.get(path).await;
        assert!(a.status.as_u16() < 500, "{path}: {}", a.status);
    }
    // Nothing of that was recorded.
    assert!(
        w.registrar
            .ledger()
            .applied_protocols(&World::rid())
            .unwrap()
            .next()
            .is_none()
    );
}
