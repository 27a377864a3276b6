//! ashyq-server (being written).
