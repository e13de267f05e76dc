//! autouse
