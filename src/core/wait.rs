//! Waiting for keys held by other owners: who blocks whom, the lock timeout, wait-cycle
//! detection, and the refusal to upgrade a shared hold.

use std::collections::HashSet;
use std::panic::Location;
use std::sync::{MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use super::{State, core};
use crate::context::{Holder, Owner};

/// How a key is held: alone, or beside other shared holders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    Exclusive,
    Shared,
}

/// Someone in the way of a request.
struct Block {
    owner: Owner,
    /// The slot where the blocking hold is (a child key, for a parent's implicit hold).
    at: usize,
    holder: Option<Holder>,
    site: Option<&'static Location<'static>>,
    /// Only the queue of exclusive waiters: no hold, given up when it would close a cycle.
    soft: bool,
}

enum Check {
    Free,
    Blocked,
    /// The owner holds the key shared and asks for it exclusively: the hold's site.
    Upgrade(&'static Location<'static>, usize),
}

impl State {
    /// Whether `owner` holds slot `at` in any way.
    fn holds(&self, owner: Owner, at: usize) -> bool {
        let k = &self.keys[at];
        k.holder.as_ref().is_some_and(|(o, _)| *o == owner)
            || k.sharers.iter().any(|s| s.owner == owner)
            || k.children.iter().any(|&c| self.holds(owner, c))
    }

    /// Whether a shared request waits behind exclusive waiters. Only on a parent key (the
    /// whole environment), where shared holds are short patches taken again and again, so a
    /// `lock_all` could wait forever for a moment with none live; a named key's shared holders
    /// are whole tests, which end.
    fn queues_behind_exclusive(&self, owner: Owner, at: usize) -> bool {
        let k = &self.keys[at];
        k.excl_waiting > 0 && !k.children.is_empty() && !self.holds(owner, at)
    }

    /// The common path: no allocation, a few field reads for an env var. With `jump_queue`, a
    /// shared request does not wait behind exclusive waiters (that wait would close a cycle).
    fn check(&self, owner: Owner, at: usize, mode: Mode, jump_queue: bool) -> Check {
        let k = &self.keys[at];
        if k.held_by_other(owner) {
            return Check::Blocked;
        }
        match mode {
            Mode::Exclusive => {
                let mine = k.holder.is_some();
                for s in &k.sharers {
                    if s.owner != owner {
                        return Check::Blocked;
                    }
                    if !mine {
                        return Check::Upgrade(s.site, at);
                    }
                }
                for &c in &k.children {
                    let child = &self.keys[c];
                    match &child.holder {
                        Some((o, _)) if *o == owner && !mine => {
                            let site = child.layers.first().map(|l| l.site);
                            return Check::Upgrade(site.unwrap_or(Location::caller()), c);
                        }
                        Some((o, _)) if *o != owner && *o != Owner::Session => {
                            return Check::Blocked;
                        }
                        _ => {}
                    }
                }
            }
            Mode::Shared => {
                if !jump_queue && self.queues_behind_exclusive(owner, at) {
                    return Check::Blocked;
                }
            }
        }
        match k.parent {
            Some(p) => self.check(owner, p, Mode::Shared, jump_queue),
            None => Check::Free,
        }
    }

    /// Everyone in the way of `owner` taking `at` in `mode`.
    fn blockers(&self, owner: Owner, at: usize, mode: Mode, out: &mut Vec<Block>) {
        let k = &self.keys[at];
        let site = |at: usize| self.keys[at].layers.last().map(|l| l.site);
        if let Some((o, h)) = &k.holder
            && *o != owner
        {
            out.push(Block {
                owner: *o,
                at,
                holder: Some(h.clone()),
                site: site(at),
                soft: false,
            });
        }
        match mode {
            Mode::Exclusive => {
                for s in k.sharers.iter().filter(|s| s.owner != owner) {
                    out.push(Block {
                        owner: s.owner,
                        at,
                        holder: Some(s.holder.clone()),
                        site: Some(s.site),
                        soft: false,
                    });
                }
                for &c in &k.children {
                    if let Some((o, h)) = &self.keys[c].holder
                        && *o != owner
                        && *o != Owner::Session
                    {
                        out.push(Block {
                            owner: *o,
                            at: c,
                            holder: Some(h.clone()),
                            site: site(c),
                            soft: false,
                        });
                    }
                }
            }
            Mode::Shared => {
                if self.queues_behind_exclusive(owner, at) {
                    for (o, _) in self
                        .waiting
                        .iter()
                        .filter(|(o, w)| **o != owner && **w == (at, Mode::Exclusive))
                    {
                        out.push(Block {
                            owner: *o,
                            at,
                            holder: None,
                            site: None,
                            soft: true,
                        });
                    }
                }
            }
        }
        if let Some(p) = k.parent {
            self.blockers(owner, p, Mode::Shared, out);
        }
    }

    /// Whether `from`, following what each owner waits for, reaches `target`; with
    /// `hard_only`, through holds alone (no queueing behind exclusive waiters).
    fn reaches(&self, from: Owner, target: Owner, hard_only: bool, path: &mut Vec<Block>) -> bool {
        let mut seen = HashSet::new();
        self.reaches_inner(from, target, hard_only, path, &mut seen)
    }

    fn reaches_inner(
        &self,
        from: Owner,
        target: Owner,
        hard_only: bool,
        path: &mut Vec<Block>,
        seen: &mut HashSet<Owner>,
    ) -> bool {
        if from == target {
            return true;
        }
        if !seen.insert(from) {
            return false;
        }
        let Some(&(at, mode)) = self.waiting.get(&from) else {
            return false;
        };
        let mut next = Vec::new();
        self.blockers(from, at, mode, &mut next);
        for b in next {
            if hard_only && b.soft {
                continue;
            }
            let owner = b.owner;
            path.push(b);
            if self.reaches_inner(owner, target, hard_only, path, seen) {
                return true;
            }
            path.pop();
        }
        false
    }

    fn describe(&self, chain: &[Block]) -> String {
        let mut text = String::new();
        for (i, b) in chain.iter().enumerate() {
            if i > 0
                && let Some(&(at, _)) = self.waiting.get(&chain[i - 1].owner)
            {
                text += &format!("    which waits for {}\n", self.keys[at].key);
            }
            text += &format!(
                "  - {} is held by `{}` (guard created at {})\n",
                self.keys[b.at].key,
                b.holder
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                b.site.map_or_else(|| "?".into(), |s| s.to_string())
            );
        }
        text
    }
}

/// Waits until `owner` may take every slot of `slots` in `mode`, and returns with the lock
/// held so the caller takes them at once.
#[track_caller]
#[inline]
pub(super) fn wait_for_keys(
    state: MutexGuard<'static, State>,
    owner: Owner,
    slots: &[usize],
    mode: Mode,
    site: &'static Location<'static>,
) -> MutexGuard<'static, State> {
    // The common case: nothing in the way, nothing to set up.
    if slots
        .iter()
        .all(|&at| matches!(state.check(owner, at, mode, false), Check::Free))
    {
        return state;
    }
    wait_slow(state, owner, slots, mode, site)
}

#[track_caller]
#[inline(never)]
fn wait_slow(
    mut state: MutexGuard<'static, State>,
    owner: Owner,
    slots: &[usize],
    mode: Mode,
    site: &'static Location<'static>,
) -> MutexGuard<'static, State> {
    let mut deadline = None;
    let mut queued = None;
    let mut jump_queue = false;
    loop {
        let mut blocked_at = None;
        for &at in slots {
            match state.check(owner, at, mode, jump_queue) {
                Check::Free => {}
                Check::Blocked => {
                    blocked_at = Some(at);
                    break;
                }
                Check::Upgrade(held_site, held_at) => {
                    let message = format!(
                        "testrig: {} is asked for exclusively at {site}, but this test already \
                         holds {} shared (taken at {held_site}). A shared hold is never \
                         upgraded in place: two tests doing it would wait for each other \
                         forever. Take the exclusive side first (`lock::serial`, \
                         `env::lock_all()`, `whole_env` before any env patch), or only the \
                         shared side.",
                        state.keys[at].key, state.keys[held_at].key
                    );
                    stop_waiting(&mut state, owner, queued);
                    drop(state);
                    panic!("{message}");
                }
            }
        }
        let Some(at) = blocked_at else {
            stop_waiting(&mut state, owner, queued);
            return state;
        };
        let mut blocks = Vec::new();
        state.blockers(owner, at, mode, &mut blocks);
        if blocks.is_empty() {
            // The queue this request waited in has no waiter left to name: go ahead of it.
            if jump_queue {
                stop_waiting(&mut state, owner, queued);
                return state;
            }
            jump_queue = true;
            continue;
        }
        // Queueing behind exclusive waiters is given up when one of them waits for us.
        if !jump_queue
            && blocks.iter().all(|b| b.soft)
            && blocks
                .iter()
                .any(|b| state.reaches(b.owner, owner, false, &mut Vec::new()))
        {
            jump_queue = true;
            continue;
        }
        for b in blocks.iter().filter(|b| !b.soft) {
            let mut path = Vec::new();
            if state.reaches(b.owner, owner, true, &mut path) {
                let first = Block {
                    owner: b.owner,
                    at: b.at,
                    holder: b.holder.clone(),
                    site: b.site,
                    soft: false,
                };
                path.insert(0, first);
                let cycle = state.describe(&path);
                let key = state.keys[at].key.clone();
                stop_waiting(&mut state, owner, queued);
                drop(state);
                panic!(
                    "testrig: deadlock: taking {key} at {site} would wait forever:\n{cycle}\
                     Patch keys in the same order in every test, or take them together \
                     (`env::set_many`), so that no test holds one while waiting for another."
                );
            }
        }
        let now = Instant::now();
        let limit = match try_lock_timeout() {
            Ok(limit) => limit,
            Err(message) => {
                stop_waiting(&mut state, owner, queued);
                drop(state);
                panic!("{message}");
            }
        };
        // `Duration::MAX` (no limit) has no deadline.
        let deadline = *deadline.get_or_insert_with(|| now.checked_add(limit));
        if let Some(deadline) = deadline
            && now >= deadline
        {
            let b = blocks.iter().find(|b| !b.soft).unwrap_or(&blocks[0]);
            let hint = b
                .holder
                .as_ref()
                .map(|h| crate::context::own_test_hint(owner, h))
                .unwrap_or_default();
            let held = if b.at == at {
                "it".to_owned()
            } else {
                state.keys[b.at].key.to_string()
            };
            let message = format!(
                "testrig: waited {:?} to take {} at {site}, but test `{}` still holds {held} \
                 (guard created at {}). Drop that guard sooner, or raise TESTRIG_LOCK_TIMEOUT \
                 (`2m`, `0` for no limit) if the wait is legitimate.{hint}",
                limit,
                state.keys[at].key,
                b.holder
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                b.site.unwrap_or(site),
            );
            stop_waiting(&mut state, owner, queued);
            drop(state);
            panic!("{message}");
        }
        if queued.is_none() {
            state.waiting.insert(owner, (at, mode));
            if mode == Mode::Exclusive {
                for &s in slots {
                    state.keys[s].excl_waiting += 1;
                }
            }
            queued = Some(slots);
            // A new wait may close a cycle through someone queued behind an exclusive
            // waiter: let every waiter look again.
            core().changed.notify_all();
        } else {
            state.waiting.insert(owner, (at, mode));
        }
        state.waiters += 1;
        let wait = deadline.map_or(Duration::from_secs(3600), |d| d - now);
        state = core()
            .changed
            .wait_timeout(state, wait)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
        state.waiters -= 1;
    }
}

fn stop_waiting(state: &mut State, owner: Owner, queued: Option<&[usize]>) {
    let Some(slots) = queued else { return };
    let mode = state.waiting.remove(&owner).map(|(_, m)| m);
    if mode == Some(Mode::Exclusive) {
        for &s in slots {
            state.keys[s].excl_waiting -= 1;
        }
        // Shared requests queued behind this one may go now.
        core().changed.notify_all();
    }
}

/// How long a patch waits for a key another owner holds: `TESTRIG_LOCK_TIMEOUT`, read once,
/// in `timeout::parse_duration`'s grammar; 60 s when unset, [`Duration::MAX`] for `0` / `off`
/// (no limit: wait cycles are still reported at once).
///
/// Panics, naming the variable, when it is set to something that is not a limit.
#[track_caller]
pub(crate) fn lock_timeout() -> Duration {
    try_lock_timeout().unwrap_or_else(|message| panic!("{message}"))
}

fn try_lock_timeout() -> Result<Duration, String> {
    use crate::timeout::{EnvLimit, env_limit};
    static TIMEOUT: OnceLock<Result<Duration, String>> = OnceLock::new();
    TIMEOUT
        .get_or_init(|| match env_limit("TESTRIG_LOCK_TIMEOUT")? {
            EnvLimit::Unset => Ok(Duration::from_secs(60)),
            EnvLimit::Off => Ok(Duration::MAX),
            EnvLimit::After(limit) => Ok(limit),
        })
        .clone()
}
