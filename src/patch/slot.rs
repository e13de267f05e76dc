//! The per-function slot that `#[patchable]` emits, and the guard that fills it.

use std::any::Any;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use crate::core::{self, Change, Key, Slot, Value};

/// The replacement of one patchable function. Not a public API: `#[patchable]` emits one
/// `static` per function and calls [`PatchSlot::get`] first thing.
pub struct PatchSlot {
    /// `module::function`, or a method's bare name until [`PatchSlot::in_type`] runs.
    name: &'static str,
    /// `module::Type::method`, for methods: the type is only known where `Self` is in scope.
    full_name: OnceLock<&'static str>,
    /// The fast path: `false` while nothing is patched, so an unpatched call costs one load.
    active: AtomicBool,
    /// The visible replacement and the test that installed it.
    current: RwLock<Option<Arc<Installed>>>,
}

/// A replacement as the guard core stores it: the `Arc<Box<dyn Fn(..) -> R + Send + Sync>>`
/// behind `Any`, and the id of the testrig test that patched (0 outside any test context).
struct Installed {
    owner: u64,
    f: Arc<dyn Any + Send + Sync>,
}

impl Installed {
    /// Whether a call made here runs the replacement. Patches are process-wide, so workers the
    /// code under test starts (threads and tasks with no test context) see them; a call made
    /// inside *another* testrig test runs the real function, so tests that run in parallel
    /// never see each other's patches.
    fn applies_here(&self, name: &'static str) -> Option<Arc<dyn Any + Send + Sync>> {
        match crate::context::current_test_id() {
            Some(id) if self.owner != 0 && id != self.owner => return None,
            None if self.owner != 0 => {
                crate::context::used_contextless(crate::context::Used::Patch(name), self.owner);
            }
            _ => {}
        }
        Some(self.f.clone())
    }
}

impl PatchSlot {
    /// An empty slot for the function named `name` (its path, for messages).
    pub const fn new(name: &'static str) -> Self {
        PatchSlot {
            name,
            full_name: OnceLock::new(),
            active: AtomicBool::new(false),
            current: RwLock::new(None),
        }
    }

    /// The live replacement, if any. `F` is the function's `dyn Fn(..) -> R + Send + Sync`.
    #[inline(always)]
    pub fn get<F: ?Sized + Send + Sync + 'static>(&'static self) -> Option<Arc<Box<F>>> {
        if !self.active.load(Ordering::Acquire) {
            return None;
        }
        self.get_slow()
    }

    /// The live replacement or observer of an `async fn`, untyped: the wrapper tries both.
    #[inline(always)]
    pub fn get_any(&'static self) -> Option<Arc<dyn Any + Send + Sync>> {
        if !self.active.load(Ordering::Acquire) {
            return None;
        }
        self.get_any_slow()
    }

    #[cold]
    #[inline(never)]
    fn get_any_slow(&'static self) -> Option<Arc<dyn Any + Send + Sync>> {
        let installed = self
            .current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()?;
        installed.applies_here(self.display_name())
    }

    #[cold]
    #[inline(never)]
    fn get_slow<F: ?Sized + Send + Sync + 'static>(&'static self) -> Option<Arc<Box<F>>> {
        // Cloned out of the lock: the replacement runs without any lock held, so it may call
        // the real function, patch other functions, or block, and a guard may drop meanwhile.
        let installed = self
            .current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()?;
        match installed
            .applies_here(self.display_name())?
            .downcast::<Box<F>>()
        {
            Ok(f) => Some(f),
            Err(_) => unreachable!(
                "testrig: the replacement of `{}` has another type",
                self.name
            ),
        }
    }

    /// Replaces the function with `f` until the guard drops. Called by the companion item that
    /// `#[patchable]` emits, which fixes `F` to the function's signature.
    #[track_caller]
    pub fn patch<F: ?Sized + Send + Sync + 'static>(&'static self, f: Box<F>) -> PatchGuard {
        let key = self.key();
        let value = Arc::new(Installed {
            owner: crate::context::current_test_id().unwrap_or(0),
            f: Arc::new(f),
        });
        PatchGuard {
            _core: core::patch_one(Change::set(key, self, Value::Any(value))),
        }
    }

    /// The slot of a method of `T`, so that messages say `Type::method`.
    pub fn in_type<T: ?Sized>(&'static self) -> &'static Self {
        // Leaked once per patched method: a name lives as long as the slot, which is static.
        self.full_name.get_or_init(|| {
            Box::leak(format!("{}::{}", std::any::type_name::<T>(), self.name).into_boxed_str())
        });
        self
    }

    fn key(&'static self) -> Key {
        Key::Patch(self as *const PatchSlot as usize, self.display_name())
    }

    /// `module::function`, or `module::Type::method`.
    fn display_name(&self) -> &'static str {
        self.full_name.get().copied().unwrap_or(self.name)
    }
}

impl Slot for PatchSlot {
    fn read(&self, _key: &Key) -> Value {
        match &*self.current.read().unwrap_or_else(PoisonError::into_inner) {
            Some(installed) => Value::Any(installed.clone()),
            None => Value::Unit,
        }
    }

    fn write(&self, _key: &Key, value: &Value) -> std::io::Result<()> {
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        match value {
            Value::Any(any) => {
                let installed = any
                    .clone()
                    .downcast::<Installed>()
                    .unwrap_or_else(|_| unreachable!("patch slots only hold `Installed`"));
                *current = Some(installed);
                self.active.store(true, Ordering::Release);
            }
            _ => {
                self.active.store(false, Ordering::Release);
                *current = None;
            }
        }
        Ok(())
    }
}

/// A live function patch; dropping it puts the previous behaviour back.
///
/// Made by [`patch!`](macro@crate::patch). `Send` and `Sync`, so an async test may hold it across
/// `.await` on a multi-thread runtime.
///
/// ```
/// use testrig::{patch, patchable};
///
/// #[patchable(always)]
/// fn answer() -> u32 {
///     42
/// }
///
/// # fn main() {
/// {
///     let _guard = patch!(answer, || 7);
///     assert_eq!(std::thread::spawn(answer).join().unwrap(), 7); // every thread sees it
/// }
/// assert_eq!(answer(), 42);
/// # }
/// ```
#[must_use = "the function is restored as soon as the guard drops, and `let _ = ...` drops it at once; bind it with `let _guard = ...`"]
#[derive(Debug)]
pub struct PatchGuard {
    _core: core::Guard,
}

const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<PatchGuard>();
};
