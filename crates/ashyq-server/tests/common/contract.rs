//! The API document as a contract: each answer the tests get is checked against what
//! `/api/v1/openapi.json` says of that operation — the status is one it lists, and a JSON body
//! is valid against the schema of that status and media type (JSON Schema 2020-12, which
//! OpenAPI 3.1 uses, with the `jsonschema` crate).

use serde_json::{Value, json};

/// The document of a running server.
pub struct Contract {
    doc: Value,
    /// How many answers were checked against a schema (so a test can say it checked some).
    pub checked: usize,
}

/// Whether `path` (no query) is an instance of the template `template` (`/a/{id}/b`).
fn matches(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| (t.starts_with('{') && t.ends_with('}') && !p.is_empty()) || t == p)
}

impl Contract {
    /// Signs `name` in with `password` through `POST /api/v1/session` (the answer checked
    /// against the document) and returns the bearer token.
    #[allow(dead_code)]
    pub async fn sign_in(&mut self, base: &str, name: &str, password: &str) -> String {
        let http = reqwest::Client::new();
        let (status, body) = self
            .send(
                "post",
                "/api/v1/session",
                http.post(format!("{base}/api/v1/session"))
                    .json(&json!({"name": name, "password": password})),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        serde_json::from_str::<Value>(&body).unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// The document served at `base`.
    pub async fn of(base: &str) -> Contract {
        let doc: Value = reqwest::get(format!("{base}/api/v1/openapi.json"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
        Contract { doc, checked: 0 }
    }

    /// The operation of `method` at `path`: a literal template wins over one with parameters
    /// (`/log/head` over `/log/heads/{size}` is not an issue, but `/x/tree` over `/x/{y}` is).
    fn operation(&self, method: &str, path: &str) -> (&str, &Value) {
        let paths = self.doc["paths"].as_object().unwrap();
        let mut found: Vec<(&String, &Value)> =
            paths.iter().filter(|(t, _)| matches(t, path)).collect();
        found.sort_by_key(|(t, _)| t.matches('{').count());
        let (template, item) = found
            .first()
            .unwrap_or_else(|| panic!("{method} {path} is not in the API document"));
        let op = item.get(method).unwrap_or_else(|| {
            panic!("{method} {path}: the document has no {method} at {template}")
        });
        (template.as_str(), op)
    }

    /// Checks one answer: `status` is documented for the operation, and a JSON `body` is
    /// valid against the schema documented for that status and `content_type`.
    pub fn check(&mut self, method: &str, path: &str, status: u16, content_type: &str, body: &str) {
        let path = path.split('?').next().unwrap();
        let (template, op) = self.operation(method, path);
        let what = format!("{} {path} ({template}) → {status}", method.to_uppercase());
        let response = op["responses"].get(status.to_string()).unwrap_or_else(|| {
            panic!(
                "{what}: status not documented; the document lists {:?}",
                op["responses"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .collect::<Vec<_>>()
            )
        });
        let media = content_type.split(';').next().unwrap().trim();
        let Some(content) = response.get("content") else {
            assert!(
                body.is_empty() || status == 304,
                "{what}: a body where the document describes none: {body:.200}"
            );
            return;
        };
        let schema = content
            .get(media)
            .unwrap_or_else(|| panic!("{what}: media type {media} not documented: {content}"))
            .get("schema");
        if !(media.ends_with("json") && media != "application/jsonl") {
            return;
        }
        let Some(schema) = schema else { return };
        let instance: Value = serde_json::from_str(body)
            .unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {body:.200}"));
        // The schema with the document's components beside it, so that its
        // `#/components/schemas/…` references resolve against this root.
        let mut root = schema.clone();
        if let Value::Object(map) = &mut root {
            map.insert("components".into(), self.doc["components"].clone());
            map.insert(
                "$schema".into(),
                json!("https://json-schema.org/draft/2020-12/schema"),
            );
        } else {
            panic!("{what}: the schema is not an object: {schema}");
        }
        let validator = jsonschema::draft202012::new(&root)
            .unwrap_or_else(|e| panic!("{what}: the documented schema is not valid: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .take(5)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{what}: the answer does not match the document:\n{}\nbody: {body:.400}",
            errors.join("\n")
        );
        self.checked += 1;
    }

    /// Sends `req`, checks the answer, and returns its status and body.
    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        req: reqwest::RequestBuilder,
    ) -> (u16, String) {
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let ct = res
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = res.text().await.unwrap();
        self.check(method, path, status, &ct, &body);
        (status, body)
    }
}

#[test]
fn templates_match_their_instances_only() {
    assert!(matches(
        "/api/v1/referendums/{id}/results",
        "/api/v1/referendums/kz-2026/results"
    ));
    assert!(!matches(
        "/api/v1/referendums/{id}/results",
        "/api/v1/referendums/kz-2026"
    ));
    assert!(!matches("/api/v1/referendums/{id}", "/api/v1/referendums/"));
}
