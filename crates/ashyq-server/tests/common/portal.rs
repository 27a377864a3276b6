//! The commission portal's test kit: a server with the kz territory, kz-2026 and three
//! operator accounts, and a browser without JavaScript (cookies kept, no redirect followed).

use std::net::SocketAddr;
use std::sync::Arc;

use ashyq_core::contest::ContestId;
use ashyq_core::keys::CommissionSigningKey;
use ashyq_core::operator::{Role, TerritorialScope};
use ashyq_core::protocol::PrecinctProtocol;
use ashyq_core::territory::{PrecinctId, Territory};
use ashyq_server::ServerConfig;
use ashyq_store::registrar::Registrar;
use ashyq_store::testing::TestDb;
use reqwest::StatusCode;

pub const PASSWORD: &str = "correct horse battery staple";

pub const ID: &str = "kz-2026";

/// The configuration of the kit's server: no rate limit (the tests make many requests).
pub fn config() -> ServerConfig {
    ServerConfig {
        rate_limit: None,
        ..ServerConfig::standard()
    }
}

/// The server without a rate limit: the tests make many requests.
pub async fn spawn(registrar: Arc<Registrar>) -> SocketAddr {
    super::spawn_with(registrar, config()).await
}

/// The kz territory and kz-2026 with three accounts: `cec` (central), `almaty-op` (the
/// territorial operator of the first region) and `watcher` (observer).
pub struct World {
    pub base: String,
    pub registrar: Arc<Registrar>,
    pub territory: Territory,
    pub protocols: Vec<PrecinctProtocol>,
}

impl World {
    pub async fn new(db: &TestDb) -> World {
        World::with_config(db, config()).await
    }

    /// The same world served with `config`.
    pub async fn with_config(db: &TestDb, config: ServerConfig) -> World {
        let registrar = Arc::new(Registrar::open(&db.url).await.unwrap());
        let (territory, protocols) = super::kz_2026(&registrar, 11).await;
        let region = territory.regions[0].code.clone();
        super::operators(
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
        let addr = super::spawn_with(registrar.clone(), config).await;
        World {
            base: format!("http://{addr}"),
            registrar,
            territory,
            protocols,
        }
    }

    /// Registers `key` as the precinct's signing key, as the central commission would.
    pub async fn register_key(&self, key: &CommissionSigningKey) {
        super::register_key(&self.registrar, key, "2026-03-01T00:00:00Z").await;
    }

    /// The scenario protocol of the first precinct in the first region (`inside`) or in
    /// another region.
    pub fn protocol(&self, inside: bool, nth: usize) -> PrecinctProtocol {
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

    pub fn rid() -> ContestId {
        ContestId(ID.into())
    }

    pub fn open_conflicts(&self, precinct: PrecinctId) -> Vec<String> {
        self.registrar
            .ledger()
            .open_conflicts(&World::rid())
            .unwrap()
            .filter(|c| c.protocol.precinct == precinct)
            .map(|c| c.receipt.protocol_hash.clone())
            .collect()
    }

    pub fn applied_hash(&self, precinct: PrecinctId) -> Option<String> {
        self.registrar
            .ledger()
            .applied(&World::rid(), precinct)
            .unwrap()
            .map(|a| a.protocol_hash.clone())
    }
}

/// Other numbers for the same precinct: `moved` votes from yes to no.
pub fn changed(p: &PrecinctProtocol, moved: u64) -> PrecinctProtocol {
    let mut q = p.clone();
    q.lines.yes -= moved;
    q.lines.no += moved;
    q
}

/// A browser without JavaScript: keeps its cookies, follows no redirect by itself.
pub struct Browser {
    pub http: reqwest::Client,
    pub base: String,
    pub cookies: Vec<(String, String)>,
}

pub struct Answer {
    pub status: StatusCode,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    pub body: String,
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: base.to_owned(),
            cookies: Vec::new(),
        }
    }

    pub fn cookie_header(&self) -> String {
        let mut parts: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        parts.push("lang=en".into());
        parts.join("; ")
    }

    pub async fn answer(&mut self, res: reqwest::Response) -> Answer {
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

    pub async fn get(&mut self, path: &str) -> Answer {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.answer(res).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Answer {
        self.post_with(path, form, &[]).await
    }

    /// Posts with more headers, as a browser adds `Origin` and `Referer`.
    pub async fn post_with(
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
    pub async fn decide(
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
    pub async fn certify(&mut self, token: &str) -> Answer {
        self.submit(&format!("/portal/r/{ID}/certify"), &[("form_token", token)])
            .await
    }

    /// Posts and, on `303 See Other`, loads the page it names (as a browser does).
    pub async fn submit(&mut self, path: &str, form: &[(&str, &str)]) -> Answer {
        let a = self.post(path, form).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{path}: {}", a.body);
        let to = a.location.unwrap();
        self.get(to.split('#').next().unwrap()).await
    }

    pub async fn sign_in(&mut self, name: &str) {
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
    pub async fn form_token(&mut self, path: &str) -> String {
        let page = self.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        token_in(&page.body)
    }
}

pub fn token_in(html: &str) -> String {
    let marker = "name=\"form_token\" value=\"";
    let at = html.find(marker).expect("a form token on the page") + marker.len();
    html[at..at + 32].to_owned()
}

/// `1234` as English pages write it: `1,234`.
pub fn grouped(n: usize) -> String {
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

pub fn dashboard() -> String {
    format!("/portal/r/{ID}")
}

/// A `multipart/form-data` body with the form token and `files` (name, content).
pub fn multipart_body(boundary: &str, token: &str, files: &[(&str, &str)]) -> String {
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

/// Posts `files` through the portal's upload form at the browser's base; the answer as it
/// comes (a redirect after any upload with the form token).
pub async fn post_upload(b: &mut Browser, token: &str, files: &[(&str, &str)]) -> Answer {
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
    b.answer(res).await
}

/// Uploads `files` through the portal's form and follows the redirect.
pub async fn upload(b: &mut Browser, token: &str, files: &[(&str, &str)]) -> Answer {
    let a = post_upload(b, token, files).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let to = a.location.unwrap();
    b.get(&to).await
}
