//! Attribute names and keys the macros understand.

pub(crate) const SCOPE: &str = "scope";
pub(crate) const AUTOUSE: &str = "autouse";
pub(crate) const NO_AUTOUSE: &str = "no_autouse";
pub(crate) const SESSION: &str = "session";
pub(crate) const FUNCTION: &str = "function";

pub(crate) const CASE: &str = "case";
pub(crate) const FIXTURE_USE: &str = "fixture_use";
pub(crate) const FROM: &str = "from";
pub(crate) const VALUES: &str = "values";
pub(crate) const STRATEGY: &str = "strategy";
pub(crate) const WITH: &str = "with";
pub(crate) const DEFAULT: &str = "default";
pub(crate) const FILES: &str = "files";
pub(crate) const MODE: &str = "mode";
pub(crate) const ONCE: &str = "once";

pub(crate) const ID: &str = "id";
pub(crate) const IGNORE: &str = "ignore";
pub(crate) const SHOULD_PANIC: &str = "should_panic";
pub(crate) const XFAIL: &str = "xfail";

pub(crate) const ISOLATED: &str = "isolated";
pub(crate) const TIMEOUT: &str = "timeout";
pub(crate) const SERIAL: &str = "serial";
pub(crate) const SHARED: &str = "shared";
