//! The JavaScript boundary of webhook verification (`pkg-template/lib/webhook.js` drives it).
//!
//! Minimal on purpose: the `asyntai-edge/webhooks` module holds only this and [`crate::webhook`],
//! within a 12 kB gzip budget. Every byte crosses through one scratch buffer per [`WebhookKeys`]:
//! JS asks for room ([`WebhookKeys::reserve`]), writes into it through a view on
//! [`webhook_memory`] (`TextEncoder.encodeInto` for strings, `Uint8Array.set` for bytes) and passes
//! lengths. So a check allocates nothing and copies the body once, and no string or array
//! conversion glue is generated. Results cross as numbers: 0, or a [`Reason::code`].

extern crate alloc;
use crate::webhook::{Reason, Verifier};
use alloc::alloc::alloc_zeroed;
use alloc::boxed::Box;
use core::alloc::Layout;
use wasm_bindgen::prelude::*;

/// Secrets (key schedules made once) and the scratch buffer.
#[wasm_bindgen]
#[derive(Debug, Default)]
pub struct WebhookKeys {
    verifier: Verifier,
    scratch: Box<[u8]>,
}

#[wasm_bindgen]
impl WebhookKeys {
    /// No secret yet.
    #[wasm_bindgen(constructor)]
    pub fn new() -> WebhookKeys {
        WebhookKeys::default()
    }

    /// Scratch of >= len bytes: its address, 0 if out of memory.
    pub fn reserve(&mut self, len: usize) -> usize {
        if self.scratch.len() < len {
            let Ok(layout) = Layout::array::<u8>(len) else { return 0 };
            // SAFETY: `len` > 0 (it exceeds a length); on success the block is `len` zeroed bytes
            // from the global allocator with the layout a `Box<[u8]>` of `len` frees with.
            let ptr = unsafe { alloc_zeroed(layout) };
            if ptr.is_null() {
                return 0;
            }
            self.scratch = unsafe { Box::from_raw(core::ptr::slice_from_raw_parts_mut(ptr, len)) };
        }
        self.scratch.as_ptr() as usize
    }

    /// Adds the secret in scratch[..len].
    pub fn add(&mut self, len: usize) {
        self.verifier.add(self.scratch.get(..len).unwrap_or(&[]));
    }

    /// Body then header in scratch: 0 (verified) or a reason code.
    pub fn check(&self, body_len: usize, header_len: usize) -> u32 {
        let (body, rest) = self.scratch.split_at_checked(body_len).unwrap_or_default();
        let header = rest.get(..header_len).unwrap_or(&[]);
        match self.verifier.verify_bytes(body, header) {
            Ok(()) => 0,
            Err(reason) => reason.code(),
        }
    }

    /// Writes the signature of scratch[..body_len] after it: 0 or a reason code.
    pub fn sign(&mut self, body_len: usize) -> u32 {
        let Some((body, rest)) = self.scratch.split_at_mut_checked(body_len) else {
            return Reason::MalformedSignature.code();
        };
        match (self.verifier.sign(body), rest.get_mut(..64)) {
            (Ok(hex), Some(out)) => {
                out.copy_from_slice(&hex);
                0
            }
            (Err(reason), _) => reason.code(),
            (Ok(_), None) => Reason::MalformedSignature.code(),
        }
    }
}

/// The module's WebAssembly.Memory.
#[wasm_bindgen(js_name = webhookMemory)]
pub fn webhook_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// The allocator of the `webhooks` module (built without `client`): power-of-two size classes with
/// one free list each, fed by `memory.grow`. A few hundred bytes of code instead of dlmalloc's
/// several kilobytes, which matters for the 12 kB budget of `asyntai-edge/webhooks`; the module
/// allocates little (the secrets' key schedules, one scratch buffer per `WebhookKeys`, the
/// arguments wasm-bindgen passes), so the classes' slack costs nothing that matters.
#[cfg(not(feature = "client"))]
mod allocator {
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
}
