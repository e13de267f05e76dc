//! Procedural macros of [testrig](https://docs.rs/testrig). Use them through `testrig`
//! (`use testrig::prelude::*;`); this crate is an implementation detail.
