//! The timeline window's arithmetic: which messages are in the page as the member scrolls.

use wasm_bindgen_test::*;
use weft::features::chat::components::timeline_window::{STEP, TimelineWindow, WINDOW};

wasm_bindgen_test_configure!(run_in_browser);

fn seqs(count: u64) -> Vec<u64> {
    (1..=count).collect()
}

#[wasm_bindgen_test]
fn a_new_window_shows_the_newest_messages_up_to_its_size() {
    let window = TimelineWindow::newest();
    assert!(window.follows_newest());
    assert_eq!(window.range(&seqs(10_000)), 10_000 - WINDOW..10_000);
    assert_eq!(window.range(&seqs(30)), 0..30);
    assert_eq!(window.range(&[]), 0..0);
}

#[wasm_bindgen_test]
fn moving_earlier_walks_back_step_by_step_and_stops_at_the_oldest_loaded() {
    let all = seqs(300);
    let mut window = TimelineWindow::newest();
    assert!(window.earlier(&all));
    assert!(!window.follows_newest());
    assert_eq!(window.range(&all), 300 - WINDOW - STEP..300 - STEP);
    let mut moves = 1;
    while window.earlier(&all) {
        moves += 1;
        assert_eq!(window.range(&all).len(), WINDOW, "the window stays full");
    }
    assert_eq!(window.range(&all), 0..WINDOW);
    assert_eq!(moves, (300 - WINDOW).div_ceil(STEP));
    let mut short = TimelineWindow::newest();
    assert!(!short.earlier(&seqs(WINDOW as u64)), "everything loaded is already shown");
}

#[wasm_bindgen_test]
fn moving_later_returns_to_following_the_newest() {
    let all = seqs(500);
    let mut window = TimelineWindow::newest();
    for _ in 0..5 {
        window.earlier(&all);
    }
    let mut moves = 0;
    while window.later(&all) {
        moves += 1;
    }
    assert_eq!(moves, 5);
    assert!(window.follows_newest());
    assert_eq!(window.range(&all), 500 - WINDOW..500);
}

#[wasm_bindgen_test]
fn a_window_reading_back_stays_put_when_messages_arrive_or_older_pages_load() {
    let mut loaded: Vec<u64> = (101..=400).collect();
    let mut window = TimelineWindow::newest();
    window.earlier(&loaded);
    window.earlier(&loaded);
    let shown = loaded[window.range(&loaded)].to_vec();
    loaded.extend(401..=450);
    assert_eq!(loaded[window.range(&loaded)], shown[..], "newer messages arriving do not move it");
    loaded.splice(0..0, 1..=100);
    assert_eq!(loaded[window.range(&loaded)], shown[..], "an older page loading above does not move it");
}
