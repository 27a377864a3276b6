//! A server with the sample consultation (the sample act in three versions, its proposals,
//! the commission and two meetings) and the development identity provider, and a small
//! cookie-keeping HTTP client that signs in through it as a browser would.

use std::collections::HashMap;
use std::sync::Arc;

use ashyq_core::consult::sample;
use ashyq_core::iin::DigestKey;
use ashyq_server::ServerConfig;
use ashyq_server::consult::{ConsultConfig, ConsultService};
use ashyq_server::dev_idp::DevIdp;
use ashyq_store::registrar::Registrar;
use ashyq_store::secretariat::Secretariat;
use ashyq_store::testing::TestDb;
use reqwest::header;

/// A running server with the sample consultation.
pub struct ConsultServer {
    pub base: String,
    pub service: Arc<ConsultService>,
    pub db: TestDb,
}

/// The sample consultation stored in a fresh SQLite database, served on a random port with
/// the development identity provider (no rate limit: the tests make many requests).
pub async fn consult_server() -> ConsultServer {
    let db = TestDb::sqlite();
    let registrar = Arc::new(Registrar::open(&db.url).await.unwrap());
    let secretariat = Arc::new(Secretariat::open(registrar.store().clone()).await.unwrap());
    let s = sample::build(&DigestKey::from_bytes(&[0x5a; 32]).unwrap()).unwrap();
    for act in [&s.old, &s.draft, &s.adopted] {
        secretariat.add_act_version(act).await.unwrap();
    }
    secretariat.import(&s.consultation.log).await.unwrap();
    let dev_idp = Arc::new(DevIdp::new().unwrap());
    let service = Arc::new(ConsultService::new(secretariat, consult_config(&dev_idp)).unwrap());
    let addr = serve_consultation(registrar, service.clone(), dev_idp).await;
    ConsultServer {
        base: format!("http://{addr}"),
        service,
        db,
    }
}

fn consult_config(dev_idp: &DevIdp) -> ConsultConfig {
    ConsultConfig {
        digest_key: DigestKey::from_bytes(&[0x33; 32]).unwrap(),
        identity_provider: Some(dev_idp.provider()),
        moderators: Vec::new(),
        public_url: None,
    }
}

async fn serve_consultation(
    registrar: Arc<Registrar>,
    service: Arc<ConsultService>,
    dev_idp: Arc<DevIdp>,
) -> std::net::SocketAddr {
    let config = ServerConfig {
        rate_limit: None,
        consult: Some(service),
        dev_idp: Some(dev_idp),
        ..ServerConfig::default()
    };
    super::spawn_with(registrar, config).await
}

impl ConsultServer {
    /// Another instance serving the same database (as a second server behind a balancer):
    /// its base URL.
    #[allow(dead_code)]
    pub async fn another_instance(&self) -> String {
        let registrar = Arc::new(Registrar::open(&self.db.url).await.unwrap());
        let secretariat = Arc::new(Secretariat::open(registrar.store().clone()).await.unwrap());
        let dev_idp = Arc::new(DevIdp::new().unwrap());
        let service = Arc::new(ConsultService::new(secretariat, consult_config(&dev_idp)).unwrap());
        let addr = serve_consultation(registrar, service, dev_idp).await;
        format!("http://{addr}")
    }
}

/// A client that keeps cookies (by name; the tests use one server) and does not follow
/// redirects, so that each step of a sign-in can be checked.
pub struct Client {
    pub base: String,
    pub cookies: HashMap<String, String>,
    /// Every `Set-Cookie` header received, as received.
    pub set_cookies: Vec<String>,
    http: reqwest::Client,
}

/// An answer.
pub struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub content_type: String,
    pub cache_control: String,
    pub body: String,
}

impl Client {
    pub fn new(base: &str) -> Client {
        Client {
            base: base.to_owned(),
            cookies: HashMap::new(),
            set_cookies: Vec::new(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn answer(&mut self, r: reqwest::Response) -> Answer {
        for v in r.headers().get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap().to_owned();
            let (pair, attrs) = v.split_once(';').unwrap_or((&v, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
            self.set_cookies.push(v.clone());
        }
        let h = |n: header::HeaderName| {
            r.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned()
        };
        Answer {
            status: r.status().as_u16(),
            location: r
                .headers()
                .get(header::LOCATION)
                .map(|v| v.to_str().unwrap().to_owned()),
            content_type: h(header::CONTENT_TYPE),
            cache_control: h(header::CACHE_CONTROL),
            body: r.text().await.unwrap(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        let r = self
            .http
            .get(self.url(path))
            .header(header::COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        self.answer(r).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Answer {
        let r = self
            .http
            .post(self.url(path))
            .header(header::COOKIE, self.cookie_header())
            .form(form)
            .send()
            .await
            .unwrap();
        self.answer(r).await
    }

    pub async fn post_with(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        extra: (&str, &str),
    ) -> Answer {
        let r = self
            .http
            .post(self.url(path))
            .header(header::COOKIE, self.cookie_header())
            .header(extra.0, extra.1)
            .form(form)
            .send()
            .await
            .unwrap();
        self.answer(r).await
    }

    /// Signs in through the development provider as `subject`, coming back to `back`.
    /// Returns the answer of the callback.
    pub async fn sign_in(&mut self, subject: &str, back: &str) -> Answer {
        let start = self.get(&format!("/consult/signin?return={back}")).await;
        assert_eq!(start.status, 303, "{}", start.body);
        let authorize = start.location.unwrap();
        assert!(authorize.contains("/dev-idp/authorize?"), "{authorize}");
        let page = self.get(&authorize).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let mut form = hidden_fields(&page.body);
        form.push(("subject".into(), subject.into()));
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let approved = self.post("/dev-idp/authorize", &form).await;
        assert_eq!(approved.status, 303, "{}", approved.body);
        let callback = approved.location.unwrap();
        self.get(&callback).await
    }

    /// The CSRF token in a page's forms.
    pub fn csrf(page: &str) -> String {
        hidden_fields(page)
            .into_iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v)
            .expect("a form with a CSRF token")
    }
}

/// The hidden inputs of a page, unescaped.
pub fn hidden_fields(page: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in page.split("<input type=\"hidden\" name=\"").skip(1) {
        let (name, rest) = part.split_once('"').unwrap();
        let value = rest
            .split_once("value=\"")
            .and_then(|(_, v)| v.split_once('"'))
            .map(|(v, _)| v)
            .unwrap_or("");
        let value = value
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        out.push((name.to_owned(), value));
    }
    out
}
