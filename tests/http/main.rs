//! HTTP mock servers: assertions, strict mode, waiting, the blocking facade.

mod assertions;
mod blocking;
#[path = "../common/mod.rs"]
mod common;
mod dump;
mod report;
mod sequence;
mod stress;
mod strict;
mod wait;

use std::panic::{AssertUnwindSafe, catch_unwind};

use serde_json::Value;

/// Sends one request with a real client from a sync test; returns the status.
pub(crate) fn send(method: &str, url: &str, json: Option<Value>) -> u16 {
    let client = reqwest::blocking::Client::new();
    let mut req = client.request(method.parse().unwrap(), url);
    if let Some(json) = json {
        req = req.json(&json);
    }
    req.send().unwrap().status().as_u16()
}

/// The panic message of `f`, which must panic.
#[track_caller]
pub(crate) fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("expected a panic");
    if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else {
        panic!("panic payload is not a string")
    }
}
