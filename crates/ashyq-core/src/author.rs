//! Who did something. A leaf module: every domain names its authors the same way.

use serde::{Deserialize, Serialize};

/// Who did something: an operator account or a named person and their role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Author {
    /// Name or account.
    pub name: String,
    /// Role, e.g. "central commission operator".
    pub role: String,
}

impl Author {
    /// An author with this name and role.
    pub fn new(name: impl Into<String>, role: impl Into<String>) -> Self {
        Author {
            name: name.into(),
            role: role.into(),
        }
    }
}
