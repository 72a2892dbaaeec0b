//! The animation pattern every figure shares: a frame loop that runs only while the
//! figure is playing and on screen.

use leptos::html;
use leptos::prelude::*;

use super::ticker::Ticker;
use super::visibility::use_on_screen;

/// Runs `frame` once per animation frame while `playing` is true and `figure` is on
/// screen; `frame` returns false to stop (it should then set `playing` to false).
pub fn use_animation(
    figure: NodeRef<html::Figure>,
    playing: RwSignal<bool>,
    mut frame: impl FnMut() -> bool + 'static,
) {
    let on_screen = use_on_screen(figure);
    let ticker = Ticker::new(move |_| {
        if !playing.get_untracked() || !on_screen.get_untracked() || super::browser::document_hidden() {
            return false;
        }
        frame()
    });
    let ticker = StoredValue::new_local(ticker);
    Effect::new(move |_| {
        if playing.get() && on_screen.get() {
            ticker.with_value(Ticker::kick);
        }
    });
    let visible = window_event_listener_untyped("visibilitychange", move |_| {
        if !super::browser::document_hidden() {
            ticker.with_value(Ticker::kick);
        }
    });
    on_cleanup(move || visible.remove());
}
