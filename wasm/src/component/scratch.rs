//! The component's allocator: a bump arena for everything a call allocates, the system
//! allocator (dlmalloc) for what outlives calls.
//!
//! A scoring call allocates hundreds of small blocks (the lifted payment's strings, the core's
//! frame and features, the assessment going back) and frees them all by the time the host has
//! read the answer and run the post-return function. Bumping a pointer is much cheaper than
//! dlmalloc's bins, so calls allocate from an arena: an allocation bumps, a free only counts
//! down, and when nothing in the arena is live any more the pointer goes back to its start.
//!
//! What must outlive calls (a loaded bundle) is allocated inside [`persistent`], which goes to
//! the system allocator. A block freed is told apart by its address, so freeing or growing a
//! persistent block during a call, or an arena block inside `persistent`, does the right thing.
//!
//! When the arena is full, allocations fall back to the system allocator; when it next drains,
//! it is replaced by one twice as large (up to [`MAX_ARENA`]). Should a call leave a block live
//! for good, the arena never drains and every allocation takes the fallback: slower, still
//! correct.
//!
//! Only on `wasm32` without threads: the state is a plain cell that one thread touches.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;

/// The first arena's size.
const FIRST_ARENA: usize = 1 << 20;

/// The largest arena; a call that needs more gets the rest from the system allocator.
const MAX_ARENA: usize = 32 << 20;

/// Alignment of the arena itself (wasm's widest type is 16 bytes).
const ARENA_ALIGN: usize = 16;

struct State {
    /// Depth of nested [`persistent`] sections; allocations go to the system allocator while > 0.
    persistent: u32,
    /// The arena is `[start, end)`; `start == end == 0` before the first allocation.
    start: usize,
    end: usize,
    /// The next free byte.
    next: usize,
    /// Blocks allocated in the arena and not yet freed.
    live: usize,
    /// Whether an allocation did not fit since the arena last drained.
    overflowed: bool,
}

/// The global allocator of the component.
pub struct Scratch(UnsafeCell<State>);

// SAFETY: wasm32 without the `atomics` feature runs one thread, so the cell is never shared.
unsafe impl Sync for Scratch {}

impl Scratch {
    /// An allocator with no arena yet.
    pub const fn new() -> Self {
        Scratch(UnsafeCell::new(State { persistent: 0, start: 0, end: 0, next: 0, live: 0, overflowed: false }))
    }

    #[allow(clippy::mut_from_ref)]
    fn state(&self) -> &mut State {
        // SAFETY: one thread (see `Sync` above), and no function here calls back into the
        // allocator while holding this reference except through `System`, which does not
        // touch it.
        unsafe { &mut *self.0.get() }
    }
}

impl State {
    fn in_arena(&self, ptr: *mut u8) -> bool {
        let a = ptr as usize;
        a >= self.start && a < self.end
    }

    /// Bumps; `None` when the block does not fit.
    fn bump(&mut self, layout: Layout) -> Option<*mut u8> {
        if self.end == 0 {
            self.replace_arena(FIRST_ARENA);
        }
        let at = self.next.checked_add(layout.align() - 1)? & !(layout.align() - 1);
        let to = at.checked_add(layout.size())?;
        if to > self.end {
            return None;
        }
        self.next = to;
        self.live += 1;
        Some(at as *mut u8)
    }

    /// The arena drained: start again from its beginning, in a larger one if it overflowed.
    fn drained(&mut self) {
        self.next = self.start;
        if self.overflowed {
            self.overflowed = false;
            let size = (self.end - self.start).saturating_mul(2).min(MAX_ARENA);
            if size > self.end - self.start {
                self.replace_arena(size);
            }
        }
    }

    /// Frees the arena (which must hold nothing live) and allocates one of `size` bytes; on
    /// failure there is no arena and everything goes to the system allocator.
    fn replace_arena(&mut self, size: usize) {
        if self.end > self.start
            && let Ok(old) = Layout::from_size_align(self.end - self.start, ARENA_ALIGN)
        {
            // SAFETY: `start` was returned by `System.alloc` with this layout.
            unsafe { System.dealloc(self.start as *mut u8, old) };
        }
        let fresh = Layout::from_size_align(size, ARENA_ALIGN)
            .ok()
            // SAFETY: the layout's size is not zero.
            .map(|l| unsafe { System.alloc(l) })
            .filter(|p| !p.is_null());
        // A failed arena is marked by `start = 1, end = 1`: empty, and never retried.
        let start = fresh.map_or(1, |p| p as usize);
        self.start = start;
        self.next = start;
        self.end = if fresh.is_some() { start + size } else { start };
    }
}

// SAFETY: blocks come from the arena (aligned by `bump`, disjoint, never reused while live:
// the pointer only moves back over the last block when it is freed, or to the start when no
// block is live) or from `System`; each is returned where it came from, by address.
unsafe impl GlobalAlloc for Scratch {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let s = self.state();
        if s.persistent == 0 {
            if let Some(p) = s.bump(layout) {
                return p;
            }
            s.overflowed = true;
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let s = self.state();
        if !s.in_arena(ptr) {
            // SAFETY: not an arena block, so `System` allocated it with this layout.
            return unsafe { System.dealloc(ptr, layout) };
        }
        s.live -= 1;
        if s.live == 0 {
            s.drained();
        } else if ptr as usize + layout.size() == s.next {
            // The last block: give its bytes back at once (a vector that grew and moved).
            s.next = ptr as usize;
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let s = self.state();
        if !s.in_arena(ptr) {
            // SAFETY: not an arena block, so `System` allocated it with this layout.
            return unsafe { System.realloc(ptr, layout, new_size) };
        }
        let a = ptr as usize;
        if new_size <= layout.size() && a + layout.size() != s.next {
            // Shrinking a block in the middle: keep it where it is.
            return ptr;
        }
        if a + layout.size() == s.next && a.checked_add(new_size).is_some_and(|to| to <= s.end) {
            // The last block grows or shrinks in place.
            s.next = a + new_size;
            return ptr;
        }
        // SAFETY: the caller guarantees `new_size`, rounded up to the alignment, fits `isize`.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: `new_layout` has a non-zero size (the caller's guarantee).
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: both blocks are valid for the smaller size and do not overlap.
            unsafe { std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size)) };
            // SAFETY: `ptr` is a live arena block of `layout`.
            unsafe { self.dealloc(ptr, layout) };
        }
        new
    }
}

/// Runs `f` with its allocations going to the system allocator: for what outlives the call,
/// such as a loaded bundle.
pub fn persistent<R>(f: impl FnOnce() -> R) -> R {
    ALLOCATOR.state().persistent += 1;
    let r = f();
    ALLOCATOR.state().persistent -= 1;
    r
}

#[global_allocator]
static ALLOCATOR: Scratch = Scratch::new();
