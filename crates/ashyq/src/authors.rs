//! The authors the command line records in the log: the name given (`--author`, `--operator`)
//! and the role the command acts in.

use ashyq_core::author::Author;

/// The central commission: certifying a result, registering the demo's keys.
pub fn central_commission(name: impl Into<String>) -> Author {
    Author {
        name: name.into(),
        role: "central commission".into(),
    }
}

/// An operator amending a protocol or dismissing a conflict.
pub fn operator(name: String) -> Author {
    Author {
        name,
        role: "operator".into(),
    }
}

/// An operator of the central commission: party rules, seats, mandates, reviews.
pub fn commission_operator(name: &str) -> Author {
    Author {
        name: name.trim().to_owned(),
        role: "central commission operator".into(),
    }
}

/// Whoever manages commission keys from the command line.
pub fn command_line_operator(name: String) -> Author {
    Author {
        name,
        role: "operator (command line)".into(),
    }
}
