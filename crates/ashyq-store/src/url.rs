//! Database URLs: which backend, and how to show one without its password.

use std::path::PathBuf;

use crate::StoreError;

/// Where a store lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL URL (as given).
    Postgres(String),
}

/// Sorts a `--database-url` value into a backend.
pub(crate) fn parse(url: &str) -> Result<Target, StoreError> {
    let invalid = |reason: &str| StoreError::InvalidUrl {
        url: redact_url(url),
        reason: reason.to_owned(),
    };
    let trimmed = url.trim();
    if trimmed.is_empty() {
        return Err(invalid("it is empty"));
    }
    let lower = trimmed.to_ascii_lowercase();
    if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
        return Ok(Target::Postgres(trimmed.to_owned()));
    }
    let path = if lower.starts_with("sqlite://") {
        &trimmed["sqlite://".len()..]
    } else if lower.starts_with("sqlite:") {
        &trimmed["sqlite:".len()..]
    } else if let Some(scheme_end) = trimmed.find("://") {
        let scheme = &trimmed[..scheme_end];
        return Err(invalid(&format!(
            "the scheme {scheme:?} is not supported (only sqlite and postgres)"
        )));
    } else {
        trimmed
    };
    // Options in a query string (`?mode=…`) are not supported: the store sets its own.
    if path.contains('?') {
        return Err(invalid(
            "a SQLite URL takes no options (?…); the store sets WAL, synchronous=NORMAL, a 5 s busy timeout and foreign keys itself",
        ));
    }
    if path.is_empty() {
        return Err(invalid("no SQLite file path is given"));
    }
    if path == ":memory:" || path.starts_with(":memory") {
        return Err(invalid(
            "in-memory SQLite is not supported (it would not survive a restart); give a file path",
        ));
    }
    Ok(Target::Sqlite(PathBuf::from(path)))
}

/// Masks the password in a database URL, for errors and logs: in the user-info part
/// (`postgres://user:secret@host/db` → `postgres://user:***@host/db`) and in a `password=`
/// query parameter. Anything that is not a URL with `://` is returned unchanged (a file path
/// holds no password). When in doubt (unencoded `/`, `?` or `#` in a password) it masks more,
/// never less.
pub fn redact_url(url: &str) -> String {
    let Some(parts) = Parts::split(url) else {
        return url.to_owned();
    };
    let mut out = String::with_capacity(url.len());
    out.push_str(parts.scheme);
    if let Some((user, password)) = parts.userinfo {
        out.push_str(user);
        if password.is_some() {
            out.push_str(":***");
        }
        out.push('@');
    }
    match parts.remainder.find('?') {
        Some(q) => {
            out.push_str(&parts.remainder[..=q]);
            let query = &parts.remainder[q + 1..];
            let (query, fragment) = match query.find('#') {
                Some(h) => (&query[..h], &query[h..]),
                None => (query, ""),
            };
            let params: Vec<String> = query
                .split('&')
                .map(|param| match param.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                    _ => param.to_owned(),
                })
                .collect();
            out.push_str(&params.join("&"));
            out.push_str(fragment);
        }
        None => out.push_str(parts.remainder),
    }
    out
}

/// A URL cut at its user-info.
struct Parts<'a> {
    /// Up to and including `://`.
    scheme: &'a str,
    /// User and password, when the URL has an `@`.
    userinfo: Option<(&'a str, Option<&'a str>)>,
    /// Host, port, path, query and fragment.
    remainder: &'a str,
}

impl<'a> Parts<'a> {
    fn split(url: &'a str) -> Option<Self> {
        let rest_start = url.find("://")? + 3;
        let rest = &url[rest_start..];
        // The last '@' ends the user-info even if the password holds unencoded '/', '?' or
        // '#'; an '@' elsewhere only makes the masking wider.
        let (userinfo, remainder) = match rest.rfind('@') {
            Some(at) => {
                let info = &rest[..at];
                let userinfo = match info.split_once(':') {
                    Some((user, password)) => (user, Some(password)),
                    None => (info, None),
                };
                (Some(userinfo), &rest[at + 1..])
            }
            None => (None, rest),
        };
        Some(Parts {
            scheme: &url[..rest_start],
            userinfo,
            remainder,
        })
    }
}

/// The passwords a URL carries (user-info and `password=`), to scrub from driver messages.
pub(crate) fn passwords(url: &str) -> Vec<String> {
    let mut out = Vec::new();
    let Some(parts) = Parts::split(url) else {
        return out;
    };
    if let Some((_, Some(password))) = parts.userinfo
        && !password.is_empty()
    {
        out.push(password.to_owned());
    }
    if let Some(q) = parts.remainder.find('?') {
        let query = &parts.remainder[q + 1..];
        let query = query.split('#').next().unwrap_or("");
        for param in query.split('&') {
            if let Some((key, value)) = param.split_once('=')
                && key.eq_ignore_ascii_case("password")
                && !value.is_empty()
            {
                out.push(value.to_owned());
            }
        }
    }
    out
}

/// A driver message with any password of `url` masked.
pub(crate) fn scrub(message: &str, url: &str) -> String {
    let mut out = message.to_owned();
    for password in passwords(url) {
        out = out.replace(&password, "***");
    }
    out
}

/// `url` with its database name replaced by `database` (the path after the host).
pub(crate) fn with_database(url: &str, database: &str) -> String {
    let Some(parts) = Parts::split(url) else {
        return url.to_owned();
    };
    let remainder = parts.remainder;
    let prefix = &url[..url.len() - remainder.len()];
    let host_len = remainder.find(['/', '?', '#']).unwrap_or(remainder.len());
    let after = &remainder[host_len..];
    let query = after.find(['?', '#']).map_or("", |i| &after[i..]);
    format!("{prefix}{}/{database}{query}", &remainder[..host_len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_masked() {
        assert_eq!(
            redact_url("postgres://ashyq:s3cr:et@db.example:5432/ashyq"),
            "postgres://ashyq:***@db.example:5432/ashyq"
        );
        assert_eq!(redact_url("postgres://ashyq@db/x"), "postgres://ashyq@db/x");
        assert_eq!(
            redact_url("postgresql://u@h/d?sslmode=require&password=hunter2#x"),
            "postgresql://u@h/d?sslmode=require&password=***#x"
        );
        assert_eq!(redact_url("/var/lib/ashyq.db"), "/var/lib/ashyq.db");
        assert_eq!(redact_url("postgres://:pw@h"), "postgres://:***@h");
        assert_eq!(
            redact_url("postgres://u:a/b?c#d@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(
            passwords("postgres://u:pw@h/d?password=two"),
            vec!["pw".to_owned(), "two".to_owned()]
        );
        assert_eq!(
            scrub("failed for pw at h", "postgres://u:pw@h/d"),
            "failed for *** at h"
        );
    }

    #[test]
    fn urls_pick_the_backend() {
        assert_eq!(
            parse("sqlite://a/b.db").unwrap(),
            Target::Sqlite("a/b.db".into())
        );
        assert_eq!(
            parse("sqlite:///abs/b.db").unwrap(),
            Target::Sqlite("/abs/b.db".into())
        );
        assert_eq!(parse("sqlite:b.db").unwrap(), Target::Sqlite("b.db".into()));
        assert_eq!(
            parse("data/ashyq.db").unwrap(),
            Target::Sqlite("data/ashyq.db".into())
        );
        assert!(matches!(
            parse("postgres://h/d").unwrap(),
            Target::Postgres(_)
        ));
        assert!(matches!(
            parse("PostgreSQL://h/d").unwrap(),
            Target::Postgres(_)
        ));
        for bad in [
            "",
            "  ",
            "mysql://u:pw@h/d",
            "sqlite:",
            "sqlite::memory:",
            "sqlite://x?mode=ro",
        ] {
            let err = parse(bad).unwrap_err().to_string();
            assert!(!err.contains("pw@"), "{err}");
            assert!(err.contains("--database-url"), "{err}");
        }
    }

    #[test]
    fn the_database_name_is_replaced() {
        assert_eq!(
            with_database("postgres://u@h:5432/test", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
        assert_eq!(
            with_database("postgres://u:p@h/test?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
    }
}
