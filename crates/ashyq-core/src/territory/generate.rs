//! Synthetic territory generation (being written).
