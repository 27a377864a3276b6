//! Territory import and export (being written).
