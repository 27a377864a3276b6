//! ashyq-store (being written).
