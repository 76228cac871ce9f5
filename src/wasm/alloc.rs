//! The allocator of the npm package's `core` and `webhooks` modules (not the sandbox's): power-of-two
//! size classes with one free list each, fed by `memory.grow`. A few hundred bytes of code instead of
//! dlmalloc's several kilobytes (the 48 kB and 12 kB gzip budgets of the Workers bundles). These
//! modules allocate small, short-lived things (a call's request, strings crossing the boundary, the
//! secrets' key schedules); a freed block is reused by the next of its class, so a long run's memory
//! stays at its peak (`make soak`: flat).
#![allow(unsafe_code)]

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32::memory_grow;
use core::cell::UnsafeCell;
use core::ptr::null_mut;

const PAGE: usize = 65536;
/// Every block is at least this big and this aligned.
const MIN: usize = 16;

struct State {
    /// Head of each class's free list (class k holds blocks of 2^k bytes); 0 = empty.
    free: [usize; 32],
    /// Unused memory between `next` and `end`, from the last `memory.grow`.
    next: usize,
    end: usize,
}

struct Classes(UnsafeCell<State>);

// SAFETY: wasm32 without threads: one thread touches the state, never reentrantly.
unsafe impl Sync for Classes {}

#[global_allocator]
static ALLOC: Classes = Classes(UnsafeCell::new(State { free: [0; 32], next: 0, end: 0 }));

/// The class (log2 of the block size) for a layout, or None when it cannot be served.
fn class(layout: Layout) -> Option<usize> {
    if layout.align() > MIN || layout.size() > (1 << 31) {
        return None;
    }
    let size = layout.size().max(MIN).next_power_of_two();
    Some(size.trailing_zeros() as usize)
}

unsafe impl GlobalAlloc for Classes {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(k) = class(layout) else { return null_mut() };
        // SAFETY: single-threaded, and no allocation happens while this borrow lives.
        let st = unsafe { &mut *self.0.get() };
        let Some(head) = st.free.get_mut(k) else { return null_mut() };
        if *head != 0 {
            let block = *head;
            // SAFETY: a free block holds the address of the next free block of its class.
            *head = unsafe { *(block as *const usize) };
            return block as *mut u8;
        }
        let size = 1usize << k;
        if st.end - st.next < size {
            let pages = size.div_ceil(PAGE).max(4);
            let prev = memory_grow(0, pages);
            if prev == usize::MAX {
                return null_mut();
            }
            let start = prev * PAGE;
            if start != st.end {
                st.next = start;
            }
            st.end = start + pages * PAGE;
        }
        let block = st.next;
        st.next += size;
        block as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let Some(k) = class(layout) else { return };
        // SAFETY: as in alloc.
        let st = unsafe { &mut *self.0.get() };
        if let Some(head) = st.free.get_mut(k) {
            // SAFETY: the block is ours, at least MIN bytes and MIN-aligned.
            unsafe { *(ptr as *mut usize) = *head };
            *head = ptr as usize;
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = Layout::from_size_align(new_size, layout.align());
        match new {
            Ok(new) if class(new) == class(layout) => ptr,
            Ok(new) => {
                // SAFETY: GlobalAlloc's contract, as the default realloc.
                let out = unsafe { self.alloc(new) };
                if !out.is_null() {
                    unsafe {
                        core::ptr::copy_nonoverlapping(ptr, out, layout.size().min(new_size));
                        self.dealloc(ptr, layout);
                    }
                }
                out
            }
            Err(_) => null_mut(),
        }
    }
}
