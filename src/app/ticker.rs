//! A requestAnimationFrame loop that runs only while something wants frames.
//!
//! One closure is created per ticker and lives as long as the page; `kick` schedules a
//! frame if none is pending, and the callback reschedules itself while it returns true.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

type FrameFn = Box<dyn FnMut(f64) -> bool>;
type RafClosure = RefCell<Option<Closure<dyn FnMut(f64)>>>;

struct Inner {
    scheduled: Cell<bool>,
    on_frame: RefCell<FrameFn>,
    closure: RafClosure,
}

/// A frame loop (see the module docs).
#[derive(Clone)]
pub struct Ticker {
    inner: Rc<Inner>,
}

impl Ticker {
    /// A ticker calling `on_frame(timestamp_ms)`; it keeps going while that returns true.
    pub fn new(on_frame: impl FnMut(f64) -> bool + 'static) -> Self {
        let inner = Rc::new(Inner {
            scheduled: Cell::new(false),
            on_frame: RefCell::new(Box::new(on_frame)),
            closure: RefCell::new(None),
        });
        let weak = Rc::downgrade(&inner);
        let closure = Closure::<dyn FnMut(f64)>::new(move |ts: f64| {
            let Some(inner) = weak.upgrade() else { return };
            inner.scheduled.set(false);
            let again = (inner.on_frame.borrow_mut())(ts);
            if again {
                Ticker { inner }.kick();
            }
        });
        *inner.closure.borrow_mut() = Some(closure);
        Self { inner }
    }

    /// Runs a frame's work now (at `now`, ms), without waiting for the next frame, and
    /// keeps going from the next one if it asks to.
    pub fn run_now(&self, now: f64) {
        let again = (self.inner.on_frame.borrow_mut())(now);
        if again {
            self.kick();
        }
    }

    /// Schedules a frame unless one is pending.
    pub fn kick(&self) {
        if self.inner.scheduled.get() {
            return;
        }
        let Some(w) = web_sys::window() else { return };
        if let Some(c) = self.inner.closure.borrow().as_ref() {
            if w.request_animation_frame(c.as_ref().unchecked_ref()).is_ok() {
                self.inner.scheduled.set(true);
            }
        }
    }
}
